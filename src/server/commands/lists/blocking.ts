// Blocking list commands (Redis 7.0 t_list.c / blocked.c): BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP.
// Each first tries to serve at once; otherwise it parks the client through ctx.block with a retry
// that serves it from the key that became ready. Served pops propagate as the plain command
// (BLPOP -> LPOP key, BLMOVE -> LMOVE, BRPOPLPUSH -> RPOPLPUSH, BLMPOP -> LPOP key <taken>).

import { ErrorReply, NULL_ARRAY, type Reply } from '../../../shared/resp/reply.js';
import { ERR_SYNTAX, ERR_TIMEOUT_INVALID, ERR_TIMEOUT_NEGATIVE } from '../../base/errors.js';
import { getList, moveElement, parseEnd, parseMpopArgs, popElements, popVerb, type End } from './common.js';
import { parseLongDouble, toNumber } from '../../base/long-double.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

type Attempt = (ctx: CommandContext, readyKey?: string) => Reply | undefined;

/**
 * Parses a blocking timeout in seconds (a long double, as getTimeoutFromObjectOrReply) into an
 * absolute deadline in ms, 0 meaning forever. Redis truncates seconds*1000 to a C long long: a
 * result below 1 ms blocks forever, and an infinite or out-of-range one comes out negative.
 */
export function parseBlockTimeout(ctx: CommandContext, text: string): number | ErrorReply {
  const parsed = parseLongDouble(text);
  if (parsed === null) return ERR_TIMEOUT_INVALID;
  const ms = Math.trunc(toNumber(parsed) * 1000);
  if (!(Math.abs(ms) < 2 ** 63) || ms < 0) return ERR_TIMEOUT_NEGATIVE;
  return ms === 0 ? 0 : ctx.now + ms;
}

/**
 * Serves now if it can, otherwise blocks. Redis answers every list timeout with a null array
 * (blocked.c replyToBlockedClientTimedOut), but a BLMOVE that may not block (inside MULTI) with a
 * null bulk, as LMOVE would: hence the separate denied reply.
 */
function serveOrBlock(ctx: CommandContext, keys: string[], deadline: number, attempt: Attempt, deniedReply: Reply) {
  const now = attempt(ctx);
  if (now !== undefined) return now;
  return ctx.block({ keys, deadline, retry: attempt, timeoutReply: NULL_ARRAY, deniedReply });
}

/** BLPOP/BRPOP key [key ...] timeout: [key, element] from the first non-empty list. */
function blockingPop(end: End) {
  return (ctx: CommandContext, args: string[]) => {
    const deadline = parseBlockTimeout(ctx, args[args.length - 1]!);
    if (deadline instanceof ErrorReply) return deadline;
    const keys = args.slice(1, -1);
    const attempt: Attempt = (c, readyKey) => {
      for (const key of readyKey === undefined ? keys : [readyKey]) {
        const list = getList(c, key);
        if (list === undefined) continue;
        // A key that turned into another type keeps the client waiting (Redis serves lists only).
        if (list instanceof ErrorReply) return readyKey === undefined ? list : undefined;
        const [element] = popElements(c, key, list, end, 1);
        c.propagateAs([popVerb(end), key]);
        return [key, element!];
      }
      return undefined;
    };
    return serveOrBlock(ctx, keys, deadline, attempt, NULL_ARRAY);
  };
}

/** BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout, and BRPOPLPUSH (RIGHT LEFT). */
function blockingMove(fixed?: [End, End]) {
  return (ctx: CommandContext, args: string[]) => {
    const from = fixed ? fixed[0] : parseEnd(args[3]!);
    const to = fixed ? fixed[1] : parseEnd(args[4]!);
    if (from === null || to === null) return ERR_SYNTAX;
    const deadline = parseBlockTimeout(ctx, args[args.length - 1]!);
    if (deadline instanceof ErrorReply) return deadline;
    const [source, destination] = [args[1]!, args[2]!];
    const propagated = fixed ? ['RPOPLPUSH', source, destination] : ['LMOVE', source, destination, args[3]!, args[4]!];
    const attempt: Attempt = (c, readyKey) => {
      const list = getList(c, source);
      if (list === undefined) return undefined;
      if (list instanceof ErrorReply) return readyKey === undefined ? list : undefined;
      const reply = moveElement(c, source, list, destination, from, to);
      if (!(reply instanceof ErrorReply)) c.propagateAs(propagated);
      return reply;
    };
    return serveOrBlock(ctx, [source], deadline, attempt, null);
  };
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT n]: [key, [elements]]. */
function blmpop(ctx: CommandContext, args: string[]) {
  const parsed = parseMpopArgs(args, 2);
  if (parsed instanceof ErrorReply) return parsed;
  const deadline = parseBlockTimeout(ctx, args[1]!);
  if (deadline instanceof ErrorReply) return deadline;
  const attempt: Attempt = (c, readyKey) => {
    for (const key of readyKey === undefined ? parsed.keys : [readyKey]) {
      const list = getList(c, key);
      if (list === undefined) continue;
      if (list instanceof ErrorReply) return readyKey === undefined ? list : undefined;
      const popped = popElements(c, key, list, parsed.end, parsed.count);
      c.propagateAs([popVerb(parsed.end), key, String(popped.length)]);
      return [key, popped];
    }
    return undefined;
  };
  return serveOrBlock(ctx, parsed.keys, deadline, attempt, NULL_ARRAY);
}

export const blockingListCommands: CommandSpec[] = [
  command('blpop', -3, ['write', 'noscript', 'blocking'], blockingPop('left'), { first: 1, last: -2, step: 1 }),
  command('brpop', -3, ['write', 'noscript', 'blocking'], blockingPop('right'), { first: 1, last: -2, step: 1 }),
  command('blmove', 6, ['write', 'denyoom', 'noscript', 'blocking'], blockingMove(), { first: 1, last: 2, step: 1 }),
  command('brpoplpush', 4, ['write', 'denyoom', 'noscript', 'blocking'], blockingMove(['right', 'left']), {
    first: 1,
    last: 2,
    step: 1,
  }),
  // Movable keys: the legacy key triple is 0 0 0, as COMMAND INFO shows in Redis.
  command('blmpop', -5, ['write', 'blocking', 'movablekeys'], blmpop, { first: 0, last: 0, step: 0 }),
];
