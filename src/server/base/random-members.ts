// Random picks from a collection, for RANDOMKEY, SPOP, SRANDMEMBER, HRANDFIELD and ZRANDMEMBER
// (Redis 7.0 srandmemberWithCountCommand, hrandfieldWithCountCommand, zrandmemberWithCountCommand):
// the count argument with its range errors, one random key of a Map or Set, and the walk that
// draws a count of members: a negative count repeats, a positive one never does and a count at
// least the size answers the whole collection in its own order.

import { ErrorReply } from '../../shared/resp/reply.js';
import { is, parseInt64 } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from './errors.js';

export const ERR_COUNT_RANGE = new ErrorReply(
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
);
const ERR_RANGE = new ErrorReply('ERR value is out of range');
const INT64_MAX = 9223372036854775807n;
/** Up to this size a pick walks to a uniformly random position (or copies the members once). */
const UNIFORM_PICK_LIMIT = 1024;
/** Larger collections: a persistent walker advanced by a random stride, O(stride) per pick. */
const MAX_STRIDE = 64;

export function randomIndex(size: number): number {
  return Math.floor(Math.random() * size);
}

/** What has keys to pick from: a Set's members, a Map's keys (the keyspace, hash fields). */
export type Keyed = Set<string> | Map<string, unknown>;

/** The key at a 0-based position of the iteration order (a walk: O(index)). */
export function keyAt(source: Keyed, index: number): string | undefined {
  for (const key of source.keys()) if (index-- === 0) return key;
  return undefined;
}

const walkers = new WeakMap<Keyed, Iterator<string>>();

/**
 * A random key, undefined when empty. A JS Set or Map has no random access: small ones are walked
 * to a uniform position; large ones use a walker that resumes where it stopped and moves a random
 * stride, which is fair enough over many picks (Redis's own dictGetFairRandomKey is approximate too).
 */
export function randomKey(source: Keyed): string | undefined {
  const size = source.size;
  if (size === 0) return undefined;
  if (size <= UNIFORM_PICK_LIMIT) return keyAt(source, randomIndex(size));
  let iterator = walkers.get(source) ?? source.keys();
  let steps = 1 + randomIndex(MAX_STRIDE);
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

export interface RandomCount {
  /** Negative: that many picks, repeats allowed. */
  count: number;
  /** WITHVALUES / WITHSCORES was given. */
  withValues: boolean;
}

/**
 * The `count [WITH...]` arguments from args[2], in Redis's order of checks: not an integer, below
 * -(2^63-1), then the syntax (more arguments than the option, or another word), then with the
 * option a count whose doubled reply would overflow a long. Without `option` (SRANDMEMBER) any
 * argument after the count is a syntax error, reported before the count is read.
 */
export function parseRandomCount(args: string[], option?: 'WITHVALUES' | 'WITHSCORES'): RandomCount | ErrorReply {
  if (option === undefined && args.length > 3) return ERR_SYNTAX;
  const big = parseInt64(args[2]!);
  if (big === null) return ERR_NOT_INTEGER;
  if (big < -INT64_MAX) return ERR_COUNT_RANGE;
  if (args.length > 4 || (args.length === 4 && !is(args[3], option ?? ''))) return ERR_SYNTAX;
  const withValues = args.length === 4;
  // -(2^63-1)/2 and (2^63-1)/2 are not representable as JS numbers: compare in bigint.
  if (withValues && (big < -INT64_MAX / 2n || big > INT64_MAX / 2n)) return ERR_RANGE;
  return { count: Number(big), withValues };
}

/** A collection to draw from. */
export interface Draw<T> {
  readonly size: number;
  /** Every member in the collection's own order (the reply when the count covers it all). */
  all(): T[];
  /**
   * One random member without copying the collection, for large ones (a skiplist's rank lookup,
   * a Set's walker). Without it, draws copy the members once and pick from the copy.
   */
  one?(): T;
  /** What makes two picks the same member (default: the pick itself). */
  identity?(item: T): unknown;
}

/**
 * `count` picks (count != 0): |count| with repeats when negative; else distinct members, the whole
 * collection (in its order) when count >= size. A count that is a large share of the collection
 * (or any count on a small one) shuffles a copy partially; a small share of a large collection
 * draws random members until enough distinct ones came up (Redis's CASE 3 and CASE 4).
 */
export function drawRandom<T>(source: Draw<T>, count: number): T[] {
  const size = source.size;
  if (count < 0) return drawRepeated(source, -count);
  if (count >= size) return source.all();
  if (!source.one || count * 3 > size || size <= UNIFORM_PICK_LIMIT) {
    // Partial Fisher-Yates: the first `count` slots end up a uniform random sample.
    const all = source.all();
    for (let i = 0; i < count; i++) {
      const j = i + randomIndex(all.length - i);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    return all.slice(0, count);
  }
  const identity = source.identity ?? ((item: T) => item);
  const picked = new Map<unknown, T>();
  while (picked.size < count) {
    const item = source.one();
    const id = identity(item);
    if (!picked.has(id)) picked.set(id, item);
  }
  return [...picked.values()];
}

function drawRepeated<T>(source: Draw<T>, count: number): T[] {
  const pool = source.one && source.size > UNIFORM_PICK_LIMIT ? null : source.all();
  const picks: T[] = new Array(count);
  for (let i = 0; i < count; i++) picks[i] = pool ? pool[randomIndex(pool.length)]! : source.one!();
  return picks;
}
