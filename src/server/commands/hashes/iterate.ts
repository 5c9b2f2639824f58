// Commands that walk a hash: HRANDFIELD (Redis 7.0 hrandfieldWithCountCommand) and HSCAN.
// HSCAN keeps SCAN's contract: a field present from the first call to the last is returned at least
// once, whatever is added or removed meanwhile. Small hashes (Redis's listpack size) answer whole in
// one call with cursor 0, as Redis does; larger ones page through a live Map iterator kept per cursor.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import type { HashValue } from '../../keyspace/values.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from '../../base/errors.js';
import { globMatch, is, parseInt64 } from '../../base/args.js';
import type { CommandContext } from '../../base/command-spec.js';
import { parseScanOptions } from '../sets/scan.js';

const INT64_MAX = 9223372036854775807n;
const ERR_COUNT_RANGE = new ErrorReply(
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
);
const ERR_RANGE = new ErrorReply('ERR value is out of range');
const ERR_INVALID_CURSOR = new ErrorReply('ERR invalid cursor');

function lookupHash(ctx: CommandContext, key: string): HashValue | undefined | ErrorReply {
  const value = ctx.db.lookup(key);
  if (value === undefined) return undefined;
  return value instanceof Map ? value : ERR_WRONGTYPE;
}

function randomIndex(size: number): number {
  return Math.floor(Math.random() * size);
}

function entryAt(hash: HashValue, index: number): [string, string] {
  let i = 0;
  for (const entry of hash) if (i++ === index) return entry;
  throw new RangeError('hash index out of range');
}

/** HRANDFIELD key [count [WITHVALUES]]. RESP3 nests [field, value] pairs; RESP2 flattens them. */
export function hrandfield(ctx: CommandContext, args: string[]): Reply {
  if (args.length === 2) {
    const hash = lookupHash(ctx, args[1]!);
    if (hash === undefined || hash instanceof ErrorReply) return hash ?? null;
    return entryAt(hash, randomIndex(hash.size))[0];
  }
  // Range checks in bigint: -(2^63-1) and (2^63-1)/2 are not representable as JS numbers.
  const big = parseInt64(args[2]!);
  if (big === null) return ERR_NOT_INTEGER;
  if (big < -INT64_MAX) return ERR_COUNT_RANGE;
  if (args.length > 4 || (args.length === 4 && !is(args[3], 'WITHVALUES'))) return ERR_SYNTAX;
  const withValues = args.length === 4;
  if (withValues && (big < -INT64_MAX / 2n || big > INT64_MAX / 2n)) return ERR_RANGE;
  const count = Number(big);
  const hash = lookupHash(ctx, args[1]!);
  if (hash === undefined) return [];
  if (hash instanceof ErrorReply) return hash;
  if (count === 0) return [];
  const entries = pickEntries(hash, count);
  const nested = ctx.client.proto === 3;
  const out: Reply[] = [];
  for (const [field, value] of entries) {
    if (!withValues) out.push(field);
    else if (nested) out.push([field, value]);
    else out.push(field, value);
  }
  return out;
}

/** Negative count: |count| picks with repeats; positive: distinct fields, the whole hash if count >= size. */
function pickEntries(hash: HashValue, count: number): [string, string][] {
  const all = [...hash];
  if (count < 0) {
    const picks: [string, string][] = new Array(-count);
    for (let i = 0; i < -count; i++) picks[i] = all[randomIndex(all.length)]!;
    return picks;
  }
  if (count >= all.length) return all;
  // Partial Fisher-Yates: the first `count` slots end up a uniform random sample.
  for (let i = 0; i < count; i++) {
    const j = i + randomIndex(all.length - i);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, count);
}

/** Parses a cursor as Redis's strtoul-based parseScanCursorOrReply ("" is 0, "-1" wraps). */
export function parseScanCursor(text: string): bigint | null {
  const match = /^([+-]?)(\d*)$/.exec(text);
  if (!match) return null;
  if (match[2] === '') return match[1] === '' ? 0n : null;
  const magnitude = BigInt(match[2]!);
  if (magnitude > 0xffffffffffffffffn) return null;
  return match[1] === '-' && magnitude !== 0n ? (1n << 64n) - magnitude : magnitude;
}

/** True when Redis would hold this hash as a listpack (its HSCAN then answers in one call). */
function isSmall(ctx: CommandContext, hash: HashValue): boolean {
  const config = ctx.server.config;
  if (hash.size > config.num('hash-max-listpack-entries')) return false;
  const maxValue = config.num('hash-max-listpack-value');
  for (const [field, value] of hash) if (field.length > maxValue || value.length > maxValue) return false;
  return true;
}

/** Cursor -> live iterators of scans in progress, per hash; dropped with the hash itself. */
const scans = new WeakMap<HashValue, Map<bigint, Iterator<[string, string]>[]>>();
/** Scans in progress kept per hash: beyond this the oldest cursor falls back to skipping by position. */
const MAX_SCANS_PER_HASH = 64;

function takeIterator(hash: HashValue, cursor: bigint): Iterator<[string, string]> {
  const pending = scans.get(hash)?.get(cursor);
  const live = pending?.pop();
  if (pending && pending.length === 0) scans.get(hash)!.delete(cursor);
  if (live) return live;
  // Unknown cursor (never issued, or forgotten): resume by position, exact unless fields were removed.
  const iterator = hash[Symbol.iterator]();
  for (let skipped = 0n; skipped < cursor && !iterator.next().done; skipped++);
  return iterator;
}

function keepIterator(hash: HashValue, cursor: bigint, iterator: Iterator<[string, string]>): void {
  let byCursor = scans.get(hash);
  if (!byCursor) scans.set(hash, (byCursor = new Map()));
  const list = byCursor.get(cursor) ?? [];
  list.push(iterator);
  byCursor.set(cursor, list);
  if (byCursor.size > MAX_SCANS_PER_HASH) byCursor.delete(byCursor.keys().next().value!);
}

/** HSCAN key cursor [MATCH pattern] [COUNT count]: [next cursor, [field, value, ...]]. */
export function hscan(ctx: CommandContext, args: string[]): Reply {
  const cursor = parseScanCursor(args[2]!);
  if (cursor === null) return ERR_INVALID_CURSOR;
  const hash = lookupHash(ctx, args[1]!);
  if (hash === undefined) return ['0', []];
  if (hash instanceof ErrorReply) return hash;
  const options = parseScanOptions(args, 3);
  if (options instanceof ErrorReply) return options;
  const out: string[] = [];
  const emit = (field: string, value: string) => {
    if (options.pattern === null || globMatch(options.pattern, field)) out.push(field, value);
  };
  if (isSmall(ctx, hash)) {
    for (const [field, value] of hash) emit(field, value);
    return ['0', out];
  }
  // The cursor counts fields handed out so far in this scan; it only grows, so it never returns to 0
  // before the end, and an unknown cursor can still resume by position.
  const iterator = takeIterator(hash, cursor);
  let next = cursor;
  for (let n = 0; n < options.count; n++) {
    const step = iterator.next();
    if (step.done) return ['0', out];
    emit(step.value[0], step.value[1]);
    next++;
  }
  if (next === 0n || next > 0xffffffffffffffffn) next = 1n;
  keepIterator(hash, next, iterator);
  return [next.toString(), out];
}
