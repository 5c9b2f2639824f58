// Self-fencing, wired to the node: translates the server's state (its role and directives, the
// sentinels' connections, CLIENT SETNAME sentinel-<id>-cmd, their FENCING requests and hellos,
// protocol doc 7.1, 7.3) into observations for the pure decision core (core/fence-core.ts), and
// carries out what it decides: logs, dropping normal clients, remembering the sentinels, the
// -FENCED error replies (which say why and what lifts them, core/explain.ts).

import { ErrorReply } from '../../shared/resp/reply.js';
import { FENCING_INFO as F, SENTINEL_CMD_NAME, SENTINEL_NAME_PREFIX, sentinelShortId } from '../../shared/fencing-contract.js';
import type { Server } from '../server.js';
import { SentinelMemory } from './fence-memory.js';
import { isSelfAddress } from '../net/self-address.js';
import { clock } from '../base/clock.js';
import { FenceCore } from './core/fence-core.js';
import type { Announcement } from './core/config-epochs.js';
import { fencedMessage } from './core/explain.js';
import type { FenceAction, FenceExplanation, FenceReason, NodeView, TickObservation } from './core/types.js';

export { SENTINELS_FILE } from './fence-memory.js';
export type { FenceReason } from './core/types.js';

export class Fence {
  private readonly core = new FenceCore(clock.now());
  /** Where the known sentinels are remembered (the node's directory); undefined: nowhere (unit tests). */
  private memory: SentinelMemory | undefined;

  /** Called when a heartbeat was confirmed or the master fenced (confirm-hold.ts waits on it). */
  onChange: (() => void) | undefined;

  constructor(private readonly server: Server) {}

  get fenced(): boolean {
    return this.core.fenced;
  }

  get reason(): FenceReason | null {
    return this.core.reason;
  }

  /** The lease in force: fence-lease-ms, shortened to the shortest lease a sentinel asked for. */
  get lease(): number {
    return this.core.lease(this.view());
  }

  /** Fencing applies to a master with a lease, monitored by sentinels or using min-replicas-to-write. */
  get active(): boolean {
    return this.core.active(this.view());
  }

  /** Every known sentinel confirms our replies (FENCING PING): heard times are then exact. */
  get allAcking(): boolean {
    return this.core.authority.allAcking;
  }

  /** The latest time a majority of the known sentinels confirmed hearing from us (0: never). */
  majorityHeardAt(): number {
    return this.core.authority.majorityHeardAt();
  }

  /** How many of the known sentinels make a majority. */
  majority(): number {
    return this.core.authority.majority();
  }

  isKnown(sentinelId: string): boolean {
    return this.core.authority.has(sentinelId);
  }

  isAcking(sentinelId: string): boolean {
    return this.core.authority.isAcking(sentinelId);
  }

  /**
   * At boot: remember known sentinels in `dir` from now on; a master that sentinels monitored
   * before begins fenced (core boot). Returns the number of sentinels it waits for.
   */
  boot(dir: string, now = clock.now()): number {
    this.memory = new SentinelMemory(dir, (message) => this.server.log.warning(message));
    const remembered = this.memory.load();
    return this.carryOut(this.core.boot(remembered, this.view(), now));
  }

  /** FENCING LEASE from sentinel `sentinelId`: the lease now in force, never longer than `ms`. */
  requestLease(sentinelId: string, ms: number): number {
    return this.core.requestLease(sentinelId, ms, this.view(), clock.now());
  }

  /**
   * FENCING PING <ack> from sentinel `sentinelId` on connection `clientId`: `ack` is how many of our
   * replies to it the sentinel has read on this connection. `now`: when our reply goes out.
   */
  heartbeat(sentinelId: string, clientId: number, ack: number, now = clock.now()): void {
    this.carryOut(this.core.heartbeat(sentinelId, clientId, ack, now));
  }

  /** The write gate: undefined when the write may go on; else the error saying why and what lifts it. */
  check(now = clock.now()): ErrorReply | undefined {
    const reason = this.carryOut(this.core.check(this.view(), now));
    if (!reason) return undefined;
    return new ErrorReply(fencedMessage(this.core.explain(this.view(), now)!));
  }

  /** Why it is fenced and what lifts it; null when it is not. */
  explain(now = clock.now()): FenceExplanation | null {
    return this.core.explain(this.view(), now);
  }

  /** FENCING RELEASE from sentinel `sentinelId`: it no longer times a failover on our lease. */
  release(sentinelId: string): boolean {
    return this.carryOut(this.core.release(sentinelId, this.view(), clock.now()));
  }

  /** FENCING FORGET <id | *> from an operator: forgets members as if they had released. Returns how many. */
  forget(id: string): number {
    const ids = id === '*' ? [...this.core.authority.ids()] : [id];
    let count = 0;
    for (const one of ids) if (this.core.release(one, this.view(), clock.now(), 'forgotten')) count++;
    this.carryOut(null);
    return count;
  }

  /** FENCING FENCE <ms> from sentinel `sentinelId`, a forced failover's leader (0 lifts it). */
  stepAside(sentinelId: string, ms: number): void {
    this.carryOut(this.core.stepAside(sentinelId, ms, this.view(), clock.now()));
  }

  /** Every cron tick. */
  cron(now: number): void {
    this.carryOut(this.core.cron(this.view(), this.observe(), now));
  }

  /** A PUBLISH on __sentinel__:hello: `ip,port,runid,current_epoch,master_name,master_ip,master_port,master_config_epoch`. */
  onHello(payload: string, now: number): void {
    const fields = payload.split(',');
    if (fields.length !== 8) return;
    const announcement: Announcement = {
      from: sentinelShortId(fields[2]!),
      epoch: Number(fields[7]),
      namesUs: this.isSelf(fields[5]!, Number(fields[6])),
    };
    this.carryOut(this.core.announce(announcement, this.view(), now));
  }

  infoLines(): string[] {
    const view = this.view();
    const authority = this.core.authority;
    const lease = this.core.lease(view);
    const now = clock.now();
    // A replica (or a node fencing nothing any more) refuses no write as FENCED, whatever the next
    // cron tick will clear: say so at once.
    const refusing = this.core.fenced && this.core.active(view);
    const explanation = refusing ? this.core.explain(view, now) : null;
    return [
      `${F.leaseMs}:${lease}`,
      `${F.leaseConfigMs}:${view.configuredLeaseMs}`,
      `${F.leaseRequests}:${authority.leaseRequests}`,
      `${F.ackingSentinels}:${authority.ackingCount}`,
      `${F.active}:${this.core.active(view) ? 1 : 0}`,
      `${F.fenced}:${refusing ? 1 : 0}`,
      `${F.reason}:${refusing ? this.reason : ''}`,
      `${F.knownSentinels}:${authority.size}`,
      `${F.heardSentinels}:${authority.freshCount(now, lease)}`,
      `${F.heuristic}:${view.heuristic ? 1 : 0}`,
      `${F.members}:${authority.ids().join(',')}`,
      `${F.why}:${explanation?.why ?? ''}`,
      `${F.liftedBy}:${explanation?.liftedBy ?? ''}`,
      `${F.waitingFor}:${explanation?.waitingFor.join(',') ?? ''}`,
    ];
  }

  /** Refreshed in place before each decision: the write gate reads it on every write. */
  private readonly nodeView: NodeView = { isReplica: false, configuredLeaseMs: 0, minReplicasToWrite: 0, heuristic: false };

  private view(): NodeView {
    const config = this.server.config;
    const view = this.nodeView;
    view.isReplica = this.server.isReplica;
    view.configuredLeaseMs = config.num('fence-lease-ms');
    view.minReplicasToWrite = config.num('min-replicas-to-write');
    view.heuristic = config.bool('fence-heuristic');
    return view;
  }

  /** What a tick sees: the sentinels' command links (when data last arrived), the replicas' ACKs. */
  private observe(): TickObservation {
    const clients = this.server.clients;
    const traffic: [string, number][] = [];
    for (const client of clients.values()) {
      const match = SENTINEL_CMD_NAME.exec(client.name);
      if (match) traffic.push([match[1]!, client.lastInteraction]);
    }
    const replicaAckTimes: number[] = [];
    for (const link of this.server.replication?.links ?? []) if (link.state === 'online') replicaAckTimes.push(link.ackTime);
    return { traffic, replicaAckTimes, linkOpen: (id) => clients.has(id) };
  }

  /** Carries out the actions the core decided in the call that returned `result`. */
  private carryOut<T>(result: T): T {
    for (const action of this.core.drain()) this.perform(action);
    return result;
  }

  private perform(action: FenceAction): void {
    switch (action.type) {
      case 'log':
        if (action.level === 'warning') this.server.log.warning(action.message);
        else this.server.log.notice(action.message);
        break;
      case 'disconnect-clients':
        setImmediate(() => this.disconnectClients());
        break;
      case 'remember':
        this.memory?.save(action.ids);
        break;
      case 'forget-remembered':
        this.memory?.invalidate();
        break;
      case 'changed':
        this.onChange?.();
        break;
    }
  }

  /** Normal clients reconnect and ask the sentinels where the master is (as Redis's failover kill). */
  private disconnectClients(): void {
    if (!this.fenced) return;
    for (const client of [...this.server.clients.values()]) {
      if (client.kind === 'normal' && !client.name.startsWith(SENTINEL_NAME_PREFIX)) client.sink.close('fenced');
    }
  }

  /** Whether a hello's master address is this node: our port, at a local address or the announced one. */
  private isSelf(ip: string, port: number): boolean {
    return isSelfAddress(this.server, ip, port);
  }
}
