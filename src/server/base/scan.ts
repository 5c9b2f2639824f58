// The SCAN family's common part (Redis 7.0 scanGenericCommand and parseScanCursorOrReply): cursor
// and option parsing with Redis's error texts, the MATCH filter, the page loop, and paging through
// one collection for SSCAN, HSCAN and ZSCAN. The keyspace's own cursor table is keys/scan.ts.

import { ErrorReply, type Reply } from '../../shared/resp/reply.js';
import { globMatch } from '../../shared/glob.js';
import { is, parseInteger } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from './errors.js';

export const ERR_INVALID_CURSOR = new ErrorReply('ERR invalid cursor');
const UINT64_MAX = 0xffffffffffffffffn;
/** Scans in progress kept per collection; beyond this the oldest cursor resumes by position. */
const MAX_SCANS_PER_COLLECTION = 64;

/** Parses a cursor as Redis's strtoul-based parseScanCursorOrReply ("" is 0, "-1" wraps). */
export function parseScanCursor(text: string): bigint | null {
  const match = /^([+-]?)(\d*)$/.exec(text);
  if (!match) return null;
  if (match[2] === '') return match[1] === '' ? 0n : null;
  const magnitude = BigInt(match[2]!);
  if (magnitude > UINT64_MAX) return null;
  // strtoul negates "-N" modulo 2^64.
  return match[1] === '-' && magnitude !== 0n ? (1n << 64n) - magnitude : magnitude;
}

export interface ScanOptions {
  count: number;
  /** Null when there is none, or it is `*` (Redis skips matching then). */
  pattern: string | null;
  /** Lower-cased TYPE name (keyspace SCAN only), null when not given. */
  type: string | null;
}

/**
 * `[MATCH pattern] [COUNT count]`, plus `[TYPE type]` when `withType` (keyspace SCAN; SSCAN, HSCAN
 * and ZSCAN call it a syntax error, as Redis does), from args[from]. COUNT below 1 is a syntax error.
 */
export function parseScanOptions(args: string[], from: number, withType = false): ScanOptions | ErrorReply {
  const options: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = from; i < args.length; i += 2) {
    const hasValue = i + 1 < args.length;
    if (is(args[i], 'COUNT') && hasValue) {
      const count = parseInteger(args[i + 1]!);
      if (count === null) return ERR_NOT_INTEGER;
      if (count < 1) return ERR_SYNTAX;
      options.count = count;
    } else if (is(args[i], 'MATCH') && hasValue) {
      options.pattern = args[i + 1] === '*' ? null : args[i + 1]!;
    } else if (is(args[i], 'TYPE') && withType && hasValue) {
      options.type = args[i + 1]!.toLowerCase();
    } else {
      return ERR_SYNTAX;
    }
  }
  return options;
}

/**
 * SSCAN / HSCAN / ZSCAN key cursor [MATCH pattern] [COUNT count], in Redis's order of checks: the
 * cursor, then the key (a missing one answers an empty page, another type WRONGTYPE), then the
 * options. `page` answers for the collection found.
 */
export function scanKey<T>(
  args: string[],
  lookup: (key: string) => T | undefined | ErrorReply,
  page: (value: T, cursor: bigint, options: ScanOptions) => Reply,
): Reply {
  const cursor = parseScanCursor(args[2]!);
  if (cursor === null) return ERR_INVALID_CURSOR;
  const value = lookup(args[1]!);
  if (value === undefined) return ['0', []];
  if (value instanceof ErrorReply) return value;
  const options = parseScanOptions(args, 3);
  if (options instanceof ErrorReply) return options;
  return page(value, cursor, options);
}

/** The MATCH filter: true when there is no pattern or the name matches it. */
export function matchesPattern(options: ScanOptions, name: string): boolean {
  return options.pattern === null || globMatch(options.pattern, name);
}

/** Hands up to `count` items to `visit`; `done` when the iterator ran out first. */
export function scanSteps<T>(iterator: Iterator<T>, count: number, visit: (item: T) => void): { examined: number; done: boolean } {
  for (let examined = 0; examined < count; examined++) {
    const step = iterator.next();
    if (step.done) return { examined, done: true };
    visit(step.value);
  }
  return { examined: count, done: false };
}

/** What a collection scan walks: the members of a Set, or the keys (fields, members) of a Map. */
export type Scannable = Set<string> | Map<string, unknown>;

const scans = new WeakMap<Scannable, Map<bigint, Iterator<string>[]>>();

function takeIterator(source: Scannable, cursor: bigint): Iterator<string> {
  const byCursor = scans.get(source);
  const pending = byCursor?.get(cursor);
  const live = pending?.pop();
  if (pending && pending.length === 0) byCursor!.delete(cursor);
  if (live) return live;
  // Unknown cursor (never issued, or forgotten): resume by position, exact unless members left.
  const iterator = source.keys();
  for (let skipped = 0n; skipped < cursor && !iterator.next().done; skipped++);
  return iterator;
}

function keepIterator(source: Scannable, cursor: bigint, iterator: Iterator<string>): void {
  let byCursor = scans.get(source);
  if (!byCursor) scans.set(source, (byCursor = new Map()));
  const list = byCursor.get(cursor) ?? [];
  list.push(iterator);
  byCursor.set(cursor, list);
  if (byCursor.size > MAX_SCANS_PER_COLLECTION) byCursor.delete(byCursor.keys().next().value!);
}

/**
 * One SSCAN / HSCAN / ZSCAN page: [next cursor, items]. A collection Redis keeps compact (intset,
 * listpack) passes `whole`, every member in Redis's compact order, and answers in one call with
 * cursor 0, COUNT ignored. A larger one pages through a live iterator kept per cursor, which
 * returns every member present from the first call to the last at least once, whatever is added
 * or removed meanwhile (SCAN's promise). The cursor counts members handed out so far in this scan,
 * so it only grows (never 0 before the end) and an unknown cursor can still resume by position.
 * `emit` adds a member's reply items (HSCAN adds the value, ZSCAN the score).
 */
export function scanPage(
  cursor: bigint,
  source: Scannable,
  options: ScanOptions,
  whole: Iterable<string> | null,
  emit: (out: Reply[], member: string) => void,
): Reply {
  const out: Reply[] = [];
  const visit = (member: string) => {
    if (matchesPattern(options, member)) emit(out, member);
  };
  if (whole) {
    for (const member of whole) visit(member);
    return ['0', out];
  }
  const iterator = takeIterator(source, cursor);
  const { examined, done } = scanSteps(iterator, options.count, visit);
  if (done) return ['0', out];
  let next = cursor + BigInt(examined);
  if (next === 0n || next > UINT64_MAX) next = 1n;
  keepIterator(source, next, iterator);
  return [next.toString(), out];
}
