// From a parsed request to a reply, in the order of Redis's processCommand: lookup, arity, auth,
// transaction queueing, pub/sub context, replica read-only, write gates (min-replicas, fencing),
// stale data, loading; then `call`, which runs the handler and propagates what it changed.

import { ErrorReply, NO_REPLY, type NoReply, QUEUED, type Reply } from '../../shared/resp/reply.js';
import type { Client } from '../clients/client.js';
import { ExecutionContext } from './context.js';
import {
  ERR_LOADING,
  ERR_MASTERDOWN,
  ERR_NOAUTH,
  ERR_READONLY,
  unknownCommand,
  unknownSubcommand,
  wrongArity,
} from '../base/errors.js';
import type { BlockRequest, CommandSpec } from '../base/command-spec.js';
import type { Db } from '../keyspace/db.js';
import type { Server } from '../server.js';

/** Commands that run at once inside MULTI instead of being queued. */
const TRANSACTION_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** What a RESP2 client with subscriptions may still run. */
const PUBSUB_ALLOWED = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset', 'ssubscribe', 'sunsubscribe']);

export interface Resolved {
  readonly spec: CommandSpec;
  /** `config|get` style name used in errors and stats. */
  readonly fullName: string;
}

/**
 * Resolutions of commands without subcommands by their name as typed (`GET`, `get`), per command
 * table: the hot path then neither lowercases the name nor allocates. Capped, since a client
 * could type many case variants.
 */
const resolvedByTypedName = new WeakMap<Map<string, CommandSpec>, Map<string, Resolved>>();
const RESOLVED_CACHE_LIMIT = 4096;
/** The cache of the table used last (a process runs one server; tests run many). */
let lastTable: Map<string, CommandSpec> | undefined;
let lastCache = new Map<string, Resolved>();

function resolvedCache(table: Map<string, CommandSpec>): Map<string, Resolved> {
  if (table === lastTable) return lastCache;
  let cache = resolvedByTypedName.get(table);
  if (cache === undefined) resolvedByTypedName.set(table, (cache = new Map()));
  lastTable = table;
  lastCache = cache;
  return cache;
}

/** Finds the table entry for a request; returns an error reply for unknown names or bad arity. */
export function resolveCommand(server: Server, args: string[]): Resolved | ErrorReply {
  const cache = resolvedCache(server.commands);
  const cached = cache.get(args[0]!);
  if (cached !== undefined) return arityOk(cached.spec.arity, args.length) ? cached : wrongArity(cached.fullName);
  const resolved = resolveUncached(server, args);
  if (!(resolved instanceof ErrorReply) && !resolved.fullName.includes('|') && !resolved.spec.subcommands && cache.size < RESOLVED_CACHE_LIMIT) {
    cache.set(args[0]!, resolved);
  }
  return resolved;
}

function resolveUncached(server: Server, args: string[]): Resolved | ErrorReply {
  const name = args[0]!.toLowerCase();
  const spec = server.commands.get(name);
  if (!spec) return unknownCommand(args);
  if (spec.subcommands && args.length >= 2) {
    const subName = args[1]!.toLowerCase();
    const sub = spec.subcommands.find((s) => s.name === subName);
    if (!sub) return unknownSubcommand(args);
    const fullName = `${name}|${subName}`;
    if (!arityOk(sub.arity, args.length)) return wrongArity(fullName);
    return { spec: sub, fullName };
  }
  if (!arityOk(spec.arity, args.length)) return wrongArity(name);
  return { spec, fullName: name };
}

function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}

/** Runs one request from a client, applying every check Redis applies before a command. */
export function execute(server: Server, client: Client, args: string[]): Reply | NoReply {
  const resolved = resolveCommand(server, args);
  if (resolved instanceof ErrorReply) {
    if (client.multi !== null) client.multiError = true;
    return rejected(server, undefined, resolved);
  }
  const { spec, fullName } = resolved;
  const flags = spec.flags;
  if (!client.authenticated && !flags.includes('no_auth')) return rejected(server, fullName, ERR_NOAUTH);
  client.lastCommand = fullName;

  const bar = fullName.indexOf('|');
  const baseName = bar < 0 ? fullName : fullName.slice(0, bar);
  if (client.multi !== null && !TRANSACTION_CONTROL.has(baseName)) {
    if (flags.includes('no_multi')) {
      client.multiError = true;
      return rejected(server, fullName, new ErrorReply(`ERR Command not allowed inside a transaction`));
    }
    // Redis processCommand refuses (READONLY, NOREPLICAS, ...) before queueing, flagging the MULTI.
    const queueRefusal = refuseBeforeCall(server, client, spec);
    if (queueRefusal) {
      client.multiError = true;
      return rejected(server, fullName, queueRefusal);
    }
    client.multi.push({ args });
    return QUEUED;
  }
  if (client.inPubSubContext && !PUBSUB_ALLOWED.has(baseName)) {
    return rejected(
      server,
      fullName,
      new ErrorReply(
        `ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      ),
    );
  }
  const refusal = refuseBeforeCall(server, client, spec);
  if (refusal) return rejected(server, fullName, refusal);
  if (server.replyHold === undefined) return call(server, client, spec, fullName, args);
  // sync-replicas: a command that moved the client's write offset (a write, an EXEC with writes)
  // may have its reply held until replicas acknowledged it.
  const offsetBefore = client.lastWriteOffset;
  const reply = call(server, client, spec, fullName, args);
  if (reply === NO_REPLY || client.lastWriteOffset === offsetBefore) return reply;
  return server.replyHold(client, reply);
}

/** Counts a command refused before running (INFO errorstats, commandstats rejected_calls). */
function rejected(server: Server, fullName: string | undefined, reply: Reply): Reply {
  if (reply instanceof ErrorReply) server.stats.recordError(reply.message);
  if (fullName !== undefined) {
    let entry = server.stats.commandCalls.get(fullName);
    if (!entry) server.stats.commandCalls.set(fullName, (entry = { calls: 0, usec: 0, failed: 0 }));
    entry.rejected = (entry.rejected ?? 0) + 1;
  }
  return reply;
}

/**
 * The checks that also apply to each command of an EXEC: Redis re-checks OOM/readonly/min-replicas
 * for the transaction as a whole, so EXEC aborts the whole transaction when one command is refused.
 */
export function refuseBeforeCall(server: Server, client: Client, spec: CommandSpec): Reply | undefined {
  const isWrite = spec.flags.includes('write');
  if (server.isReplica && !client.isMaster) {
    if (isWrite && server.config.bool('replica-read-only')) return ERR_READONLY;
    if (!server.masterLinkUp && !server.config.bool('replica-serve-stale-data') && !spec.flags.includes('stale')) {
      return ERR_MASTERDOWN;
    }
  }
  if (isWrite && !client.isMaster && server.writeGate) {
    const refused = server.writeGate(client);
    if (refused) return refused;
  }
  if (server.loading && !spec.flags.includes('loading')) return ERR_LOADING;
  return undefined;
}

/** Runs a handler as one execution unit and propagates what it changed (Redis server.c call()). */
export function call(server: Server, client: Client, spec: CommandSpec, fullName: string, args: string[]): Reply | NoReply {
  const db = server.db(client.db);
  server.beginCall();
  const previousClient = server.currentClient;
  server.currentClient = client;
  const dirtyBefore = server.dirty;
  const started = performance.now();
  let reply: Reply | NoReply;
  const ctx = new ExecutionContext(server, client, db);
  try {
    reply = spec.handler(ctx, args);
    propagateResult(server, ctx, db, args, dirtyBefore);
  } catch (error) {
    server.log.warning(`Command '${fullName}' failed: ${(error as Error).stack ?? String(error)}`);
    reply = new ErrorReply(`ERR internal error running '${fullName}': ${(error as Error).message}`);
  } finally {
    recordStats(server, fullName, started, reply!);
    // Propagation is flushed while the caller is still current, so its write offset is known.
    server.endCall();
    server.currentClient = previousClient;
  }
  return reply;
}

function propagateResult(server: Server, ctx: ExecutionContext, db: Db, args: string[], dirtyBefore: number): void {
  if (ctx.suppressed) return;
  if (ctx.rewritten) {
    for (const command of ctx.rewritten) server.alsoPropagate(ctx.client.db, command);
  } else if (server.dirty !== dirtyBefore && args.length > 0) {
    server.alsoPropagate(db.id, args);
  }
}

function recordStats(server: Server, fullName: string, started: number, reply: Reply | NoReply): void {
  const stats = server.stats;
  stats.totalCommands++;
  let entry = stats.commandCalls.get(fullName);
  if (!entry) stats.commandCalls.set(fullName, (entry = { calls: 0, usec: 0, failed: 0 }));
  entry.calls++;
  entry.usec += Math.round((performance.now() - started) * 1000);
  if (reply instanceof ErrorReply) {
    entry.failed++;
    stats.recordError(reply.message);
  }
}

/** Retries a blocked client's request as its own execution unit; undefined = still waiting. */
export function retryBlocked(server: Server, client: Client, db: Db, request: BlockRequest): Reply | undefined {
  server.beginCall();
  const previousClient = server.currentClient;
  server.currentClient = client;
  const dirtyBefore = server.dirty;
  const ctx = new ExecutionContext(server, client, db);
  try {
    const reply = request.retry(ctx);
    if (reply !== undefined) propagateResult(server, ctx, db, [], dirtyBefore);
    return reply;
  } finally {
    server.endCall();
    server.currentClient = previousClient;
  }
}
