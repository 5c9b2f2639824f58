// Self-fencing: a master that cannot show it is still the master refuses writes and drops its
// normal clients (so they ask the sentinels again). Its sentinels are learnt from their connections
// (CLIENT SETNAME sentinel-<id>-cmd) and hello messages (protocol doc 7.1, 7.3); no configuration.

import { networkInterfaces } from 'node:os';
import { ErrorReply } from '../../shared/resp/reply.js';
import type { Server } from '../server.js';
import { SentinelMemory } from './fence-memory.js';
import { clock } from '../base/clock.js';

export { SENTINELS_FILE } from './fence-memory.js';

export const SENTINEL_CMD_NAME = /^sentinel-([0-9a-f]{8})-cmd$/;

export type FenceReason = 'lease' | 'stall' | 'config' | 'restart';

/** A restarted master none of whose remembered sentinels came back within this serves writes again. */
const RESTART_GRACE_MS = 10_000;

const MESSAGES: Record<FenceReason, string> = {
  lease: 'FENCED this master has not heard from a majority of its sentinels (or enough replicas) within fence-lease-ms; writes are refused',
  stall: 'FENCED this master was stalled and has not been confirmed by its sentinels (or replicas) since; writes are refused',
  config: 'FENCED the sentinels announced a newer configuration naming another master; writes are refused',
  restart: 'FENCED this master restarted and a majority of its sentinels have not confirmed it yet; writes are refused',
};

export class Fence {
  fenced = false;
  reason: FenceReason | null = null;
  private fencedAt = 0;
  private ticksSinceFence = 0;
  /** Confirmations (hellos naming us, replica ACKs) count only from this time: 2 cron ticks after
   * the fence, so that messages queued in the sockets during a stall never count. */
  private confirmAfter = Infinity;
  private lastTick = clock.now();
  /** Sentinels by the first 8 characters of their run id -> last time data arrived on their command link. */
  readonly heard = new Map<string, number>();
  /** Sentinel id -> last time a hello naming this node (with the newest epoch) arrived. */
  private readonly confirmed = new Map<string, number>();
  private maxEpochSelf = 0;
  private maxEpochOther = -1;
  /** Highest config epoch seen while a replica: a promoted node is not fenced by its old master's hellos. */
  private baselineEpoch = 0;
  private localAddresses: Set<string> | undefined;
  /**
   * Leases our sentinels asked for (FENCING LEASE), by sentinel id. Kept for the life of the
   * process, even when the sentinel disconnects: the sentinel times its failover by the lease it was
   * granted, so the lease in force may never grow behind its back (a partition closes nothing).
   */
  private readonly requested = new Map<string, number>();
  /**
   * Sentinels that acknowledge our heartbeat replies (FENCING PING <ack>). For them "heard" is the
   * time we *sent* a reply they confirm having read, never the time their traffic reached us: a
   * master whose replies no longer get through (a one-way partition) or whose input queued up
   * during a stall cannot extend its lease by what it merely receives.
   */
  private readonly acking = new Set<string>();
  /** Per sentinel connection (client id): send times of heartbeat replies not yet acknowledged. */
  private readonly beats = new Map<number, { sent: number; times: Map<number, number> }>();

  /** Where the known sentinels are remembered (the node's directory); undefined: nowhere (unit tests). */
  private memory: SentinelMemory | undefined;
  /** The sentinels remembered at boot, while a restart waits for a majority of them. */
  private readonly bootIds = new Set<string>();
  private restartedAt = 0;

  /** Called when a heartbeat was confirmed or the master fenced (confirm-hold.ts waits on it). */
  onChange: (() => void) | undefined;

  constructor(private readonly server: Server) {}

  /** Every known sentinel confirms our replies (FENCING PING): heard times are then exact. */
  get allAcking(): boolean {
    if (this.heard.size === 0) return false;
    for (const id of this.heard.keys()) if (!this.acking.has(id)) return false;
    return true;
  }

  /** The latest time a majority of the known sentinels confirmed hearing from us (0: never). */
  majorityHeardAt(): number {
    const times = [...this.heard.values()].sort((a, b) => b - a);
    return times[this.majority() - 1] ?? 0;
  }

  /**
   * At boot: remember known sentinels in `dir` from now on, and if sentinels monitored this node
   * before and it starts as a master, begin fenced. The sentinels may have promoted a replica while
   * it was down (or be about to); until a majority of them name it as master again in their hellos,
   * what it acknowledged could be thrown away. Returns the number of sentinels remembered.
   */
  boot(dir: string, now = clock.now()): number {
    this.memory = new SentinelMemory(dir, (message) => this.server.log.warning(message));
    const ids = this.memory.load();
    // A node that boots as a replica has nothing to fence: the sentinels it meets as a replica are
    // the group to remember. Kept, ids no sentinel answers to any more would count in every
    // majority it needs once promoted, and could fence it for good.
    if (ids.length === 0 || this.server.isReplica || this.lease <= 0) {
      this.memory.invalidate();
      return 0;
    }
    for (const id of ids) {
      this.heard.set(id, 0);
      this.bootIds.add(id);
    }
    this.restartedAt = now;
    this.fence('restart', now);
    return this.bootIds.size;
  }

  /** The lease in force: fence-lease-ms, shortened to the shortest lease a sentinel asked for. */
  get lease(): number {
    const configured = this.server.config.num('fence-lease-ms');
    if (configured <= 0) return 0;
    let lease = configured;
    for (const ms of this.requested.values()) lease = Math.min(lease, ms);
    return lease;
  }

  /**
   * A sentinel times its failover by a lease it requested: it pings us often enough to keep it
   * and promotes a replica only once lease + margin have passed since we last answered it. Returns
   * the lease now in force, which is never longer than the one requested.
   */
  requestLease(sentinelId: string, ms: number): number {
    this.requested.set(sentinelId, ms);
    if (!this.heard.has(sentinelId)) this.heard.set(sentinelId, clock.now());
    return this.lease;
  }

  /** Fencing applies to a master with a lease, monitored by sentinels or using min-replicas-to-write. */
  get active(): boolean {
    return this.lease > 0 && !this.server.isReplica && (this.heard.size > 0 || this.server.config.num('min-replicas-to-write') > 0);
  }

  /**
   * FENCING PING <ack> from sentinel `sentinelId` on connection `clientId`: `ack` is how many of our
   * replies to it the sentinel has read on this connection. Returns when our reply goes out.
   */
  heartbeat(sentinelId: string, clientId: number, ack: number, now = clock.now()): void {
    this.acking.add(sentinelId);
    let beats = this.beats.get(clientId);
    if (!beats) this.beats.set(clientId, (beats = { sent: 0, times: new Map() }));
    const confirmed = beats.times.get(ack);
    if (confirmed !== undefined) this.heard.set(sentinelId, Math.max(this.heard.get(sentinelId) ?? 0, confirmed));
    for (const n of beats.times.keys()) if (n <= ack) beats.times.delete(n);
    beats.sent++;
    beats.times.set(beats.sent, now);
    if (confirmed !== undefined) this.onChange?.();
  }

  /** The write gate: undefined when the write may go on. */
  check(now = clock.now()): ErrorReply | undefined {
    if (!this.active) return undefined;
    this.observeStall(now);
    if (!this.fenced && this.leaseExpired(now)) this.fence('lease', now);
    return this.fenced ? new ErrorReply(MESSAGES[this.reason!]) : undefined;
  }

  /**
   * A timer that fires far later than scheduled means the process was stopped (SIGSTOP, long GC):
   * what its sockets hold now may have been sent long ago, and the sentinels may have promoted a
   * replica meanwhile. Checked before a write too, since after SIGCONT I/O may run before timers.
   */
  private observeStall(now: number): void {
    if (now - this.lastTick > Math.max(250, this.lease / 2)) {
      const stalledMs = now - this.lastTick;
      this.lastTick = now;
      if (!this.active) return;
      // With every sentinel acknowledging heartbeats, nothing read after the stall can make the
      // lease look fresher than it is: the lease rule alone decides, and a GC pause shorter than
      // the lease costs no availability.
      if (this.allAcking) {
        this.server.log.notice(`Stalled for ${stalledMs} ms: the lease decides (heartbeats are acknowledged)`);
        return;
      }
      this.fence('stall', now);
    }
  }

  /** How many of the known sentinels make a majority. */
  majority(): number {
    return Math.floor(this.heard.size / 2) + 1;
  }

  isKnown(sentinelId: string): boolean {
    return this.heard.has(sentinelId);
  }

  isAcking(sentinelId: string): boolean {
    return this.acking.has(sentinelId);
  }

  private leaseExpired(now: number): boolean {
    const lease = this.lease;
    if (this.heard.size > 0) {
      let fresh = 0;
      for (const at of this.heard.values()) if (now - at <= lease) fresh++;
      return fresh < this.majority();
    }
    // Without sentinels, min-replicas-to-write / max-lag already refuse writes (NOREPLICAS, as
    // Redis); what fencing adds there is the stall rule and its confirmation by fresh ACKs.
    return false;
  }

  private confirmations(): number {
    let count = 0;
    for (const at of this.confirmed.values()) if (at >= this.confirmAfter) count++;
    return count;
  }

  /** Drops remembered sentinels not heard from since boot; the restart waits for them no more. */
  private forgetAbsentSentinels(): void {
    this.bootIds.clear();
    for (const [id, at] of this.heard) {
      if (at === 0) {
        this.heard.delete(id);
        this.confirmed.delete(id);
      }
    }
    this.memory?.invalidate(); // rewrite the file with the sentinels of now
  }

  private confirmedNow(): boolean {
    if (this.heard.size > 0) return this.confirmations() >= this.majority();
    let count = 0;
    for (const link of this.server.replication?.links ?? []) if (link.state === 'online' && link.ackTime >= this.confirmAfter) count++;
    return count >= this.server.config.num('min-replicas-to-write');
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
    // Say what the lease saw: how long ago each sentinel was last heard (confirmed, for acking ones).
    const ages = [...this.heard].map(([id, at]) => `${id}${this.acking.has(id) ? '' : '?'} ${at === 0 ? 'never' : `${now - at} ms`}`).join(', ');
    this.server.log.warning(`Fenced (${reason}): refusing writes until the sentinels (or replicas) confirm this master (last heard: ${ages || 'none'})`);
    this.onChange?.();
    if (!wasFenced) setImmediate(() => this.disconnectClients());
  }

  private unfence(why: string): void {
    if (!this.fenced) return;
    this.fenced = false;
    this.reason = null;
    this.server.log.notice(`Unfenced: ${why}`);
  }

  /** Normal clients reconnect and ask the sentinels where the master is (as Redis's failover kill). */
  private disconnectClients(): void {
    if (!this.fenced) return;
    for (const client of [...this.server.clients.values()]) {
      if (client.kind === 'normal' && !client.name.startsWith('sentinel-')) client.sink.close('fenced');
    }
  }

  /** Every cron tick: stall detection, who was heard, role changes, unfencing. */
  cron(now: number): void {
    this.observeStall(now);
    this.lastTick = now;
    // A closed sentinel connection: its unacknowledged heartbeats can never be confirmed.
    for (const id of this.beats.keys()) if (!this.server.clients.has(id)) this.beats.delete(id);
    for (const client of this.server.clients.values()) {
      const match = SENTINEL_CMD_NAME.exec(client.name);
      if (match && !this.acking.has(match[1]!)) this.heard.set(match[1]!, Math.max(this.heard.get(match[1]!) ?? 0, client.lastInteraction));
    }
    if (this.server.isReplica) {
      // Made a replica before its remembered sentinels confirmed it (`up` starts every node as a
      // master and then points it): those that never answered are not its group any more, and
      // would count in every majority it needs once promoted.
      if (this.bootIds.size > 0) this.forgetAbsentSentinels();
      this.unfence('this node is a replica now');
      return;
    }
    if (!this.active) {
      this.unfence('fencing is not active');
      return;
    }
    // The group to remember is settled once a restart is confirmed: newcomers must not raise the
    // majority the remembered group needs to confirm it.
    if (this.reason !== 'restart') this.memory?.save([...this.heard.keys()]);
    // None of the remembered group came back in time: it is gone (replaced, or the cluster was
    // rebuilt). Sentinels met since then, if any, confirm this master on their own.
    if (this.fenced && this.reason === 'restart' && now - this.restartedAt > RESTART_GRACE_MS && [...this.bootIds].every((id) => !this.heard.get(id))) {
      const count = this.bootIds.size;
      this.forgetAbsentSentinels();
      if (this.heard.size === 0) {
        this.unfence(`none of the ${count} sentinel(s) that monitored this master before its restart came back within ${RESTART_GRACE_MS} ms`);
        return;
      }
      this.server.log.notice(`None of the ${count} sentinel(s) that monitored this master before its restart came back within ${RESTART_GRACE_MS} ms: a majority of the ${this.heard.size} it met since must confirm it`);
    }
    if (this.fenced) {
      this.ticksSinceFence++;
      if (this.ticksSinceFence === 2) this.confirmAfter = now;
      // Confirmed after a restart by a majority of the group it remembers (the sentinels may have
      // been replaced meanwhile): those that never came back no longer count in any majority.
      if (this.reason === 'restart' && this.bootIds.size > 0 && this.confirmations() >= Math.floor(this.bootIds.size / 2) + 1) this.forgetAbsentSentinels();
      if (this.confirmedNow() && !this.leaseExpired(now)) this.unfence(`confirmed ${now - this.fencedAt} ms after fencing`);
    } else if (this.leaseExpired(now)) {
      this.fence('lease', now);
    }
  }

  /** A PUBLISH on __sentinel__:hello: `ip,port,runid,current_epoch,master_name,master_ip,master_port,master_config_epoch`. */
  onHello(payload: string, now: number): void {
    const fields = payload.split(',');
    if (fields.length !== 8) return;
    // The hello came over that sentinel's own command link: it counts as hearing from it.
    const id = fields[2]!.slice(0, 8);
    if (!this.acking.has(id)) this.heard.set(id, Math.max(this.heard.get(id) ?? 0, now));
    const epoch = Number(fields[7]);
    if (!Number.isFinite(epoch)) return;
    if (this.server.isReplica) {
      this.baselineEpoch = Math.max(this.baselineEpoch, epoch);
      return;
    }
    if (this.isSelf(fields[5]!, Number(fields[6]))) {
      this.maxEpochSelf = Math.max(this.maxEpochSelf, epoch);
      if (epoch >= this.maxEpochOther) this.confirmed.set(id, now);
      return;
    }
    this.maxEpochOther = Math.max(this.maxEpochOther, epoch);
    if (this.lease > 0 && epoch > Math.max(this.maxEpochSelf, this.baselineEpoch)) this.fence('config', now);
  }

  private isSelf(ip: string, port: number): boolean {
    if (port !== this.server.port) return false;
    if (!this.localAddresses) {
      this.localAddresses = new Set(['localhost']);
      for (const list of Object.values(networkInterfaces())) for (const entry of list ?? []) this.localAddresses.add(entry.address);
    }
    return this.localAddresses.has(ip) || ip === this.server.config.str('replica-announce-ip');
  }

  infoLines(): string[] {
    const now = clock.now();
    let fresh = 0;
    for (const at of this.heard.values()) if (now - at <= this.lease) fresh++;
    return [
      `fence_lease_ms:${this.lease}`,
      `fence_lease_config_ms:${this.server.config.num('fence-lease-ms')}`,
      `fence_lease_requests:${this.requested.size}`,
      `fence_acking_sentinels:${this.acking.size}`,
      `fence_active:${this.active ? 1 : 0}`,
      `fenced:${this.fenced ? 1 : 0}`,
      `fence_reason:${this.reason ?? ''}`,
      `fence_known_sentinels:${this.heard.size}`,
      `fence_heard_sentinels:${fresh}`,
    ];
  }
}
