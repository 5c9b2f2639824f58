// Range reads of sorted sets, after Redis 7.0 zrangeGenericCommand: ZRANGE (BYSCORE BYLEX REV LIMIT
// WITHSCORES) and its legacy spellings (ZRANGEBYSCORE, ZREVRANGE, ...), ZRANGESTORE, ZCOUNT and
// ZLEXCOUNT. Options are parsed, then the range, then the key is looked up (so syntax errors win
// over WRONGTYPE), exactly in Redis's order.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { SortedSet, type LexRange, type ScoreRange, type ZNode } from '../../keyspace/sorted-set.js';
import { lexGteMin, lexLteMax, scoreGteMin, scoreLteMax } from '../../keyspace/sorted-set.js';
import { is, parseInteger } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { collect, getZset, pairsReply, storeZset } from './common.js';
import { ERR_MINMAX_FLOAT, ERR_MINMAX_LEX, parseLexRange, parseScoreRange } from './parse.js';
import { removeRangeCommands } from './remove.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

const ERR_LIMIT_RANK = new ErrorReply(
  'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
);
const ERR_WITHSCORES_LEX = new ErrorReply('ERR syntax error, WITHSCORES not supported in combination with BYLEX');

type RangeType = 'rank' | 'score' | 'lex';

interface RangeRequest {
  type: RangeType;
  reverse: boolean;
  withScores: boolean;
  offset: number;
  /** -1 = no limit (Redis's default, which is why `LIMIT 0 -1` passes on a rank range). */
  limit: number;
  start: number;
  end: number;
  score?: ScoreRange;
  lex?: LexRange;
}

/**
 * Parses `<min> <max> [options]` starting at args[at]; `fixedType`/`fixedReverse` are set by the
 * legacy commands, which then refuse BYSCORE/BYLEX/REV as syntax errors.
 */
function parseRangeRequest(
  args: string[],
  at: number,
  store: boolean,
  fixedType?: RangeType,
  fixedReverse?: boolean,
): RangeRequest | ErrorReply {
  let type = fixedType;
  let reverse = fixedReverse;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = at + 2; j < args.length; j++) {
    const left = args.length - j - 1;
    if (!store && is(args[j], 'WITHSCORES')) {
      withScores = true;
    } else if (is(args[j], 'LIMIT') && left >= 2) {
      const o = parseInteger(args[j + 1]!);
      const l = parseInteger(args[j + 2]!);
      if (o === null || l === null) return ERR_NOT_INTEGER;
      [offset, limit] = [o, l];
      j += 2;
    } else if (reverse === undefined && is(args[j], 'REV')) {
      reverse = true;
    } else if (type === undefined && is(args[j], 'BYLEX')) {
      type = 'lex';
    } else if (type === undefined && is(args[j], 'BYSCORE')) {
      type = 'score';
    } else {
      return ERR_SYNTAX;
    }
  }
  type ??= 'rank';
  reverse ??= false;
  if (limit !== -1 && type === 'rank') return ERR_LIMIT_RANK;
  if (withScores && type === 'lex') return ERR_WITHSCORES_LEX;
  // Score and lex ranges are written max-first when reversed.
  let [minText, maxText] = [args[at]!, args[at + 1]!];
  if (reverse && type !== 'rank') [minText, maxText] = [maxText, minText];
  const request: RangeRequest = { type, reverse, withScores, offset, limit, start: 0, end: 0 };
  if (type === 'rank') {
    const start = parseInteger(minText);
    const end = parseInteger(maxText);
    if (start === null || end === null) return ERR_NOT_INTEGER;
    [request.start, request.end] = [start, end];
  } else if (type === 'score') {
    const range = parseScoreRange(minText, maxText);
    if (!range) return ERR_MINMAX_FLOAT;
    request.score = range;
  } else {
    const range = parseLexRange(minText, maxText);
    if (!range) return ERR_MINMAX_LEX;
    request.lex = range;
  }
  return request;
}

/** Redis genericZrangebyrankCommand: clamp the indexes, then walk from the first one. */
function rankRange(zset: SortedSet, request: RangeRequest): [string, number][] {
  const size = zset.size;
  let { start, end } = request;
  if (start < 0) start += size;
  if (end < 0) end += size;
  if (start < 0) start = 0;
  if (start > end || start >= size) return [];
  if (end >= size) end = size - 1;
  const first = zset.nodeAtRank(request.reverse ? size - 1 - start : start) ?? null;
  return collect(first, end - start + 1, request.reverse);
}

/** Steps `offset` nodes along the order using ranks (O(log n) instead of a walk). */
function skip(zset: SortedSet, node: ZNode | null, offset: number, reverse: boolean): ZNode | null {
  if (!node || offset === 0) return node;
  const rank = zset.rank(node.member)! + (reverse ? -offset : offset);
  return zset.nodeAtRank(rank) ?? null;
}

/** Redis genericZrangebyscoreCommand / genericZrangebylexCommand with LIMIT offset count. */
function boundedRange(zset: SortedSet, request: RangeRequest): [string, number][] {
  const { reverse, offset, limit } = request;
  // A negative offset walks off the end in Redis (`while (ln && offset--)`): nothing comes back.
  if (offset < 0 || (offset > 0 && offset >= zset.size)) return [];
  let first: ZNode | null;
  let inside: (node: ZNode) => boolean;
  if (request.score) {
    const range = request.score;
    first = reverse ? zset.lastInScoreRange(range) : zset.firstInScoreRange(range);
    inside = reverse ? (n) => scoreGteMin(n.score, range) : (n) => scoreLteMax(n.score, range);
  } else {
    const range = request.lex!;
    first = reverse ? zset.lastInLexRange(range) : zset.firstInLexRange(range);
    inside = reverse ? (n) => lexGteMin(n.member, range) : (n) => lexLteMax(n.member, range);
  }
  return collect(skip(zset, first, offset, reverse), limit < 0 ? -1 : limit, reverse, inside);
}

export function rangeOf(zset: SortedSet, request: RangeRequest): [string, number][] {
  return request.type === 'rank' ? rankRange(zset, request) : boundedRange(zset, request);
}

/** The shared body of ZRANGE and its legacy forms: args[1] is the key, args[2..3] the range. */
function zrangeGeneric(fixedType?: RangeType, fixedReverse?: boolean) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const request = parseRangeRequest(args, 2, false, fixedType, fixedReverse);
    if (request instanceof ErrorReply) return request;
    const zset = getZset(ctx, args[1]!);
    if (zset === undefined || zset instanceof ErrorReply) return zset ?? [];
    return pairsReply(ctx, rangeOf(zset, request), request.withScores);
  };
}

/** ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]. */
function zrangestore(ctx: CommandContext, args: string[]): Reply {
  const request = parseRangeRequest(args, 3, true);
  if (request instanceof ErrorReply) return request;
  const source = getZset(ctx, args[2]!, true);
  if (source instanceof ErrorReply) return source;
  const result = new SortedSet(source ? rangeOf(source, request) : []);
  return storeZset(ctx, args[1]!, result, 'zrangestore');
}

/** Number of nodes from `first` to `last` inclusive, by rank. */
function countBetween(zset: SortedSet, first: ZNode | null, last: ZNode | null): number {
  if (!first || !last) return 0;
  return zset.rank(last.member)! - zset.rank(first.member)! + 1;
}

function zcount(ctx: CommandContext, args: string[]): Reply {
  const range = parseScoreRange(args[2]!, args[3]!);
  if (!range) return ERR_MINMAX_FLOAT;
  const zset = getZset(ctx, args[1]!);
  if (zset === undefined || zset instanceof ErrorReply) return zset ?? 0;
  return countBetween(zset, zset.firstInScoreRange(range), zset.lastInScoreRange(range));
}

function zlexcount(ctx: CommandContext, args: string[]): Reply {
  const range = parseLexRange(args[2]!, args[3]!);
  if (!range) return ERR_MINMAX_LEX;
  const zset = getZset(ctx, args[1]!);
  if (zset === undefined || zset instanceof ErrorReply) return zset ?? 0;
  return countBetween(zset, zset.firstInLexRange(range), zset.lastInLexRange(range));
}

const READ: ['readonly'] = ['readonly'];

export const rangeCommands: CommandSpec[] = [
  command('zrange', -4, READ, zrangeGeneric(), KEY1),
  command('zrangebyscore', -4, READ, zrangeGeneric('score', false), KEY1),
  command('zrevrangebyscore', -4, READ, zrangeGeneric('score', true), KEY1),
  command('zrangebylex', -4, READ, zrangeGeneric('lex', false), KEY1),
  command('zrevrangebylex', -4, READ, zrangeGeneric('lex', true), KEY1),
  command('zrevrange', -4, READ, zrangeGeneric('rank', true), KEY1),
  command('zrangestore', -5, ['write', 'denyoom'], zrangestore, { first: 1, last: 2, step: 1 }),
  command('zcount', 4, ['readonly', 'fast'], zcount, KEY1),
  command('zlexcount', 4, ['readonly', 'fast'], zlexcount, KEY1),
  ...removeRangeCommands,
];
