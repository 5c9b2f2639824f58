// clusterctl add-shard: a new master (and replicas) joins a running Redis Cluster, then takes its
// share of the slots while clients keep writing.

import { Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import { CliError, EXIT } from '../errors.js';
import type { AddShardResult } from '../ops/shards/add-shard.js';
import { slotProgressBar } from '../render/progress-bar.js';
import { formatDuration } from '../util/duration.js';
import { durationFlag } from '../util/duration-flag.js';

export default class AddShard extends BaseCommand {
  static override summary = 'Redis Cluster: start a new shard (master and replicas), join it to the cluster and move its share of the slots to it.';
  static override description =
    'The cluster must be healthy. The new nodes start on free client and bus ports (counting up from the cluster\'s highest port), meet the cluster and ' +
    'replicate; once every node agrees and reports cluster_state:ok, the slots are evened out among all masters, the new one included (as `rebalance` ' +
    'moves them: one slot at a time, keys with MIGRATE, clients follow ASK). The shard takes the next shard number (numbers are never reused). ' +
    'Ctrl-C before slots move takes the new nodes out again; while slots move it finishes the slot in flight and stops.';
  static override examples = ['<%= config.bin %> add-shard', '<%= config.bin %> add-shard --replicas 2', '<%= config.bin %> add-shard --no-rebalance --json'];
  static override flags = {
    replicas: Flags.integer({ summary: 'Replicas of the new master (default: as many as the topology\'s first shard has).', min: 0, max: 10 }),
    rebalance: Flags.boolean({ summary: 'Move slots to the new shard (--no-rebalance: it joins owning none).', default: true, allowNo: true }),
    pipeline: Flags.integer({ summary: 'Keys per MIGRATE.', default: 100, min: 1 }),
    timeout: Flags.string({ summary: 'Give up (and take the new nodes out) when they have not joined after this long.', default: '120s' }),
  };

  async run(): Promise<AddShardResult> {
    const { flags } = await this.parse(AddShard);
    const { state, paths } = this.openCluster(flags);
    if (!state.spec.cluster) throw new CliError('add-shard applies to a Redis Cluster (mode: cluster) only', { exit: EXIT.USAGE, code: 'USAGE' });
    const { addShard } = await import('../ops/shards/add-shard.js');
    const { defaultReplicas } = await import('../ops/shards/new-shard.js');
    const json = this.jsonEnabled();
    const result = await addShard(state, paths, {
      replicas: flags.replicas ?? defaultReplicas(state),
      rebalance: flags.rebalance,
      pipeline: flags.pipeline,
      timeoutMs: durationFlag(flags.timeout),
      json,
      onProgress: slotProgressBar(json),
      onJoined: (shard) => flags.rebalance && !json && process.stderr.write(`Moving slots to ${shard.shardSpec.master} (shard ${shard.shard}):\n`),
    });
    const moves = result.rebalance?.moves ?? [];
    for (const move of moves) this.log(`Moved ${move.slotCount} slots (${move.slots.join(',')}) from ${move.from} to ${move.to}.`);
    const nodes = result.nodes.map((node) => `${node.name} :${node.port}`).join(', ');
    const slots = result.slotCount ? `${result.slotCount} slots (${result.slots})` : 'no slot yet (clusterctl rebalance moves some to it)';
    const keys = result.rebalance ? `, ${result.rebalance.keysMoved} keys moved` : '';
    this.log(`${result.complete ? 'Added' : 'Added (slot moves stopped early)'} shard ${result.shard}: ${nodes}; it owns ${slots}${keys}, in ${formatDuration(result.durationMs)}.`);
    if (!result.complete) process.exitCode = EXIT.INTERRUPTED;
    return result;
  }
}
