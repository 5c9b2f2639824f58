// ZRANDMEMBER (Redis 7.0 zrandmemberWithCountCommand) and ZSCAN, on the shared random-member walk
// and scan paging (base/random-members.ts, base/scan.ts). Random picks use the skiplist's rank
// index, so each is O(log n). ZSCAN scores are bulk strings printed "%.17g" (not RESP3 doubles),
// as Redis's scan replies carry them.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { formatG17 } from '../../../shared/resp/format-double.js';
import type { SortedSet } from '../../keyspace/sorted-set.js';
import { drawRandom, parseRandomCount, randomIndex, type Draw } from '../../base/random-members.js';
import { scanKey, scanPage } from '../../base/scan.js';
import { getZset, pairsReply } from './common.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

function pairAt(zset: SortedSet, rank: number): [string, number] {
  const node = zset.nodeAtRank(rank)!;
  return [node.member, node.score];
}

/** A sorted set to draw from: the whole of it in score order, one pick by a random rank. */
function zsetDraw(zset: SortedSet): Draw<[string, number]> {
  return {
    size: zset.size,
    all: () => [...zset],
    one: () => pairAt(zset, randomIndex(zset.size)),
    identity: ([member]) => member,
  };
}

/** ZRANDMEMBER key [count [WITHSCORES]]. */
function zrandmember(ctx: CommandContext, args: string[]): Reply {
  if (args.length === 2) {
    const zset = getZset(ctx, args[1]!);
    if (zset === undefined || zset instanceof ErrorReply) return zset ?? null;
    return pairAt(zset, randomIndex(zset.size))[0];
  }
  const parsed = parseRandomCount(args, 'WITHSCORES');
  if (parsed instanceof ErrorReply) return parsed;
  const zset = getZset(ctx, args[1]!);
  if (zset === undefined || zset instanceof ErrorReply) return zset ?? [];
  if (parsed.count === 0) return [];
  return pairsReply(ctx, drawRandom(zsetDraw(zset), parsed.count), parsed.withValues);
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
  return scanKey(
    args,
    (key) => getZset(ctx, key),
    (zset, cursor, options) => {
      const whole = isCompact(ctx, zset) ? Array.from(zset, ([member]) => member) : null;
      return scanPage(cursor, zset.scores, options, whole, (out, member) => {
        out.push(member, formatG17(zset.score(member)!));
      });
    },
  );
}

export const randomCommands: CommandSpec[] = [
  command('zrandmember', -2, ['readonly'], zrandmember, KEY1),
  command('zscan', -3, ['readonly'], zscan, KEY1),
];
