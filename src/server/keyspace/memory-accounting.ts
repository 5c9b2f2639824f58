// What the keyspace holds, by our own deterministic accounting: the sum over every key of what
// redis-server 7.0 would allocate for it (memory-size.ts keyUsage: the key's sds and dict entry,
// the value in its encoding, sampled for big collections as MEMORY USAGE samples them), plus the
// key's share of the dict's bucket array and its expires entry. It is not jemalloc's figure (Redis
// counts every allocation; we count the dataset's structures as Redis would lay them out) and not
// the V8 heap (which lags the garbage collector and holds our own overheads): it is the measure
// maxmemory and eviction use, and what INFO's used_memory reports above a fixed startup figure.
//
// Kept incrementally without slowing writes: Server.beforeChange hands each key here before it
// changes; its size then is remembered once, and settle() later adds what it costs now minus that.
// Settling happens at the end of every top-level command (Server.endCall), when the total is read
// (the OOM check, INFO) and from the cron, so only the keys one command wrote are ever pending. Everything that changes a key passes
// beforeChange (it is also how snapshots and WATCH see writes), so the sum stays exact with respect
// to the estimate; recount() recomputes it from scratch (tests compare the two).

import type { Config } from '../config/config.js';
import type { Db } from './db.js';
import { keyUsage, stringKeyUsage } from './memory-size.js';

/** MEMORY USAGE's default sampling (OBJ_COMPUTE_SIZE_DEF_SAMPLES). */
const SAMPLES = 5;
/** A key's share of the main dict's bucket array (one 8-byte pointer per slot, load factor ~1). */
const BUCKET = 8;
/** An entry in the expires dict (the key's sds is shared with the main dict) and its bucket. */
const EXPIRE_ENTRY = 24 + 8;

export class KeyspaceMemory {
  /** The sum of every key's bytes as of the last settle. */
  private settled = 0;
  /**
   * Keys changed since the last settle with what they cost before their first change, one Map per
   * db id, kept (and emptied) rather than reallocated: settled after every command, they hold a
   * key or two, so the write path pays a couple of small-Map operations, not a keyspace-sized Map
   * (and for the usual single key, none: see firstDb).
   */
  private readonly pending: (Map<string, number> | undefined)[] = [];
  /** The dbs whose pending Map is not empty. */
  private readonly dirty: Db[] = [];
  /** The first key changed since the last settle (the usual only one), and its cost before. */
  private firstDb: Db | undefined = undefined;
  private firstKey = '';
  private firstBefore = 0;
  /** The highest total seen (used_memory_peak). */
  peak = 0;

  constructor(private readonly config: Config) {}

  /** What one key costs now (0 when absent). */
  keyBytes(db: Db, key: string): number {
    const value = db.data.get(key);
    if (value === undefined) return 0;
    const expires = db.expires.size > 0 && db.expires.has(key) ? EXPIRE_ENTRY : 0;
    // Strings, the common case, without the encoding lookup of the generic path.
    const usage = typeof value === 'string' ? stringKeyUsage(key, value) : keyUsage(key, value, SAMPLES, this.config);
    return usage + BUCKET + expires;
  }

  /** Server.beforeChange: remembers the key's cost before the change, once until the next settle. */
  beforeChange(db: Db, key: string): void {
    // Most commands change one key: it is held in fields, the Maps only take a second key and more.
    if (this.firstDb === undefined) {
      this.firstDb = db;
      this.firstKey = key;
      this.firstBefore = this.keyBytes(db, key);
      return;
    }
    if (this.firstKey === key && this.firstDb === db) return;
    let keys = this.pending[db.id];
    if (keys === undefined) this.pending[db.id] = keys = new Map();
    if (keys.size === 0) this.dirty.push(db);
    else if (keys.has(key)) return;
    keys.set(key, this.keyBytes(db, key));
  }

  /** Adds what each pending key costs now minus what it cost before (Server.endCall, reads, cron). */
  settle(): void {
    const first = this.firstDb;
    if (first === undefined) return;
    this.settled += this.keyBytes(first, this.firstKey) - this.firstBefore;
    this.firstDb = undefined;
    const dirty = this.dirty;
    if (dirty.length > 0) {
      for (const db of dirty) {
        const keys = this.pending[db.id]!;
        for (const [key, before] of keys) this.settled += this.keyBytes(db, key) - before;
        keys.clear();
      }
      dirty.length = 0;
    }
    if (this.settled > this.peak) this.peak = this.settled;
  }

  /** The keyspace's bytes now. */
  total(): number {
    this.settle();
    return this.settled;
  }

  /** The sum computed from scratch over `dbs` (what the incremental total must equal). */
  recount(dbs: readonly Db[]): number {
    let sum = 0;
    for (const db of dbs) for (const key of db.data.keys()) sum += this.keyBytes(db, key);
    return sum;
  }
}
