// ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX (Redis 7.0 zremrangeGenericCommand): the
// range is parsed before the key is looked up; an emptied set is deleted; nothing removed = no change.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import type { SortedSet, ZNode } from '../../keyspace/sorted-set.js';
import { lexLteMax, scoreLteMax } from '../../keyspace/sorted-set.js';
import { parseInteger } from '../../base/args.js';
import { ERR_NOT_INTEGER } from '../../base/errors.js';
import { collect, getZset } from './common.js';
import { ERR_MINMAX_FLOAT, ERR_MINMAX_LEX, parseLexRange, parseScoreRange } from './parse.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { notifyKey, NOTIFY_ZSET } from '../../keyspace/keyspace-events.js';

/** Finds the doomed members of a set; built from the arguments before the key is read. */
type Selector = (zset: SortedSet) => [string, number][];

function byRank(args: string[]): Selector | ErrorReply {
  const startArg = parseInteger(args[2]!);
  const endArg = parseInteger(args[3]!);
  if (startArg === null || endArg === null) return ERR_NOT_INTEGER;
  return (zset) => {
    const size = zset.size;
    let [start, end] = [startArg, endArg];
    if (start < 0) start += size;
    if (end < 0) end += size;
    if (start < 0) start = 0;
    if (start > end || start >= size) return [];
    if (end >= size) end = size - 1;
    return collect(zset.nodeAtRank(start) ?? null, end - start + 1, false);
  };
}

function byScore(args: string[]): Selector | ErrorReply {
  const range = parseScoreRange(args[2]!, args[3]!);
  if (!range) return ERR_MINMAX_FLOAT;
  return (zset) => collect(zset.firstInScoreRange(range), -1, false, (n: ZNode) => scoreLteMax(n.score, range));
}

function byLex(args: string[]): Selector | ErrorReply {
  const range = parseLexRange(args[2]!, args[3]!);
  if (!range) return ERR_MINMAX_LEX;
  return (zset) => collect(zset.firstInLexRange(range), -1, false, (n: ZNode) => lexLteMax(n.member, range));
}

function zremrange(parse: (args: string[]) => Selector | ErrorReply, event: string) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const select = parse(args);
    if (select instanceof ErrorReply) return select;
    const key = args[1]!;
    const zset = getZset(ctx, key, true);
    if (zset === undefined || zset instanceof ErrorReply) return zset ?? 0;
    const doomed = select(zset);
    if (doomed.length === 0) return 0;
    ctx.db.willModify(key);
    for (const [member] of doomed) zset.remove(member);
    notifyKey(ctx, NOTIFY_ZSET, event, key);
    ctx.db.deleteIfEmpty(key, zset.size);
    return doomed.length;
  };
}

export const removeRangeCommands: CommandSpec[] = [
  command('zremrangebyrank', 4, ['write'], zremrange(byRank, 'zremrangebyrank'), KEY1),
  command('zremrangebyscore', 4, ['write'], zremrange(byScore, 'zremrangebyscore'), KEY1),
  command('zremrangebylex', 4, ['write'], zremrange(byLex, 'zremrangebylex'), KEY1),
];
