// From a parsed request to a reply, as redis-server 7.0's processCommand and call() (server.c):
// look the command up and check its arity, run the request path's checks in their declared order
// (request-path.ts), queue it when inside MULTI, else call it; then hand the reply of a write to
// the reply policies, and what it changed to the propagation observers.

import { ErrorReply, NO_REPLY, type NoReply, QUEUED, type Reply } from '../../shared/resp/reply.js';
import type { Client } from '../clients/client.js';
import { ExecutionContext } from './context.js';
import { unknownCommand, unknownSubcommand, wrongArity } from '../base/errors.js';
import type { BlockRequest, CommandSpec } from '../base/command-spec.js';
import type { Db } from '../keyspace/db.js';
import { clock } from '../base/clock.js';
import type { Server } from '../server.js';
import { POSTPONE, type Postpone, type Request, type RequestTraits } from './request-path.js';
import { discardTransaction } from './transaction-state.js';
import { recordLatency } from '../base/latency-histogram.js';

/** Commands that run at once inside MULTI instead of being queued. */
const TRANSACTION_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

export interface Resolved {
  readonly spec: CommandSpec;
  /** `config|get` style name used in errors and stats. */
  readonly fullName: string;
  /** The command's own flags as the checks read them (EXEC's come from its queue). */
  readonly traits: RequestTraits;
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
    return { spec: sub, fullName, traits: traitsOf(sub) };
  }
  if (!arityOk(spec.arity, args.length)) return wrongArity(name);
  return { spec, fullName: name, traits: traitsOf(spec) };
}

function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}

function traitsOf(spec: CommandSpec): RequestTraits {
  const flags = spec.flags;
  const write = flags.includes('write');
  return {
    write,
    mayReplicate: write || flags.includes('may_replicate'),
    denyStale: !flags.includes('stale'),
    denyLoading: !flags.includes('loading'),
  };
}

/** EXEC's traits: its own, or-ed with those of every queued command (Redis mstate.cmd_flags / cmd_inv_flags). */
function execTraits(own: RequestTraits, client: Client): RequestTraits {
  let { write, mayReplicate, denyStale, denyLoading } = own;
  for (const queued of client.multi!) {
    const flags = queued.spec.flags;
    if (flags.includes('write')) write = mayReplicate = true;
    else if (flags.includes('may_replicate')) mayReplicate = true;
    if (!flags.includes('stale')) denyStale = true;
    if (!flags.includes('loading')) denyLoading = true;
  }
  return { write, mayReplicate, denyStale, denyLoading };
}

/**
 * Runs one request from a client through the request path. POSTPONE: a check (CLIENT PAUSE) made
 * it wait; the caller parks the request and runs it again later.
 */
export function execute(server: Server, client: Client, args: string[]): Reply | NoReply | Postpone {
  // One clock read per request (Server.requestTime); a request run inside another keeps the outer
  // one's time, as Redis freezes the time for a script's commands.
  const outer = server.requestTime;
  if (outer === undefined) server.requestTime = clock.now();
  try {
    return executeRequest(server, client, args);
  } finally {
    server.requestTime = outer;
  }
}

function executeRequest(server: Server, client: Client, args: string[]): Reply | NoReply | Postpone {
  const resolved = resolveCommand(server, args);
  if (resolved instanceof ErrorReply) return rejected(server, client, undefined, resolved);
  const { spec, fullName } = resolved;
  // Redis records the last command at lookup, before any check (CLIENT LIST cmd=).
  client.lastCommand = fullName;
  const inMulti = client.multi !== null;
  const isExec = inMulti && fullName === 'exec';
  const dynamicFlags = spec.flagsFor?.(server, args);
  const traits = dynamicFlags ? traitsOf({ ...spec, flags: dynamicFlags }) : resolved.traits;
  const request: Request = { server, client, spec, fullName, args, traits: isExec ? execTraits(traits, client) : traits };
  const path = server.requestPath;
  for (const check of request.traits.write ? path.checks : path.readChecks) {
    const verdict = check(request);
    if (verdict === undefined) continue;
    if (verdict === POSTPONE) return POSTPONE;
    return rejected(server, client, fullName, verdict);
  }
  if (inMulti && !TRANSACTION_CONTROL.has(fullName)) {
    client.multi!.push({ args, spec, fullName });
    return QUEUED;
  }
  const policies = server.requestPath.replyPolicies;
  if (policies.length === 0) return call(server, client, spec, fullName, args);
  // A command that moved the client's write offset (a write, an EXEC with writes) hands its reply
  // to the reply policies: the first that claims it may hold it (sync-replicas, confirmed replies).
  const offsetBefore = client.lastWriteOffset;
  const reply = call(server, client, spec, fullName, args);
  if (reply === NO_REPLY || client.lastWriteOffset === offsetBefore) return reply;
  for (const policy of policies) {
    const decided = policy(client, reply);
    if (decided !== undefined) return decided;
  }
  return reply;
}

/**
 * A refused request (Redis rejectCommand): counted in INFO errorstats and commandstats
 * rejected_calls; inside MULTI it flags the transaction, and a refused EXEC discards it with
 * -EXECABORT naming the reason (execCommandAbort).
 */
function rejected(server: Server, client: Client, fullName: string | undefined, reply: ErrorReply): Reply {
  let answer = reply;
  if (client.multi !== null) {
    if (fullName === 'exec') {
      discardTransaction(server, client);
      answer = new ErrorReply(`EXECABORT Transaction discarded because of: ${reply.message}`);
    } else {
      client.multiError = true;
    }
  }
  server.stats.recordError(answer.message);
  if (fullName !== undefined) {
    let entry = server.stats.commandCalls.get(fullName);
    if (!entry) server.stats.commandCalls.set(fullName, (entry = { calls: 0, usec: 0, failed: 0 }));
    entry.rejected = (entry.rejected ?? 0) + 1;
  }
  return answer;
}

/**
 * Runs a handler as one execution unit and propagates what it changed (Redis server.c call()).
 * `propagate` false: a script under redis.set_repl(redis.REPL_NONE) keeps its writes local.
 */
export function call(server: Server, client: Client, spec: CommandSpec, fullName: string, args: string[], propagate = true): Reply | NoReply {
  const db = server.db(client.db);
  server.beginCall();
  const previousClient = server.currentClient;
  server.currentClient = client;
  const topLevel = previousClient === null;
  if (topLevel) server.callerClient = client;
  const dirtyBefore = server.dirty;
  const path = server.requestPath;
  if (path.beforeCallObservers.length > 0) for (const observer of path.beforeCallObservers) observer.beforeCall!(client, spec, args);
  const started = performance.now();
  let reply: Reply | NoReply;
  let durationUs = 0;
  const ctx = new ExecutionContext(server, client, db);
  try {
    reply = spec.handler(ctx, args);
    if (propagate) propagateResult(server, ctx, db, args, dirtyBefore);
    // Client-side caching remembers what a read-only command read, for the client whose command it
    // is (a script's caller), whatever its reply (Redis call() -> trackingRememberKeys).
    if (server.tracking.clientCount > 0 && spec.flags.includes('readonly')) {
      const caller = server.callerClient!;
      if (caller.tracking !== null) server.tracking.rememberKeys(caller, fullName, args);
    }
  } catch (error) {
    server.log.warning(`Command '${fullName}' failed: ${(error as Error).stack ?? String(error)}`);
    reply = new ErrorReply(`ERR internal error running '${fullName}': ${(error as Error).message}`);
  } finally {
    durationUs = Math.round((performance.now() - started) * 1000);
    recordStats(server, fullName, durationUs, reply!);
    // Propagation is flushed while the caller is still current, so its write offset is known.
    server.endCall();
    server.currentClient = previousClient;
    if (topLevel) server.callerClient = null;
  }
  // The call observers (MONITOR, slow log, latency monitor) see the command once it ran, as Redis call().
  for (const observer of path.callObservers) observer.afterCall(client, spec, fullName, args, durationUs);
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

function recordStats(server: Server, fullName: string, durationUs: number, reply: Reply | NoReply): void {
  const stats = server.stats;
  stats.totalCommands++;
  let entry = stats.commandCalls.get(fullName);
  if (!entry) stats.commandCalls.set(fullName, (entry = { calls: 0, usec: 0, failed: 0 }));
  entry.calls++;
  entry.usec += durationUs;
  recordLatency((entry.histogram ??= []), durationUs);
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
