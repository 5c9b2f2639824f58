// The option grammar SET and GETEX share (Redis t_string.c parseExtendedStringArgumentsOrReply) and
// the conversion of their expire argument to an absolute unix time in ms (getExpireMillisecondsOrReply).

import { ErrorReply } from '../../shared/resp/reply.js';
import { is, parseInt64 } from './args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from './errors.js';
import type { CommandContext } from './command-spec.js';

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

export type ExpireUnit = 'EX' | 'PX' | 'EXAT' | 'PXAT';

export interface StringOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  persist: boolean;
  /** The last expire option given and its argument (Redis lets the same unit repeat: last wins). */
  expire: { unit: ExpireUnit; arg: string } | undefined;
}

/** An absolute expire time: `ms` for the keyspace, `text` exact for propagation beyond 2^53. */
export interface ExpireAt {
  ms: number;
  text: string;
}

const UNITS: readonly ExpireUnit[] = ['EX', 'PX', 'EXAT', 'PXAT'];

/**
 * Parses SET (`forSet`) or GETEX options from args[start]. Redis refuses, with a syntax error, NX
 * with XX, KEEPTTL or PERSIST with an expire, two different expire units, an expire without its
 * argument, and SET-only options on GETEX (and PERSIST on SET).
 */
export function parseStringOptions(args: string[], start: number, forSet: boolean): StringOptions | ErrorReply {
  const opts: StringOptions = { nx: false, xx: false, get: false, keepTtl: false, persist: false, expire: undefined };
  for (let j = start; j < args.length; j++) {
    const opt = args[j]!;
    const hasNext = j + 1 < args.length;
    const unit = UNITS.find((u) => is(opt, u));
    if (forSet && is(opt, 'NX') && !opts.xx) opts.nx = true;
    else if (forSet && is(opt, 'XX') && !opts.nx) opts.xx = true;
    else if (forSet && is(opt, 'GET')) opts.get = true;
    else if (forSet && is(opt, 'KEEPTTL') && opts.expire === undefined) opts.keepTtl = true;
    else if (!forSet && is(opt, 'PERSIST') && opts.expire === undefined) opts.persist = true;
    else if (unit && hasNext && !opts.keepTtl && !opts.persist && (opts.expire === undefined || opts.expire.unit === unit)) {
      opts.expire = { unit, arg: args[++j]! };
    } else {
      return ERR_SYNTAX;
    }
  }
  return opts;
}

export function invalidExpireTime(commandName: string): ErrorReply {
  return new ErrorReply(`ERR invalid expire time in '${commandName}' command`);
}

/**
 * The absolute expire time of EX/PX (relative to `now`) and EXAT/PXAT: must be a positive integer
 * whose conversion to ms and addition of `now` stay within int64 (Redis checks the same overflows).
 */
export function expireAtFromOption(unit: ExpireUnit, arg: string, now: number, commandName: string): ExpireAt | ErrorReply {
  const value = parseInt64(arg);
  if (value === null) return ERR_NOT_INTEGER;
  const seconds = unit === 'EX' || unit === 'EXAT';
  if (value <= 0n || (seconds && value > INT64_MAX / 1000n)) return invalidExpireTime(commandName);
  let ms = seconds ? value * 1000n : value;
  if (unit === 'EX' || unit === 'PX') ms += BigInt(now);
  if (ms > INT64_MAX) return invalidExpireTime(commandName);
  return { ms: Number(ms), text: ms.toString() };
}

/** Redis checkAlreadyExpired: a past time deletes the key, except on replicas and while loading. */
export function alreadyExpired(ctx: CommandContext, whenMs: number): boolean {
  return whenMs <= ctx.now && !ctx.server.loading && !ctx.server.isReplica;
}
