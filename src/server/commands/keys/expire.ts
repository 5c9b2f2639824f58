// Key time-to-live commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (with NX XX GT LT), TTL PTTL
// EXPIRETIME PEXPIRETIME and PERSIST, following Redis 7.0 expire.c. Replicas receive every expire as
// `PEXPIREAT k <abs ms> [flags]`, or `DEL k` when the time is already past (protocol doc 2.6).

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { is, parseInt64 } from '../../base/args.js';
import { ERR_NOT_INTEGER } from '../../base/errors.js';
import { peekKey } from '../../base/read-key.js';
import { alreadyExpired, INT64_MAX, INT64_MIN, invalidExpireTime } from '../../base/expire-options.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { notifyKey, NOTIFY_GENERIC } from '../../keyspace/keyspace-events.js';

const ERR_NX_COMBINED = new ErrorReply('ERR NX and XX, GT or LT options at the same time are not compatible');
const ERR_GT_LT = new ErrorReply('ERR GT and LT options at the same time are not compatible');

interface ExpireFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

/** Redis parseExtendedExpireArgumentsOrReply: unknown words first, then incompatible pairs. */
function parseExpireFlags(args: string[]): ExpireFlags | ErrorReply {
  const flags: ExpireFlags = { nx: false, xx: false, gt: false, lt: false };
  for (let j = 3; j < args.length; j++) {
    const opt = args[j]!;
    if (is(opt, 'NX')) flags.nx = true;
    else if (is(opt, 'XX')) flags.xx = true;
    else if (is(opt, 'GT')) flags.gt = true;
    else if (is(opt, 'LT')) flags.lt = true;
    else return new ErrorReply(`ERR Unsupported option ${opt}`);
  }
  if (flags.nx && (flags.xx || flags.gt || flags.lt)) return ERR_NX_COMBINED;
  if (flags.gt && flags.lt) return ERR_GT_LT;
  return flags;
}

/** Whether NX/XX/GT/LT allow replacing `current` (undefined = no TTL, an infinite one) by `when`. */
function flagsAllow(flags: ExpireFlags, current: number | undefined, when: bigint): boolean {
  if (flags.nx && current !== undefined) return false;
  if (flags.xx && current === undefined) return false;
  if (flags.gt && (current === undefined || when <= BigInt(current))) return false;
  if (flags.lt && current !== undefined && when >= BigInt(current)) return false;
  return true;
}

/**
 * Redis expireGenericCommand. `seconds`: the argument is in seconds; `relative`: it is added to the
 * command's time. Negative values are allowed (they delete the key); int64 overflow is refused.
 */
function expireWith(name: string, seconds: boolean, relative: boolean) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const key = args[1]!;
    const flags = parseExpireFlags(args);
    if (flags instanceof ErrorReply) return flags;
    let when = parseInt64(args[2]!);
    if (when === null) return ERR_NOT_INTEGER;
    if (seconds) {
      if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) return invalidExpireTime(name);
      when *= 1000n;
    }
    const base = relative ? BigInt(ctx.now) : 0n;
    if (when > INT64_MAX - base) return invalidExpireTime(name);
    when += base;
    if (ctx.db.lookup(key) === undefined) return 0;
    if (!flagsAllow(flags, ctx.db.getExpire(key), when)) return 0;
    const ms = Number(when);
    if (alreadyExpired(ctx, ms)) {
      ctx.db.delete(key);
      ctx.propagateAs([ctx.server.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
      notifyKey(ctx, NOTIFY_GENERIC, 'del', key);
      return 1;
    }
    ctx.db.setExpire(key, ms);
    // Redis rewrites the verb and the time but keeps the flags (PEXPIREAT itself goes as typed).
    if (name !== 'pexpireat') ctx.propagateAs(['PEXPIREAT', key, when.toString(), ...args.slice(3)]);
    notifyKey(ctx, NOTIFY_GENERIC, 'expire', key);
    return 1;
  };
}

/** Expire times beyond 2^53 ms are kept as doubles: clamp what we print to int64. */
function asInteger(ms: number): number | bigint {
  if (Number.isSafeInteger(ms)) return ms;
  return ms >= 2 ** 63 ? INT64_MAX : BigInt(Math.trunc(ms));
}

/**
 * Redis ttlGenericCommand: -2 for a missing key, -1 without expire, else the remaining (or absolute)
 * time, never below 0; seconds are rounded to nearest as Redis does ((ms + 500) / 1000).
 */
function ttlWith(inMs: boolean, absolute: boolean) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const key = args[1]!;
    if (peekKey(ctx, key) === undefined) return -2;
    const expire = ctx.db.getExpire(key);
    if (expire === undefined) return -1;
    const ttl = Math.max(0, absolute ? expire : expire - ctx.now);
    return asInteger(inMs ? ttl : Math.floor((ttl + 500) / 1000));
  };
}

function persist(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  if (ctx.db.lookup(key) === undefined) return 0;
  if (!ctx.db.persist(key)) return 0;
  notifyKey(ctx, NOTIFY_GENERIC, 'persist', key);
  return 1;
}

export const expireCommands: CommandSpec[] = [
  command('expire', -3, ['write', 'fast'], expireWith('expire', true, true), KEY1),
  command('pexpire', -3, ['write', 'fast'], expireWith('pexpire', false, true), KEY1),
  command('expireat', -3, ['write', 'fast'], expireWith('expireat', true, false), KEY1),
  command('pexpireat', -3, ['write', 'fast'], expireWith('pexpireat', false, false), KEY1),
  command('ttl', 2, ['readonly', 'fast'], ttlWith(false, false), KEY1),
  command('pttl', 2, ['readonly', 'fast'], ttlWith(true, false), KEY1),
  command('expiretime', 2, ['readonly', 'fast'], ttlWith(false, true), KEY1),
  command('pexpiretime', 2, ['readonly', 'fast'], ttlWith(true, true), KEY1),
  command('persist', 2, ['write', 'fast'], persist, KEY1),
];
