// Counters on string values: INCR DECR INCRBY DECRBY (exact signed 64-bit, Redis incrDecrCommand)
// and INCRBYFLOAT (C long double arithmetic, propagated as `SET k <new> KEEPTTL`). All keep the TTL.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { parseInt64 } from '../../base/args.js';
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_OVERFLOW, ERR_WRONGTYPE } from '../../base/errors.js';
import { addLongDouble, formatLongDouble, isNaNLongDouble, type LongDouble, parseLongDouble } from '../../base/long-double.js';
import { INT64_MAX, INT64_MIN } from '../../base/expire-options.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { notifyKey, NOTIFY_STRING } from '../../keyspace/keyspace-events.js';

const ERR_DECREMENT_OVERFLOW = new ErrorReply('ERR decrement would overflow');
const ERR_NAN_OR_INFINITY = new ErrorReply('ERR increment would produce NaN or Infinity');
const SMALL_INTEGER = /^(-?[1-9][0-9]{0,14}|0)$/;
const ZERO_LD: LongDouble = { negative: false, infinite: false, mant: 0n, exp: 0 };

/** Reads a counter: short canonical integers as numbers (the common case), longer ones as int64. */
function parseCounter(text: string): number | bigint | null {
  if (text.length <= 16 && SMALL_INTEGER.test(text)) return Number(text);
  return parseInt64(text);
}

/** Redis incrDecrCommand: the stored value must be a canonical int64 and the result must fit. */
function incrDecr(ctx: CommandContext, key: string, by: bigint | number): Reply {
  const value = ctx.db.lookup(key);
  if (value !== undefined && typeof value !== 'string') return ERR_WRONGTYPE;
  const current = value === undefined ? 0 : parseCounter(value);
  if (current === null) return ERR_NOT_INTEGER;
  let next: number | bigint;
  if (typeof current === 'number' && typeof by === 'number' && Number.isSafeInteger(current + by)) {
    next = current + by;
  } else {
    const exact = BigInt(current) + BigInt(by);
    if (exact > INT64_MAX || exact < INT64_MIN) return ERR_OVERFLOW;
    next = Number.isSafeInteger(Number(exact)) ? Number(exact) : exact;
  }
  ctx.db.set(key, String(next), true);
  notifyKey(ctx, NOTIFY_STRING, 'incrby', key);
  return next;
}

/** The increment argument: a canonical int64 (small ones as numbers). */
function parseIncrement(text: string): number | bigint | null {
  const value = parseCounter(text);
  return typeof value === 'bigint' && Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

function incr(ctx: CommandContext, args: string[]): Reply {
  return incrDecr(ctx, args[1]!, 1);
}

function decr(ctx: CommandContext, args: string[]): Reply {
  return incrDecr(ctx, args[1]!, -1);
}

function incrby(ctx: CommandContext, args: string[]): Reply {
  const by = parseIncrement(args[2]!);
  if (by === null) return ERR_NOT_INTEGER;
  return incrDecr(ctx, args[1]!, by);
}

function decrby(ctx: CommandContext, args: string[]): Reply {
  const by = parseIncrement(args[2]!);
  if (by === null) return ERR_NOT_INTEGER;
  // Negating INT64_MIN does not fit: Redis refuses before looking at the key.
  if (by === INT64_MIN) return ERR_DECREMENT_OVERFLOW;
  return incrDecr(ctx, args[1]!, typeof by === 'number' ? -by : -by);
}

/**
 * INCRBYFLOAT: both operands parsed by strtold, summed in long double, printed "%.17Lf" without
 * trailing zeros (so 0.1 + 0.2 = 0.3, like Redis on x86-64). Replicas get the result, not the delta.
 */
function incrbyfloat(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const value = ctx.db.lookup(key);
  if (value !== undefined && typeof value !== 'string') return ERR_WRONGTYPE;
  const current = value === undefined ? ZERO_LD : parseLongDouble(value);
  if (current === null) return ERR_NOT_FLOAT;
  const by = parseLongDouble(args[2]!);
  if (by === null) return ERR_NOT_FLOAT;
  const sum = addLongDouble(current, by);
  if (sum.infinite || isNaNLongDouble(sum)) return ERR_NAN_OR_INFINITY;
  const text = formatLongDouble(sum);
  ctx.db.set(key, text, true);
  notifyKey(ctx, NOTIFY_STRING, 'incrbyfloat', key);
  ctx.propagateAs(['SET', key, text, 'KEEPTTL']);
  return text;
}

export const numericStringCommands: CommandSpec[] = [
  command('incr', 2, ['write', 'denyoom', 'fast'], incr, KEY1),
  command('decr', 2, ['write', 'denyoom', 'fast'], decr, KEY1),
  command('incrby', 3, ['write', 'denyoom', 'fast'], incrby, KEY1),
  command('decrby', 3, ['write', 'denyoom', 'fast'], decrby, KEY1),
  command('incrbyfloat', 3, ['write', 'denyoom', 'fast'], incrbyfloat, KEY1),
];
