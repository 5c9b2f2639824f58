// Random picks from sets (Redis 7.0 t_set.c): SPOP [count] and SRANDMEMBER [count]. SPOP travels
// to replicas as what it did (protocol doc 2.6): one `SREM key member` per popped member, or
// `DEL key` when the count takes the whole set.

import { ErrorReply, SetReply, type Reply } from '../../../shared/resp/reply.js';
import type { SetValue } from '../../keyspace/values.js';
import { parseInteger } from '../../base/args.js';
import { ERR_SYNTAX, ERR_WRONGTYPE } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import { drawRandom, parseRandomCount, randomKey, type Draw } from '../../base/random-members.js';
import type { CommandContext } from '../../base/command-spec.js';
import { notifyKey, NOTIFY_GENERIC, NOTIFY_SET } from '../../keyspace/keyspace-events.js';

const ERR_POSITIVE = new ErrorReply('ERR value is out of range, must be positive');

/** A set to draw from: copied only when small or when most of it is drawn. */
function setDraw(set: SetValue): Draw<string> {
  return { size: set.size, all: () => [...set], one: () => randomKey(set)! };
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
    const member = randomKey(set)!;
    ctx.db.willModify(key);
    set.delete(member);
    notifyKey(ctx, NOTIFY_SET, 'spop', key);
    ctx.db.deleteIfEmpty(key, set.size);
    ctx.propagateAs(['SREM', key, member]);
    return member;
  }
  if (count === 0) return new SetReply([]);
  if (count >= set.size) {
    const all = [...set];
    notifyKey(ctx, NOTIFY_SET, 'spop', key);
    ctx.db.delete(key);
    notifyKey(ctx, NOTIFY_GENERIC, 'del', key);
    ctx.propagateAs(['DEL', key]);
    return new SetReply(all);
  }
  const popped = drawRandom(setDraw(set), count);
  ctx.db.willModify(key);
  for (const member of popped) set.delete(member);
  notifyKey(ctx, NOTIFY_SET, 'spop', key);
  ctx.propagateAs(...popped.map((member) => ['SREM', key, member]));
  return new SetReply(popped);
}

/** SRANDMEMBER key [count]: negative count may repeat members, positive never does. */
export function srandmember(ctx: CommandContext, args: string[]): Reply {
  if (args.length === 2) {
    const set = lookupSet(ctx, args[1]!, false);
    if (set === undefined || set instanceof ErrorReply) return set ?? null;
    return randomKey(set)!;
  }
  const parsed = parseRandomCount(args);
  if (parsed instanceof ErrorReply) return parsed;
  const set = lookupSet(ctx, args[1]!, false);
  if (set === undefined || set instanceof ErrorReply) return set ?? [];
  if (parsed.count === 0) return [];
  return drawRandom(setDraw(set), parsed.count);
}
