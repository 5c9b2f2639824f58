// ZRANDMEMBER (Redis 7.0 zrandmemberWithCountCommand) and ZSCAN. Random picks use the skiplist's
// rank index, so each is O(log n). ZSCAN scores are bulk strings printed "%.17g" (not RESP3
// doubles), as Redis's scan replies carry them.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { formatG17 } from '../../../shared/resp/format-double.js';
import type { SortedSet } from '../../keyspace/sorted-set.js';
import { is, parseInt64 } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { ERR_COUNT_RANGE, randomIndex } from '../sets/random.js';
import { ERR_INVALID_CURSOR, parseScanCursor, parseScanOptions, scanPage } from '../sets/scan.js';
import { getZset, pairsReply } from './common.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

const ERR_RANGE = new ErrorReply('ERR value is out of range');
const INT64_MAX = 9223372036854775807n;

function pairAt(zset: SortedSet, rank: number): [string, number] {
  const node = zset.nodeAtRank(rank)!;
  return [node.member, node.score];
}

/** `count` picks: with repeats when negative, distinct otherwise (the whole set when count >= size). */
function pick(zset: SortedSet, count: number): [string, number][] {
  const size = zset.size;
  if (count < 0) {
    const picks: [string, number][] = [];
    for (let i = 0; i < -count; i++) picks.push(pairAt(zset, randomIndex(size)));
    return picks;
  }
  if (count >= size) return [...zset];
  const ranks = new Set<number>();
  if (count * 3 > size) {
    // Many picks: shuffle the ranks (Redis's CASE 3 removes random members from a copy instead).
    const all = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + randomIndex(size - i);
      [all[i], all[j]] = [all[j]!, all[i]!];
      ranks.add(all[i]!);
    }
  } else {
    while (ranks.size < count) ranks.add(randomIndex(size));
  }
  return [...ranks].map((rank) => pairAt(zset, rank));
}

/** ZRANDMEMBER key [count [WITHSCORES]]. */
function zrandmember(ctx: CommandContext, args: string[]): Reply {
  if (args.length === 2) {
    const zset = getZset(ctx, args[1]!);
    if (zset === undefined || zset instanceof ErrorReply) return zset ?? null;
    return pairAt(zset, randomIndex(zset.size))[0];
  }
  const big = parseInt64(args[2]!);
  if (big === null) return ERR_NOT_INTEGER;
  if (big < -INT64_MAX) return ERR_COUNT_RANGE;
  if (args.length > 4 || (args.length === 4 && !is(args[3], 'WITHSCORES'))) return ERR_SYNTAX;
  const withScores = args.length === 4;
  // Redis refuses counts whose doubled reply length would overflow a long.
  if (withScores && (big < -INT64_MAX / 2n || big > INT64_MAX / 2n)) return ERR_RANGE;
  const zset = getZset(ctx, args[1]!);
  if (zset === undefined || zset instanceof ErrorReply) return zset ?? [];
  const count = Number(big);
  if (count === 0) return [];
  return pairsReply(ctx, pick(zset, count), withScores);
}

/** Listpack-encoded in Redis (answers ZSCAN in one call): few members, none of them long. */
function isCompact(ctx: CommandContext, zset: SortedSet): boolean {
  const config = ctx.server.config;
  if (zset.size > config.num('zset-max-listpack-entries')) return false;
  const maxValue = config.num('zset-max-listpack-value');
  for (const [member] of zset) if (member.length > maxValue) return false;
  return true;
}

/** ZSCAN key cursor [MATCH pattern] [COUNT count]: [cursor, [member, score, ...]]. */
function zscan(ctx: CommandContext, args: string[]): Reply {
  const cursor = parseScanCursor(args[2]!);
  if (cursor === null) return ERR_INVALID_CURSOR;
  const zset = getZset(ctx, args[1]!);
  if (zset === undefined || zset instanceof ErrorReply) return zset ?? ['0', []];
  const options = parseScanOptions(args, 3);
  if (options instanceof ErrorReply) return options;
  const whole = isCompact(ctx, zset) ? Array.from(zset, ([member]) => member) : null;
  return scanPage(cursor, zset.scores, options, whole, (out, member) => {
    out.push(member, formatG17(zset.score(member)!));
  });
}

export const randomCommands: CommandSpec[] = [
  command('zrandmember', -2, ['readonly'], zrandmember, KEY1),
  command('zscan', -3, ['readonly'], zscan, KEY1),
];
