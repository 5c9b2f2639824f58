// clusterctl reshard: move hash slots between the shards of a Redis Cluster while clients keep
// writing; --fix closes the slots an interrupted move left open.

import { Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import { CliError, EXIT } from '../errors.js';
import type { FixResult, ReshardResult } from '../ops/reshard/reshard.js';
import { formatDuration } from '../util/duration.js';
import { durationFlag } from '../util/duration-flag.js';
import { slotProgressBar } from '../render/progress-bar.js';

export default class Reshard extends BaseCommand {
  static override summary = 'Redis Cluster: move slots from one shard to another (keys with MIGRATE, clients follow ASK); --fix closes open slots.';
  static override description =
    'Moves the lowest --slots N slots of --from to --to, one slot at a time as redis-cli does: SETSLOT IMPORTING on the target, MIGRATING on the source, ' +
    'the keys in batches with MIGRATE (never REPLACE: a key the target already has stops the move), then SETSLOT NODE on the target, the source and every other master. ' +
    '--from / --to take a shard number or a node (name or selector) that is a master. Ctrl-C finishes the slot in flight and stops. ' +
    '--fix: for every slot left MIGRATING / IMPORTING, finish the move when the importing node holds any key of it or the source has failed, otherwise set both sides STABLE; it prints which was done.';
  static override examples = ['<%= config.bin %> reshard --slots 1000 --from 1 --to 3', '<%= config.bin %> reshard --slots 10 --from shard2:master --to m1', '<%= config.bin %> reshard --fix'];
  static override flags = {
    slots: Flags.integer({ summary: 'How many slots to move.', min: 1 }),
    from: Flags.string({ summary: 'Source: a shard number, or a master by name or selector.' }),
    to: Flags.string({ summary: 'Target: a shard number, or a master by name or selector.' }),
    fix: Flags.boolean({ summary: 'Close the slots an interrupted move left open (finish or STABLE).', exclusive: ['slots', 'from', 'to'] }),
    pipeline: Flags.integer({ summary: 'Keys per MIGRATE.', default: 100, min: 1 }),
    timeout: Flags.string({ summary: 'Give up waiting for the cluster to settle after this long.', default: '120s' }),
  };

  async run(): Promise<ReshardResult | FixResult> {
    const { flags } = await this.parse(Reshard);
    const { state, paths } = this.openCluster(flags);
    if (!state.spec.cluster) throw new CliError('reshard applies to a Redis Cluster (mode: cluster) only', { exit: EXIT.USAGE, code: 'USAGE' });
    const timeoutMs = durationFlag(flags.timeout);
    const ops = await import('../ops/reshard/reshard.js');
    if (flags.fix) {
      const result = await ops.fixOpenSlots(state, paths, timeoutMs);
      if (result.fixed.length === 0) this.log('No open slot: nothing to fix.');
      for (const fix of result.fixed) {
        this.log(
          fix.action === 'finished'
            ? `slot ${fix.slot}: finished the move to ${fix.owner} (${fix.why}; ${fix.keysMoved} keys moved)`
            : fix.action === 'returned'
              ? `slot ${fix.slot}: closed, ${fix.owner} keeps it (${fix.why}; ${fix.keysMoved} keys moved)`
              : `slot ${fix.slot}: set STABLE, ${fix.owner} keeps it (${fix.why})`,
        );
      }
      return result;
    }
    if (flags.slots === undefined || flags.from === undefined || flags.to === undefined) {
      throw new CliError('reshard needs --slots N --from A --to B (or --fix)', { exit: EXIT.USAGE, code: 'USAGE' });
    }
    const onProgress = slotProgressBar(this.jsonEnabled());
    const result = await ops.reshard(state, paths, { slots: flags.slots, from: flags.from, to: flags.to, pipeline: flags.pipeline, timeoutMs, onProgress });
    const what = `${result.slotCount} slots (${result.moved.join(',') || 'none'}) from ${result.from.node} to ${result.to.node}, ${result.keysMoved} keys`;
    this.log(`${result.complete ? 'Moved' : 'Stopped after moving'} ${what} in ${formatDuration(result.durationMs)}.${result.settled ? '' : ' The cluster had not settled yet: see clusterctl status.'}`);
    if (!result.complete) process.exitCode = EXIT.INTERRUPTED;
    return result;
  }
}
