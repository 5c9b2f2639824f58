// Point-in-time RDB snapshots without fork() (architecture.md "Decisions"). startSnapshot() fixes
// the instant: from then on every change to a key the walk has not reached yet first hands the
// key's old state to the snapshot (copy-on-write by key, via server.observers). The walk itself
// runs in small slices between event-loop turns and emits RDB bytes (or, through a SnapshotWriter,
// another format: an AOF base in command form) in chunks to a consumer.
//
// Why the output is exactly the keyspace at the start instant, per db (Map iteration order is
// insertion order; entries deleted before the iterator reaches them are skipped; entries added
// later, including deleted-then-re-added ones, are yielded at the end):
//  - a key changed before the walk visited it gets a `saved` entry at its first change: its old
//    value+expiry, or ABSENT when it did not exist at the start (created after the instant);
//  - the walk skips keys that have a `saved` entry or were already visited (a visited key deleted
//    and re-created shows up again at the end of the iteration) and writes the others live: no
//    change reached them since the start, so their live value is their start value;
//  - when the iteration ends every start key was either visited or saved; the saved non-ABSENT
//    entries are then written. A key is written once: either visited live or written from saved.

import { performance } from 'node:perf_hooks';
import type { Db } from '../keyspace/db.js';
import { cloneValue, type Value } from '../keyspace/values.js';
import type { ChangeObserver, Server } from '../server.js';
import { libraryCodes, writeFunctionRecords } from '../scripting/function-dump.js';
import { buildAux, type ReplicationAux } from './aux.js';
import { Crc64 } from './crc64.js';
import { accessRecorder, type AccessRecorder } from './access-records.js';
import { RdbEncoder, writeEof, writeHeader, writeKeyValue, writeSelectDb } from './rdb-writer.js';

export interface SnapshotOptions {
  /** Receives RDB bytes in order. Return a promise to hold the next slice until it settles (backpressure). */
  onChunk(chunk: Buffer): void | Promise<void>;
  /** Called once after the last chunk (which ends with the EOF opcode and the CRC). */
  onDone(stats: SnapshotStats): void;
  /** Called once if a slice or the consumer fails; no more chunks follow. */
  onError(error: Error): void;
  /** repl-stream-db / repl-id / repl-offset aux fields, read by the caller at this same instant. */
  aux?: ReplicationAux;
  /** The snapshot is an AOF base file (aof-base 1). */
  aofBase?: boolean;
  /** Another output format than RDB (an AOF base in command form: aof/aof-format-writer.ts). */
  writer?: SnapshotWriter;
  /** Work per slice before yielding to the event loop (default 2 ms). */
  sliceMs?: number;
  /** Emit a chunk when this many bytes are pending (default 64 KiB). */
  chunkBytes?: number;
  /** Test hook: at most this many keys per slice. */
  maxKeysPerSlice?: number;
  /** Test hook: how the next slice is scheduled (default setImmediate). */
  schedule?: (slice: () => void) => void;
}

export interface SnapshotStats {
  keys: number;
  bytes: number;
  /** Keys whose old value had to be copied because they changed before the walk reached them. */
  copiedKeys: number;
}

export interface SnapshotHandle {
  /** Stops producing; no callback is called afterwards. */
  abort(): void;
  readonly finished: boolean;
  /** Keys in the snapshot (known at the start) and keys written so far (INFO current_save_keys_*). */
  readonly keysTotal: number;
  readonly keysWritten: number;
}

/**
 * What the walk writes through: the file's start, each db, each key, and what closes the file.
 * The default writes RDB (header, aux, functions, SELECTDB/RESIZEDB, key records, EOF + CRC-64).
 */
export interface SnapshotWriter {
  /** Bytes written and not yet taken. */
  readonly pending: number;
  start(): void;
  selectDb(db: number, size: number, expires: number): void;
  keyValue(key: string, value: Value, expireMs: number | undefined): void;
  /** The bytes written since the last take. */
  take(): Buffer;
  /** The last bytes: what is pending plus whatever closes the file. */
  finish(): Buffer;
}

class RdbSnapshotWriter implements SnapshotWriter {
  private readonly enc: RdbEncoder;
  private readonly crc = new Crc64();
  /** IDLE / FREQ records under an LRU / LFU policy (the stamp when the key is written). */
  private readonly access: AccessRecorder | undefined;
  private db: Db | undefined;

  constructor(
    private readonly server: Server,
    private readonly aux: [string, string][],
  ) {
    this.enc = new RdbEncoder(server.config.bool('rdbcompression'));
    this.access = accessRecorder(server);
  }

  get pending(): number {
    return this.enc.pending;
  }

  start(): void {
    writeHeader(this.enc, this.aux);
    writeFunctionRecords(this.enc, libraryCodes(this.server));
  }

  selectDb(db: number, size: number, expires: number): void {
    writeSelectDb(this.enc, db, size, expires);
    this.db = this.server.db(db);
  }

  keyValue(key: string, value: Value, expireMs: number | undefined): void {
    writeKeyValue(this.enc, key, value, expireMs, this.access && this.db && this.access(this.db, key));
  }

  take(): Buffer {
    const chunk = this.enc.take();
    this.crc.update(chunk);
    return chunk;
  }

  finish(): Buffer {
    writeEof(this.enc);
    const chunk = this.take();
    const tail = this.server.config.bool('rdbchecksum') ? this.crc.digest() : Buffer.alloc(8);
    return Buffer.concat([chunk, tail]);
  }
}

interface Saved {
  value: Value;
  expire: number | undefined;
}

interface DbWalk {
  db: Db;
  size: number;
  expires: number;
  phase: 'pending' | 'walking' | 'done';
  /** Start state of keys changed before the walk reached them; null = did not exist at the start. */
  saved: Map<string, Saved | null>;
  visited: Set<string>;
  iter: Iterator<string> | undefined;
}

const CHECK_EVERY = 32;

/** Starts a snapshot of the keyspace as it is now; see the file comment for the guarantees. */
export function startSnapshot(server: Server, options: SnapshotOptions): SnapshotHandle {
  return new SnapshotProducer(server, options);
}

class SnapshotProducer implements ChangeObserver, SnapshotHandle {
  private readonly walks: (DbWalk | undefined)[] = [];
  private readonly order: DbWalk[] = [];
  private readonly writer: SnapshotWriter;
  private current = 0;
  private savedIter: Iterator<[string, Saved | null]> | undefined;
  private stopped = false;
  finished = false;
  keysTotal = 0;
  keysWritten = 0;
  private bytes = 0;
  private copied = 0;

  constructor(
    private readonly server: Server,
    private readonly options: SnapshotOptions,
  ) {
    this.writer = options.writer ?? new RdbSnapshotWriter(server, buildAux(options.aux, undefined, options.aofBase));
    for (const db of server.dbs) {
      if (db.data.size === 0) continue;
      const walk: DbWalk = {
        db,
        size: db.data.size,
        expires: db.expires.size,
        phase: 'pending',
        saved: new Map(),
        visited: new Set(),
        iter: undefined,
      };
      this.walks[db.id] = walk;
      this.order.push(walk);
      this.keysTotal += walk.size;
    }
    this.writer.start();
    server.observers.add(this);
    this.scheduleNext();
  }

  beforeChange(db: Db, key: string): void {
    const walk = this.walks[db.id];
    if (walk === undefined || walk.phase === 'done' || walk.saved.has(key)) return;
    if (walk.phase === 'walking' && walk.visited.has(key)) return;
    const value = db.data.get(key);
    walk.saved.set(key, value === undefined ? null : { value: cloneValue(value), expire: db.expires.get(key) });
    if (value !== undefined) this.copied++;
  }

  abort(): void {
    this.stop();
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.server.observers.delete(this);
    this.order.length = 0;
    this.walks.length = 0;
    this.savedIter = undefined;
  }

  private scheduleNext(): void {
    const schedule = this.options.schedule ?? setImmediate;
    schedule(() => this.slice());
  }

  private slice(): void {
    if (this.stopped) return;
    let more: boolean;
    try {
      more = this.work();
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    const chunk = more ? this.writer.take() : this.writer.finish();
    this.bytes += chunk.length;
    let pending: void | Promise<void>;
    try {
      pending = chunk.length > 0 ? this.options.onChunk(chunk) : undefined;
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    const next = more ? () => this.scheduleNext() : () => this.finish();
    if (pending instanceof Promise) {
      pending.then(
        () => !this.stopped && next(),
        (error: Error) => this.fail(error),
      );
    } else {
      next();
    }
  }

  /** Does one slice of work; returns false when every key has been written. */
  private work(): boolean {
    const sliceMs = this.options.sliceMs ?? 2;
    const chunkBytes = this.options.chunkBytes ?? 64 * 1024;
    const maxKeys = this.options.maxKeysPerSlice ?? Infinity;
    const deadline = performance.now() + sliceMs;
    for (let steps = 1; ; steps++) {
      if (!this.step()) return false;
      if (steps >= maxKeys) return true;
      if (steps % CHECK_EVERY === 0 && (this.writer.pending >= chunkBytes || performance.now() >= deadline)) return true;
    }
  }

  /** Handles one key (or one phase change); returns false when there is nothing left. */
  private step(): boolean {
    const walk = this.order[this.current];
    if (walk === undefined) return false;
    if (walk.phase === 'pending') {
      this.writer.selectDb(walk.db.id, walk.size, walk.expires);
      walk.phase = 'walking';
      walk.iter = walk.db.data.keys();
      return true;
    }
    if (walk.phase === 'walking') {
      const next = walk.iter!.next();
      if (next.done) {
        // Every start key is now visited or saved: later changes need no copy.
        walk.phase = 'done';
        walk.iter = undefined;
        walk.visited = new Set();
        this.savedIter = walk.saved.entries();
        return true;
      }
      const key = next.value;
      if (walk.saved.has(key) || walk.visited.has(key)) return true;
      walk.visited.add(key);
      this.write(key, walk.db.data.get(key)!, walk.db.expires.get(key));
      return true;
    }
    const next = this.savedIter!.next();
    if (next.done) {
      walk.saved = new Map();
      this.savedIter = undefined;
      this.current++;
      return this.current < this.order.length;
    }
    const [key, saved] = next.value;
    if (saved !== null) this.write(key, saved.value, saved.expire);
    return true;
  }

  private write(key: string, value: Value, expire: number | undefined): void {
    this.writer.keyValue(key, value, expire);
    this.keysWritten++;
  }

  private finish(): void {
    if (this.stopped) return;
    this.finished = true;
    this.stop();
    this.options.onDone({ keys: this.keysWritten, bytes: this.bytes, copiedKeys: this.copied });
  }

  private fail(error: Error): void {
    if (this.stopped) return;
    this.stop();
    this.options.onError(error);
  }
}
