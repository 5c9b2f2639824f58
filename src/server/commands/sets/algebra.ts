// Set algebra (Redis 7.0 sinterGenericCommand / sunionDiffGenericCommand): SINTER SUNION SDIFF,
// their STORE forms and SINTERCARD. Every key is type-checked before anything is computed; a
// missing key is an empty set. A STORE with an empty result deletes the destination.

import { ErrorReply, SetReply, type Reply } from '../../../shared/resp/reply.js';
import type { SetValue } from '../../keyspace/values.js';
import { is, parseInteger } from '../../base/args.js';
import { ERR_SYNTAX, ERR_WRONGTYPE } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import type { CommandContext } from '../../base/command-spec.js';
import { NOTIFY_SET } from '../../keyspace/keyspace-events.js';
import { storeOrDelete } from '../../base/store-result.js';

const ERR_NUMKEYS = new ErrorReply('ERR numkeys should be greater than 0');
const ERR_NUMKEYS_ARGS = new ErrorReply("ERR Number of keys can't be greater than number of args");
const ERR_LIMIT = new ErrorReply("ERR LIMIT can't be negative");

type Op = 'inter' | 'union' | 'diff';

/** The sets behind `keys` (undefined for missing ones), or WRONGTYPE if any key is not a set. */
function lookupSets(ctx: CommandContext, keys: string[], forWrite: boolean): (SetValue | undefined)[] | ErrorReply {
  const sets: (SetValue | undefined)[] = [];
  for (const key of keys) {
    const value = forWrite ? ctx.db.lookup(key) : readKey(ctx, key);
    if (value !== undefined && !(value instanceof Set)) return ERR_WRONGTYPE;
    sets.push(value);
  }
  return sets;
}

/** Members in every set, walking the smallest; stops after `limit` when limit > 0. */
function intersect(sets: (SetValue | undefined)[], limit = 0): string[] {
  if (sets.some((set) => set === undefined || set.size === 0)) return [];
  const ordered = [...(sets as SetValue[])].sort((a, b) => a.size - b.size);
  const [smallest, ...others] = ordered;
  const out: string[] = [];
  for (const member of smallest!) {
    if (!others.every((set) => set.has(member))) continue;
    out.push(member);
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

function unite(sets: (SetValue | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (const set of sets) if (set) for (const member of set) out.add(member);
  return out;
}

function subtract(sets: (SetValue | undefined)[]): Set<string> {
  const [first, ...others] = sets;
  const out = new Set<string>();
  if (!first) return out;
  for (const member of first) if (!others.some((set) => set?.has(member))) out.add(member);
  return out;
}

function compute(op: Op, sets: (SetValue | undefined)[]): Set<string> {
  if (op === 'inter') return new Set(intersect(sets));
  return op === 'union' ? unite(sets) : subtract(sets);
}

/** SINTER / SUNION / SDIFF key [key ...]: a set reply. */
export function setAlgebra(op: Op) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const sets = lookupSets(ctx, args.slice(1), false);
    if (sets instanceof ErrorReply) return sets;
    return new SetReply([...compute(op, sets)]);
  };
}

/** SINTERSTORE / SUNIONSTORE / SDIFFSTORE destination key [key ...]: the stored size. */
export function setAlgebraStore(op: Op) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const sets = lookupSets(ctx, args.slice(2), true);
    if (sets instanceof ErrorReply) return sets;
    const result = compute(op, sets);
    const destination = args[1]!;
    storeOrDelete(ctx, destination, result.size === 0 ? null : result, NOTIFY_SET, `s${op}store`);
    return result.size;
  };
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit] (LIMIT 0 = no limit; a later LIMIT wins). */
export function sintercard(ctx: CommandContext, args: string[]): Reply {
  const numkeys = parseInteger(args[1]!);
  if (numkeys === null || numkeys < 1) return ERR_NUMKEYS;
  if (numkeys > args.length - 2) return ERR_NUMKEYS_ARGS;
  let limit = 0;
  for (let j = 2 + numkeys; j < args.length; j++) {
    if (is(args[j], 'LIMIT') && j + 1 < args.length) {
      const parsed = parseInteger(args[++j]!);
      if (parsed === null || parsed < 0) return ERR_LIMIT;
      limit = parsed;
    } else {
      return ERR_SYNTAX;
    }
  }
  const sets = lookupSets(ctx, args.slice(2, 2 + numkeys), false);
  if (sets instanceof ErrorReply) return sets;
  return intersect(sets, limit).length;
}
