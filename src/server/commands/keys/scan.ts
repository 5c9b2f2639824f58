// Walking the keyspace: KEYS, SCAN (MATCH COUNT TYPE) and RANDOMKEY, plus the cursor table behind
// SCAN. Redis's cursor walks hash buckets in reverse-binary order; we walk a JS Map in insertion
// order with live iterators instead, which gives the same promises (see ScanCursors).

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import type { Db } from '../../keyspace/db.js';
import { typeOf } from '../../keyspace/values.js';
import type { Server } from '../../server.js';
import { globMatch } from '../../../shared/glob.js';
import { peekKey } from '../../base/read-key.js';
import { randomKey } from '../../base/random-members.js';
import {
  ERR_INVALID_CURSOR,
  matchesPattern,
  parseScanCursor,
  parseScanOptions,
  scanSteps,
  type Scannable,
  type ScanOptions,
} from '../../base/scan.js';
import { command, NO_KEYS, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

/** Low cursor bits: a tag that tells apart cursors stopped at the same position. */
const TAG_BITS = 16n;
/** Live cursors kept per server; an idle or evicted one still works, with weaker promises. */
const MAX_LIVE_CURSORS = 256;
/** An abandoned iterator pins the Map's old backing store after a rehash: do not keep it forever. */
const CURSOR_IDLE_MS = 5 * 60_000;

interface LiveCursor {
  source: Scannable;
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

  resume(source: Scannable, cursor: bigint): { iterator: Iterator<string>; position: number } {
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

  suspend(source: Scannable, iterator: Iterator<string>, position: number, now: number): bigint {
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

/** SCAN cursor [MATCH pattern] [COUNT n] [TYPE t]: examines about COUNT keys, then filters them. */
function scan(ctx: CommandContext, args: string[]): Reply {
  const cursor = parseScanCursor(args[1]!);
  if (cursor === null) return ERR_INVALID_CURSOR;
  const opts = parseScanOptions(args, 2, true);
  if (opts instanceof ErrorReply) return opts;
  const db = ctx.db;
  const cursors = scanCursors(ctx.server);
  const { iterator, position } = cursors.resume(db.data, cursor);
  const found: string[] = [];
  const { examined, done } = scanSteps(iterator, opts.count, (key) => {
    if (acceptKey(ctx, db, key, opts)) found.push(key);
  });
  const nextCursor = done ? 0n : cursors.suspend(db.data, iterator, position + examined, ctx.now);
  return [nextCursor.toString(), found];
}

/** Redis's SCAN filters in this order: pattern, type (a counted read), then expiry. */
function acceptKey(ctx: CommandContext, db: Db, key: string, opts: ScanOptions): boolean {
  if (!matchesPattern(opts, key)) return false;
  const value = opts.type !== null ? peekKey(ctx, key, db) : db.peek(key);
  if (value === undefined) return false;
  return opts.type === null || typeOf(value) === opts.type;
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

/**
 * Redis dbRandomKey: expired picks are deleted and another is tried; a replica cannot delete, so
 * when every key has a TTL it returns an expired one after 100 tries (else it could loop forever).
 */
function randomkey(ctx: CommandContext): Reply {
  const db = ctx.db;
  const allVolatile = db.data.size === db.expires.size;
  let expiredPicks = 0;
  for (;;) {
    const key = randomKey(db.data);
    if (key === undefined) return null;
    if (!db.isExpired(key, ctx.now)) return key;
    // On a master lookup deletes the expired key; a command from our master still sees it.
    if (db.peek(key) !== undefined) return key;
    if (allVolatile && ctx.server.isReplica && ++expiredPicks >= 100) return key;
  }
}

export const scanCommands: CommandSpec[] = [
  command('keys', 2, ['readonly'], keys, NO_KEYS),
  command('scan', -2, ['readonly'], scan, NO_KEYS),
  command('randomkey', 1, ['readonly'], randomkey, NO_KEYS),
];
