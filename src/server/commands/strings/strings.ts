// String commands that read or replace whole values: GET SET SETNX SETEX PSETEX MGET MSET MSETNX
// GETSET GETDEL GETEX, following Redis 7.0 t_string.c (replies, error texts, and what is propagated:
// protocol doc 2.6). Counters live in strings-numeric.ts, partial updates in strings-range.ts.

import { ErrorReply, OK, type Reply } from '../../../shared/resp/reply.js';
import { ERR_WRONGTYPE, wrongArity } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import { alreadyExpired, expireAtFromOption, type ExpireAt, parseStringOptions } from '../../base/expire-options.js';
import { numericStringCommands } from './numeric.js';
import { rangeStringCommands } from './range.js';
import { lcsCommands } from './lcs.js';
import { notifyKey, NOTIFY_GENERIC, NOTIFY_STRING } from '../../keyspace/keyspace-events.js';
import { ALL_KEYS, command, KEY1, KEY_PAIRS, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

/** Redis getGenericCommand: the value, null when missing, or WRONGTYPE (counts a hit or miss). */
function getString(ctx: CommandContext, key: string): string | null | ErrorReply {
  const value = readKey(ctx, key);
  if (value === undefined) return null;
  if (typeof value !== 'string') return ERR_WRONGTYPE;
  return value;
}

function get(ctx: CommandContext, args: string[]): Reply {
  return getString(ctx, args[1]!);
}

interface SetRequest {
  key: string;
  value: string;
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  expire: ExpireAt | undefined;
}

/**
 * Redis setGenericCommand after the expire was validated. Returns the old value for GET, or
 * whether the key was set. A set with an expire is propagated as `SET k v PXAT <ms>`.
 */
function setGeneric(ctx: CommandContext, req: SetRequest): { set: boolean; old: string | null } | ErrorReply {
  let old: string | null = null;
  if (req.get) {
    const current = getString(ctx, req.key);
    if (current instanceof ErrorReply) return current;
    old = current;
  }
  const found = ctx.db.lookup(req.key) !== undefined;
  if ((req.nx && found) || (req.xx && !found)) return { set: false, old };
  ctx.db.set(req.key, req.value, req.keepTtl);
  notifyKey(ctx, NOTIFY_STRING, 'set', req.key);
  if (req.expire) {
    ctx.db.setExpire(req.key, req.expire.ms);
    ctx.propagateAs(['SET', req.key, req.value, 'PXAT', req.expire.text]);
    notifyKey(ctx, NOTIFY_GENERIC, 'expire', req.key);
  }
  return { set: true, old };
}

function set(ctx: CommandContext, args: string[]): Reply {
  const opts = parseStringOptions(args, 3, true);
  if (opts instanceof ErrorReply) return opts;
  let expire: ExpireAt | undefined;
  if (opts.expire) {
    const at = expireAtFromOption(opts.expire.unit, opts.expire.arg, ctx.now, 'set');
    if (at instanceof ErrorReply) return at;
    expire = at;
  }
  const result = setGeneric(ctx, { key: args[1]!, value: args[2]!, ...opts, expire });
  if (result instanceof ErrorReply) return result;
  if (opts.get && result.set && !expire) {
    // Replicas get the SET without its GET arguments (which may repeat), as typed otherwise.
    ctx.propagateAs(args.filter((arg, i) => i < 3 || !/^get$/i.test(arg)));
  }
  if (opts.get) return result.old;
  return result.set ? OK : null;
}

function setnx(ctx: CommandContext, args: string[]): Reply {
  const result = setGeneric(ctx, { key: args[1]!, value: args[2]!, nx: true, xx: false, get: false, keepTtl: false, expire: undefined });
  if (result instanceof ErrorReply) return result;
  return result.set ? 1 : 0;
}

/** SETEX key seconds value / PSETEX key ms value. */
function setexWith(unit: 'EX' | 'PX', name: string) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const expire = expireAtFromOption(unit, args[2]!, ctx.now, name);
    if (expire instanceof ErrorReply) return expire;
    const result = setGeneric(ctx, { key: args[1]!, value: args[3]!, nx: false, xx: false, get: false, keepTtl: false, expire });
    return result instanceof ErrorReply ? result : OK;
  };
}

function mget(ctx: CommandContext, args: string[]): Reply {
  const out: Reply[] = [];
  for (let i = 1; i < args.length; i++) {
    const value = readKey(ctx, args[i]!);
    // MGET answers nil for keys holding other types instead of failing.
    out.push(typeof value === 'string' ? value : null);
  }
  return out;
}

/** Redis msetGenericCommand: each pair set, then its `set` event. */
function setPairs(ctx: CommandContext, args: string[]): void {
  for (let i = 1; i < args.length; i += 2) {
    ctx.db.set(args[i]!, args[i + 1]!);
    notifyKey(ctx, NOTIFY_STRING, 'set', args[i]!);
  }
}

function mset(ctx: CommandContext, args: string[]): Reply {
  if (args.length % 2 === 0) return wrongArity('mset');
  setPairs(ctx, args);
  return OK;
}

function msetnx(ctx: CommandContext, args: string[]): Reply {
  if (args.length % 2 === 0) return wrongArity('msetnx');
  for (let i = 1; i < args.length; i += 2) if (ctx.db.lookup(args[i]!) !== undefined) return 0;
  setPairs(ctx, args);
  return 1;
}

function getset(ctx: CommandContext, args: string[]): Reply {
  const old = getString(ctx, args[1]!);
  if (old instanceof ErrorReply) return old;
  ctx.db.set(args[1]!, args[2]!);
  notifyKey(ctx, NOTIFY_STRING, 'set', args[1]!);
  // Redis 7.0 propagates GETSET as the SET it amounts to.
  ctx.propagateAs(['SET', args[1]!, args[2]!]);
  return old;
}

function getdel(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const old = getString(ctx, key);
  if (old === null || old instanceof ErrorReply) return old;
  ctx.db.delete(key);
  ctx.propagateAs([ctx.server.config.bool('lazyfree-lazy-user-del') ? 'UNLINK' : 'DEL', key]);
  notifyKey(ctx, NOTIFY_GENERIC, 'del', key);
  return old;
}

/**
 * GETEX key [EX s | PX ms | EXAT ts | PXAT ts | PERSIST]. Options are checked first, then the key,
 * then the expire value. Never propagated as typed: PEXPIREAT, DEL (absolute time already past, on a
 * master) or PERSIST; plain GETEX changes nothing and propagates nothing.
 */
function getex(ctx: CommandContext, args: string[]): Reply {
  const opts = parseStringOptions(args, 2, false);
  if (opts instanceof ErrorReply) return opts;
  const key = args[1]!;
  const value = getString(ctx, key);
  if (value === null || value instanceof ErrorReply) return value;
  if (opts.expire) {
    const at = expireAtFromOption(opts.expire.unit, opts.expire.arg, ctx.now, 'getex');
    if (at instanceof ErrorReply) return at;
    const absolute = opts.expire.unit === 'EXAT' || opts.expire.unit === 'PXAT';
    if (absolute && alreadyExpired(ctx, at.ms)) {
      ctx.db.delete(key);
      ctx.propagateAs([ctx.server.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
      notifyKey(ctx, NOTIFY_GENERIC, 'del', key);
    } else {
      ctx.db.setExpire(key, at.ms);
      ctx.propagateAs(['PEXPIREAT', key, at.text]);
      notifyKey(ctx, NOTIFY_GENERIC, 'expire', key);
    }
  } else if (opts.persist && ctx.db.persist(key)) {
    ctx.propagateAs(['PERSIST', key]);
    notifyKey(ctx, NOTIFY_GENERIC, 'persist', key);
  }
  return value;
}

export const stringCommands: CommandSpec[] = [
  command('get', 2, ['readonly', 'fast'], get, KEY1),
  command('set', -3, ['write', 'denyoom'], set, KEY1),
  command('setnx', 3, ['write', 'denyoom', 'fast'], setnx, KEY1),
  command('setex', 4, ['write', 'denyoom'], setexWith('EX', 'setex'), KEY1),
  command('psetex', 4, ['write', 'denyoom'], setexWith('PX', 'psetex'), KEY1),
  command('mget', -2, ['readonly', 'fast'], mget, ALL_KEYS),
  command('mset', -3, ['write', 'denyoom'], mset, KEY_PAIRS),
  command('msetnx', -3, ['write', 'denyoom'], msetnx, KEY_PAIRS),
  command('getset', 3, ['write', 'denyoom', 'fast'], getset, KEY1),
  command('getdel', 2, ['write', 'fast'], getdel, KEY1),
  command('getex', -2, ['write', 'fast'], getex, KEY1),
  ...numericStringCommands,
  ...rangeStringCommands,
  ...lcsCommands,
];
