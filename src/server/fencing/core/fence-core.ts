// The self-fencing decision, pure: observations and times in, a verdict (fenced, why) and actions
// out (drain()). A master that cannot show it is still the master refuses writes: its authority
// (authority.ts) was not heard by a majority for the lease, it was stalled, a newer configuration
// names another master, it restarted and its authority has not confirmed it yet, or a forced
// failover asked it to step aside. It promises nothing more: a master with no member left (all
// released it, or only redis-sentinels watch it) behaves as redis-server, unless fence-heuristic.
// The wiring (../fence.ts) reads the node and carries the actions out.

import { Authority, majorityOf } from './authority.js';
import { ConfigEpochs, type Announcement } from './config-epochs.js';
import { explainFence } from './explain.js';
import { HeartbeatLog } from './heartbeats.js';
import { CONFIRM_AFTER_TICKS, stallThreshold, type FenceAction, type FenceExplanation, type FenceReason, type NodeView, type TickObservation } from './types.js';

/** Which fence a new one may replace: a newer configuration is never replaced, a forced failover only by it. */
const RANK: Record<FenceReason, number> = { lease: 0, restart: 1, stall: 1, failover: 2, config: 3 };

export class FenceCore {
  fenced = false;
  reason: FenceReason | null = null;
  fencedAt = 0;
  private ticksSinceFence = 0;
  /** Confirmations count only from this time (CONFIRM_AFTER_TICKS after the fence). */
  confirmAfter = Infinity;
  private lastTick: number;
  /** The last stall seen (for the explanation). */
  stalledMs = 0;
  /** Who announced the configuration that superseded this master, and its epoch. */
  superseded: { from: string; epoch: number } | null = null;
  /** A forced failover's leader asked this master to refuse writes until then. */
  failover: { by: string; until: number } | null = null;
  private readonly heartbeats = new HeartbeatLog();
  private readonly epochs = new ConfigEpochs();
  /** The members remembered at boot, while a restart waits for a majority of them. */
  readonly bootIds = new Set<string>();
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

  /** Fencing applies to a master with a lease and members (or, under fence-heuristic, min-replicas-to-write). */
  active(node: NodeView): boolean {
    this.authority.setHeuristic(node.heuristic);
    return this.lease(node) > 0 && !node.isReplica && (this.authority.size > 0 || (node.heuristic && node.minReplicasToWrite > 0));
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

  /**
   * `id` released its lease (FENCING RELEASE: it stopped monitoring this node), or an operator told
   * us to forget it (FENCING FORGET): it can fence this node no more. With none left, writes go on.
   */
  release(id: string, node: NodeView, now: number, by: 'released' | 'forgotten' = 'released'): boolean {
    if (!this.authority.release(id)) return false;
    this.bootIds.delete(id);
    if (this.failover?.by === id) this.failover = null;
    this.log('notice', `Sentinel ${id} ${by === 'released' ? 'released its lease' : 'was forgotten (FENCING FORGET)'}: ${this.authority.size} sentinel(s) can fence this master now`);
    this.emit({ type: 'forget-remembered' });
    this.reconsider(node, now);
    this.emit({ type: 'changed' });
    return true;
  }

  /** FENCING FENCE <ms> from member `id` (a forced failover's leader); 0 lifts what it asked for. */
  stepAside(id: string, ms: number, node: NodeView, now: number): void {
    if (ms <= 0) {
      if (this.failover?.by !== id) return;
      this.failover = null;
      if (this.reason === 'failover') this.unfence(`the forced failover by ${id} was aborted`);
      this.reconsider(node, now);
      this.emit({ type: 'changed' });
      return;
    }
    this.failover = { by: id, until: now + ms };
    this.fence('failover', now);
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
   * hearing from it. One naming us at the newest epoch confirms us; one from a member naming
   * another master at a newer epoch fences at once.
   */
  announce(a: Announcement, node: NodeView, now: number): void {
    this.authority.setHeuristic(node.heuristic);
    this.authority.hear(a.from, now);
    if (!Number.isFinite(a.epoch)) return;
    const verdict = this.epochs.observe(a.epoch, a.namesUs, node.isReplica);
    if (verdict === 'confirms') this.authority.confirm(a.from, now);
    else if (verdict === 'supersedes' && this.lease(node) > 0 && this.authority.has(a.from)) {
      this.superseded = { from: a.from, epoch: a.epoch };
      this.fence('config', now);
    }
  }

  /** Every cron tick: stall detection, who was heard, role changes, the restart wait, unfencing. */
  cron(node: NodeView, seen: TickObservation, now: number): void {
    this.authority.setHeuristic(node.heuristic);
    this.observeStall(node, now);
    this.lastTick = now;
    this.heartbeats.retain(seen.linkOpen);
    for (const [id, at] of seen.traffic) this.authority.hear(id, at);
    if (node.isReplica) {
      // Made a replica before its remembered members confirmed it (`up` starts every node as a
      // master and then points it): those that never answered are not its group any more.
      if (this.bootIds.size > 0) this.forgetAbsent();
      this.failover = null;
      this.unfence('this node is a replica now');
      return;
    }
    if (!this.active(node)) {
      this.unfence(this.lease(node) <= 0 ? 'fence-lease-ms is 0' : 'no sentinel holds a lease on this master any more');
      return;
    }
    // The group to remember is settled once a restart is confirmed: newcomers must not raise the
    // majority the remembered group needs to confirm it.
    if (this.reason !== 'restart') this.emit({ type: 'remember', ids: this.authority.ids() });
    if (this.reason === 'failover') this.awaitFailoverEnd(node, now);
    else if (this.fenced) this.awaitConfirmation(node, seen, now);
    else if (this.leaseExpired(node, now)) this.fence('lease', now);
  }

  fence(reason: FenceReason, now: number): void {
    if (this.fenced && (this.reason === 'config' || reason === 'lease' || RANK[reason] < RANK[this.reason!])) return;
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

  /** Why it is fenced and what lifts it (null when it is not). */
  explain(node: NodeView, now: number): FenceExplanation | null {
    if (!this.fenced || !this.reason) return null;
    return explainFence(this, this.reason, this.lease(node), now);
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
    this.stalledMs = stalledMs;
    this.fence('stall', now);
  }

  private leaseExpired(node: NodeView, now: number): boolean {
    // Without an authority, min-replicas-to-write / max-lag already refuse writes (NOREPLICAS, as
    // Redis); what fencing adds there (fence-heuristic) is the stall rule and its confirmation by fresh ACKs.
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

  /** A forced failover's fence ends at its deadline if no newer configuration came (it was not promoted). */
  private awaitFailoverEnd(node: NodeView, now: number): void {
    if (this.failover && now < this.failover.until) return;
    const by = this.failover?.by ?? '?';
    this.failover = null;
    this.unfence(`the forced failover by ${by} ended without a newer configuration`);
    this.reconsider(node, now);
  }

  /** After the group shrank or a fence ended: unfenced if nothing holds, fenced anew if the lease says so. */
  private reconsider(node: NodeView, now: number): void {
    if (!this.active(node)) {
      this.unfence('no sentinel holds a lease on this master any more');
      return;
    }
    if (this.reason === 'restart' && this.bootIds.size === 0) this.unfence('every sentinel it remembered released it');
    if (!this.fenced && this.leaseExpired(node, now)) this.fence('lease', now);
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
    this.superseded = null;
    this.log('notice', `Unfenced: ${why}`);
    this.emit({ type: 'changed' });
  }

  private log(level: 'notice' | 'warning', message: string): void {
    this.emit({ type: 'log', level, message });
  }

  private emit(action: FenceAction): void {
    this.actions.push(action);
  }
}
