// Walking the keyspace: KEYS, SCAN (MATCH COUNT TYPE) and RANDOMKEY, plus the cursor table behind
// SCAN. Redis's cursor walks hash buckets in reverse-binary order; we walk a JS Map in insertion
// order with live iterators instead, which gives the same promises (see ScanCursors).

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import type { Db } from '../../keyspace/db.js';
import { typeOf } from '../../keyspace/values.js';
import type { Server } from '../../server.js';
import { globMatch, is, parseInt64 } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import { command, NO_KEYS, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

const ERR_INVALID_CURSOR = new ErrorReply('ERR invalid cursor');
const UINT64_MAX = (1n << 64n) - 1n;
/** Low cursor bits: a tag that tells apart cursors stopped at the same position. */
const TAG_BITS = 16n;
/** Live cursors kept per server; an idle or evicted one still works, with weaker promises. */
const MAX_LIVE_CURSORS = 256;
/** An abandoned iterator pins the Map's old backing store after a rehash: do not keep it forever. */
const CURSOR_IDLE_MS = 5 * 60_000;

type KeySource = Map<string, unknown> | Set<string>;

interface LiveCursor {
  source: KeySource;
  iterator: Iterator<string>;
  /** Keys consumed so far: lets an unknown cursor resume approximately. */
  position: number;
  lastUsed: number;
}

/**
 * SCAN cursors as live Map iterators. A JS Map iterator visits entries in insertion order, skips
 * entries deleted before it reaches them and visits entries added meanwhile: so a full iteration
 * returns every key present throughout, and a key twice only if it was deleted and re-added (as
 * Redis promises). Cursor = (keys consumed << 16) | random tag. A cursor not in the table (idle
 * too long, evicted, another server) resumes by skipping that many keys: it never repeats a key,
 * but may miss some if keys before it were deleted meanwhile.
 */
export class ScanCursors {
  private readonly live = new Map<string, LiveCursor>();

  resume(source: KeySource, cursor: bigint): { iterator: Iterator<string>; position: number } {
    if (cursor === 0n) return { iterator: source.keys(), position: 0 };
    const text = cursor.toString();
    const entry = this.live.get(text);
    if (entry && entry.source === source) {
      this.live.delete(text);
      return entry;
    }
    const position = Number(cursor >> TAG_BITS);
    const iterator = source.keys();
    for (let i = 0; i < position; i++) if (iterator.next().done) break;
    return { iterator, position };
  }

  suspend(source: KeySource, iterator: Iterator<string>, position: number, now: number): bigint {
    for (const [text, entry] of this.live) {
      if (this.live.size < MAX_LIVE_CURSORS && now - entry.lastUsed < CURSOR_IDLE_MS) break;
      this.live.delete(text);
    }
    let cursor: bigint;
    do {
      const tag = 1 + Math.floor(Math.random() * ((1 << Number(TAG_BITS)) - 1));
      cursor = (BigInt(position) << TAG_BITS) | BigInt(tag);
    } while (this.live.has(cursor.toString()));
    this.live.set(cursor.toString(), { source, iterator, position, lastUsed: now });
    return cursor;
  }

  get size(): number {
    return this.live.size;
  }
}

const cursorTables = new WeakMap<Server, ScanCursors>();

export function scanCursors(server: Server): ScanCursors {
  let table = cursorTables.get(server);
  if (!table) cursorTables.set(server, (table = new ScanCursors()));
  return table;
}

/** Redis parseScanCursorOrReply: strtoul over the whole text, no leading space, <= 2^64-1. */
export function parseCursor(text: string): bigint | null {
  const match = /^([+-]?)(\d*)$/.exec(text);
  if (!match || (match[1] !== '' && match[2] === '')) return null;
  const value = match[2] === '' ? 0n : BigInt(match[2]!);
  if (value > UINT64_MAX) return null;
  // strtoul negates "-N" modulo 2^64.
  return match[1] === '-' && value !== 0n ? (1n << 64n) - value : value;
}

interface ScanOptions {
  count: number;
  pattern: string | undefined;
  type: string | undefined;
}

function parseScanOptions(args: string[], start: number): ScanOptions | ErrorReply {
  const opts: ScanOptions = { count: 10, pattern: undefined, type: undefined };
  for (let i = start; i < args.length; i += 2) {
    const hasValue = args.length - i >= 2;
    if (is(args[i], 'COUNT') && hasValue) {
      const count = parseInt64(args[i + 1]!);
      if (count === null) return ERR_NOT_INTEGER;
      if (count < 1n) return ERR_SYNTAX;
      opts.count = Number(count);
    } else if (is(args[i], 'MATCH') && hasValue) {
      opts.pattern = args[i + 1] === '*' ? undefined : args[i + 1];
    } else if (is(args[i], 'TYPE') && hasValue) {
      opts.type = args[i + 1]!.toLowerCase();
    } else {
      return ERR_SYNTAX;
    }
  }
  return opts;
}

/** SCAN cursor [MATCH pattern] [COUNT n] [TYPE t]: examines about COUNT keys, then filters them. */
function scan(ctx: CommandContext, args: string[]): Reply {
  const cursor = parseCursor(args[1]!);
  if (cursor === null) return ERR_INVALID_CURSOR;
  const opts = parseScanOptions(args, 2);
  if (opts instanceof ErrorReply) return opts;
  const db = ctx.db;
  const cursors = scanCursors(ctx.server);
  const { iterator, position } = cursors.resume(db.data, cursor);
  const found: string[] = [];
  let examined = 0;
  let done = false;
  while (examined < opts.count) {
    const next = iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    examined++;
    if (acceptKey(ctx, db, next.value, opts)) found.push(next.value);
  }
  const nextCursor = done ? 0n : cursors.suspend(db.data, iterator, position + examined, ctx.now);
  return [nextCursor.toString(), found];
}

/** Redis's SCAN filters in this order: pattern, type (a counted read), then expiry. */
function acceptKey(ctx: CommandContext, db: Db, key: string, opts: ScanOptions): boolean {
  if (opts.pattern !== undefined && !globMatch(opts.pattern, key)) return false;
  const value = opts.type !== undefined ? readKey(ctx, key, db) : db.lookup(key);
  if (value === undefined) return false;
  return opts.type === undefined || typeOf(value) === opts.type;
}

/** KEYS pattern: every live key matching; logically expired keys are skipped but not deleted. */
function keys(ctx: CommandContext, args: string[]): Reply {
  const pattern = args[1]!;
  const all = pattern === '*';
  const db = ctx.db;
  const out: string[] = [];
  for (const key of db.data.keys()) {
    if ((all || globMatch(pattern, key)) && !db.isExpired(key, ctx.now)) out.push(key);
  }
  return out;
}

/** Below this size a uniform pick (walking to a random index) is cheap enough. */
const UNIFORM_PICK_LIMIT = 1024;
/** Larger maps: a persistent walker advanced by a random stride, O(stride) per pick. */
const MAX_STRIDE = 64;
const walkers = new WeakMap<KeySource, Iterator<string>>();

/** A random key (uniform on small maps, a random stride along the map on large ones). */
export function pickRandomKey(source: KeySource): string | undefined {
  const size = source.size;
  if (size === 0) return undefined;
  if (size <= UNIFORM_PICK_LIMIT) {
    let skip = Math.floor(Math.random() * size);
    for (const key of source.keys()) if (skip-- === 0) return key;
  }
  let iterator = walkers.get(source) ?? source.keys();
  let steps = 1 + Math.floor(Math.random() * MAX_STRIDE);
  let key: string | undefined;
  while (steps > 0) {
    const next = iterator.next();
    if (next.done) {
      iterator = source.keys();
      continue;
    }
    key = next.value;
    steps--;
  }
  walkers.set(source, iterator);
  return key;
}

/**
 * Redis dbRandomKey: expired picks are deleted and another is tried; a replica cannot delete, so
 * when every key has a TTL it returns an expired one after 100 tries (else it could loop forever).
 */
function randomkey(ctx: CommandContext): Reply {
  const db = ctx.db;
  const allVolatile = db.data.size === db.expires.size;
  let expiredPicks = 0;
  for (;;) {
    const key = pickRandomKey(db.data);
    if (key === undefined) return null;
    if (!db.isExpired(key, ctx.now)) return key;
    // On a master lookup deletes the expired key; a command from our master still sees it.
    if (db.lookup(key) !== undefined) return key;
    if (allVolatile && ctx.server.isReplica && ++expiredPicks >= 100) return key;
  }
}

export const scanCommands: CommandSpec[] = [
  command('keys', 2, ['readonly'], keys, NO_KEYS),
  command('scan', -2, ['readonly'], scan, NO_KEYS),
  command('randomkey', 1, ['readonly'], randomkey, NO_KEYS),
];
