// Server-assisted client-side caching (Redis 7.0 tracking.c). Default mode remembers, per key, the
// clients that read it (the tracking table); the first write to the key sends each of them one
// invalidation and forgets the key. BCAST mode remembers nothing per client: every write to a key
// under a subscribed prefix is gathered and sent once per event-loop turn. Writes reach us through
// Server.beforeChange (Redis signalModifiedKey), flushes through the keyspace's flush hook
// (signalFlushedDb). While nobody tracks, the keyspace's only cost is Tracking.active.

import { RawReply } from '../../../shared/resp/reply.js';
import { commandMeta } from '../../base/command-metadata/index.js';
import { commandKeys } from '../../base/key-specs.js';
import type { Db } from '../../keyspace/db.js';
import type { Server } from '../../server.js';
import type { Client } from '../client.js';
import { byteOrder, type TrackingOptions } from './client-tracking.js';
import { flushPayload, invalidationHeader, keysPayload, redirectBrokenFrame } from './invalidation-frames.js';

/** One BCAST prefix (Redis bcastState): its clients, and the keys written this turn with their writer. */
interface PrefixState {
  keys: Map<string, Client | null>;
  readonly clients: Set<Client>;
}

/** Read-only commands whose keys are not remembered: the script's own reads are (server.c call()). */
const SCRIPT_READS = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

/** A payload waiting for the reply of the running command (Redis server.tracking_pending_keys). */
interface Pending {
  client: Client;
  payload: string | null;
}

export class Tracking {
  /** Key -> ids of the clients that may have cached it (Redis TrackingTable). */
  private readonly table = new Map<string, Set<number>>();
  /** Client ids across the whole table (TrackingTableTotalItems). */
  private totalItems = 0;
  /** BCAST prefixes (Redis PrefixTable). */
  private readonly prefixTable = new Map<string, PrefixState>();
  /** Clients with tracking on (server.tracking_clients). */
  clientCount = 0;
  private pending: Pending[] = [];
  private broadcastScheduled = false;
  /** trackingLimitUsedSlots' effort grows while it fails to get under the limit. */
  private limitRounds = 0;
  /** A flush is clearing keys: its keys are not invalidated one by one. */
  private flushing = false;
  /**
   * One flush clears every database (FLUSHALL, DEBUG RELOAD, a replica's full sync) but is one
   * signalFlushedDb: inside a command, the command's sequence number when the last flush was
   * announced; outside, whether one was announced in this synchronous run.
   */
  private flushAnnouncedAt = -1;
  private flushAnnouncedNow = false;

  constructor(private readonly server: Server) {}

  /** True when a write may have someone to tell: the keyspace checks this and nothing else. */
  get active(): boolean {
    return this.table.size > 0 || this.prefixTable.size > 0;
  }

  get totalKeys(): number {
    return this.table.size;
  }

  get items(): number {
    return this.totalItems;
  }

  get totalPrefixes(): number {
    return this.prefixTable.size;
  }

  // ---- CLIENT TRACKING ------------------------------------------------------------------------

  /** CLIENT TRACKING ON (Redis enableTracking); options were checked by the caller. */
  enable(client: Client, redirect: number, options: TrackingOptions, prefixes: readonly string[]): void {
    let tracking = client.tracking;
    if (tracking === null) {
      this.clientCount++;
      tracking = client.tracking = {
        redirect: 0,
        bcast: false,
        optin: false,
        optout: false,
        noloop: false,
        caching: false,
        brokenRedirect: false,
        prefixes: new Set(),
      };
    }
    // Turning it on again keeps CACHING and the BCAST prefixes, and resets the rest (enableTracking).
    tracking.redirect = redirect;
    tracking.brokenRedirect = false;
    tracking.bcast = options.bcast;
    tracking.optin = options.optin;
    tracking.optout = options.optout;
    tracking.noloop = options.noloop;
    if (options.bcast) {
      if (prefixes.length === 0) this.subscribePrefix(client, '');
      for (const prefix of prefixes) this.subscribePrefix(client, prefix);
    }
  }

  private subscribePrefix(client: Client, prefix: string): void {
    let state = this.prefixTable.get(prefix);
    if (!state) this.prefixTable.set(prefix, (state = { keys: new Map(), clients: new Set() }));
    state.clients.add(client);
    client.tracking!.prefixes.add(prefix);
  }

  /** CLIENT TRACKING OFF, RESET, a closed connection (Redis disableTracking). */
  disable(client: Client): void {
    const tracking = client.tracking;
    if (tracking === null) return;
    for (const prefix of tracking.prefixes) {
      const state = this.prefixTable.get(prefix);
      state?.clients.delete(client);
      if (state && state.clients.size === 0) this.prefixTable.delete(prefix);
    }
    client.tracking = null;
    // The after-reply hook runs only while someone tracks: nothing may wait for it once nobody does.
    if (--this.clientCount === 0) this.pending = [];
  }

  // ---- Reads ----------------------------------------------------------------------------------

  /**
   * After a read-only command ran (Redis call() -> trackingRememberKeys): its keys are remembered
   * for `caller`, the client whose command it is (a script's caller for the script's reads), unless
   * OPTIN without CACHING yes or OPTOUT with CACHING no says otherwise.
   */
  rememberKeys(caller: Client, fullName: string, args: readonly string[]): void {
    const tracking = caller.tracking;
    if (tracking === null || tracking.bcast || SCRIPT_READS.has(fullName)) return;
    if ((tracking.optin && !tracking.caching) || (tracking.optout && tracking.caching)) return;
    const meta = commandMeta(fullName);
    // Shard channels are keys to COMMAND but nothing to cache.
    if (meta === undefined || meta.flags.includes('pubsub')) return;
    const keys = commandKeys(meta, args);
    for (const { pos } of keys) {
      const key = args[pos]!;
      let ids = this.table.get(key);
      if (!ids) this.table.set(key, (ids = new Set()));
      if (!ids.has(caller.id)) {
        ids.add(caller.id);
        this.totalItems++;
      }
    }
    // Redis checks the limit before the next command and in the cron: the invalidations it sends
    // reach the reader after this reply either way.
    if (keys.length > 0) this.limitUsedSlots();
  }

  // ---- Writes ---------------------------------------------------------------------------------

  /** Server.beforeChange while `active` (Redis signalModifiedKey -> trackingInvalidateKey). */
  keyChanged(db: Db, key: string): void {
    if (this.flushing) return;
    if (this.prefixTable.size > 0) {
      // The writer decides NOLOOP in BCAST mode: none for an expired key (Redis passes NULL from
      // deleteExpiredKeyAndPropagate), else the client running the command (a script's own client).
      const writer = db.isExpired(key) ? null : this.server.currentClient;
      this.rememberForBroadcast(key, writer);
    }
    this.invalidateKey(key);
  }

  /** Sends the invalidation of one key to the clients that read it, and forgets the key. */
  private invalidateKey(key: string): void {
    const ids = this.table.get(key);
    if (ids === undefined) return;
    const executing = this.server.callerClient;
    for (const id of ids) {
      const target = this.server.clients.get(id);
      const tracking = target?.tracking;
      // A client that switched to BCAST meanwhile gets nothing of what it read before.
      if (!target || !tracking || tracking.bcast) continue;
      if (tracking.noloop && target === executing) continue;
      const payload = keysPayload([key]);
      // The writer's own invalidation goes after its reply (tracking_pending_keys).
      if (target === executing) this.pending.push({ client: target, payload });
      else this.send(target, payload);
    }
    this.totalItems -= ids.size;
    this.table.delete(key);
  }

  /**
   * A database is being flushed (Redis signalFlushedDb -> trackingInvalidateKeysOnFlush): every
   * tracking client, BCAST or not, is told "every key" with a null, and the table starts over. One
   * FLUSHALL clears every database but is one flush.
   */
  flushStarted(): void {
    this.flushing = true;
    if (this.server.callerClient !== null) {
      const commandSeq = this.server.stats.totalCommands;
      if (this.flushAnnouncedAt === commandSeq) return;
      this.flushAnnouncedAt = commandSeq;
    } else {
      if (this.flushAnnouncedNow) return;
      this.flushAnnouncedNow = true;
      queueMicrotask(() => (this.flushAnnouncedNow = false));
    }
    if (this.clientCount > 0) {
      const executing = this.server.callerClient;
      for (const client of this.server.clients.values()) {
        if (client.tracking === null) continue;
        if (client === executing) this.pending.push({ client, payload: null });
        else this.send(client, flushPayload(client.proto === 3));
      }
    }
    this.table.clear();
    this.totalItems = 0;
  }

  flushEnded(): void {
    this.flushing = false;
  }

  /**
   * After a command's reply was queued to its client (Redis afterCommand ->
   * trackingHandlePendingKeyInvalidations), and where CACHING's one-command life ends (resetClient:
   * any command but CLIENT outside a transaction clears it).
   */
  afterReply(client: Client, args: readonly string[]): void {
    if (this.pending.length > 0) {
      const pending = this.pending;
      this.pending = [];
      for (const { client: target, payload } of pending) {
        if (target.tracking === null) continue;
        this.send(target, payload ?? flushPayload(target.proto === 3));
      }
    }
    const tracking = client.tracking;
    if (tracking !== null && tracking.caching && client.multi === null && args[0]!.toLowerCase() !== 'client') tracking.caching = false;
  }

  // ---- BCAST ----------------------------------------------------------------------------------

  private rememberForBroadcast(key: string, writer: Client | null): void {
    for (const [prefix, state] of this.prefixTable) {
      if (!key.startsWith(prefix)) continue;
      state.keys.set(key, writer);
      if (!this.broadcastScheduled) {
        this.broadcastScheduled = true;
        // Once per event-loop turn, after the turn's commands (Redis beforeSleep).
        setImmediate(() => this.broadcast());
      }
    }
  }

  /** Redis trackingBroadcastInvalidationMessages: each prefix's keys of the turn, in byte order. */
  broadcast(): void {
    this.broadcastScheduled = false;
    const prefixes = [...this.prefixTable.keys()].sort(byteOrder);
    for (const prefix of prefixes) {
      const state = this.prefixTable.get(prefix)!;
      if (state.keys.size === 0) continue;
      const written = state.keys;
      state.keys = new Map();
      const keys = [...written.keys()].sort(byteOrder);
      const payload = keysPayload(keys);
      for (const client of state.clients) {
        if (!client.tracking?.noloop) {
          this.send(client, payload);
          continue;
        }
        // NOLOOP: without the keys this client wrote itself.
        const others = keys.filter((key) => written.get(key) !== client);
        if (others.length > 0) this.send(client, keysPayload(others));
      }
    }
  }

  // ---- tracking-table-max-keys ----------------------------------------------------------------

  /**
   * Over tracking-table-max-keys, keys are invalidated (their readers told) until the table fits
   * again, oldest first, with Redis's growing effort per round (trackingLimitUsedSlots picks them
   * by a random walk).
   */
  limitUsedSlots(): void {
    const max = this.server.config.num('tracking-table-max-keys');
    if (max === 0 || this.table.size <= max) {
      this.limitRounds = 0;
      return;
    }
    let effort = 100 * (this.limitRounds + 1);
    for (const key of this.table.keys()) {
      if (effort-- <= 0) break;
      this.invalidateKey(key);
      if (this.table.size <= max) {
        this.limitRounds = 0;
        return;
      }
    }
    this.limitRounds++;
  }

  // ---- Delivery -------------------------------------------------------------------------------

  /**
   * Redis sendTrackingMessage: to the client itself in RESP3, or to its REDIRECT target (RESP3, or
   * RESP2 in Pub/Sub mode); a RESP2 client without a redirect cannot be told. Delivered whatever
   * CLIENT REPLY says (CLIENT_PUSHING).
   */
  private send(client: Client, payload: string): void {
    const tracking = client.tracking!;
    let target = client;
    const redirecting = tracking.redirect !== 0;
    if (redirecting) {
      const redirected = this.server.clients.get(tracking.redirect);
      if (!redirected) {
        tracking.brokenRedirect = true;
        if (client.proto === 3) client.sink.push(new RawReply(redirectBrokenFrame(tracking.redirect), true));
        return;
      }
      target = redirected;
    }
    if (target.proto === 3) target.sink.push(new RawReply(invalidationHeader(true) + payload, true));
    else if (redirecting && target.totalSubscriptions > 0) target.sink.push(new RawReply(invalidationHeader(false) + payload, true));
  }
}
