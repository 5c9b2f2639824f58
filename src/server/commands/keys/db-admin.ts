// DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, SHUTDOWN (Redis 7.0 db.c / server.c); flushes and swaps go
// through the change hooks, so WATCH, snapshots and the change counter see them like any write.

import { ErrorReply, NO_REPLY, OK, type NoReply, type Reply } from '../../../shared/resp/reply.js';
import type { Db } from '../../keyspace/db.js';
import { is, parseInteger } from '../../base/args.js';
import { ERR_DB_INDEX, ERR_SYNTAX } from '../../base/errors.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { afterFlushAll } from '../../persistence/background-save.js';

/** FLUSHDB/FLUSHALL take nothing, ASYNC or SYNC; both flush at once here (no lazy-free thread). */
function flushOptionValid(args: string[]): boolean {
  return args.length === 1 || (args.length === 2 && (is(args[1], 'ASYNC') || is(args[1], 'SYNC')));
}

function flushdb(ctx: CommandContext, args: string[]): Reply {
  if (!flushOptionValid(args)) return ERR_SYNTAX;
  ctx.db.clear();
  // Redis forces propagation even when the database was already empty.
  ctx.propagateAs(args);
  return OK;
}

function flushall(ctx: CommandContext, args: string[]): Reply {
  if (!flushOptionValid(args)) return ERR_SYNTAX;
  for (const db of ctx.server.dbs) db.clear();
  afterFlushAll(ctx.server);
  ctx.propagateAs(args);
  return OK;
}

function dbsize(ctx: CommandContext): Reply {
  return ctx.db.size;
}

/**
 * SWAPDB a b: the two databases exchange contents. Every key of either database changes in both
 * (it appears or disappears), so each goes through beforeChange first: snapshots keep the old
 * values and WATCHers of any of those keys in either database are invalidated (Redis
 * touchAllWatchedKeysInDb). The change counter moves by one, as in Redis.
 */
export function swapDatabases(ctx: CommandContext, a: Db, b: Db): void {
  const server = ctx.server;
  const dirty = server.dirty;
  const keys = new Set([...a.data.keys(), ...b.data.keys()]);
  for (const key of keys) {
    server.beforeChange(a, key);
    server.beforeChange(b, key);
  }
  server.dirty = dirty + 1;
  if (a === b) return;
  const aData = new Map(a.data);
  const aExpires = new Map(a.expires);
  const aAccess = new Map(a.access);
  // Contents move, the Map objects stay: a snapshot walking them keeps valid iterators.
  a.data.clear();
  a.expires.clear();
  for (const [key, value] of b.data) a.data.set(key, value);
  for (const [key, when] of b.expires) a.expires.set(key, when);
  a.access.clear();
  for (const [key, stamp] of b.access) a.access.set(key, stamp);
  b.data.clear();
  b.expires.clear();
  for (const [key, value] of aData) b.data.set(key, value);
  for (const [key, when] of aExpires) b.expires.set(key, when);
  b.access.clear();
  for (const [key, stamp] of aAccess) b.access.set(key, stamp);
  // Clients blocked on a key that now exists are retried after this command (Redis
  // scanDatabaseForReadyKeys after a swap), and so are those on a key that lost its stream
  // (scanDatabaseForDeletedStreams): a blocked XREADGROUP is answered when its stream is gone.
  for (const db of [a, b]) for (const key of db.blockedKeys.keys()) db.signalReady(key);
}

function swapdb(ctx: CommandContext, args: string[]): Reply {
  // Cluster mode has db 0 only (db.c swapdbCommand).
  if (ctx.server.config.bool('cluster-enabled')) return new ErrorReply('ERR SWAPDB is not allowed in cluster mode');
  const first = parseInteger(args[1]!);
  if (first === null) return new ErrorReply('ERR invalid first DB index');
  const second = parseInteger(args[2]!);
  if (second === null) return new ErrorReply('ERR invalid second DB index');
  const count = ctx.server.dbs.length;
  if (first < 0 || first >= count || second < 0 || second >= count) return ERR_DB_INDEX;
  swapDatabases(ctx, ctx.server.db(first), ctx.server.db(second));
  ctx.propagateAs(args);
  return OK;
}

function time(): Reply {
  const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
  return [String(Math.floor(micros / 1e6)), String(micros % 1e6)];
}

/** SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: the reply only comes back when it fails. */
function shutdown(ctx: CommandContext, args: string[]): Reply | NoReply {
  let save: boolean | undefined;
  let force = false;
  let abort = false;
  for (const arg of args.slice(1)) {
    if (is(arg, 'NOSAVE') && save === undefined) save = false;
    else if (is(arg, 'SAVE') && save === undefined) save = true;
    else if (is(arg, 'NOW')) continue;
    else if (is(arg, 'FORCE')) force = true;
    else if (is(arg, 'ABORT')) abort = true;
    else return ERR_SYNTAX;
  }
  if (abort) return args.length === 2 ? new ErrorReply('ERR No shutdown in progress.') : ERR_SYNTAX;
  const handler = ctx.server.shutdownHandler;
  const failed = new ErrorReply('ERR Errors trying to SHUTDOWN. Check logs.');
  if (!handler) return failed;
  const client = ctx.client;
  void (async () => {
    let reply = await handler(save);
    // FORCE: a failed save does not stop the exit.
    if (reply !== undefined && force && save !== false) reply = await handler(false);
    if (reply !== undefined) client.sink.push(reply);
  })().catch((error: unknown) => {
    ctx.server.log.warning(`SHUTDOWN failed: ${(error as Error).message}`);
    client.sink.push(failed);
  });
  return NO_REPLY;
}

export const dbAdminCommands: CommandSpec[] = [
  command('dbsize', 1, ['readonly', 'fast'], dbsize, undefined, { summary: 'Return the number of keys in the selected database' }),
  command('flushdb', -1, ['write'], flushdb, undefined, { summary: 'Remove all keys from the current database' }),
  command('flushall', -1, ['write'], flushall, undefined, { summary: 'Remove all keys from all databases' }),
  command('swapdb', 3, ['write', 'fast'], swapdb, undefined, { summary: 'Swaps two Redis databases' }),
  command('time', 1, ['loading', 'stale', 'fast'], time, undefined, { summary: 'Return the current server time' }),
  command('shutdown', -1, ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'], shutdown, undefined, {
    summary: 'Synchronously save the dataset to disk and then shut down the server',
  }),
];
