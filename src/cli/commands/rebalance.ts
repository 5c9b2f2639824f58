// clusterctl rebalance: even out the slots among a Redis Cluster's masters (moves as `reshard`).

import { Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import { CliError, EXIT } from '../errors.js';
import type { RebalanceResult } from '../ops/reshard/rebalance.js';
import { formatDuration } from '../util/duration.js';
import { durationFlag } from '../util/duration-flag.js';
import { slotProgressBar } from '../render/progress-bar.js';

export default class Rebalance extends BaseCommand {
  static override summary = 'Redis Cluster: even out the slots among the masters (keys with MIGRATE, clients follow ASK).';
  static override description =
    'Each master that owns slots should own 16384 / N of them; when one is off by more than --threshold percent, the most loaded master gives its lowest slots ' +
    'to the least loaded one, pair after pair, one slot at a time as `reshard` moves them. Ctrl-C finishes the slot in flight and stops.';
  static override examples = ['<%= config.bin %> rebalance', '<%= config.bin %> rebalance --threshold 0 --json'];
  static override flags = {
    threshold: Flags.integer({ summary: 'Move nothing unless some master is off by more than this many percent (redis-cli\'s default: 2).', default: 2, min: 0 }),
    pipeline: Flags.integer({ summary: 'Keys per MIGRATE.', default: 100, min: 1 }),
    timeout: Flags.string({ summary: 'Give up waiting for the cluster to settle after this long.', default: '120s' }),
  };

  async run(): Promise<RebalanceResult> {
    const { flags } = await this.parse(Rebalance);
    const { state, paths } = this.openCluster(flags);
    if (!state.spec.cluster) throw new CliError('rebalance applies to a Redis Cluster (mode: cluster) only', { exit: EXIT.USAGE, code: 'USAGE' });
    const { rebalance } = await import('../ops/reshard/rebalance.js');
    const onProgress = slotProgressBar(this.jsonEnabled());
    const result = await rebalance(state, paths, { thresholdPct: flags.threshold, pipeline: flags.pipeline, timeoutMs: durationFlag(flags.timeout), onProgress });
    if (!result.changed) this.log(`Balanced already (every master within ${flags.threshold}% of its share): ${Object.entries(result.before).map(([n, c]) => `${n} ${c}`).join(', ')}.`);
    for (const move of result.moves) this.log(`Moved ${move.slotCount} slots (${move.slots.join(',')}) from ${move.from} to ${move.to}.`);
    if (result.changed) this.log(`Rebalanced in ${formatDuration(result.durationMs)}: ${Object.entries(result.after).map(([n, c]) => `${n} ${c}`).join(', ')} slots, ${result.keysMoved} keys moved.`);
    if (!result.complete) process.exitCode = EXIT.INTERRUPTED;
    return result;
  }
}
