// One EVAL / FCALL from a client to its reply (Redis script.c scriptPrepareForRun, luaCallFunction,
// scriptResetRun): the checks a script's declared flags call for, the script's own client, KEYS
// and ARGV, the run, and what happens when the run outlives busy-reply-threshold.

import { ErrorReply, NO_REPLY, type NoReply, type Reply } from '../../shared/resp/reply.js';
import { Client } from '../clients/client.js';
import type { CommandContext } from '../base/command-spec.js';
import { clock } from '../base/clock.js';
import { ERR_MASTERDOWN } from '../base/errors.js';
import type { Server } from '../server.js';
import { cname, lua, LUA_REGISTRYINDEX, pushString } from './lua-api.js';
import type { LuaVm } from './lua-vm.js';
import { REPL_ALL, type ScriptRun, setRunningScript } from './run-context.js';
import { runScript, setTimedOutListener } from './script-runner.js';
import type { ScriptFlag } from './shebang.js';
import { outOfMemoryAtCommandStart } from '../maxmemory/oom-check.js';

export interface ScriptTarget {
  readonly vm: LuaVm;
  /** Registry ref of the compiled chunk or function. */
  readonly ref: number;
  /** sha (EVAL) or function name (FCALL). */
  readonly name: string;
  readonly evalMode: boolean;
  /** An EVAL body without shebang: flags come from the commands it runs (compat mode). */
  readonly compat: boolean;
  readonly flags: ReadonlySet<ScriptFlag>;
}

const NULL_SINK = { push: () => {}, close: () => {}, resume: () => {} };
const scriptClients = new WeakMap<Server, Client>();

/** The client a server's scripts run their commands as (Redis's lua_client: never listed). */
function scriptClientOf(server: Server): Client {
  let client = scriptClients.get(server);
  if (!client) scriptClients.set(server, (client = new Client('', '', NULL_SINK, false)));
  return client;
}

function staleReplica(server: Server): boolean {
  return server.isReplica && !server.masterLinkUp && !server.config.bool('replica-serve-stale-data');
}

/** What scriptPrepareForRun refuses before anything runs; undefined when the script may run. */
function refusal(server: Server, caller: Client, target: ScriptTarget, ro: boolean): ErrorReply | undefined {
  if (target.compat) return staleReplica(server) ? ERR_MASTERDOWN : undefined;
  const flags = target.flags;
  if (flags.has('no-cluster') && server.config.bool('cluster-enabled')) {
    return new ErrorReply("ERR Can not run script on cluster, 'no-cluster' flag is set.");
  }
  if (staleReplica(server) && !flags.has('allow-stale')) {
    return new ErrorReply(
      "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' and 'allow-stale' flag is not set on the script.",
    );
  }
  if (!flags.has('no-writes')) {
    if (server.isReplica && server.config.bool('replica-read-only') && !caller.isMaster) {
      return new ErrorReply('READONLY Can not run script with write flag on readonly replica');
    }
    if (ro) return new ErrorReply('ERR Can not execute a script with write flag using *_ro command.');
  }
  // no-writes implies allow-oom (script.c scriptPrepareForRun).
  if (!flags.has('allow-oom') && !flags.has('no-writes') && outOfMemoryAtCommandStart(server)) {
    return new ErrorReply("OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'");
  }
  return undefined;
}

const KEYS_NAME = cname('KEYS');
const ARGV_NAME = cname('ARGV');

/** Puts a KEYS / ARGV array on top of the stack of co. */
function pushArray(co: number, items: readonly string[]): void {
  lua._lua_createtable(co, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    pushString(co, items[i]!);
    lua._lua_rawseti(co, -2, i + 1);
  }
}

function pushInvocation(co: number, target: ScriptTarget, keys: readonly string[], argv: readonly string[]): number {
  lua._lua_rawgeti(co, LUA_REGISTRYINDEX, target.ref);
  if (!target.evalMode) {
    pushArray(co, keys);
    pushArray(co, argv);
    return 2;
  }
  // EVAL: KEYS and ARGV are globals (set raw in the real globals table, behind the read-only view).
  lua._lua_rawgeti(co, LUA_REGISTRYINDEX, target.vm.globalsRef);
  lua._lua_pushlstring(co, KEYS_NAME, 4);
  pushArray(co, keys);
  lua._lua_rawset(co, -3);
  lua._lua_pushlstring(co, ARGV_NAME, 4);
  pushArray(co, argv);
  lua._lua_rawset(co, -3);
  lua._lua_settop(co, -2);
  return 0;
}

setTimedOutListener((run) => {
  run.server.busyScript = true;
});

function endRun(run: ScriptRun): void {
  run.server.busyScript = false;
  setRunningScript(run.server, undefined);
}

/** Runs `target` for the command in ctx; NO_REPLY when the reply comes later (past the busy threshold). */
export function invokeScript(ctx: CommandContext, args: readonly string[], target: ScriptTarget, keys: string[], argv: string[], ro: boolean): Reply | NoReply {
  const { server, client: caller } = ctx;
  // The script's commands propagate themselves; EVAL / FCALL never do (Redis preventCommandPropagation).
  ctx.suppressPropagation();
  const refused = refusal(server, caller, target, ro);
  if (refused) return refused;
  const scriptClient = scriptClientOf(server);
  scriptClient.db = caller.db;
  scriptClient.proto = 2;
  // The script's commands run as the caller's user (script.c scriptCall: c->user = original_client->user),
  // so what they check themselves (SORT's BY / GET patterns) sees the caller's permissions.
  scriptClient.user = caller.user;
  const run: ScriptRun = {
    server,
    caller,
    scriptClient,
    name: target.name,
    evalMode: target.evalMode,
    readOnly: ro || (!target.compat && target.flags.has('no-writes')),
    argv: args,
    startedAt: clock.monotonic(),
    replFlags: REPL_ALL,
    allowOom: !target.compat && target.flags.has('allow-oom'),
    allowCrossSlot: target.compat || target.flags.has('allow-cross-slot-keys'),
    wroteDirty: false,
    killed: false,
    timedOut: false,
    mayYield: !server.inNestedCall && !caller.isMaster && !server.isReplica,
  };
  setRunningScript(server, run);
  const invocation = { vm: target.vm, run, push: (co: number) => pushInvocation(co, target, keys, argv) };
  const reply = runScript(invocation, (late) => finishLate(run, late));
  if (reply === undefined) {
    // Suspended past the busy threshold: keep the execution unit open (the script's writes go to
    // replicas together at its end) and park the caller, whose next commands wait for this reply.
    server.beginCall();
    caller.blocked = { keys: [], deadline: 0, retry: () => undefined, timeoutReply: 0 };
    return NO_REPLY;
  }
  endRun(run);
  return reply;
}

function finishLate(run: ScriptRun, reply: Reply): void {
  endRun(run);
  run.server.endCall();
  const caller = run.caller;
  caller.blocked = null;
  caller.sink.push(reply);
  caller.sink.resume();
}
