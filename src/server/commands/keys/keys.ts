// Generic key commands: DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX MOVE COPY (Redis 7.0 db.c),
// and the family's table, which also gathers the TTL commands (keys-expire.ts), the keyspace walks
// KEYS/SCAN/RANDOMKEY (keys-scan.ts) and OBJECT (keys-object.ts).

import { ErrorReply, OK, SimpleString, type Reply } from '../../../shared/resp/reply.js';
import type { Db } from '../../keyspace/db.js';
import { cloneValue, typeOf } from '../../keyspace/values.js';
import { is, parseInteger } from '../../base/args.js';
import { ERR_DB_INDEX, ERR_NO_SUCH_KEY, ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { expireCommands } from './expire.js';
import { objectCommands } from './object.js';
import { scanCommands } from './scan.js';
import { peekKey, readKey } from '../../base/read-key.js';
import { ALL_KEYS, command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { notifyKey, notifyKeyspaceEvent, NOTIFY_GENERIC } from '../../keyspace/keyspace-events.js';

const ERR_SAME_OBJECT = new ErrorReply('ERR source and destination objects are the same');
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/** DEL and UNLINK: the number of keys that existed (expired keys count as missing). */
function del(ctx: CommandContext, args: string[]): Reply {
  let deleted = 0;
  for (let i = 1; i < args.length; i++) {
    if (!ctx.db.delete(args[i]!)) continue;
    notifyKey(ctx, NOTIFY_GENERIC, 'del', args[i]!);
    deleted++;
  }
  return deleted;
}

/**
 * EXISTS and TOUCH: how many of the keys exist, a key named twice counting twice. TOUCH stamps the
 * keys' access time, EXISTS does not (Redis existsCommand looks up with LOOKUP_NOTOUCH).
 */
function counting(lookup: typeof readKey) {
  return (ctx: CommandContext, args: string[]): Reply => {
    let count = 0;
    for (let i = 1; i < args.length; i++) if (lookup(ctx, args[i]!) !== undefined) count++;
    return count;
  };
}

function type(ctx: CommandContext, args: string[]): Reply {
  const value = peekKey(ctx, args[1]!);
  return new SimpleString(value === undefined ? 'none' : typeOf(value));
}

/**
 * Redis renameGenericCommand: the value and its TTL move to the new name, replacing (RENAME) or
 * refusing (RENAMENX) an existing destination; renaming a key onto itself changes nothing.
 */
function renameWith(nx: boolean) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const source = args[1]!;
    const target = args[2]!;
    const db = ctx.db;
    const value = db.lookup(source);
    if (value === undefined) return ERR_NO_SUCH_KEY;
    if (source === target) return nx ? 0 : OK;
    const expire = db.getExpire(source);
    if (db.lookup(target) !== undefined) {
      if (nx) return 0;
      // Redis deletes the old destination first, so the renamed key is added anew (`new` event).
      db.delete(target);
    }
    // Redis moves the object itself: its LRU time / LFU counter goes with it.
    const stamp = db.access.get(source);
    db.set(target, value);
    if (stamp !== undefined) db.access.set(target, stamp);
    if (expire !== undefined) db.setExpire(target, expire);
    db.delete(source);
    notifyKey(ctx, NOTIFY_GENERIC, 'rename_from', source);
    notifyKey(ctx, NOTIFY_GENERIC, 'rename_to', target);
    return nx ? 1 : OK;
  };
}

/** Redis getIntFromObjectOrReply + selectDb: an int32, then a valid database index. */
function targetDb(ctx: CommandContext, text: string): Db | ErrorReply {
  const index = parseInteger(text);
  if (index === null || index > INT32_MAX || index < INT32_MIN) return ERR_NOT_INTEGER;
  if (index < 0 || index >= ctx.server.dbs.length) return ERR_DB_INDEX;
  return ctx.server.db(index);
}

/** MOVE key db: 1 when moved (with its TTL), 0 when missing here or already present there. */
function move(ctx: CommandContext, args: string[]): Reply {
  if (ctx.server.config.bool('cluster-enabled')) return new ErrorReply('ERR MOVE is not allowed in cluster mode');
  const key = args[1]!;
  const dst = targetDb(ctx, args[2]!);
  if (dst instanceof ErrorReply) return dst;
  const src = ctx.db;
  if (dst === src) return ERR_SAME_OBJECT;
  const value = src.lookup(key);
  if (value === undefined) return 0;
  const expire = src.getExpire(key);
  if (dst.lookup(key) !== undefined) return 0;
  const stamp = src.access.get(key);
  dst.set(key, value);
  if (stamp !== undefined) dst.access.set(key, stamp);
  if (expire !== undefined) dst.setExpire(key, expire);
  src.delete(key);
  notifyKeyspaceEvent(ctx.server, NOTIFY_GENERIC, 'move_from', key, src.id);
  notifyKeyspaceEvent(ctx.server, NOTIFY_GENERIC, 'move_to', key, dst.id);
  return 1;
}

/** COPY source destination [DB n] [REPLACE]: a deep copy with the source's TTL. */
function copy(ctx: CommandContext, args: string[]): Reply {
  const source = args[1]!;
  const target = args[2]!;
  let dst: Db = ctx.db;
  let replace = false;
  for (let j = 3; j < args.length; j++) {
    if (is(args[j], 'REPLACE')) {
      replace = true;
    } else if (is(args[j], 'DB') && j + 1 < args.length) {
      const db = targetDb(ctx, args[++j]!);
      if (db instanceof ErrorReply) return db;
      dst = db;
    } else {
      return ERR_SYNTAX;
    }
  }
  const src = ctx.db;
  if (ctx.server.config.bool('cluster-enabled') && (src.id !== 0 || dst.id !== 0)) {
    return new ErrorReply('ERR Copying to another database is not allowed in cluster mode');
  }
  if (src === dst && source === target) return ERR_SAME_OBJECT;
  const value = readKey(ctx, source);
  if (value === undefined) return 0;
  const expire = src.getExpire(source);
  if (dst.lookup(target) !== undefined) {
    if (!replace) return 0;
    dst.delete(target);
  }
  dst.set(target, cloneValue(value));
  if (expire !== undefined) dst.setExpire(target, expire);
  notifyKeyspaceEvent(ctx.server, NOTIFY_GENERIC, 'copy_to', target, dst.id);
  return 1;
}

export const keyCommands: CommandSpec[] = [
  command('del', -2, ['write'], del, ALL_KEYS),
  command('unlink', -2, ['write', 'fast'], del, ALL_KEYS),
  command('exists', -2, ['readonly', 'fast'], counting(peekKey), ALL_KEYS),
  command('touch', -2, ['readonly', 'fast'], counting(readKey), ALL_KEYS),
  command('type', 2, ['readonly', 'fast'], type, KEY1),
  command('rename', 3, ['write'], renameWith(false), { first: 1, last: 2, step: 1 }),
  command('renamenx', 3, ['write', 'fast'], renameWith(true), { first: 1, last: 2, step: 1 }),
  command('move', 3, ['write', 'fast'], move, KEY1),
  command('copy', -3, ['write', 'denyoom'], copy, { first: 1, last: 2, step: 1 }),
  ...expireCommands,
  ...scanCommands,
  ...objectCommands,
];
