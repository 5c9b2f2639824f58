// One connected client's state: identity (CLIENT LIST fields), protocol, selected db, auth,
// transaction queue, watched keys, subscriptions and blocking. The connection owns the socket;
// this object owns what Redis keeps in `struct client` that commands read and change.

import type { Protocol } from '../../shared/resp/encoder.js';
import type { Reply } from '../../shared/resp/reply.js';
import type { BlockRequest, CommandSpec } from '../base/command-spec.js';
import { clock } from '../base/clock.js';
import type { AclUser } from '../acl/user.js';
import type { ClientTracking } from './tracking/client-tracking.js';

export type ClientKind = 'normal' | 'replica' | 'master' | 'pubsub';

/** A command queued inside MULTI, resolved when it was queued (as Redis keeps c->mstate.commands[j].cmd). */
export interface QueuedCommand {
  args: string[];
  spec: CommandSpec;
  fullName: string;
}

export interface ClientSink {
  /** Sends a reply outside the request/response flow (pub/sub messages, an unblocked reply). */
  push(reply: Reply): void;
  /** Closes the connection after pending replies are written. */
  close(reason: string): void;
  /** The client was unblocked: carry on with the commands it had pipelined behind the blocking one. */
  resume(): void;
  /** Gives up the socket to a new owner (PSYNC turns a connection into a replica link). */
  detach?(): import('node:net').Socket;
  /**
   * Keeps a place for a reply given later (ReplySlot.fill); every reply after it waits behind it,
   * while the client's next commands still run. Sinks without it block the client instead.
   */
  reserveReply?(): ReplySlot;
}

/** A reply's place in a client's output, reserved by ClientSink.reserveReply. */
export interface ReplySlot {
  fill(reply: Reply): void;
}

let nextClientId = 1;

export class Client {
  readonly id = nextClientId++;
  name = '';
  libName = '';
  libVersion = '';
  db = 0;
  proto: Protocol = 2;
  authenticated: boolean;
  /**
   * The ACL user the client runs as (Redis c->user): Server.createClient gives every connection the
   * default user; null means no user at all, allowed everything (the master link, a script's client).
   */
  user: AclUser | null = null;
  readonly createdAt = clock.now();
  lastInteraction = clock.now();
  lastCommand = 'NULL';
  /** Redis client flags shown in CLIENT LIST (N normal, M master, S replica, P pubsub, x multi, b blocked). */
  isMaster = false;
  isReplica = false;
  /** In MONITOR mode (request/monitor-feed.ts): shown as flag O, refused keyspace commands. */
  monitoring = false;
  noEvict = false;
  /** CLIENT REPLY: 'off' drops replies, 'skip-next' turns into 'skip' which drops one reply. */
  replyMode: 'on' | 'off' | 'skip-next' | 'skip' = 'on';
  /** MULTI state: null when not in a transaction. */
  multi: QueuedCommand[] | null = null;
  /** A queue-time error happened: EXEC answers EXECABORT. */
  multiError = false;
  /** A watched key changed: EXEC answers a null array. */
  watchDirty = false;
  readonly watched = new Map<number, Set<string>>();
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  /** Shard channels (SSUBSCRIBE): counted apart from channels and patterns, as Redis does. */
  readonly shardChannels = new Set<string>();
  blocked: BlockRequest | null = null;
  /** Offset of the replication stream right after this client's last write (WAIT counts from it). */
  lastWriteOffset = 0;
  /** What a replica announced with REPLCONF before PSYNC (protocol doc 1.7). */
  replListeningPort = 0;
  replAnnouncedIp = '';
  readonly replCapabilities = new Set<string>();
  /** Set when CLIENT KILL or a protocol error closes it. */
  closing = false;
  /**
   * Cluster mode (cluster/routing/): ASKING lets the next command (or transaction) into a slot
   * being imported; READONLY lets reads of our master's slots run on this replica (CLIENT_ASKING,
   * CLIENT_READONLY).
   */
  asking = false;
  readonlyCluster = false;
  /** CLIENT TRACKING state, null while off (clients/tracking/). */
  tracking: ClientTracking | null = null;

  constructor(
    readonly addr: string,
    readonly laddr: string,
    readonly sink: ClientSink,
    requiresAuth: boolean,
  ) {
    this.authenticated = !requiresAuth;
  }

  get subscriptionCount(): number {
    return this.channels.size + this.patterns.size;
  }

  /** Every subscription, shard channels included (clientTotalPubSubSubscriptionCount). */
  get totalSubscriptions(): number {
    return this.channels.size + this.patterns.size + this.shardChannels.size;
  }

  /** RESP2 clients with subscriptions may only run (P)SUBSCRIBE, (P)UNSUBSCRIBE, PING, QUIT, RESET. */
  get inPubSubContext(): boolean {
    return this.proto === 2 && this.totalSubscriptions > 0;
  }

  get kind(): ClientKind {
    if (this.isMaster) return 'master';
    if (this.isReplica) return 'replica';
    if (this.totalSubscriptions > 0) return 'pubsub';
    return 'normal';
  }

  /** The `flags=` field of CLIENT LIST. */
  get flags(): string {
    let flags = '';
    // Redis writes O (a monitor) where a replica's S goes, before M.
    if (this.monitoring) flags += 'O';
    if (this.isMaster) flags += 'M';
    if (this.isReplica) flags += 'S';
    if (this.totalSubscriptions > 0) flags += 'P';
    if (this.multi !== null) flags += 'x';
    if (this.blocked !== null) flags += 'b';
    // Tracking on, its redirect gone, BCAST mode (catClientInfoString).
    if (this.tracking !== null) {
      flags += 't';
      if (this.tracking.brokenRedirect) flags += 'R';
      if (this.tracking.bcast) flags += 'B';
    }
    if (this.watchDirty) flags += 'd';
    if (this.readonlyCluster) flags += 'r';
    if (this.noEvict) flags += 'e';
    return flags === '' ? 'N' : flags;
  }
}
