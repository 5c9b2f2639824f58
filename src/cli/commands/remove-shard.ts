// clusterctl remove-shard N: shard N's slots go to the other masters, then its nodes leave the
// Redis Cluster and stop.

import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import { CliError, EXIT } from '../errors.js';
import type { RemoveShardResult } from '../ops/shards/remove-shard.js';
import { slotProgressBar } from '../render/progress-bar.js';
import { formatDuration } from '../util/duration.js';
import { durationFlag } from '../util/duration-flag.js';

export default class RemoveShard extends BaseCommand {
  static override summary = 'Redis Cluster: move all of shard N\'s slots to the other masters, then take its nodes out of the cluster and stop them.';
  static override description =
    'The cluster must be healthy and keep another master. The slots move one at a time (keys with MIGRATE, clients follow ASK), spread so the other ' +
    'masters end as even as they can; then every other node runs CLUSTER FORGET for each of the shard\'s nodes and they are stopped within the ' +
    '60 s ban (as redis-cli --cluster del-node). No key is deleted: a key moves or stays. Their folders stay until `down --purge`. ' +
    'Ctrl-C while slots move finishes the slot in flight and stops (the shard stays, with its remaining slots).';
  static override examples = ['<%= config.bin %> remove-shard 1', '<%= config.bin %> remove-shard 3 --json'];
  static override args = {
    shard: Args.integer({ description: 'The shard number (as `clusterctl status` shows it).', required: true, min: 1 }),
  };
  static override flags = {
    pipeline: Flags.integer({ summary: 'Keys per MIGRATE.', default: 100, min: 1 }),
    timeout: Flags.string({ summary: 'Give up waiting for the cluster to settle afterwards after this long.', default: '120s' }),
  };

  async run(): Promise<RemoveShardResult> {
    const { args, flags } = await this.parse(RemoveShard);
    const { state, paths } = this.openCluster(flags);
    if (!state.spec.cluster) throw new CliError('remove-shard applies to a Redis Cluster (mode: cluster) only', { exit: EXIT.USAGE, code: 'USAGE' });
    const { removeShard } = await import('../ops/shards/remove-shard.js');
    const result = await removeShard(state, paths, args.shard, { pipeline: flags.pipeline, timeoutMs: durationFlag(flags.timeout), onProgress: slotProgressBar(this.jsonEnabled()) });
    for (const move of result.moves) this.log(`Moved ${move.slotCount} slots (${move.slots.join(',')}) to ${move.to}.`);
    const nodes = result.nodes.map((node) => `${node.name}${node.pid ? ` (pid ${node.pid})` : ''}`).join(', ');
    if (result.complete) {
      this.log(`Removed shard ${result.shard} in ${formatDuration(result.durationMs)}: ${result.slotsMoved} slots and ${result.keysMoved} keys moved; ${nodes} forgotten by the other nodes and stopped.`);
      if (!result.settled) this.log('The cluster had not settled yet: see clusterctl status.');
    } else {
      this.log(`Stopped after moving ${result.slotsMoved} slots (${result.keysMoved} keys): shard ${result.shard} is still there with its other slots. Run remove-shard ${result.shard} again to finish.`);
      process.exitCode = EXIT.INTERRUPTED;
    }
    return result;
  }
}
