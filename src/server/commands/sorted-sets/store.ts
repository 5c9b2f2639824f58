// Sorted-set algebra (Redis 7.0 zunionInterDiffGenericCommand): ZUNION ZINTER ZDIFF, their STORE
// forms and ZINTERCARD. Inputs may be sets (every member scores 1). Keys are type-checked before the
// options are parsed; union and intersection visit inputs smallest first, which fixes the order in
// which floating-point sums are made, and a NaN sum or weighted score becomes 0, as in Redis.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { SortedSet } from '../../keyspace/sorted-set.js';
import { is, parseInteger } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import { pairsReply, storeZset } from './common.js';
import { parseScore } from './parse.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

const ERR_WEIGHT = new ErrorReply('ERR weight value is not a float');
const ERR_LIMIT = new ErrorReply("ERR LIMIT can't be negative");

type Op = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** One input: a sorted set, a plain set (scores 1) or nothing (missing key). */
interface Source {
  value: SortedSet | Set<string> | undefined;
  weight: number;
}

interface Request {
  sources: Source[];
  aggregate: Aggregate;
  withScores: boolean;
  limit: number;
}

function sizeOf(source: Source): number {
  return source.value?.size ?? 0;
}

function* membersOf(source: Source): Iterable<[string, number]> {
  const value = source.value;
  if (value instanceof SortedSet) yield* value;
  else if (value) for (const member of value) yield [member, 1];
}

function scoreIn(source: Source, member: string): number | undefined {
  const value = source.value;
  if (value instanceof SortedSet) return value.score(member);
  return value?.has(member) ? 1 : undefined;
}

/** Redis zunionInterAggregate: a NaN sum (inf + -inf) is 0. */
function aggregateInto(target: number, value: number, aggregate: Aggregate): number {
  if (aggregate === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (aggregate === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

/** Parses `numkeys key ... [WEIGHTS ...] [AGGREGATE ...] [WITHSCORES] [LIMIT n]` from args[at]. */
function parseRequest(ctx: CommandContext, args: string[], at: number, op: Op, store: boolean, cardOnly: boolean) {
  const setnum = parseInteger(args[at]!);
  if (setnum === null) return ERR_NOT_INTEGER;
  if (setnum < 1) return new ErrorReply(`ERR at least 1 input key is needed for '${args[0]!.toLowerCase()}' command`);
  if (setnum > args.length - at - 1) return ERR_SYNTAX;
  const request: Request = { sources: [], aggregate: 'sum', withScores: false, limit: 0 };
  let j = at + 1;
  for (; j < at + 1 + setnum; j++) {
    const value = store ? ctx.db.lookup(args[j]!) : readKey(ctx, args[j]!);
    if (value !== undefined && !(value instanceof SortedSet) && !(value instanceof Set)) return ERR_WRONGTYPE;
    request.sources.push({ value, weight: 1 });
  }
  const algebra = op !== 'diff' && !cardOnly;
  while (j < args.length) {
    const remaining = args.length - j;
    if (algebra && remaining >= setnum + 1 && is(args[j], 'WEIGHTS')) {
      j++;
      for (const source of request.sources) {
        const weight = parseScore(args[j++]!);
        if (weight === null) return ERR_WEIGHT;
        source.weight = weight;
      }
    } else if (algebra && remaining >= 2 && is(args[j], 'AGGREGATE')) {
      const word = args[j + 1]!.toLowerCase();
      if (word !== 'sum' && word !== 'min' && word !== 'max') return ERR_SYNTAX;
      request.aggregate = word;
      j += 2;
    } else if (!store && !cardOnly && is(args[j], 'WITHSCORES')) {
      request.withScores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && is(args[j], 'LIMIT')) {
      const limit = parseInteger(args[j + 1]!);
      if (limit === null || limit < 0) return ERR_LIMIT;
      request.limit = limit;
      j += 2;
    } else {
      return ERR_SYNTAX;
    }
  }
  // Smallest first (a stable sort, as glibc's merge-sorting qsort): fixes the order of sums.
  if (op !== 'diff') request.sources.sort((a, b) => sizeOf(a) - sizeOf(b));
  return request;
}

/** A weighted score; NaN (0 * inf) becomes 0, as Redis does. */
function weighted(score: number, weight: number): number {
  const value = score * weight;
  return Number.isNaN(value) ? 0 : value;
}

/** Members present in every input; with `limit` > 0 only counts up to it (ZINTERCARD). */
function intersect(request: Request, into: SortedSet | null): number {
  const [smallest, ...others] = request.sources;
  if (!smallest || sizeOf(smallest) === 0) return 0;
  let count = 0;
  for (const [member, base] of membersOf(smallest)) {
    let score = weighted(base, smallest.weight);
    let everywhere = true;
    for (const other of others) {
      const value = scoreIn(other, member);
      if (value === undefined) {
        everywhere = false;
        break;
      }
      score = aggregateInto(score, value * other.weight, request.aggregate);
    }
    if (!everywhere) continue;
    count++;
    into?.add(member, score);
    if (!into && request.limit > 0 && count >= request.limit) break;
  }
  return count;
}

function unite(request: Request, into: SortedSet): void {
  const scores = new Map<string, number>();
  for (const source of request.sources) {
    for (const [member, base] of membersOf(source)) {
      const score = weighted(base, source.weight);
      const existing = scores.get(member);
      scores.set(member, existing === undefined ? score : aggregateInto(existing, score, request.aggregate));
    }
  }
  for (const [member, score] of scores) into.add(member, score);
}

function subtract(request: Request, into: SortedSet): void {
  const [first, ...others] = request.sources;
  for (const [member, score] of membersOf(first!)) {
    if (!others.some((other) => scoreIn(other, member) !== undefined)) into.add(member, score);
  }
}

function compute(op: Op, request: Request): SortedSet {
  const result = new SortedSet();
  if (op === 'inter') intersect(request, result);
  else if (op === 'union') unite(request, result);
  else subtract(request, result);
  return result;
}

/** ZUNION / ZINTER / ZDIFF numkeys key [key ...] [...] [WITHSCORES]. */
function combine(op: Op) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const request = parseRequest(ctx, args, 1, op, false, false);
    if (request instanceof ErrorReply) return request;
    return pairsReply(ctx, [...compute(op, request)], request.withScores);
  };
}

/** ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE destination numkeys key [key ...] [...]. */
function combineStore(op: Op) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const request = parseRequest(ctx, args, 2, op, true, false);
    if (request instanceof ErrorReply) return request;
    return storeZset(ctx, args[1]!, compute(op, request), `z${op}store`);
  };
}

/** ZINTERCARD numkeys key [key ...] [LIMIT limit]. */
function zintercard(ctx: CommandContext, args: string[]): Reply {
  const request = parseRequest(ctx, args, 1, 'inter', false, true);
  if (request instanceof ErrorReply) return request;
  return intersect(request, null);
}

const MOVABLE = { first: 0, last: 0, step: 0 };
/** The STORE forms report the destination as their key triple, plus movablekeys (COMMAND INFO). */
const DEST = { first: 1, last: 1, step: 1 };

export const storeCommands: CommandSpec[] = [
  command('zunionstore', -4, ['write', 'denyoom', 'movablekeys'], combineStore('union'), DEST),
  command('zinterstore', -4, ['write', 'denyoom', 'movablekeys'], combineStore('inter'), DEST),
  command('zdiffstore', -4, ['write', 'denyoom', 'movablekeys'], combineStore('diff'), DEST),
  command('zunion', -3, ['readonly', 'movablekeys'], combine('union'), MOVABLE),
  command('zinter', -3, ['readonly', 'movablekeys'], combine('inter'), MOVABLE),
  command('zdiff', -3, ['readonly', 'movablekeys'], combine('diff'), MOVABLE),
  command('zintercard', -3, ['readonly', 'movablekeys'], zintercard, MOVABLE),
];
