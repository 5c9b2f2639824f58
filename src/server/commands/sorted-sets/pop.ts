// Popping from sorted sets (Redis 7.0 genericZpopCommand and friends): ZPOPMIN ZPOPMAX ZMPOP, and
// the blocking BZPOPMIN BZPOPMAX BZMPOP, which park the client through ctx.block when every key is
// empty. Served blocking pops propagate as plain pops (BZPOPMIN -> ZPOPMIN key; ZMPOP and BZMPOP
// -> ZPOPMIN/ZPOPMAX key <number popped>), as Redis 7.0 rewrites them.

import { DoubleReply, ErrorReply, NULL_ARRAY, type NoReply, type Reply } from '../../../shared/resp/reply.js';
import type { SortedSet } from '../../keyspace/sorted-set.js';
import { is, parseInteger } from '../../base/args.js';
import { ERR_SYNTAX } from '../../base/errors.js';
import { parseBlockTimeout } from '../lists/blocking.js';
import { getZset, pairsReply } from './common.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { parseMpop } from '../../base/mpop-args.js';
import { notifyKey, NOTIFY_ZSET } from '../../keyspace/keyspace-events.js';

const ERR_POSITIVE = new ErrorReply('ERR value is out of range, must be positive');

type Where = 'min' | 'max';
type Attempt = (ctx: CommandContext, readyKey?: string) => Reply | undefined;

function popVerb(where: Where): string {
  return where === 'min' ? 'ZPOPMIN' : 'ZPOPMAX';
}

/** Removes up to `count` members from one end; deletes the key when it empties. */
function popFrom(ctx: CommandContext, key: string, zset: SortedSet, where: Where, count: number): [string, number][] {
  const popped: [string, number][] = [];
  if (count <= 0 || zset.size === 0) return popped;
  ctx.db.willModify(key);
  while (popped.length < count) {
    const node = where === 'min' ? zset.first() : zset.last();
    if (!node) break;
    popped.push([node.member, node.score]);
    zset.remove(node.member);
  }
  notifyKey(ctx, NOTIFY_ZSET, where === 'min' ? 'zpopmin' : 'zpopmax', key);
  ctx.db.deleteIfEmpty(key, zset.size);
  return popped;
}

/**
 * The first non-empty sorted set among `keys` (only `readyKey` when a blocked client is retried).
 * WRONGTYPE stops the scan, except on a retry, where a key of another type keeps the client waiting.
 */
function firstZset(ctx: CommandContext, keys: string[], readyKey?: string): [string, SortedSet] | ErrorReply | undefined {
  for (const key of readyKey === undefined ? keys : [readyKey]) {
    const zset = getZset(ctx, key, true);
    if (zset === undefined) continue;
    if (zset instanceof ErrorReply) return readyKey === undefined ? zset : undefined;
    return [key, zset];
  }
  return undefined;
}

/** ZPOPMIN/ZPOPMAX key [count]: flat [member, score, ...]; RESP3 nests pairs when count is given. */
function zpop(where: Where) {
  return (ctx: CommandContext, args: string[]): Reply => {
    if (args.length > 3) return ERR_SYNTAX;
    let count = -1;
    if (args.length === 3) {
      const parsed = parseInteger(args[2]!);
      if (parsed === null || parsed < 0) return ERR_POSITIVE;
      count = parsed;
    }
    const zset = getZset(ctx, args[1]!, true);
    if (zset === undefined || zset instanceof ErrorReply) return zset ?? [];
    const popped = popFrom(ctx, args[1]!, zset, where, count === -1 ? 1 : count);
    if (ctx.client.proto === 3 && count !== -1) return pairsReply(ctx, popped, true);
    return popped.flatMap(([member, score]) => [member, new DoubleReply(score)]);
  };
}

/** Serves now if it can; otherwise blocks (inside MULTI ctx.block answers the timeout reply). */
function serveOrBlock(ctx: CommandContext, keys: string[], deadline: number, attempt: Attempt): Reply | NoReply {
  const now = attempt(ctx);
  if (now !== undefined) return now;
  return ctx.block({ keys, deadline, retry: attempt, timeoutReply: NULL_ARRAY });
}

/** BZPOPMIN/BZPOPMAX key [key ...] timeout: [key, member, score]. */
function bzpop(where: Where) {
  return (ctx: CommandContext, args: string[]) => {
    const deadline = parseBlockTimeout(ctx, args[args.length - 1]!);
    if (deadline instanceof ErrorReply) return deadline;
    const keys = args.slice(1, -1);
    const attempt: Attempt = (c, readyKey) => {
      const found = firstZset(c, keys, readyKey);
      if (found === undefined || found instanceof ErrorReply) return found;
      const [key, zset] = found;
      const [[member, score]] = popFrom(c, key, zset, where, 1) as [[string, number]];
      c.propagateAs([popVerb(where), key]);
      return [key, member, new DoubleReply(score)];
    };
    return serveOrBlock(ctx, keys, deadline, attempt);
  };
}

interface MpopArgs {
  keys: string[];
  where: Where;
  count: number;
}

/** `numkeys key [key ...] MIN|MAX [COUNT count]` starting at args[at] (zmpopGenericCommand). */
function parseZmpop(args: string[], at: number): MpopArgs | ErrorReply {
  const parsed = parseMpop<Where>(args, at, (word) => (is(word, 'MIN') ? 'min' : is(word, 'MAX') ? 'max' : null));
  return parsed instanceof ErrorReply ? parsed : { keys: parsed.keys, where: parsed.side, count: parsed.count };
}

/** One ZMPOP attempt: [key, [[member, score], ...]] from the first non-empty key. */
function mpopAttempt(parsed: MpopArgs): Attempt {
  return (c, readyKey) => {
    const found = firstZset(c, parsed.keys, readyKey);
    if (found === undefined || found instanceof ErrorReply) return found;
    const [key, zset] = found;
    const popped = popFrom(c, key, zset, parsed.where, parsed.count);
    c.propagateAs([popVerb(parsed.where), key, String(popped.length)]);
    return [key, popped.map(([member, score]) => [member, new DoubleReply(score)])];
  };
}

function zmpop(ctx: CommandContext, args: string[]): Reply {
  const parsed = parseZmpop(args, 1);
  if (parsed instanceof ErrorReply) return parsed;
  return mpopAttempt(parsed)(ctx) ?? NULL_ARRAY;
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: the arguments are checked first. */
function bzmpop(ctx: CommandContext, args: string[]) {
  const parsed = parseZmpop(args, 2);
  if (parsed instanceof ErrorReply) return parsed;
  const deadline = parseBlockTimeout(ctx, args[1]!);
  if (deadline instanceof ErrorReply) return deadline;
  return serveOrBlock(ctx, parsed.keys, deadline, mpopAttempt(parsed));
}

const MOVABLE = { first: 0, last: 0, step: 0 };

export const popCommands: CommandSpec[] = [
  command('zpopmin', -2, ['write', 'fast'], zpop('min'), KEY1),
  command('zpopmax', -2, ['write', 'fast'], zpop('max'), KEY1),
  command('bzpopmin', -3, ['write', 'noscript', 'blocking', 'fast'], bzpop('min'), { first: 1, last: -2, step: 1 }),
  command('bzpopmax', -3, ['write', 'noscript', 'blocking', 'fast'], bzpop('max'), { first: 1, last: -2, step: 1 }),
  command('zmpop', -4, ['write', 'movablekeys'], zmpop, MOVABLE),
  command('bzmpop', -5, ['write', 'blocking', 'movablekeys'], bzmpop, MOVABLE),
];
