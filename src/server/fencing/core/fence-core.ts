// The self-fencing decision, pure: observations and times in, a verdict (fenced, why) and actions
// out (drain()). A master that cannot show it is still the master refuses writes: its authority
// (authority.ts) was not heard by a majority for the lease, it was stalled, a newer configuration
// names another master, or it restarted and its authority has not confirmed it yet. The wiring
// (../fence.ts) reads the node and carries the actions out.

import { Authority, majorityOf } from './authority.js';
import { ConfigEpochs, type Announcement } from './config-epochs.js';
import { HeartbeatLog } from './heartbeats.js';
import { CONFIRM_AFTER_TICKS, RESTART_GRACE_MS, stallThreshold, type FenceAction, type FenceReason, type NodeView, type TickObservation } from './types.js';

export class FenceCore {
  fenced = false;
  reason: FenceReason | null = null;
  private fencedAt = 0;
  private ticksSinceFence = 0;
  /** Confirmations count only from this time (CONFIRM_AFTER_TICKS after the fence). */
  private confirmAfter = Infinity;
  private lastTick: number;
  private readonly heartbeats = new HeartbeatLog();
  private readonly epochs = new ConfigEpochs();
  /** The members remembered at boot, while a restart waits for a majority of them. */
  private readonly bootIds = new Set<string>();
  private restartedAt = 0;
  private actions: FenceAction[] = [];

  constructor(
    now: number,
    readonly authority: Authority = new Authority(),
  ) {
    this.lastTick = now;
  }

  /** The actions decided since the last drain, in order. */
  drain(): FenceAction[] {
    const actions = this.actions;
    this.actions = [];
    return actions;
  }

  /** The lease in force: fence-lease-ms, shortened to the shortest lease a member asked for. */
  lease(node: NodeView): number {
    return node.configuredLeaseMs <= 0 ? 0 : this.authority.shortestLease(node.configuredLeaseMs);
  }

  /** Fencing applies to a master with a lease that has an authority or uses min-replicas-to-write. */
  active(node: NodeView): boolean {
    return this.lease(node) > 0 && !node.isReplica && (this.authority.size > 0 || node.minReplicasToWrite > 0);
  }

  /**
   * At boot, with the members remembered from before: a master begins fenced, since its authority
   * may have promoted a replica while it was down (or be about to). A node booting as a replica
   * forgets them: it starts from those it meets, and ids nobody answers to any more would count in
   * every majority it needs once promoted. Returns the number of members it waits for.
   */
  boot(remembered: readonly string[], node: NodeView, now: number): number {
    if (remembered.length === 0 || node.isReplica || this.lease(node) <= 0) {
      this.emit({ type: 'forget-remembered' });
      return 0;
    }
    for (const id of remembered) {
      this.authority.remember(id);
      this.bootIds.add(id);
    }
    this.restartedAt = now;
    this.fence('restart', now);
    return this.bootIds.size;
  }

  /**
   * A member times its failover by a lease it requested (promoting only once lease + margin have
   * passed since we last answered it). Returns the lease now in force, never longer than `ms`.
   */
  requestLease(id: string, ms: number, node: NodeView, now: number): number {
    this.authority.requestLease(id, ms, now);
    return this.lease(node);
  }

  /** A heartbeat from `id` on `link` acknowledging `ack` of our replies; ours goes out at `now`. */
  heartbeat(id: string, link: number, ack: number, now: number): void {
    this.authority.startAcking(id);
    const sentAt = this.heartbeats.beat(link, ack, now);
    if (sentAt === undefined) return;
    this.authority.hearConfirmed(id, sentAt);
    this.emit({ type: 'changed' });
  }

  /** The write gate: why writes are refused, null when they may go on. */
  check(node: NodeView, now: number): FenceReason | null {
    if (!this.active(node)) return null;
    this.observeStall(node, now);
    if (!this.fenced && this.leaseExpired(node, now)) this.fence('lease', now);
    return this.fenced ? this.reason : null;
  }

  /**
   * A configuration announcement (a hello), which came over its sender's own link: it counts as
   * hearing from it. One naming us at the newest epoch confirms us; one naming another master at a
   * newer epoch fences at once.
   */
  announce(a: Announcement, node: NodeView, now: number): void {
    this.authority.hear(a.from, now);
    if (!Number.isFinite(a.epoch)) return;
    const verdict = this.epochs.observe(a.epoch, a.namesUs, node.isReplica);
    if (verdict === 'confirms') this.authority.confirm(a.from, now);
    else if (verdict === 'supersedes' && this.lease(node) > 0) this.fence('config', now);
  }

  /** Every cron tick: stall detection, who was heard, role changes, the restart wait, unfencing. */
  cron(node: NodeView, seen: TickObservation, now: number): void {
    this.observeStall(node, now);
    this.lastTick = now;
    this.heartbeats.retain(seen.linkOpen);
    for (const [id, at] of seen.traffic) this.authority.hear(id, at);
    if (node.isReplica) {
      // Made a replica before its remembered members confirmed it (`up` starts every node as a
      // master and then points it): those that never answered are not its group any more.
      if (this.bootIds.size > 0) this.forgetAbsent();
      this.unfence('this node is a replica now');
      return;
    }
    if (!this.active(node)) {
      this.unfence('fencing is not active');
      return;
    }
    // The group to remember is settled once a restart is confirmed: newcomers must not raise the
    // majority the remembered group needs to confirm it.
    if (this.reason !== 'restart') this.emit({ type: 'remember', ids: this.authority.ids() });
    if (this.restartGraceOver(now) && !this.giveUpRestartWait()) return;
    if (this.fenced) this.awaitConfirmation(node, seen, now);
    else if (this.leaseExpired(node, now)) this.fence('lease', now);
  }

  fence(reason: FenceReason, now: number): void {
    // A stall or a newer configuration outranks a lease that merely ran out.
    if (this.fenced && (reason === 'lease' || this.reason === 'config')) return;
    const wasFenced = this.fenced;
    this.fenced = true;
    this.reason = reason;
    this.fencedAt = now;
    this.ticksSinceFence = 0;
    this.confirmAfter = Infinity;
    // Say what the lease saw: how long ago each member was last heard (confirmed, for acking ones).
    const ages = this.authority.describe(now) || 'none';
    this.log('warning', `Fenced (${reason}): refusing writes until the sentinels (or replicas) confirm this master (last heard: ${ages})`);
    this.emit({ type: 'changed' });
    if (!wasFenced) this.emit({ type: 'disconnect-clients' });
  }

  /**
   * A timer that fires far later than scheduled means the process was stopped (SIGSTOP, long GC):
   * what its sockets hold now may have been sent long ago, and a replica may have been promoted
   * meanwhile. Checked before a write too, since after SIGCONT I/O may run before timers.
   */
  private observeStall(node: NodeView, now: number): void {
    if (now - this.lastTick <= stallThreshold(this.lease(node))) return;
    const stalledMs = now - this.lastTick;
    this.lastTick = now;
    if (!this.active(node)) return;
    // With every member acknowledging heartbeats, nothing read after the stall can make the lease
    // look fresher than it is: the lease rule alone decides, and a GC pause shorter than the lease
    // costs no availability.
    if (this.authority.allAcking) {
      this.log('notice', `Stalled for ${stalledMs} ms: the lease decides (heartbeats are acknowledged)`);
      return;
    }
    this.fence('stall', now);
  }

  private leaseExpired(node: NodeView, now: number): boolean {
    // Without an authority, min-replicas-to-write / max-lag already refuse writes (NOREPLICAS, as
    // Redis); what fencing adds there is the stall rule and its confirmation by fresh ACKs.
    if (this.authority.size === 0) return false;
    return this.authority.freshCount(now, this.lease(node)) < this.authority.majority();
  }

  /**
   * Confirmed since the fence: by a majority of the authority's announcements naming us or, with
   * no authority, by min-replicas-to-write replicas ACKing (Redis's own write quorum).
   */
  private confirmedNow(node: NodeView, seen: TickObservation): boolean {
    if (this.authority.size > 0) return this.authority.confirmations(this.confirmAfter) >= this.authority.majority();
    let count = 0;
    for (const at of seen.replicaAckTimes) if (at >= this.confirmAfter) count++;
    return count >= node.minReplicasToWrite;
  }

  private awaitConfirmation(node: NodeView, seen: TickObservation, now: number): void {
    this.ticksSinceFence++;
    if (this.ticksSinceFence === CONFIRM_AFTER_TICKS) this.confirmAfter = now;
    // Confirmed after a restart by a majority of the group it remembers (the members may have been
    // replaced meanwhile, and newcomers' confirmations count): the absent ones stop counting.
    if (this.reason === 'restart' && this.bootIds.size > 0 && this.authority.confirmations(this.confirmAfter) >= majorityOf(this.bootIds.size)) {
      this.forgetAbsent();
    }
    if (this.confirmedNow(node, seen) && !this.leaseExpired(node, now)) this.unfence(`confirmed ${now - this.fencedAt} ms after fencing`);
  }

  /** A restart fence none of whose remembered members was heard within RESTART_GRACE_MS. */
  private restartGraceOver(now: number): boolean {
    if (!this.fenced || this.reason !== 'restart' || now - this.restartedAt <= RESTART_GRACE_MS) return false;
    for (const id of this.bootIds) if (this.authority.everHeard(id)) return false;
    return true;
  }

  /**
   * The remembered group is gone (replaced, or the cluster rebuilt): members met since then, if
   * any, confirm this master on their own; with none it serves writes. False when it unfenced.
   */
  private giveUpRestartWait(): boolean {
    const gone = `of the ${this.bootIds.size} sentinel(s) that monitored this master before its restart came back within ${RESTART_GRACE_MS} ms`;
    if (this.forgetAbsent() === 0) {
      this.unfence(`none ${gone}`);
      return false;
    }
    this.log('notice', `None ${gone}: a majority of the ${this.authority.size} it met since must confirm it`);
    return true;
  }

  /** Drops remembered members not heard since boot; the restart waits for them no more. */
  private forgetAbsent(): number {
    this.bootIds.clear();
    const left = this.authority.forgetNeverHeard();
    this.emit({ type: 'forget-remembered' }); // rewrite the remembered group with the members of now
    return left;
  }

  private unfence(why: string): void {
    if (!this.fenced) return;
    this.fenced = false;
    this.reason = null;
    this.log('notice', `Unfenced: ${why}`);
  }

  private log(level: 'notice' | 'warning', message: string): void {
    this.emit({ type: 'log', level, message });
  }

  private emit(action: FenceAction): void {
    this.actions.push(action);
  }
}
