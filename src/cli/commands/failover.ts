// clusterctl failover: a coordinated manual failover (no sentinels): promote a replica safely.

import { Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import type { FailoverResult } from '../ops/failover.js';
import { SELECTOR_HELP } from '../help-text.js';
import { formatDuration } from '../util/duration.js';
import { durationFlag } from '../util/duration-flag.js';

export default class Failover extends BaseCommand {
  static override summary = 'Promote a replica without losing writes: pause writes, let it catch up, switch roles.';
  static override description =
    'Pauses writes on the master (CLIENT PAUSE WRITE), waits until the target has the same offset, promotes it (REPLICAOF NO ONE), ' +
    'repoints the master\'s other replicas and demotes the old master under it, then lifts the pause. Default target: the most caught-up replica.';
  static override examples = ['<%= config.bin %> failover', '<%= config.bin %> failover --to r2 --json'];
  static override flags = {
    to: Flags.string({ summary: `Replica to promote: ${SELECTOR_HELP}.` }),
    timeout: Flags.string({ summary: 'Give up (writes resume, roles unchanged) after this long.', default: '10s' }),
  };

  async run(): Promise<FailoverResult> {
    const { flags } = await this.parse(Failover);
    const { state, paths } = this.openCluster(flags);
    const { failover } = await import('../ops/failover.js');
    const result = await failover(state, paths, flags.to, durationFlag(flags.timeout));
    this.log(`Failover done in ${formatDuration(result.durationMs)}: ${result.newMaster} is the master (was ${result.oldMaster}), at offset ${result.offset}.`);
    this.log(`  writes paused ${formatDuration(result.writesPausedMs)}; now replicating from ${result.newMaster}: ${result.repointed.join(', ')}`);
    return result;
  }
}
