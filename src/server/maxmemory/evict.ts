// Eviction under maxmemory (Redis 7.0 evict.c performEvictions). Before each command, while
// used_memory (used-memory.ts) is over maxmemory, keys are evicted by maxmemory-policy:
// - allkeys-/volatile- lru, lfu and volatile-ttl sample maxmemory-samples keys of every database
//   (all keys, or those with a TTL) into the eviction pool and evict its best candidate;
// - allkeys-/volatile- random evict a random key, visiting the databases in turn;
// - noeviction evicts nothing: the OOM check then refuses denyoom commands.
// Each eviction reaches replicas as DEL (UNLINK under lazyfree-lazy-eviction), counts in
// evicted_keys and dirties WATCHers; the time spent over the limit feeds INFO's
// total_/current_eviction_exceeded_time. Evicting goes on for a time budget set by
// maxmemory-eviction-tenacity; past it the rest continues from a timer, between commands.

import { notifyKeyspaceEvent, NOTIFY_EVICTED } from '../keyspace/keyspace-events.js';
import type { Server } from '../server.js';
import type { Db } from '../keyspace/db.js';
import { randomKey } from '../base/random-members.js';
import { clock } from '../base/clock.js';
import { latencyEventsOf } from '../base/latency-events.js';
import { EvictionPool } from './eviction-pool.js';
import { usedMemory } from './used-memory.js';

/** ok: under the limit (or evicting is not safe now); running: the timer goes on; fail: nothing left. */
export type EvictResult = 'ok' | 'running' | 'fail';

/** Keys evicted between two looks at the clock (and at the time budget). */
const CHECK_EVERY = 16;

/** evictionTimeLimitUs: 0..500 us linearly up to tenacity 10, then +15% a step, unbounded at 100. */
export function evictionTimeLimitUs(tenacity: number): number {
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return Math.floor(500 * 1.15 ** (tenacity - 10));
  return Infinity;
}

export class Evictor {
  /** maxmemory in bytes, 0 for no limit (cached: the OOM check reads it before every command). */
  maxmemory = 0;
  /**
   * server.pre_command_oom_state: whether the current client command found memory over the limit
   * with nothing to evict. Scripts read it (not the state at their first write, which their own
   * stack and arguments would skew) to refuse their first denyoom command.
   */
  preCommandOom = false;
  private readonly pool = new EvictionPool();
  private nextDb = 0;
  private timerRunning = false;

  constructor(private readonly server: Server) {
    const config = server.config;
    this.maxmemory = config.num('maxmemory');
    config.onChange('maxmemory', (value) => this.limitChanged(value as number));
  }

  /** Redis updateMaxmemory: warn when the new limit is below what is used, and start evicting. */
  private limitChanged(limit: number): void {
    this.maxmemory = limit;
    if (limit === 0) return;
    const used = usedMemory(this.server);
    if (limit < used) {
      this.server.log.warning(
        `WARNING: the new maxmemory value set via CONFIG SET (${limit}) is smaller than the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.`,
      );
    }
    this.startTimer();
  }

  /** isSafeToPerformEvictions: not while a script yields, loading, on an ignoring replica, paused. */
  private safe(): boolean {
    const server = this.server;
    if (server.busyScript || server.loading) return false;
    if (server.isReplica && server.config.bool('replica-ignore-maxmemory')) return false;
    return server.clientPause === undefined;
  }

  /** performEvictions. */
  perform(): EvictResult {
    if (this.maxmemory === 0 || !this.safe()) return 'ok';
    return this.exceededTime(this.evictToLimit());
  }

  /** Redis's update_metrics: how long memory stayed over the limit (INFO *_eviction_exceeded_time). */
  private exceededTime(result: EvictResult): EvictResult {
    const stats = this.server.stats;
    if (result !== 'ok') {
      if (stats.evictionExceededSince === 0) stats.evictionExceededSince = clock.monotonic() || 1;
    } else if (stats.evictionExceededSince !== 0) {
      stats.evictionExceededTotalMs += clock.monotonic() - stats.evictionExceededSince;
      stats.evictionExceededSince = 0;
    }
    return result;
  }

  private evictToLimit(): EvictResult {
    const used = usedMemory(this.server);
    if (used <= this.maxmemory) return 'ok';
    const policy = this.server.config.str('maxmemory-policy');
    if (policy === 'noeviction') return 'fail';
    const toFree = used - this.maxmemory;
    const budgetUs = evictionTimeLimitUs(this.server.config.num('maxmemory-eviction-tenacity'));
    const started = clock.monotonic();
    let freed = 0;
    let evicted = 0;
    while (freed < toFree) {
      const pick = policy.endsWith('-random') ? this.pickRandom(policy === 'allkeys-random') : this.pickFromPool(policy);
      if (pick === undefined) return this.finish(started, 'fail');
      freed += this.evict(pick.db, pick.key);
      if (++evicted % CHECK_EVERY === 0 && (clock.monotonic() - started) * 1000 > budgetUs) {
        this.startTimer();
        break;
      }
    }
    return this.finish(started, this.timerRunning ? 'running' : 'ok');
  }

  private finish(started: number, result: EvictResult): EvictResult {
    latencyEventsOf(this.server).addIfNeeded('eviction-cycle', Math.floor(clock.monotonic() - started));
    return result;
  }

  /** Deletes one key as eviction does and returns the bytes it held by our accounting. */
  private evict(db: Db, key: string): number {
    const server = this.server;
    const bytes = server.memory.keyBytes(db, key);
    // Evictions do not count as changes for the save schedule (Redis leaves server.dirty alone).
    const dirty = server.dirty;
    db.remove(key);
    server.dirty = dirty;
    server.stats.evictedKeys++;
    // Redis evict.c performEvictions: the `evicted` event before the deletion is propagated.
    notifyKeyspaceEvent(server, NOTIFY_EVICTED, 'evicted', key, db.id);
    // Redis propagateDeletion, outside any MULTI and ahead of the command that triggered it.
    server.emit(db.id, [[server.config.bool('lazyfree-lazy-eviction') ? 'UNLINK' : 'DEL', key]]);
    return bytes;
  }

  /** The pool's best candidate that still exists, sampling every database until one is found. */
  private pickFromPool(policy: string): { db: Db; key: string } | undefined {
    const allKeys = policy.startsWith('allkeys');
    const dbs = this.server.dbs;
    for (;;) {
      let total = 0;
      for (const db of dbs) {
        const source = allKeys ? db.data : db.expires;
        if (source.size === 0) continue;
        total += source.size;
        this.populate(db, source, policy);
      }
      if (total === 0) return undefined;
      for (let entry = this.pool.popBest(); entry !== undefined; entry = this.pool.popBest()) {
        const db = dbs[entry.db]!;
        if ((allKeys ? db.data : db.expires).has(entry.key)) return { db, key: entry.key };
      }
    }
  }

  /** evictionPoolPopulate: maxmemory-samples keys of one database offered to the pool. */
  private populate(db: Db, source: Map<string, unknown>, policy: string): void {
    const samples = this.server.config.num('maxmemory-samples');
    // dictGetSomeKeys returns distinct keys: asked for at least the dict's size, it gives them all.
    if (samples >= source.size) {
      for (const key of source.keys()) this.pool.offer(this.score(db, key, policy), key, db.id);
      return;
    }
    for (let i = 0; i < samples; i++) {
      const key = randomKey(source);
      if (key === undefined) return;
      this.pool.offer(this.score(db, key, policy), key, db.id);
    }
  }

  /** Higher is a better candidate: idle ms (LRU), 255 - frequency (LFU), sooner expiry (TTL). */
  private score(db: Db, key: string, policy: string): number {
    if (policy === 'volatile-ttl') return Number.MAX_SAFE_INTEGER - db.expires.get(key)!;
    const clock = this.server.accessClock;
    const stamp = db.access.get(key);
    if (policy.endsWith('lfu')) return 255 - clock.frequency(stamp ?? clock.fresh());
    return clock.idleMs(stamp ?? clock.lru);
  }

  /** allkeys-/volatile-random: a random key of the next non-empty database in turn. */
  private pickRandom(allKeys: boolean): { db: Db; key: string } | undefined {
    const dbs = this.server.dbs;
    for (let i = 0; i < dbs.length; i++) {
      const db = dbs[(++this.nextDb) % dbs.length]!;
      const key = randomKey(allKeys ? db.data : db.expires);
      if (key !== undefined) return { db, key };
    }
    return undefined;
  }

  /** startEvictionTimeProc: keep evicting between commands until under the limit or nothing is left. */
  private startTimer(): void {
    if (this.timerRunning) return;
    this.timerRunning = true;
    const step = () => {
      if (this.perform() === 'running') setImmediate(step);
      else this.timerRunning = false;
    };
    setImmediate(step);
  }
}
