// The `redis` table scripts see (Redis script_lua.c luaRegisterRedisAPI and eval.c): call, pcall,
// log and its levels, setresp, sha1hex, error_reply, status_reply, set_repl and the REPL_* flags,
// acl_check_cmd, the version, and for EVAL also replicate_commands, breakpoint and debug.
// Each is a C function written in JS; errors are raised as Redis raises them: a table
// { err = "ERR ..." } that the script error reply then turns into "ERR ... script: ..., on ...".

import { createHash } from 'node:crypto';
import { ErrorReply } from '../../shared/resp/reply.js';
import { scriptAclAllows } from '../acl/request-check.js';
import { formatG17 } from '../../shared/resp/format-double.js';
import { REDIS_COMPAT_VERSION } from '../base/version.js';
import { cname, lua, pushErrorTable, pushString, raise, setFunction, setNumber, setString, T, toString } from './lua-api.js';
import { pushReply } from './reply-to-lua.js';
import { activeRun, REPL_ALL, REPL_AOF, REPL_REPLICA, type ScriptRun } from './run-context.js';
import { scriptCall } from './script-call.js';

const LOG_LEVELS = ['debug', 'verbose', 'notice', 'warning'] as const;
const [MAJOR, MINOR, PATCH] = REDIS_COMPAT_VERSION.split('.').map(Number) as [number, number, number];

/** Raises { err = message } (Redis luaPushError + luaError). */
function fail(L: number, message: string): never {
  pushErrorTable(L, message);
  return raise(L);
}

function requireRun(L: number, what: string): ScriptRun {
  const run = activeRun();
  if (!run) fail(L, `ERR ${what} can only be called inside a script invocation`);
  return run;
}

/** The stack as command arguments: numbers as "%.17g", strings as bytes, anything else refused. */
function commandArgs(L: number): string[] | string {
  const argc = lua._lua_gettop(L);
  if (argc === 0) return 'ERR Please specify at least one argument for this redis lib call';
  const args = new Array<string>(argc);
  for (let i = 1; i <= argc; i++) {
    const type = lua._lua_type(L, i);
    if (type === T.NUMBER) args[i - 1] = formatG17(lua._lua_tonumber(L, i));
    else if (type === T.STRING) args[i - 1] = toString(L, i)!;
    else return 'ERR Lua redis lib command arguments must be strings or integers';
  }
  lua._lua_settop(L, 0);
  return args;
}

function genericCall(L: number, raiseErrors: boolean): number {
  const run = requireRun(L, 'redis.call/pcall');
  const args = commandArgs(L);
  if (typeof args === 'string') {
    pushErrorTable(L, args);
    return raiseErrors ? raise(L) : 1;
  }
  const reply = scriptCall(run, args);
  pushReply(L, reply, run.scriptClient.proto);
  if (raiseErrors && reply instanceof ErrorReply) raise(L);
  return 1;
}

const redisCall = (L: number) => genericCall(L, true);
const redisPcall = (L: number) => genericCall(L, false);

function sha1hex(L: number): number {
  if (lua._lua_gettop(L) !== 1) fail(L, 'ERR wrong number of arguments');
  const text = toString(L, 1) ?? '';
  pushString(L, createHash('sha1').update(Buffer.from(text, 'latin1')).digest('hex'));
  return 1;
}

/** Redis luaPushErrorBuff: "-CODE msg" keeps CODE, a bare message gets ERR. */
export function errorReplyText(raw: string): string {
  const text = raw.startsWith('-') ? raw : `-${raw}`;
  const space = text.indexOf(' ');
  const message = space < 0 ? `ERR ${text.slice(1)}` : `${text.slice(1, space)} ${text.slice(space + 1)}`;
  return message.replace(/[\r\n]+$/, '');
}

function errorReply(L: number): number {
  if (lua._lua_gettop(L) !== 1 || lua._lua_type(L, -1) !== T.STRING) {
    pushErrorTable(L, 'ERR wrong number or type of arguments');
    return 1;
  }
  pushErrorTable(L, errorReplyText(toString(L, -1)!));
  return 1;
}

function statusReply(L: number): number {
  if (lua._lua_gettop(L) !== 1 || lua._lua_type(L, -1) !== T.STRING) {
    pushErrorTable(L, 'ERR wrong number or type of arguments');
    return 1;
  }
  lua._lua_createtable(L, 0, 1);
  lua._lua_pushvalue(L, -2);
  lua._lua_setfield(L, -2, cname('ok'));
  return 1;
}

function log(L: number): number {
  const argc = lua._lua_gettop(L);
  if (argc < 2) fail(L, 'ERR redis.log() requires two arguments or more.');
  if (!lua._lua_isnumber(L, 1)) fail(L, 'ERR First argument must be a number (log level).');
  const level = Math.trunc(lua._lua_tonumber(L, 1));
  if (level < 0 || level > 3) fail(L, 'ERR Invalid debug level.');
  const parts: string[] = [];
  for (let i = 2; i <= argc; i++) {
    const text = toString(L, i);
    if (text !== null) parts.push(text);
  }
  const server = activeRun()?.server ?? loadingServer;
  server?.log[LOG_LEVELS[level]!](parts.join(' '));
  return 0;
}

function setresp(L: number): number {
  const run = requireRun(L, 'redis.setresp');
  if (lua._lua_gettop(L) !== 1) fail(L, 'ERR redis.setresp() requires one argument.');
  const resp = Math.trunc(lua._lua_tonumber(L, 1));
  if (resp !== 2 && resp !== 3) fail(L, 'ERR RESP version must be 2 or 3.');
  run.scriptClient.proto = resp;
  return 0;
}

function setRepl(L: number): number {
  const run = requireRun(L, 'redis.set_repl');
  if (lua._lua_gettop(L) !== 1) fail(L, 'ERR redis.set_repl() requires two arguments.');
  const flags = Math.trunc(lua._lua_tonumber(L, -1));
  if ((flags & ~REPL_ALL) !== 0) fail(L, 'ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
  run.replFlags = flags;
  return 0;
}

/** redis.acl_check_cmd: may the caller's user run this line? An unknown command is an error (lookupCommand). */
function aclCheckCmd(L: number): number {
  const run = requireRun(L, 'redis.acl_check_cmd');
  const args = commandArgs(L);
  if (typeof args === 'string') fail(L, args);
  const allowed = scriptAclAllows(run.server, run.caller, args);
  if (allowed === undefined) fail(L, 'ERR Invalid command passed to redis.acl_check_cmd()');
  lua._lua_pushboolean(L, allowed ? 1 : 0);
  return 1;
}

const pushTrue = (L: number) => (lua._lua_pushboolean(L, 1), 1);
const pushFalse = (L: number) => (lua._lua_pushboolean(L, 0), 1);
const nothing = () => 0;

/** The server whose FUNCTION LOAD is running (redis.log during a load has no script run). */
let loadingServer: ScriptRun['server'] | undefined;

export function setLoadingServer(server: ScriptRun['server'] | undefined): void {
  loadingServer = server;
}

/** redis.log, its levels and the version: shared by the runtime table and the FUNCTION LOAD API. */
export function addLogAndVersion(L: number): void {
  setFunction(L, 'log', log);
  LOG_LEVELS.forEach((_, i) => setNumber(L, `LOG_${LOG_LEVELS[i]!.toUpperCase()}`, i));
  setNumber(L, 'REDIS_VERSION_NUM', (MAJOR << 16) | (MINOR << 8) | PATCH);
  setString(L, 'REDIS_VERSION', REDIS_COMPAT_VERSION);
}

/** Builds the `redis` table on top of the stack. `evalOnly` adds what eval.c adds for EVAL. */
export function pushRedisTable(L: number, evalOnly: boolean): void {
  lua._lua_createtable(L, 0, 32);
  setFunction(L, 'call', redisCall);
  setFunction(L, 'pcall', redisPcall);
  addLogAndVersion(L);
  setFunction(L, 'setresp', setresp);
  setFunction(L, 'sha1hex', sha1hex);
  setFunction(L, 'error_reply', errorReply);
  setFunction(L, 'status_reply', statusReply);
  setFunction(L, 'set_repl', setRepl);
  setNumber(L, 'REPL_NONE', 0);
  setNumber(L, 'REPL_AOF', REPL_AOF);
  setNumber(L, 'REPL_SLAVE', REPL_REPLICA);
  setNumber(L, 'REPL_REPLICA', REPL_REPLICA);
  setNumber(L, 'REPL_ALL', REPL_ALL);
  setFunction(L, 'acl_check_cmd', aclCheckCmd);
  if (evalOnly) {
    setFunction(L, 'replicate_commands', pushTrue);
    // The step debugger (SCRIPT DEBUG YES/SYNC) is not supported: breakpoint() reports no session.
    setFunction(L, 'breakpoint', pushFalse);
    setFunction(L, 'debug', nothing);
  }
}
