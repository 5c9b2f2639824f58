// FAILOVER, carried out (Redis 6.2+ coordinated failover, replication.c): writes are paused
// (CLIENT PAUSE WRITE semantics, purpose `failover`), the replicas' ACKs are watched until the
// target's offset equals ours, then this master becomes a replica of the target and asks it with
// `PSYNC <replid> <offset> FAILOVER` to take over (master-link.ts); the target promotes itself and
// answers +CONTINUE, so the histories continue and this node resyncs partially. The pause ends when
// that PSYNC is answered (writes that waited then meet a replica: -READONLY), or when the failover
// is aborted (FAILOVER ABORT, TIMEOUT without FORCE, the target refusing), in which case a node
// already turned replica becomes a master again. Decisions are failover-decision.ts's.

import type { Server } from '../server.js';
import { clock } from '../base/clock.js';
import { isPausedFor, pauseClients, unpauseClients } from '../request/client-pause.js';
import {
  nextFailoverStep,
  refuseFailover,
  type FailoverPlan,
  type FailoverRequest,
  type FailoverState,
  type ReplicaView,
} from './failover-decision.js';
import type { Replication } from './replication.js';

export class CoordinatedFailover {
  state: FailoverState = 'no-failover';
  private plan: FailoverPlan | null = null;
  private updateScheduled = false;

  constructor(
    private readonly server: Server,
    private readonly replication: Replication,
  ) {}

  get inProgress(): boolean {
    return this.state === 'failover-in-progress';
  }

  /** A TIMEOUT was given and writes are paused: the replication cron's PINGs would move our offset. */
  get holdsPings(): boolean {
    return this.plan !== null && this.plan.endTime !== 0 && this.server.clientPause !== undefined;
  }

  private replicas(): ReplicaView[] {
    return [...this.replication.links].map((link) => ({
      host: link.ip,
      port: link.port,
      ackOffset: link.ackOffset,
      online: link.state === 'online',
    }));
  }

  /** FAILOVER [TO host port [FORCE]] [TIMEOUT ms]: returns the refusal, or null once started. */
  start(request: FailoverRequest, now = clock.now()): string | null {
    const refusal = refuseFailover(request, this.state, this.server.isReplica, this.replicas());
    if (refusal) return refusal;
    const target = request.target;
    this.server.log.notice(target ? `FAILOVER requested to ${target.host}:${target.port}.` : 'FAILOVER requested to any replica.');
    this.plan = { target, endTime: request.timeoutMs > 0 ? now + request.timeoutMs : 0, force: request.force };
    this.state = 'waiting-for-sync';
    pauseClients(this.server, Infinity, false, 'failover');
    return null;
  }

  /** FAILOVER ABORT and every failure path (abortFailover): a node already turned replica is a master again. */
  abort(reason: string): void {
    if (this.state === 'no-failover') return;
    const target = this.plan?.target;
    this.server.log.notice(`FAILOVER to ${target ? `${target.host}:${target.port}` : 'any replica'} aborted: ${reason}`);
    if (this.state === 'failover-in-progress') this.replication.role.promote('failover aborted');
    this.clear();
  }

  /** clearFailoverState: done either way; clients carry on. */
  private clear(): void {
    this.plan = null;
    this.state = 'no-failover';
    if (isPausedFor(this.server, 'failover')) unpauseClients(this.server, 'failover');
  }

  /** After a replica's ACK: look again once this turn's ACKs are in (Redis checks in beforeSleep). */
  scheduleUpdate(): void {
    if (this.updateScheduled || this.state !== 'waiting-for-sync') return;
    this.updateScheduled = true;
    setImmediate(() => {
      this.updateScheduled = false;
      this.update();
    });
  }

  /** updateFailoverStatus: runs from the cron (every tick) and after ACKs while waiting for sync. */
  update(now = clock.now()): void {
    if (this.state !== 'waiting-for-sync' || !this.plan) return;
    const step = nextFailoverStep(this.plan, this.replicas(), this.replication.identity.masterReplOffset, now);
    if (step.kind === 'wait') return;
    if (step.kind === 'abort') {
      this.abort(step.reason);
      return;
    }
    const { host, port } = step.target;
    this.plan.target = step.target;
    this.state = 'failover-in-progress';
    this.server.log.notice(
      step.caughtUp ? `Failover target ${host}:${port} is synced, failing over.` : `FAILOVER to ${host}:${port} time out exceeded, failing over.`,
    );
    // Replies held for our sentinels' confirmation (fencing/confirm-hold.ts) were writes made
    // before the pause: a caught-up target holds every one of them, so they are answered as they
    // would have been; after a forced failover the target may lack them, so they are UNKNOWN.
    const held = this.replication.confirmHold;
    if (step.caughtUp && held && held.size > 0) held.releaseReplicated();
    this.replication.role.replicaOf(host, port);
    if (!step.caughtUp && held && held.size > 0) held.release();
  }

  /** Our `PSYNC ... FAILOVER` was answered: +CONTINUE / +FULLRESYNC ends the failover, anything else aborts it. */
  psyncAnswered(accepted: boolean): void {
    if (!this.inProgress) return;
    if (accepted) this.clear();
    else this.abort('Failover target rejected psync request');
  }
}
