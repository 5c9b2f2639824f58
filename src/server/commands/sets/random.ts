// Random picks from sets (Redis 7.0 t_set.c): SPOP [count] and SRANDMEMBER [count]. SPOP travels
// to replicas as what it did (protocol doc 2.6): one `SREM key member` per popped member, or
// `DEL key` when the count takes the whole set.

import { ErrorReply, SetReply, type Reply } from '../../../shared/resp/reply.js';
import type { SetValue } from '../../keyspace/values.js';
import { parseInt64, parseInteger } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import type { CommandContext } from '../../base/command-spec.js';

const ERR_POSITIVE = new ErrorReply('ERR value is out of range, must be positive');
export const ERR_COUNT_RANGE = new ErrorReply(
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
);
const INT64_MAX = 9223372036854775807n;
/** Up to this size a pick walks to a uniformly random position. */
const UNIFORM_PICK_LIMIT = 1024;
/** Larger sets: a persistent walker advanced by a random stride, O(stride) per pick. */
const MAX_STRIDE = 64;
const walkers = new WeakMap<SetValue, Iterator<string>>();

export function randomIndex(size: number): number {
  return Math.floor(Math.random() * size);
}

/**
 * A random member. A JS Set has no random access: small sets are walked to a uniform position;
 * large ones use a walker that resumes where it stopped and moves a random stride, which is fair
 * enough over many picks (Redis's own dictGetFairRandomKey is approximate too).
 */
export function randomMember(set: SetValue): string {
  if (set.size <= UNIFORM_PICK_LIMIT) {
    let skip = randomIndex(set.size);
    for (const member of set) if (skip-- === 0) return member;
  }
  let iterator = walkers.get(set) ?? set.values();
  let steps = 1 + randomIndex(MAX_STRIDE);
  let member: string | undefined;
  while (steps > 0) {
    const next = iterator.next();
    if (next.done) {
      iterator = set.values();
      continue;
    }
    member = next.value;
    steps--;
  }
  walkers.set(set, iterator);
  return member!;
}

/** `count` distinct members (count < size): random positions, or a partial shuffle when many. */
export function distinctMembers(set: SetValue, count: number): string[] {
  if (count * 3 > set.size || set.size <= UNIFORM_PICK_LIMIT) {
    const all = [...set];
    for (let i = 0; i < count; i++) {
      const j = i + randomIndex(all.length - i);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    return all.slice(0, count);
  }
  const picked = new Set<string>();
  while (picked.size < count) picked.add(randomMember(set));
  return [...picked];
}

function lookupSet(ctx: CommandContext, key: string, forWrite: boolean): SetValue | undefined | ErrorReply {
  const value = forWrite ? ctx.db.lookup(key) : readKey(ctx, key);
  if (value === undefined) return undefined;
  return value instanceof Set ? value : ERR_WRONGTYPE;
}

/** SPOP key [count]: a bulk without count, a set reply with it. */
export function spop(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 3) return ERR_SYNTAX;
  const key = args[1]!;
  let count = -1;
  if (args.length === 3) {
    const parsed = parseInteger(args[2]!);
    if (parsed === null || parsed < 0) return ERR_POSITIVE;
    count = parsed;
  }
  const set = lookupSet(ctx, key, true);
  if (set === undefined || set instanceof ErrorReply) return set ?? (count === -1 ? null : new SetReply([]));
  if (count === -1) {
    const member = randomMember(set);
    ctx.db.willModify(key);
    set.delete(member);
    ctx.db.deleteIfEmpty(key, set.size);
    ctx.propagateAs(['SREM', key, member]);
    return member;
  }
  if (count === 0) return new SetReply([]);
  if (count >= set.size) {
    const all = [...set];
    ctx.db.delete(key);
    ctx.propagateAs(['DEL', key]);
    return new SetReply(all);
  }
  const popped = distinctMembers(set, count);
  ctx.db.willModify(key);
  for (const member of popped) set.delete(member);
  ctx.propagateAs(...popped.map((member) => ['SREM', key, member]));
  return new SetReply(popped);
}

/** SRANDMEMBER key [count]: negative count may repeat members, positive never does. */
export function srandmember(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 3) return ERR_SYNTAX;
  if (args.length === 2) {
    const set = lookupSet(ctx, args[1]!, false);
    if (set === undefined || set instanceof ErrorReply) return set ?? null;
    return randomMember(set);
  }
  const big = parseInt64(args[2]!);
  if (big === null) return ERR_NOT_INTEGER;
  if (big < -INT64_MAX) return ERR_COUNT_RANGE;
  const count = Number(big);
  const set = lookupSet(ctx, args[1]!, false);
  if (set === undefined || set instanceof ErrorReply) return set ?? [];
  if (count === 0) return [];
  if (count < 0) {
    const picks: string[] = [];
    const all = set.size <= UNIFORM_PICK_LIMIT ? [...set] : null;
    for (let i = 0; i < -count; i++) picks.push(all ? all[randomIndex(all.length)]! : randomMember(set));
    return picks;
  }
  if (count >= set.size) return [...set];
  return distinctMembers(set, count);
}
