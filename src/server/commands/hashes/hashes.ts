// Hash commands (Redis 7.0 t_hash.c) and the family's command table; HRANDFIELD and HSCAN live in
// iterate.ts. A hash is a Map, so field order is insertion order, which is also the order of
// Redis's listpack encoding for small hashes: HGETALL on a small hash answers in Redis's order.

import { ErrorReply, MapReply, OK, type Reply } from '../../../shared/resp/reply.js';
import type { HashValue } from '../../keyspace/values.js';
import { getHash, readHash } from './lookup.js';
import { ERR_NOT_INTEGER, ERR_OVERFLOW, wrongArity } from '../../base/errors.js';
import { parseInt64 } from '../../base/args.js';
import { addLongDouble, formatLongDouble, isNaNLongDouble, parseLongDouble } from '../../base/long-double.js';
import { hrandfield, hscan } from './iterate.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { notifyKey, NOTIFY_HASH } from '../../keyspace/keyspace-events.js';

const ERR_HASH_NOT_INTEGER = new ErrorReply('ERR hash value is not an integer');
const ERR_HASH_NOT_FLOAT = new ErrorReply('ERR hash value is not a float');
const ERR_NOT_FLOAT = new ErrorReply('ERR value is not a valid float');
const ERR_NAN_INCREMENT = new ErrorReply('ERR value is NaN or Infinity');
const ERR_NAN_RESULT = new ErrorReply('ERR increment would produce NaN or Infinity');
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** The hash at `key` about to change: created when missing, announced to the funnel otherwise. */
function hashForWrite(ctx: CommandContext, key: string): HashValue | ErrorReply {
  const hash = getHash(ctx, key);
  if (hash instanceof ErrorReply) return hash;
  if (hash !== undefined) {
    ctx.db.willModify(key);
    return hash;
  }
  const created: HashValue = new Map();
  ctx.db.set(key, created);
  return created;
}

/** HSET key field value [field value ...] (reply: fields added) and HMSET (reply: OK). */
function hsetCommand(reply: 'added' | 'ok') {
  return (ctx: CommandContext, args: string[]): Reply => {
    if (args.length % 2 === 1) return wrongArity(args[0]!.toLowerCase());
    const hash = hashForWrite(ctx, args[1]!);
    if (hash instanceof ErrorReply) return hash;
    let added = 0;
    for (let i = 2; i < args.length; i += 2) {
      if (!hash.has(args[i]!)) added++;
      hash.set(args[i]!, args[i + 1]!);
    }
    notifyKey(ctx, NOTIFY_HASH, 'hset', args[1]!);
    return reply === 'ok' ? OK : added;
  };
}

function hsetnx(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const existing = getHash(ctx, key);
  if (existing instanceof ErrorReply) return existing;
  if (existing?.has(args[2]!)) return 0;
  const hash = hashForWrite(ctx, key) as HashValue;
  hash.set(args[2]!, args[3]!);
  notifyKey(ctx, NOTIFY_HASH, 'hset', key);
  return 1;
}

function hget(ctx: CommandContext, args: string[]): Reply {
  const hash = readHash(ctx, args[1]!);
  if (hash instanceof ErrorReply) return hash;
  return hash?.get(args[2]!) ?? null;
}

function hmget(ctx: CommandContext, args: string[]): Reply {
  const hash = readHash(ctx, args[1]!);
  if (hash instanceof ErrorReply) return hash;
  return args.slice(2).map((field) => hash?.get(field) ?? null);
}

function hdel(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const hash = getHash(ctx, key);
  if (hash instanceof ErrorReply) return hash;
  if (hash === undefined) return 0;
  let removed = 0;
  for (const field of args.slice(2)) {
    if (!hash.has(field)) continue;
    // Announce the change only once something is really removed: HDEL of absent fields is a no-op.
    if (removed === 0) ctx.db.willModify(key);
    hash.delete(field);
    removed++;
  }
  if (removed > 0) {
    notifyKey(ctx, NOTIFY_HASH, 'hdel', key);
    ctx.db.deleteIfEmpty(key, hash.size);
  }
  return removed;
}

/** HGETALL (a map in RESP3), HKEYS and HVALS. */
function hgetallCommand(part: 'all' | 'keys' | 'values') {
  return (ctx: CommandContext, args: string[]): Reply => {
    const hash = readHash(ctx, args[1]!);
    if (hash instanceof ErrorReply) return hash;
    if (part === 'keys') return hash ? [...hash.keys()] : [];
    if (part === 'values') return hash ? [...hash.values()] : [];
    const flat: Reply[] = [];
    if (hash) for (const [field, value] of hash) flat.push(field, value);
    return new MapReply(flat);
  };
}

function hlen(ctx: CommandContext, args: string[]): Reply {
  const hash = readHash(ctx, args[1]!);
  if (hash instanceof ErrorReply) return hash;
  return hash?.size ?? 0;
}

function hexists(ctx: CommandContext, args: string[]): Reply {
  const hash = readHash(ctx, args[1]!);
  if (hash instanceof ErrorReply) return hash;
  return hash?.has(args[2]!) ? 1 : 0;
}

function hstrlen(ctx: CommandContext, args: string[]): Reply {
  const hash = readHash(ctx, args[1]!);
  if (hash instanceof ErrorReply) return hash;
  return hash?.get(args[2]!)?.length ?? 0;
}

/** HINCRBY key field increment: signed 64-bit, refusing overflow as Redis does. */
function hincrby(ctx: CommandContext, args: string[]): Reply {
  const increment = parseInt64(args[3]!);
  if (increment === null) return ERR_NOT_INTEGER;
  const key = args[1]!;
  const existing = getHash(ctx, key);
  if (existing instanceof ErrorReply) return existing;
  const current = existing?.get(args[2]!);
  const value = current === undefined ? 0n : parseInt64(current);
  if (value === null) return ERR_HASH_NOT_INTEGER;
  const result = value + increment;
  if (result > INT64_MAX || result < INT64_MIN) return ERR_OVERFLOW;
  const hash = hashForWrite(ctx, key) as HashValue;
  hash.set(args[2]!, result.toString());
  notifyKey(ctx, NOTIFY_HASH, 'hincrby', key);
  return result;
}

/**
 * HINCRBYFLOAT key field increment, in long double as Redis (so 0.1 + 0.2 answers 0.3).
 * Propagates as HSET key field <result> so replicas store exactly our text (protocol doc 2.6).
 */
function hincrbyfloat(ctx: CommandContext, args: string[]): Reply {
  const increment = parseLongDouble(args[3]!);
  if (increment === null) return ERR_NOT_FLOAT;
  if (increment.infinite) return ERR_NAN_INCREMENT;
  const key = args[1]!;
  const existing = getHash(ctx, key);
  if (existing instanceof ErrorReply) return existing;
  const current = existing?.get(args[2]!);
  const value = current === undefined ? parseLongDouble('0')! : parseLongDouble(current);
  if (value === null) return ERR_HASH_NOT_FLOAT;
  const sum = addLongDouble(value, increment);
  if (sum.infinite || isNaNLongDouble(sum)) return ERR_NAN_RESULT;
  const text = formatLongDouble(sum);
  const hash = hashForWrite(ctx, key) as HashValue;
  hash.set(args[2]!, text);
  ctx.propagateAs(['HSET', key, args[2]!, text]);
  notifyKey(ctx, NOTIFY_HASH, 'hincrbyfloat', key);
  return text;
}

export const hashCommands: CommandSpec[] = [
  command('hset', -4, ['write', 'denyoom', 'fast'], hsetCommand('added'), KEY1),
  command('hmset', -4, ['write', 'denyoom', 'fast'], hsetCommand('ok'), KEY1),
  command('hsetnx', 4, ['write', 'denyoom', 'fast'], hsetnx, KEY1),
  command('hget', 3, ['readonly', 'fast'], hget, KEY1),
  command('hmget', -3, ['readonly', 'fast'], hmget, KEY1),
  command('hdel', -3, ['write', 'fast'], hdel, KEY1),
  command('hgetall', 2, ['readonly'], hgetallCommand('all'), KEY1),
  command('hkeys', 2, ['readonly'], hgetallCommand('keys'), KEY1),
  command('hvals', 2, ['readonly'], hgetallCommand('values'), KEY1),
  command('hlen', 2, ['readonly', 'fast'], hlen, KEY1),
  command('hexists', 3, ['readonly', 'fast'], hexists, KEY1),
  command('hstrlen', 3, ['readonly', 'fast'], hstrlen, KEY1),
  command('hincrby', 4, ['write', 'denyoom', 'fast'], hincrby, KEY1),
  command('hincrbyfloat', 4, ['write', 'denyoom', 'fast'], hincrbyfloat, KEY1),
  command('hrandfield', -2, ['readonly'], hrandfield, KEY1),
  command('hscan', -3, ['readonly'], hscan, KEY1),
];
