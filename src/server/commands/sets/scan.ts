// SSCAN and ZSCAN paging (Redis 7.0 scanGenericCommand for one collection). A collection Redis keeps
// compact (intset, listpack) answers whole in one call with cursor 0, COUNT ignored; a larger one
// pages through a live Map/Set iterator kept per cursor, which returns every member present from
// the first call to the last at least once, whatever is added or removed meanwhile (SCAN's promise).

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { globMatch, is, parseInteger } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { parseScanCursor } from '../hashes/iterate.js';

export const ERR_INVALID_CURSOR = new ErrorReply('ERR invalid cursor');
/** Scans in progress kept per collection; beyond this the oldest cursor resumes by position. */
const MAX_SCANS_PER_COLLECTION = 64;
const UINT64_MAX = 0xffffffffffffffffn;

export interface ScanOptions {
  count: number;
  pattern: string | null;
}

/** `[MATCH pattern] [COUNT count]` from args[from]; COUNT below 1 is a syntax error, as in Redis. */
export function parseScanOptions(args: string[], from: number): ScanOptions | ErrorReply {
  const options: ScanOptions = { count: 10, pattern: null };
  for (let i = from; i < args.length; i += 2) {
    if (is(args[i], 'COUNT') && i + 1 < args.length) {
      const count = parseInteger(args[i + 1]!);
      if (count === null) return ERR_NOT_INTEGER;
      if (count < 1) return ERR_SYNTAX;
      options.count = count;
    } else if (is(args[i], 'MATCH') && i + 1 < args.length) {
      options.pattern = args[i + 1] === '*' ? null : args[i + 1]!;
    } else {
      return ERR_SYNTAX;
    }
  }
  return options;
}

/** What a scan walks: the member keys of a Set or of a member -> score Map. */
export type Scannable = Set<string> | Map<string, number>;

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
 * One page: [next cursor, items]. `emit` adds a member's reply items (ZSCAN adds the score too);
 * `whole`, given for a compact collection, is every member in Redis's compact order (an intset is
 * sorted by value, a listpack zset by score): it answers in one call. The cursor counts members handed
 * out so far in this scan, so it only grows and an unknown cursor can still resume by position.
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
    if (options.pattern === null || globMatch(options.pattern, member)) emit(out, member);
  };
  if (whole) {
    for (const member of whole) visit(member);
    return ['0', out];
  }
  const iterator = takeIterator(source, cursor);
  let next = cursor;
  for (let n = 0; n < options.count; n++) {
    const step = iterator.next();
    if (step.done) return ['0', out];
    visit(step.value);
    next++;
  }
  if (next === 0n || next > UINT64_MAX) next = 1n;
  keepIterator(source, next, iterator);
  return [next.toString(), out];
}

export { parseScanCursor };
