// clusterctl failover: a coordinated manual failover (no sentinels) or one run by the sentinels,
// printed with their event timeline.

import { Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import { CliError, EXIT } from '../errors.js';
import type { FailoverResult } from '../ops/failover/failover-result.js';
import { SELECTOR_HELP } from '../help-text.js';
import { formatDuration } from '../util/duration.js';
import { durationFlag } from '../util/duration-flag.js';

export default class Failover extends BaseCommand {
  static override summary = 'Promote a replica without losing writes: pause writes, let it catch up, switch roles.';
  static override description =
    'Pauses writes on the master (CLIENT PAUSE WRITE), waits until the target has the same offset, promotes it (REPLICAOF NO ONE), ' +
    'repoints the master\'s other replicas and demotes the old master under it, then lifts the pause. Default target: the most caught-up replica. ' +
    'With sentinels, asks them instead (SENTINEL FAILOVER; --to by replica priorities), prints their events and waits until they all agree on the new master. ' +
    'On a Redis Cluster (mode: cluster): CLUSTER FAILOVER [FORCE|TAKEOVER] on a replica of --shard N, with the timeline of what the nodes reported.';
  static override examples = ['<%= config.bin %> failover', '<%= config.bin %> failover --to r2 --json', '<%= config.bin %> failover --shard 2', '<%= config.bin %> failover --shard 1 --force'];
  static override flags = {
    to: Flags.string({ summary: `Replica to promote: ${SELECTOR_HELP}.` }),
    shard: Flags.integer({ summary: 'Redis Cluster: the shard to fail over (its most caught-up replica takes over, or --to).', min: 1 }),
    force: Flags.boolean({ summary: 'Redis Cluster: CLUSTER FAILOVER FORCE (the master may be down; the replica still needs the masters\' votes).', exclusive: ['takeover'] }),
    takeover: Flags.boolean({ summary: 'Redis Cluster: CLUSTER FAILOVER TAKEOVER (no vote: the replica bumps the epoch itself).', exclusive: ['force'] }),
    timeout: Flags.string({ summary: 'Give up after this long (without sentinels: writes resume, roles unchanged).', default: '30s' }),
  };

  async run(): Promise<FailoverResult> {
    const { flags } = await this.parse(Failover);
    const { state, paths } = this.openCluster(flags);
    if (state.spec.cluster) {
      const { clusterFailover } = await import('../ops/failover/failover-cluster.js');
      const mode = flags.force ? 'force' : flags.takeover ? 'takeover' : 'default';
      const result = await clusterFailover(state, paths, { shard: flags.shard, to: flags.to, mode, timeoutMs: durationFlag(flags.timeout) });
      this.log(`Failover of shard ${result.shard} done in ${formatDuration(result.durationMs)}: ${result.newMaster} is its master (was ${result.oldMaster}), CLUSTER FAILOVER${mode === 'default' ? '' : ` ${mode.toUpperCase()}`}.`);
      this.log(`  replicating from ${result.newMaster}: ${result.repointed.join(', ') || 'none yet'}${result.settled ? '' : ' (the cluster had not settled yet: see clusterctl status)'}`);
      if (result.clusterEvents?.length) {
        this.log('  cluster events (as the nodes reported them):');
        for (const event of result.clusterEvents) {
          const who = event.seenBy.length === state.nodes.length ? 'all' : event.seenBy.join(',');
          this.log(`    ${`+${event.atMs} ms`.padStart(9)}  ${event.node} ${event.event}${event.detail ? ` ${event.detail}` : ''}  (${who})`);
        }
      }
      return result;
    }
    if (flags.shard !== undefined || flags.force || flags.takeover) {
      throw new CliError('--shard, --force and --takeover apply to a Redis Cluster (mode: cluster) only', { exit: EXIT.USAGE, code: 'USAGE' });
    }
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
