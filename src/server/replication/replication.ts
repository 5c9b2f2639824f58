// This node's replication state and the master side of it: the one replication stream (backlog +
// attached replicas are views of the same bytes at different offsets), PSYNC handling, full-sync
// jobs, ACKs, WAIT, min-replicas, output-buffer limits and the replication cron. The replica side
// (our link to a master) lives in master-link.ts and feeds the same stream for sub-replicas.

import type { Socket } from 'node:net';
import { encodeCommand } from '../../shared/resp/encoder.js';
import { unitCommandText } from '../request/unit-text.js';
import { NO_REPLY, type NoReply, type Reply } from '../../shared/resp/reply.js';
import type { Client } from '../clients/client.js';
import type { Server } from '../server.js';
import type { PropagationObserver } from '../request/request-path.js';
import { Backlog } from './backlog.js';
import { SnapshotJob, type SnapshotProducer } from './full-sync.js';
import { Identity } from './identity.js';
import { decidePsync } from './psync-decision.js';
import { ReplicaLink } from './replica-link.js';
import { ResyncLog, type ResyncEntry } from './resync-log.js';
import type { RoleControl } from './role.js';
import type { CoordinatedFailover } from './failover.js';
import { whenUnpaused } from '../request/client-pause.js';
import type { Fence } from '../fencing/fence.js';
import type { ConfirmHold } from '../fencing/confirm-hold.js';
import type { ConfirmRounds } from '../fencing/confirm-rounds.js';
import { clock } from '../base/clock.js';

const MULTI = encodeCommand(['MULTI']);
const EXEC = encodeCommand(['EXEC']);

export class Replication implements PropagationObserver {
  readonly identity = new Identity();
  /** The backlog itself; `backlog` (below) is the same after the pending stream text went in. */
  private ring: Backlog | null = null;
  /**
   * Stream text of this turn's writes, already counted in the offset but not yet turned into bytes:
   * one Buffer per turn instead of one per write (Redis also appends to a shared buffer and writes
   * replicas in beforeSleep). Anything that reads the stream's bytes drains it first.
   */
  private pendingText = '';
  private drainScheduled = false;
  readonly links = new Set<ReplicaLink>();
  private readonly jobOf = new Map<ReplicaLink, SnapshotJob>();
  private currentJob: SnapshotJob | null = null;
  /** Replicas waiting for a delayed diskless job to start (repl-diskless-sync-delay). */
  private waitingForJob: ReplicaLink[] = [];
  private delayTimer: NodeJS.Timeout | undefined;
  /** db last selected in the stream (Redis slaveseldb): global, -1 forces a SELECT. */
  selectedDb = -1;
  /** When the last replica went away (ms), for repl-backlog-ttl. */
  noReplicasSince = clock.now();
  /** Clients blocked in WAIT: resolved on ACKs or timeout. */
  private readonly waiters = new Set<{ offset: number; needed: number; done(count: number): void }>();
  /** Called on every replica ACK (cluster-confirm-writes releases replies there: cluster/confirm-writes.ts). */
  readonly ackListeners: (() => void)[] = [];
  private getackRequested = false;
  /** Lost-writes ledger totals since start (INFO lostwrites). */
  readonly ledger = { events: 0, commands: 0, missingBytes: 0 };
  /** Every PSYNC answer, partial or full and why (INFO resyncs). */
  readonly resyncs = new ResyncLog();
  /** REPLICAOF handling; set by installReplication. */
  role!: RoleControl;
  /** The FAILOVER command's state; set by installReplication. */
  failover!: CoordinatedFailover;
  /** Self-fencing (fence.ts); set by installReplication. */
  fence!: Fence;
  /** Confirmation rounds and the write replies waiting on them (confirm-rounds.ts, confirm-hold.ts); set by installReplication. */
  confirmRounds!: ConfirmRounds;
  confirmHold!: ConfirmHold;
  /** The empty-restart guard (empty-restart/guard.ts); set by main.ts once built. INFO fencing reports it. */
  emptyRestart: { readonly refusing: boolean; readonly why: string } | undefined;
  /** sync-replicas: the highest offset whose write was answered OK (sentinels promote only a replica at or past it). */
  ackedWriteOffset = 0;

  constructor(
    private readonly server: Server,
    private readonly producer: SnapshotProducer,
  ) {
    server.config.onChange('repl-backlog-size', (size) => this.backlog?.resize(size as number));
  }

  // ---- The stream -----------------------------------------------------------------------------

  /** The backlog, with every byte of the stream so far in it (pending text drained). */
  get backlog(): Backlog | null {
    this.drain();
    return this.ring;
  }

  set backlog(backlog: Backlog | null) {
    this.drain();
    this.ring = backlog;
  }

  /**
   * PropagationObserver: a write made on this master, as one execution unit. A SELECT goes before the
   * MULTI when needed, and inside it where a transaction switched databases (protocol doc 2.2, 2.7).
   */
  propagate(dbId: number, commands: string[][], commandDbs?: number[]): void {
    if (this.server.isReplica) return;
    // No backlog and no replicas: nothing is fed and the offset does not move (protocol doc 2.3).
    if (this.ring === null && this.links.size === 0) {
      // With sync-replicas the offset must move even before a replica came, or the write would
      // not be held (and would be acknowledged while no replica has it).
      if (this.server.config.num('sync-replicas') === 0) return;
      this.ensureBacklog();
    }
    this.recordDb(this.identity.masterReplOffset + 1, dbId);
    let text = this.selectText(dbId);
    const wrap = commands.length > 1;
    if (wrap) text += MULTI;
    for (let i = 0; i < commands.length; i++) {
      if (commandDbs) text += this.selectText(commandDbs[i]!);
      // Encoded once per unit: the AOF writes the same text (request/unit-text.ts).
      text += unitCommandText(commands, i);
    }
    if (wrap) text += EXEC;
    // Latin-1 text: one byte per character, so the offset moves now and the bytes follow at drain().
    this.identity.masterReplOffset += text.length;
    this.pendingText += text;
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      // Writes that answer a client are drained by the before-replies hook (install.ts); this
      // covers the rest (expiries, CLIENT REPLY OFF), after the turn's reads like the replies.
      setImmediate(() => {
        this.drainScheduled = false;
        this.drain();
        for (const link of this.links) link.flush();
      });
    }
    this.markWriter();
  }

  /**
   * Which db the stream is in from which offset on (kept for the backlog's span): the ledger needs
   * it to replay lost commands in the right database. Units that switch dbs inside a transaction
   * are recorded at their start, with their first db.
   */
  private readonly dbHistory: { offset: number; db: number }[] = [];

  recordDb(offset: number, db: number): void {
    const last = this.dbHistory.at(-1);
    if (last && last.db === db) return;
    this.dbHistory.push({ offset, db });
    const first = this.ring?.firstByteOffset ?? offset;
    while (this.dbHistory.length > 1 && this.dbHistory[1]!.offset <= first) this.dbHistory.shift();
  }

  dbAt(offset: number): number {
    let db = 0;
    for (const entry of this.dbHistory) if (entry.offset <= offset) db = entry.db;
    return db;
  }

  private selectText(dbId: number): string {
    if (dbId === this.selectedDb) return '';
    this.selectedDb = dbId;
    return encodeCommand(['SELECT', String(dbId)]);
  }

  /** Appends bytes to the stream: offset, backlog, and every replica (directly or via its job). */
  feed(data: Buffer): void {
    this.drain();
    this.identity.masterReplOffset += data.length;
    this.distribute(data);
    this.markWriter();
  }

  /**
   * Turns the pending stream text into bytes for the backlog, the running snapshot job and the
   * replicas. Runs before anything reads or extends the stream's bytes, and before replies go out.
   */
  drain(): void {
    const text = this.pendingText;
    if (text === '') return;
    this.pendingText = '';
    this.distribute(Buffer.from(text, 'latin1'));
  }

  private distribute(data: Buffer): void {
    this.ring?.append(data);
    if (this.currentJob) this.currentJob.feed(data);
    for (const link of this.links) {
      if (!this.jobOf.has(link) && !this.waitingForJob.includes(link)) link.send(data);
    }
  }

  /** WAIT counts from the offset right after the caller's last write (Redis c->woff). */
  private markWriter(): void {
    const writer = this.server.currentClient;
    if (writer && !writer.isMaster) writer.lastWriteOffset = this.identity.masterReplOffset;
  }

  /**
   * Creates the backlog on demand. On a master's first replica a fresh history starts (protocol
   * doc 2.3), unless the history was restored from an RDB file at start (`keepHistory`).
   */
  ensureBacklog(keepHistory = false): Backlog {
    if (!this.backlog) {
      if (!this.server.isReplica && !keepHistory) this.identity.reset();
      this.backlog = new Backlog(this.server.config.num('repl-backlog-size'), this.identity.masterReplOffset);
    }
    return this.backlog;
  }

  // ---- PSYNC ---------------------------------------------------------------------------------

  /**
   * Handles PSYNC/SYNC from a connection: decides partial or full, takes over its socket.
   * Returns an error text when the request must be refused (the connection stays a client).
   */
  handlePsync(client: Client, socket: Socket, replid: string, offset: number, legacySync: boolean): void {
    // The stream so far belongs to the history this replica continues or gets in its snapshot.
    this.drain();
    client.isReplica = true;
    if (legacySync) client.replCapabilities.clear(); // old SYNC: length form, no ACKs expected
    const link = new ReplicaLink(socket, client, legacySync, {
      ack: () => this.onAck(),
      closed: (l, reason) => this.onLinkClosed(l, reason),
    });
    this.links.add(link);
    const log = this.server.log;
    const name = `${link.ip}:${link.port}`;
    const backlog = this.backlog;
    const decision = legacySync
      ? ({ kind: 'full', counted: false, cause: 'sync', reason: 'SYNC' } as const)
      : decidePsync(replid, offset, this.identity, backlog);
    const logResync = (kind: 'partial' | 'full', bytes: number, cause: ResyncEntry['cause']) =>
      this.resyncs.add({
        atMs: clock.now(),
        replica: name,
        kind,
        bytes,
        cause,
        requested: legacySync ? 'SYNC' : `${replid}:${offset}`,
        backlogRange: backlog ? `${backlog.firstByteOffset}..${backlog.firstByteOffset + backlog.histlen - 1}` : '',
        backlogSize: this.server.config.num('repl-backlog-size'),
      });
    if (decision.kind === 'continue' && backlog) {
      this.server.stats.syncPartialOk++;
      link.writeNow(link.capaPsync2 ? `+CONTINUE ${this.identity.replid}\r\n` : '+CONTINUE\r\n');
      const missing = backlog.readFrom(decision.fromOffset);
      link.goOnline(false);
      if (missing.length > 0) link.send(missing);
      logResync('partial', missing.length, '');
      log.notice(
        `Partial resynchronization request from ${name} accepted. Sending ${missing.length} bytes of backlog starting from offset ${decision.fromOffset}.`,
      );
      return;
    }
    if (decision.kind === 'full' && decision.counted) {
      this.server.stats.syncPartialErr++;
      log.notice(`Partial resynchronization not accepted: ${decision.reason}`);
    }
    this.server.stats.syncFull++;
    logResync('full', 0, decision.kind === 'full' ? decision.cause : 'no-backlog'); // continue without a backlog cannot happen
    log.notice(`Replica ${name} asks for synchronization; full resync`);
    this.ensureBacklog();
    this.startFullSync(link);
  }

  private startFullSync(link: ReplicaLink): void {
    // Join a running job: its snapshot instant is still reachable through the bytes it keeps.
    if (this.currentJob && !this.currentJob.isFinished) {
      this.jobOf.set(link, this.currentJob);
      this.currentJob.attach(link);
      return;
    }
    const diskless = this.server.config.bool('repl-diskless-sync') && link.capaEof;
    const delay = diskless ? this.server.config.num('repl-diskless-sync-delay') : 0;
    this.waitingForJob.push(link);
    const maxReplicas = this.server.config.num('repl-diskless-sync-max-replicas');
    if (delay === 0 || (maxReplicas > 0 && this.waitingForJob.length >= maxReplicas)) {
      this.startJob();
    } else if (!this.delayTimer) {
      this.delayTimer = setTimeout(() => this.startJob(), delay * 1000);
    }
  }

  private startJob(): void {
    // The snapshot holds every write counted so far: none of it may reach the job as stream.
    this.drain();
    if (this.delayTimer) clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
    const waiting = this.waitingForJob.filter((l) => !l.isClosed);
    this.waitingForJob = [];
    if (waiting.length === 0) return;
    // Redis resets slaveseldb on full-sync setup, so the stream after the snapshot starts with SELECT.
    this.selectedDb = -1;
    const job = new SnapshotJob(this.identity.replid, this.identity.masterReplOffset, (finished, error) => {
      for (const [link, owner] of this.jobOf) if (owner === finished) this.jobOf.delete(link);
      if (this.currentJob === finished) this.currentJob = null;
      if (error) this.server.log.warning(`Snapshot for replicas failed: ${error.message}`);
      else this.server.log.notice('Synchronization with replica(s) succeeded (snapshot sent)');
    });
    this.currentJob = job;
    for (const link of waiting) {
      this.jobOf.set(link, job);
      job.attach(link);
    }
    // A master's stream restarts with a SELECT; a replica forwards its master's stream as is, so
    // its sub-replicas must start in the db that stream is in (Redis rdbPopulateSaveInfo).
    job.start(this.producer, this.server.isReplica ? (this.role.masterLink?.masterClient.db ?? 0) : 0);
  }

  // ---- ACKs, WAIT, min-replicas ---------------------------------------------------------------

  /**
   * Parks `client` (its pipelined commands wait behind it, so reply order is kept) until `needed`
   * online replicas ACKed `offset` or `timeoutMs` passed (0 = no limit), then sends `reply(count)`.
   * Replicas are asked to ACK at once (REPLCONF GETACK). Used by WAIT and by sync-replicas.
   */
  awaitAcks(client: Client, offset: number, needed: number, timeoutMs: number, reply: (count: number) => Reply): NoReply {
    client.blocked = { keys: [], deadline: 0, retry: () => undefined, timeoutReply: 0 };
    let timer: NodeJS.Timeout | undefined;
    const waiter = {
      offset,
      needed,
      done: (count: number) => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(waiter);
        client.blocked = null;
        client.sink.push(reply(count));
        client.sink.resume();
      },
    };
    this.waiters.add(waiter);
    if (timeoutMs > 0) timer = setTimeout(() => waiter.done(this.countAcked(offset)), timeoutMs);
    this.requestAcks();
    return NO_REPLY;
  }

  private onAck(): void {
    if (this.failover.state === 'waiting-for-sync') this.failover.scheduleUpdate();
    for (const listener of this.ackListeners) listener();
    if (this.waiters.size === 0) return;
    for (const waiter of [...this.waiters]) {
      const count = this.countAcked(waiter.offset);
      if (count >= waiter.needed) {
        this.waiters.delete(waiter);
        waiter.done(count);
      }
    }
  }

  /** Online replicas whose ACK offset reached `offset`. */
  countAcked(offset: number): number {
    let count = 0;
    for (const link of this.links) if (link.state === 'online' && link.ackOffset >= offset) count++;
    return count;
  }

  /**
   * Asks every replica for an ACK now (WAIT); sent once per event-loop turn at most. Not while
   * clients are paused: it would move the offset a FAILOVER waits for the replicas to reach; it
   * goes out when the pause ends (Redis beforeSleep, get_ack_from_slaves).
   */
  requestAcks(): void {
    if (this.getackRequested) return;
    this.getackRequested = true;
    const send = () => {
      if (this.server.clientPause !== undefined) {
        whenUnpaused(this.server, send);
        return;
      }
      this.getackRequested = false;
      if (this.links.size > 0) this.propagateRaw(['REPLCONF', 'GETACK', '*']);
    };
    setImmediate(send);
  }

  /** Stream commands that must not trigger a SELECT (ping, GETACK: Redis feeds them with slaveseldb). */
  propagateRaw(command: string[]): void {
    if (this.server.isReplica) return;
    this.feed(Buffer.from(encodeCommand(command), 'latin1'));
  }

  /** Replicas counted as "good" by min-replicas-to-write: online and ACKed within max-lag seconds. */
  goodReplicas(now = clock.now()): number {
    const maxLag = this.server.config.num('min-replicas-max-lag');
    let good = 0;
    for (const link of this.links) {
      if (link.state === 'online' && Math.floor((now - link.ackTime) / 1000) <= maxLag) good++;
    }
    return good;
  }

  private onLinkClosed(link: ReplicaLink, reason: string): void {
    this.links.delete(link);
    const job = this.jobOf.get(link);
    job?.detach(link);
    this.jobOf.delete(link);
    this.waitingForJob = this.waitingForJob.filter((l) => l !== link);
    if (this.links.size === 0) this.noReplicasSince = clock.now();
    this.server.log.notice(`Connection with replica ${link.ip}:${link.port} lost (${reason}).`);
  }

  /** Drops every attached replica (promotion, full resync of this node, SHUTDOWN). */
  disconnectReplicas(reason: string): void {
    for (const link of [...this.links]) link.close(reason);
  }

  // ---- Cron ------------------------------------------------------------------------------------

  /** Runs every tick: keepalives, pings, output limits, timeouts, backlog ttl. */
  cron(now: number, secondElapsed: boolean, pingDue: boolean): void {
    this.enforceOutputLimits(now);
    if (!secondElapsed) return;
    for (const link of this.waitingForJob) if (!link.isClosed) link.writeNow('\n');
    // No PING while a FAILOVER with a TIMEOUT has writes paused (replicationCron): it would move the offset.
    if (pingDue && !this.server.isReplica && this.links.size > 0 && !this.failover.holdsPings) this.propagateRaw(['ping']);
    const timeout = this.server.config.num('repl-timeout') * 1000;
    for (const link of [...this.links]) {
      if (link.state === 'online' && !link.legacySync && !link.holdUntilAck && now - link.ackTime > timeout) {
        this.server.log.warning(`Disconnecting timedout replica (streaming sync): ${link.ip}:${link.port}`);
        link.close('timeout');
      }
    }
    const ttl = this.server.config.num('repl-backlog-ttl');
    if (!this.server.isReplica && this.backlog && this.links.size === 0 && ttl > 0 && now - this.noReplicasSince > ttl * 1000) {
      this.backlog = null;
      this.identity.reset();
      this.server.log.notice(`Replication backlog freed after ${ttl} seconds without connected replicas.`);
    }
  }

  /** client-output-buffer-limit replica <hard> <soft> <seconds> (protocol doc 5.5). */
  private enforceOutputLimits(now: number): void {
    const limits = this.server.config.list('client-output-buffer-limit');
    const index = limits.indexOf('slave');
    let hard = Number(limits[index + 1]);
    const soft = Number(limits[index + 2]);
    const softSeconds = Number(limits[index + 3]);
    const backlogSize = this.server.config.num('repl-backlog-size');
    if (hard > 0 && hard < backlogSize) hard = backlogSize;
    for (const link of [...this.links]) {
      const used = link.outputBytes + (this.jobOf.get(link)?.bufferedStreamBytes ?? 0);
      if (hard > 0 && used > hard) {
        this.server.log.warning(`Client ${link.ip}:${link.port} (replica) scheduled to be closed ASAP for overcoming of output buffer limits.`);
        link.close('output buffer limit');
        continue;
      }
      if (soft > 0 && used > soft) {
        if (link.softLimitSince === 0) link.softLimitSince = now;
        else if (now - link.softLimitSince > softSeconds * 1000) {
          this.server.log.warning(`Client ${link.ip}:${link.port} (replica) closed for overcoming of output buffer soft limit.`);
          link.close('output buffer soft limit');
        }
      } else {
        link.softLimitSince = 0;
      }
    }
  }
}
