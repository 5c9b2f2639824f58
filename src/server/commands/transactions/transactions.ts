// MULTI / EXEC / DISCARD / WATCH / UNWATCH (Redis 7.0 multi.c). EXEC runs the queue as ONE execution
// unit, so the sink receives the transaction's writes together (protocol doc 2.7).

import { ErrorReply, NO_REPLY, NULL_ARRAY, OK, type Reply } from '../../../shared/resp/reply.js';
import type { Client } from '../../clients/client.js';
import { call } from '../../request/dispatch.js';
import { discardTransaction } from '../../request/transaction-state.js';
import type { Server } from '../../server.js';
import { ERR_EXECABORT } from '../../base/errors.js';
import { ALL_KEYS, command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { execRefusal } from '../../acl/request-check.js';

const NO_WATCH_IN_MULTI = new ErrorReply('ERR WATCH inside MULTI is not allowed');

/**
 * Watched keys that were already logically expired when WATCHed (Redis 7.0 watchedKey.expired):
 * they do not fail EXEC for being expired; any other watched key that is expired by EXEC time does.
 */
const expiredWhenWatched = new WeakMap<Client, Set<string>>();

const watchId = (dbId: number, key: string) => `${dbId}\n${key}`;

function multi(ctx: CommandContext): Reply {
  const client = ctx.client;
  if (client.multi !== null) return new ErrorReply('ERR MULTI calls can not be nested');
  client.multi = [];
  client.multiError = false;
  return OK;
}

function discard(ctx: CommandContext): Reply {
  if (ctx.client.multi === null) return new ErrorReply('ERR DISCARD without MULTI');
  discardTransaction(ctx.server, ctx.client);
  return OK;
}

function watch(ctx: CommandContext, args: string[]): Reply {
  const { client, server } = ctx;
  if (client.multi !== null) return NO_WATCH_IN_MULTI;
  let expired = expiredWhenWatched.get(client);
  if (!expired) expiredWhenWatched.set(client, (expired = new Set()));
  for (const key of args.slice(1)) {
    if (client.watched.get(client.db)?.has(key)) continue;
    const id = watchId(client.db, key);
    if (ctx.db.isExpired(key)) expired.add(id);
    else expired.delete(id);
    server.watch(client, client.db, key);
  }
  return OK;
}

function unwatch(ctx: CommandContext): Reply {
  ctx.server.unwatchAll(ctx.client);
  return OK;
}

/** Redis isWatchedKeyExpired: a watched key that expired since WATCH counts as changed. */
function watchedKeyExpired(server: Server, client: Client): boolean {
  const expired = expiredWhenWatched.get(client);
  for (const [dbId, keys] of client.watched) {
    const db = server.db(dbId);
    for (const key of keys) {
      if (!expired?.has(watchId(dbId, key)) && db.isExpired(key)) return true;
    }
  }
  return false;
}

/**
 * EXEC is itself running inside dispatch's `call`, so every queued command run here through `call`
 * propagates into that same unit: the sink wraps two or more in MULTI/EXEC, sends one bare, and
 * nothing for a read-only transaction. EXEC itself is never propagated.
 */
function exec(ctx: CommandContext): Reply {
  const { client, server } = ctx;
  ctx.suppressPropagation();
  const queue = client.multi;
  if (queue === null) return new ErrorReply('ERR EXEC without MULTI');
  if (watchedKeyExpired(server, client)) client.watchDirty = true;
  if (client.multiError || client.watchDirty) {
    const reply = client.multiError ? ERR_EXECABORT : NULL_ARRAY;
    discardTransaction(server, client);
    return reply;
  }
  // Whether the node may still run the queue (it became a read-only replica, lost its replicas,
  // fenced itself) was decided by the request path's checks on EXEC, with the queue's flags:
  // a refusal there discards the transaction with -EXECABORT (Redis execCommandAbort).
  // Unwatch at once (Redis does it before running the queue); client.multi stays set while the
  // queue runs, so blocking commands know not to block (Redis keeps CLIENT_MULTI until the end).
  server.unwatchAll(client);
  const replies: Reply[] = [];
  for (const queued of queue) {
    // ACL rules may have changed since the command was queued: checked again (execCommand).
    const refused = execRefusal(server, client, queued.fullName, queued.args);
    if (refused) {
      replies.push(refused);
      continue;
    }
    const reply = call(server, client, queued.spec, queued.fullName, queued.args);
    replies.push(reply === NO_REPLY ? unblockInsideExec(server, client) : reply);
  }
  discardTransaction(server, client);
  return replies;
}

/** A command that blocked inside EXEC answers at once with its timeout reply (Redis semantics). */
function unblockInsideExec(server: Server, client: Client): Reply {
  const request = client.blocked;
  if (!request) return null;
  server.blocking.unblock(client, undefined);
  return request.timeoutReply;
}

const CONTROL = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'] as const;

export const transactionCommands: CommandSpec[] = [
  command('multi', 1, CONTROL, multi, undefined, { summary: 'Mark the start of a transaction block' }),
  command('exec', 1, ['noscript', 'loading', 'stale'], exec, undefined, {
    summary: 'Execute all commands issued after MULTI',
  }),
  command('discard', 1, CONTROL, discard, undefined, { summary: 'Discard all commands issued after MULTI' }),
  command('watch', -2, CONTROL, watch, ALL_KEYS, {
    summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
  }),
  command('unwatch', 1, CONTROL, unwatch, undefined, { summary: 'Forget about all watched keys' }),
];
