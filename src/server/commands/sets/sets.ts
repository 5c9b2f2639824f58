// Set commands (Redis 7.0 t_set.c): SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SMOVE SSCAN, and
// the family's command table, gathered with random.ts (SPOP SRANDMEMBER) and algebra.ts.
// No-op writes (SADD of present members, SREM of absent ones) change nothing and propagate nothing.

import { ErrorReply, SetReply, type Reply } from '../../../shared/resp/reply.js';
import type { SetValue } from '../../keyspace/values.js';
import { parseInt64 } from '../../base/args.js';
import { ERR_WRONGTYPE } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import { setAlgebra, setAlgebraStore, sintercard } from './algebra.js';
import { spop, srandmember } from './random.js';
import { scanKey, scanPage } from '../../base/scan.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { notifyKey, NOTIFY_SET } from '../../keyspace/keyspace-events.js';

function lookupSet(ctx: CommandContext, key: string, forWrite = false): SetValue | undefined | ErrorReply {
  const value = forWrite ? ctx.db.lookup(key) : readKey(ctx, key);
  if (value === undefined) return undefined;
  return value instanceof Set ? value : ERR_WRONGTYPE;
}

/**
 * The members sorted by value when Redis would keep the set as an intset (only integers, at most
 * set-max-intset-entries): SMEMBERS and SSCAN then list them in that order. Null otherwise: a
 * hashtable set has no defined order.
 */
function intsetOrder(ctx: CommandContext, set: SetValue): string[] | null {
  if (set.size > ctx.server.config.num('set-max-intset-entries')) return null;
  const values: bigint[] = [];
  for (const member of set) {
    const value = parseInt64(member);
    if (value === null) return null;
    values.push(value);
  }
  values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return values.map(String);
}

function sadd(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const found = lookupSet(ctx, key, true);
  if (found instanceof ErrorReply) return found;
  const set = found ?? new Set<string>();
  let added = 0;
  for (let i = 2; i < args.length; i++) {
    if (set.has(args[i]!)) continue;
    if (found && added === 0) ctx.db.willModify(key);
    set.add(args[i]!);
    added++;
  }
  if (!found) ctx.db.set(key, set);
  if (added > 0) notifyKey(ctx, NOTIFY_SET, 'sadd', key);
  return added;
}

function srem(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const set = lookupSet(ctx, key, true);
  if (set === undefined || set instanceof ErrorReply) return set ?? 0;
  let removed = 0;
  for (let i = 2; i < args.length; i++) {
    if (!set.has(args[i]!)) continue;
    if (removed === 0) ctx.db.willModify(key);
    set.delete(args[i]!);
    removed++;
  }
  if (removed > 0) notifyKey(ctx, NOTIFY_SET, 'srem', key);
  ctx.db.deleteIfEmpty(key, set.size);
  return removed;
}

function smembers(ctx: CommandContext, args: string[]): Reply {
  const set = lookupSet(ctx, args[1]!);
  if (set instanceof ErrorReply) return set;
  return new SetReply(set ? (intsetOrder(ctx, set) ?? [...set]) : []);
}

function sismember(ctx: CommandContext, args: string[]): Reply {
  const set = lookupSet(ctx, args[1]!);
  if (set instanceof ErrorReply) return set;
  return set?.has(args[2]!) ? 1 : 0;
}

function smismember(ctx: CommandContext, args: string[]): Reply {
  const set = lookupSet(ctx, args[1]!);
  if (set instanceof ErrorReply) return set;
  return args.slice(2).map((member) => (set?.has(member) ? 1 : 0));
}

function scard(ctx: CommandContext, args: string[]): Reply {
  const set = lookupSet(ctx, args[1]!);
  if (set instanceof ErrorReply) return set;
  return set?.size ?? 0;
}

/** SMOVE source destination member (Redis smoveCommand's order of checks). */
function smove(ctx: CommandContext, args: string[]): Reply {
  const [source, destination, member] = [args[1]!, args[2]!, args[3]!];
  const from = lookupSet(ctx, source, true);
  const to = lookupSet(ctx, destination, true);
  if (from === undefined) return 0;
  if (from instanceof ErrorReply) return from;
  if (to instanceof ErrorReply) return to;
  // Same set: nothing moves, and nothing is propagated.
  if (from === to) return from.has(member) ? 1 : 0;
  if (!from.has(member)) return 0;
  ctx.db.willModify(source);
  from.delete(member);
  notifyKey(ctx, NOTIFY_SET, 'srem', source);
  ctx.db.deleteIfEmpty(source, from.size);
  if (to === undefined) {
    ctx.db.set(destination, new Set([member]));
  } else if (!to.has(member)) {
    ctx.db.willModify(destination);
    to.add(member);
  } else {
    return 1;
  }
  notifyKey(ctx, NOTIFY_SET, 'sadd', destination);
  return 1;
}

/** SSCAN key cursor [MATCH pattern] [COUNT count]: an intset-sized set answers in one call. */
function sscan(ctx: CommandContext, args: string[]): Reply {
  return scanKey(
    args,
    (key) => lookupSet(ctx, key),
    (set, cursor, options) => scanPage(cursor, set, options, intsetOrder(ctx, set), (out, member) => out.push(member)),
  );
}

const ALL_KEYS = { first: 1, last: -1, step: 1 };

export const setCommands: CommandSpec[] = [
  command('sadd', -3, ['write', 'denyoom', 'fast'], sadd, KEY1),
  command('srem', -3, ['write', 'fast'], srem, KEY1),
  command('smembers', 2, ['readonly'], smembers, KEY1),
  command('sismember', 3, ['readonly', 'fast'], sismember, KEY1),
  command('smismember', -3, ['readonly', 'fast'], smismember, KEY1),
  command('scard', 2, ['readonly', 'fast'], scard, KEY1),
  command('spop', -2, ['write', 'fast'], spop, KEY1),
  command('srandmember', -2, ['readonly'], srandmember, KEY1),
  command('smove', 4, ['write', 'fast'], smove, { first: 1, last: 2, step: 1 }),
  command('sinter', -2, ['readonly'], setAlgebra('inter'), ALL_KEYS),
  command('sintercard', -3, ['readonly', 'movablekeys'], sintercard, { first: 0, last: 0, step: 0 }),
  command('sunion', -2, ['readonly'], setAlgebra('union'), ALL_KEYS),
  command('sdiff', -2, ['readonly'], setAlgebra('diff'), ALL_KEYS),
  command('sinterstore', -3, ['write', 'denyoom'], setAlgebraStore('inter'), ALL_KEYS),
  command('sunionstore', -3, ['write', 'denyoom'], setAlgebraStore('union'), ALL_KEYS),
  command('sdiffstore', -3, ['write', 'denyoom'], setAlgebraStore('diff'), ALL_KEYS),
  command('sscan', -3, ['readonly'], sscan, KEY1),
];
