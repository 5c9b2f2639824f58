// clusterctl failover: a coordinated manual failover (no sentinels) or one run by the sentinels,
// printed with their event timeline.

import { Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import type { FailoverResult } from '../ops/failover/failover-result.js';
import { SELECTOR_HELP } from '../help-text.js';
import { formatDuration } from '../util/duration.js';
import { durationFlag } from '../util/duration-flag.js';

export default class Failover extends BaseCommand {
  static override summary = 'Promote a replica without losing writes: pause writes, let it catch up, switch roles.';
  static override description =
    'Pauses writes on the master (CLIENT PAUSE WRITE), waits until the target has the same offset, promotes it (REPLICAOF NO ONE), ' +
    'repoints the master\'s other replicas and demotes the old master under it, then lifts the pause. Default target: the most caught-up replica. ' +
    'With sentinels, asks them instead (SENTINEL FAILOVER; --to by replica priorities), prints their events and waits until they all agree on the new master.';
  static override examples = ['<%= config.bin %> failover', '<%= config.bin %> failover --to r2 --json'];
  static override flags = {
    to: Flags.string({ summary: `Replica to promote: ${SELECTOR_HELP}.` }),
    timeout: Flags.string({ summary: 'Give up after this long (without sentinels: writes resume, roles unchanged).', default: '30s' }),
  };

  async run(): Promise<FailoverResult> {
    const { flags } = await this.parse(Failover);
    const { state, paths } = this.openCluster(flags);
    const { failover } = await import('../ops/failover/failover.js');
    const result = await failover(state, paths, flags.to, durationFlag(flags.timeout));
    const at = result.offset === null ? ' (by the sentinels)' : `, at offset ${result.offset}`;
    this.log(`Failover done in ${formatDuration(result.durationMs)}: ${result.newMaster} is the master (was ${result.oldMaster})${at}.`);
    const paused = result.writesPausedMs === null ? '' : `writes paused ${formatDuration(result.writesPausedMs)}; `;
    this.log(`  ${paused}now replicating from ${result.newMaster}: ${result.repointed.join(', ')}`);
    if (result.events?.length) {
      // The sentinels' own events (Redis Sentinel's names and details), first report of each.
      const all = state.sentinels.length;
      this.log('  sentinel events:');
      for (const event of result.events) {
        const who = event.sentinels.length === all ? 'all' : event.sentinels.join(',');
        this.log(`    ${`+${event.atMs} ms`.padStart(9)}  ${event.event} ${event.detail}  (${who})`);
      }
    }
    return result;
  }
}
