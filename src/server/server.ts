// The node's state in one place: configuration, databases, clients, the command table, pub/sub,
// blocked clients, change tracking and the propagation of writes. Sockets live in net/; the checks
// before a command runs, the reply policies and the propagation observers in request/request-path.ts.

import { randomBytes } from 'node:crypto';
import type { Reply } from '../shared/resp/reply.js';
import { Client } from './clients/client.js';
import type { Config } from './config/config.js';
import { Db, type KeyspaceHooks } from './keyspace/db.js';
import type { BlockRequest, CommandSpec } from './base/command-spec.js';
import { retryBlocked } from './request/dispatch.js';
import { RequestPath } from './request/request-path.js';
import { registerCoreChecks } from './request/checks.js';
import { stopMonitoring } from './request/monitor-feed.js';
import { PubSub } from './clients/pubsub.js';
import { Blocking } from './clients/blocking.js';
import { Stats } from './stats.js';
import type { Logger } from '../shared/log.js';
import type { ClientPauseState } from './request/client-pause.js';
import type { Replication } from './replication/replication.js';
import { clock } from './base/clock.js';
import { Acl } from './acl/acl.js';
import { AccessClock } from './keyspace/access-clock.js';
import { KeyspaceMemory } from './keyspace/memory-accounting.js';
import { Tracking } from './clients/tracking/tracking.js';
import { notifyKeyspaceEvent, NOTIFY_EXPIRED } from './keyspace/keyspace-events.js';

/** Sees every key before it changes: point-in-time snapshots copy old values here. */
export interface ChangeObserver {
  beforeChange(db: Db, key: string): void;
}

export class Server implements KeyspaceHooks {
  readonly runId = randomBytes(20).toString('hex');
  readonly startedAt = clock.now();
  readonly dbs: Db[];
  readonly clients = new Map<number, Client>();
  readonly pubsub = new PubSub();
  readonly blocking: Blocking;
  readonly stats = new Stats();
  readonly observers = new Set<ChangeObserver>();
  /** ACL users, the default user's password (requirepass) and the ACL log. */
  readonly acl: Acl;
  /** The LRU clock / LFU parameters keys are stamped with (maxmemory-policy). */
  readonly accessClock: AccessClock;
  /** What the keyspace holds by our estimate (used_memory; keyspace/memory-accounting.ts). */
  readonly memory: KeyspaceMemory;
  /** Client-side caching: CLIENT TRACKING's tables and invalidations (clients/tracking/). */
  readonly tracking: Tracking;
  /** The checks, reply policies and propagation observers every command goes through. */
  readonly requestPath = new RequestPath();
  /** Changes since the last successful save (the `save <seconds> <changes>` schedule reads it). */
  dirty = 0;
  lastSaveTime = Math.floor(clock.now() / 1000);
  lastSaveOk = true;
  /** True while this node replicates from a master: the one replica flag (set by replication/role.ts). */
  isReplica = false;
  /** True while the replica's link to its master is up. */
  masterLinkUp = false;
  /** True while a snapshot is being loaded at start or from a master. */
  loading = false;
  /**
   * A script ran past busy-reply-threshold and hands the event loop over between slices
   * (scripting/script-runner.ts): the cron's tasks wait, as serverCron does not run then in Redis.
   */
  busyScript = false;
  /** DEBUG SET-ACTIVE-EXPIRE 0 stops the active expiry cycle (lazy expiry on access goes on). */
  activeExpireEnabled = true;
  /** CLIENT PAUSE in force, if any (commands/client-pause.ts). */
  clientPause: ClientPauseState | undefined;
  /** The client whose command is running; the master link client makes expired keys visible. */
  currentClient: Client | null = null;
  /**
   * The client whose top-level command is running (Redis server.current_client): inside a script or
   * a transaction currentClient is the command's own client, this stays the caller. Null between commands.
   */
  callerClient: Client | null = null;
  /** Time of the running command (Redis caches mstime per call), or undefined between commands. */
  private commandTime: number | undefined;
  /**
   * Time of the request being processed (request/dispatch.ts execute), read once so that its checks
   * (the fence's lease), its call and its reply policies (the confirmation hold) share it: a clock
   * read costs as much as a tenth of a SET here. Undefined between requests.
   */
  requestTime: number | undefined;
  private propagationDepth = 0;
  private pending: { db: number; args: string[] }[] = [];
  /** Replication state; set by installReplication (absent in socket-less unit tests). */
  replication: Replication | undefined;
  /** Port the listener bound (0 until listening). */
  port = 0;
  /** Set by main.ts: how SHUTDOWN and signals end the process. */
  shutdownHandler: ((save: boolean | undefined) => Promise<Reply | undefined>) | undefined;

  constructor(
    readonly config: Config,
    readonly log: Logger,
    /** The command table (commands/registry.ts builds it; the server never imports a handler). */
    readonly commands: Map<string, CommandSpec>,
  ) {
    const count = config.num('databases');
    this.accessClock = new AccessClock(config);
    this.memory = new KeyspaceMemory(config);
    this.dbs = Array.from({ length: count }, (_, id) => new Db(id, this));
    this.blocking = new Blocking(this);
    this.acl = new Acl(this);
    this.tracking = new Tracking(this);
    registerCoreChecks(this.requestPath);
  }

  // ---- KeyspaceHooks -------------------------------------------------------------------------

  now(): number {
    return this.commandTime ?? this.requestTime ?? clock.now();
  }

  /** A replica, or clients are paused (the dataset stays as it is during a pause, e.g. FAILOVER: Redis expireIfNeeded). */
  expiresPassively(): boolean {
    return this.isReplica || this.clientPause !== undefined;
  }

  executingMasterCommand(): boolean {
    return this.currentClient !== null && this.currentClient.isMaster;
  }

  keyExpired(db: Db, key: string): void {
    this.stats.expiredKeys++;
    // Redis deleteExpiredKeyAndPropagate: the `expired` event right after the delete, before the DEL
    // is propagated (active and lazy expiry alike).
    notifyKeyspaceEvent(this, NOTIFY_EXPIRED, 'expired', key, db.id);
    // Redis deleteExpiredKeyAndPropagate leaves server.dirty alone: undo beforeChange's count, or
    // the command that found the key expired (a GET) would be propagated as if it had written.
    this.dirty--;
    // Redis db.c propagateDeletion: expirations travel to replicas as DEL (UNLINK when lazy).
    const verb = this.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL';
    this.emit(db.id, [[verb, key]]);
  }

  beforeChange(db: Db, key: string): void {
    this.dirty++;
    this.memory.beforeChange(db, key);
    if (this.observers.size > 0) for (const observer of this.observers) observer.beforeChange(db, key);
    this.touchWatched(db.id, key);
    // Client-side caching (Redis signalModifiedKey -> trackingInvalidateKey); one check when unused.
    if (this.tracking.active) this.tracking.keyChanged(db, key);
  }

  /** A database is being emptied (FLUSHDB, FLUSHALL, a full sync): Redis signalFlushedDb. */
  flushStarted(_db: Db): void {
    this.tracking.flushStarted();
  }

  flushEnded(_db: Db): void {
    this.tracking.flushEnded();
  }

  keyReady(db: Db, key: string): void {
    this.blocking.markReady(db, key);
  }

  // ---- WATCH ----------------------------------------------------------------------------------

  private readonly watchedKeys = new Map<number, Map<string, Set<Client>>>();

  watch(client: Client, dbId: number, key: string): void {
    let keys = this.watchedKeys.get(dbId);
    if (!keys) this.watchedKeys.set(dbId, (keys = new Map()));
    let clients = keys.get(key);
    if (!clients) keys.set(key, (clients = new Set()));
    clients.add(client);
    let mine = client.watched.get(dbId);
    if (!mine) client.watched.set(dbId, (mine = new Set()));
    mine.add(key);
  }

  unwatchAll(client: Client): void {
    for (const [dbId, keys] of client.watched) {
      const table = this.watchedKeys.get(dbId);
      for (const key of keys) {
        const clients = table?.get(key);
        clients?.delete(client);
        if (clients && clients.size === 0) table!.delete(key);
      }
    }
    client.watched.clear();
    client.watchDirty = false;
  }

  touchWatched(dbId: number, key: string): void {
    if (this.watchedKeys.size === 0) return;
    const clients = this.watchedKeys.get(dbId)?.get(key);
    if (clients) for (const client of clients) client.watchDirty = true;
  }

  /** FLUSHDB/FLUSHALL/SWAPDB invalidate every watcher of the database. */
  touchAllWatched(dbId: number): void {
    const keys = this.watchedKeys.get(dbId);
    if (keys) for (const clients of keys.values()) for (const client of clients) client.watchDirty = true;
  }

  // ---- Running commands -----------------------------------------------------------------------

  /** True while a command runs inside another (EXEC, a script): it must not block (CLIENT_DENY_BLOCKING). */
  get inNestedCall(): boolean {
    return this.propagationDepth > 1;
  }

  /** Starts a top-level execution unit: propagation is gathered until the matching end. */
  beginCall(): void {
    if (this.propagationDepth++ === 0) this.commandTime = this.requestTime ?? clock.now();
  }

  endCall(): void {
    if (--this.propagationDepth > 0) return;
    this.commandTime = undefined;
    // used_memory: fold in what this unit wrote while it is one or two keys (memory-accounting.ts).
    this.memory.settle();
    if (this.pending.length > 0) {
      const pending = this.pending;
      this.pending = [];
      this.flushPropagation(pending);
    }
    if (this.blocking.hasReady) this.blocking.serveReady();
  }

  /** Queues commands of the current execution unit for propagation. */
  alsoPropagate(dbId: number, args: string[]): void {
    this.pending.push({ db: dbId, args });
  }

  /**
   * Sends commands to the propagation sinks at once, outside the current unit: an expiry's DEL goes
   * on its own, ahead of the command that found the key expired.
   */
  emit(dbId: number, commands: string[][]): void {
    for (const observer of this.requestPath.observers) observer.propagate(dbId, commands);
  }

  /** One execution unit, even when an EXEC switched databases (Redis wraps it all in MULTI/EXEC). */
  private flushPropagation(pending: { db: number; args: string[] }[]): void {
    const observers = this.requestPath.observers;
    if (observers.length === 0) return;
    // The common unit, one command: no arrays to build.
    if (pending.length === 1) {
      const { db, args } = pending[0]!;
      const commands = [args];
      for (const observer of observers) observer.propagate(db, commands);
      return;
    }
    const commands = pending.map((p) => p.args);
    const dbs = pending.map((p) => p.db);
    const mixed = dbs.some((db) => db !== dbs[0]);
    for (const observer of observers) observer.propagate(dbs[0]!, commands, mixed ? dbs : undefined);
  }

  createClient(addr: string, laddr: string, sink: Client['sink']): Client {
    const client = new Client(addr, laddr, sink, false);
    this.acl.setDefaultAuth(client);
    this.clients.set(client.id, client);
    this.stats.totalConnections++;
    return client;
  }

  removeClient(client: Client): void {
    this.clients.delete(client.id);
    stopMonitoring(this, client);
    this.unwatchAll(client);
    this.pubsub.unsubscribeAll(client);
    this.blocking.unblock(client, undefined);
    if (client.tracking !== null) this.tracking.disable(client);
  }

  retryBlocked(client: Client, db: Db, request: BlockRequest): Reply | undefined {
    return retryBlocked(this, client, db, request);
  }

  private readonly cronTasks: ((now: number) => void)[] = [];
  private cronTimer: NodeJS.Timeout | undefined;

  /** Registers work for the server cron (Redis serverCron), run `hz` times per second. */
  addCronTask(task: (now: number) => void): void {
    this.cronTasks.push(task);
  }

  startCron(): void {
    const tick = () => {
      const now = clock.now();
      this.stats.sample(now);
      for (const task of this.busyScript ? [] : this.cronTasks) {
        try {
          task(now);
        } catch (error) {
          this.log.warning(`cron task failed: ${(error as Error).stack ?? String(error)}`);
        }
      }
      this.cronTimer = setTimeout(tick, 1000 / this.config.num('hz'));
    };
    this.cronTimer = setTimeout(tick, 1000 / this.config.num('hz'));
  }

  stopCron(): void {
    if (this.cronTimer) clearTimeout(this.cronTimer);
  }

  db(index: number): Db {
    return this.dbs[index]!;
  }
}
