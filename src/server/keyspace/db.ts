// One logical database (SELECT n): the key -> value map, the key -> expiry map, and the single funnel
// every mutation passes through, so that snapshots (copy-on-write by key), WATCH, blocked clients and
// the change counter all see every write. Expiry follows Redis db.c: lazy on access, and on a replica
// a logically expired key reads as missing but is only deleted when the master's DEL arrives.

import { type Value } from './values.js';
import { StreamValue } from './stream.js';
import type { AccessClock } from './access-clock.js';
import type { PubSub } from '../clients/pubsub.js';
import { notifyKeyspaceEvent, NOTIFY_GENERIC, NOTIFY_NEW } from './keyspace-events.js';

/** What the keyspace needs from the server around it; the server implements it. */
export interface KeyspaceHooks {
  /** Current time in ms (a fake clock in tests). */
  now(): number;
  /** True on a replica: keys are not deleted on expiry, the master's DEL does it. */
  expiresPassively(): boolean;
  /** True while a command from our master is running: it sees expired keys as present. */
  executingMasterCommand(): boolean;
  /** A key expired and was deleted here (the master propagates `DEL key`). */
  keyExpired(db: Db, key: string): void;
  /** The access clock keys are stamped with (LRU time or LFU counter, per maxmemory-policy). */
  readonly accessClock: AccessClock;
  /** Called before a key changes (before the change is made): snapshot COW, WATCH, dirty counter. */
  beforeChange(db: Db, key: string): void;
  /** A list or sorted set at `key` gained elements: clients blocked on it may be served. */
  keyReady(db: Db, key: string): void;
  /**
   * Around clear(): the keys a flush removes are one change (client-side caching invalidates
   * everything at once, Redis signalFlushedDb), while beforeChange still sees each of them.
   */
  flushStarted?(db: Db): void;
  flushEnded?(db: Db): void;
  /** Where keyspace notifications go (keyspace-events.ts): the `new` event of a created key. */
  readonly pubsub: PubSub;
}

export class Db {
  readonly data = new Map<string, Value>();
  readonly expires = new Map<string, number>();
  /**
   * Each key's access stamp (Redis keeps it in the object's 24-bit `lru` field; our values are plain
   * strings and collections, so it lives beside them): the LRU time or the LFU counter, see
   * access-clock.ts. A small integer per key; what eviction and OBJECT IDLETIME / FREQ read.
   */
  readonly access = new Map<string, number>();
  /** Keys with clients blocked on them (BLPOP and friends); usually empty, so checks are cheap. */
  readonly blockedKeys = new Map<string, number>();

  constructor(
    readonly id: number,
    private readonly hooks: KeyspaceHooks,
  ) {}

  get size(): number {
    return this.data.size;
  }

  /** True when the key has an expiry in the past (whether or not it was deleted yet). */
  isExpired(key: string, now = this.hooks.now()): boolean {
    const when = this.expires.get(key);
    return when !== undefined && when <= now;
  }

  /**
   * Looks a key up for reading or writing and stamps its access time (Redis lookupKey). Expired
   * keys are deleted (master) or hidden (replica) and read as missing, except for commands from our
   * master, which see them.
   */
  lookup(key: string): Value | undefined {
    const value = this.peek(key);
    if (value !== undefined) this.touch(key);
    return value;
  }

  /**
   * lookup without the access stamp (Redis LOOKUP_NOTOUCH: EXISTS, TYPE, TTL, OBJECT, SCAN's TYPE
   * filter), for what only looks at a key's presence or metadata.
   */
  peek(key: string): Value | undefined {
    const value = this.data.get(key);
    if (value === undefined) return undefined;
    if (this.expires.size > 0 && this.isExpired(key)) {
      if (this.hooks.executingMasterCommand()) return value;
      if (this.hooks.expiresPassively()) return undefined;
      this.expireNow(key);
      return undefined;
    }
    return value;
  }

  /** Stamps an access (Redis lookupKey: updateLFU under an LFU policy, else the LRU clock). */
  touch(key: string): void {
    const clock = this.hooks.accessClock;
    this.access.set(key, clock.lfu ? clock.accessedLfu(this.access.get(key)) : clock.lru);
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  /** Deletes an expired key and tells the server (which propagates the DEL). */
  expireNow(key: string): void {
    this.hooks.beforeChange(this, key);
    const value = this.data.get(key);
    this.data.delete(key);
    this.expires.delete(key);
    this.access.delete(key);
    this.hooks.keyExpired(this, key);
    this.signalStreamGone(key, value);
  }

  /** Must be called before mutating a collection in place (LPUSH on an existing list, HSET, ...). */
  willModify(key: string): void {
    this.hooks.beforeChange(this, key);
  }

  /** Sets a key; its expiry is cleared unless keepTtl (SET semantics). */
  set(key: string, value: Value, keepTtl = false): void {
    this.hooks.beforeChange(this, key);
    // Redis dbAdd: a key that did not exist raises `new` (only looked for when the class is on).
    const created = (this.hooks.pubsub.keyspaceEvents & NOTIFY_NEW) !== 0 && !this.data.has(key);
    this.data.set(key, value);
    // A new value is a new object stamped now; under LFU an overwrite keeps the counter (dbSetValue).
    const clock = this.hooks.accessClock;
    if (!clock.lfu || !this.access.has(key)) this.access.set(key, clock.fresh());
    if (!keepTtl && this.expires.size > 0) this.expires.delete(key);
    // Redis dbAdd signals every new key: RENAME/COPY/RESTORE of a list onto a key that clients
    // block on wakes them (the retry checks the type).
    this.signalReady(key);
    if (created) notifyKeyspaceEvent(this.hooks, NOTIFY_NEW, 'new', key, this.id);
  }

  /** Deletes a key; returns whether it existed (expired keys count as absent). */
  delete(key: string): boolean {
    if (this.peek(key) === undefined) return false;
    return this.remove(key);
  }

  /**
   * Deletes a key whether or not it is logically expired (Redis dbSyncDelete: what eviction
   * removes); returns whether it was there.
   */
  remove(key: string): boolean {
    const value = this.data.get(key);
    if (value === undefined) return false;
    this.hooks.beforeChange(this, key);
    this.data.delete(key);
    this.expires.delete(key);
    this.access.delete(key);
    this.signalStreamGone(key, value);
    return true;
  }

  /**
   * A deleted stream wakes its blocked XREADGROUP clients, which are answered with an error (Redis
   * 7.0 dbGenericDelete signals stream keys; blocked.c unblockDeletedStreamReadgroupClients).
   */
  private signalStreamGone(key: string, value: Value | undefined): void {
    if (value instanceof StreamValue) this.signalReady(key);
  }

  /**
   * Removes a collection key that a command emptied (Redis never keeps empty collections), with the
   * `del` event Redis raises after the command's own event (t_list.c listElementsRemoved & co.).
   */
  deleteIfEmpty(key: string, size: number): void {
    if (size > 0) return;
    this.data.delete(key);
    this.expires.delete(key);
    this.access.delete(key);
    notifyKeyspaceEvent(this.hooks, NOTIFY_GENERIC, 'del', key, this.id);
  }

  getExpire(key: string): number | undefined {
    return this.expires.get(key);
  }

  /** Sets an absolute expiry in ms; the key must exist. */
  setExpire(key: string, whenMs: number): void {
    this.hooks.beforeChange(this, key);
    this.expires.set(key, whenMs);
  }

  /** Removes the expiry; returns whether there was one. */
  persist(key: string): boolean {
    if (!this.expires.has(key)) return false;
    this.hooks.beforeChange(this, key);
    this.expires.delete(key);
    return true;
  }

  /** Signals that a list/zset at key gained elements (only matters when a client is blocked on it). */
  signalReady(key: string): void {
    if (this.blockedKeys.size > 0 && this.blockedKeys.has(key)) this.hooks.keyReady(this, key);
  }

  /** Removes every key (FLUSHDB); every key counts as changed for snapshots and WATCH. */
  clear(): void {
    this.hooks.flushStarted?.(this);
    for (const key of this.data.keys()) this.hooks.beforeChange(this, key);
    // Redis scanDatabaseForDeletedStreams: blocked XREADGROUP clients learn their stream is gone.
    for (const key of this.blockedKeys.keys()) this.signalStreamGone(key, this.data.get(key));
    this.data.clear();
    this.expires.clear();
    this.access.clear();
    this.hooks.flushEnded?.(this);
  }
}
