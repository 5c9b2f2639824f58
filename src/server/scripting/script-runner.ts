// Runs one compiled script or function (Redis luaCallFunction) in a coroutine of its Lua state,
// with a count hook every 100,000 instructions (Redis luaMaskCountHook) that:
// - stops a script SCRIPT KILL / FUNCTION KILL marked (then fires on every line, so pcall cannot
//   swallow the error);
// - once the script runs past busy-reply-threshold, marks it timed out (other clients now get
//   -BUSY) and yields back to JS. How we read other clients meanwhile: the VM stays on the main
//   thread; a yield returns from lua_resume, the rest of the script is resumed from setImmediate,
//   one 100k-instruction slice per event-loop turn, so the sockets are read between slices and
//   every command meets the request path's busy-script check. The caller's execution unit stays
//   open across the slices (its propagation goes out once, at the end) and the caller's client is
//   parked so its own pipelined commands wait (Redis protectClient).
// Lua 5.1 cannot yield across a C boundary (pcall, metamethods, sort comparators, gsub callbacks,
// for-in iterators written in C): there the hook keeps the script running and yields at the next
// slice it is allowed to (L->nCcalls <= L->baseCcalls, read from the lua_State in wasm memory).

import { ErrorReply, type Reply } from '../../shared/resp/reply.js';
import { clock } from '../base/clock.js';
import { cname, heapToString, lua, LUA_MASKCOUNT, LUA_MASKLINE, LUA_REGISTRYINDEX, LUA_YIELD, pushErrorTable, raise, T, toString } from './lua-api.js';
import type { LuaVm } from './lua-vm.js';
import { popReply } from './lua-to-reply.js';
import { activeRun, enterRun, type ScriptRun } from './run-context.js';

/** Redis sets the count hook every 100,000 instructions. */
const HOOK_COUNT = 100_000;
/** lua_State fields of this wasm32 build of 5.1.5 (nCcalls, baseCcalls: unsigned short). */
const N_CCALLS = 52;
const BASE_CCALLS = 54;
/** lua_Debug of 5.1 on wasm32: what (char*) at 12, source (char*) at 16, currentline (int) at 20. */
const AR_SIZE = 100;
const arPtr = lua._malloc(AR_SIZE);

/** Called once when a run passes the busy threshold (the BUSY state begins). */
export type TimedOutListener = (run: ScriptRun) => void;
let onTimedOut: TimedOutListener = () => {};

export function setTimedOutListener(listener: TimedOutListener): void {
  onTimedOut = listener;
}

function mayYieldHere(L: number): boolean {
  const heap = lua.HEAPU16;
  return heap[(L + N_CCALLS) >> 1]! <= heap[(L + BASE_CCALLS) >> 1]!;
}

const hookPtr = lua.addFunction((L: number) => {
  const run = activeRun();
  if (!run) return;
  if (run.killed) {
    lua._lua_sethook(L, hookPtr, LUA_MASKLINE, 0);
    pushErrorTable(L, 'ERR Script killed by user with SCRIPT KILL...');
    raise(L);
  }
  if (!run.timedOut) {
    const elapsed = clock.monotonic() - run.startedAt;
    if (elapsed < run.server.config.num('lua-time-limit')) return;
    run.timedOut = true;
    run.server.log.warning(
      `Slow script detected: still in execution after ${Math.round(elapsed)} milliseconds. You can try killing the script using the ${run.evalMode ? 'SCRIPT KILL' : 'FUNCTION KILL'} command. Script name is: ${run.name}.`,
    );
    onTimedOut(run);
  }
  if (run.mayYield && mayYieldHere(L)) lua._lua_yield(L, 0);
}, 'vii');

interface Thread {
  co: number;
  ref: number;
}

function acquireThread(vm: LuaVm): Thread {
  if (vm.idleThread) {
    const thread = vm.idleThread;
    vm.idleThread = undefined;
    return thread;
  }
  const co = lua._lua_newthread(vm.L);
  return { co, ref: lua._luaL_ref(vm.L, LUA_REGISTRYINDEX) };
}

/** What a script invocation needs: how to put the function and its arguments on the coroutine. */
export interface Invocation {
  readonly vm: LuaVm;
  readonly run: ScriptRun;
  /** Pushes the function then its arguments on `co`; returns the argument count. */
  push(co: number): number;
}

/**
 * Starts the script. Returns its reply when it ends within this call, or undefined when it was
 * suspended past the busy threshold: `whenDone` then receives the reply later.
 */
export function runScript(inv: Invocation, whenDone: (reply: Reply) => void): Reply | undefined {
  const thread = acquireThread(inv.vm);
  const nargs = inv.push(thread.co);
  if (inv.run.server.config.num('lua-time-limit') > 0) lua._lua_sethook(thread.co, hookPtr, LUA_MASKCOUNT, HOOK_COUNT);
  const status = resume(inv.run, thread.co, nargs);
  if (status !== LUA_YIELD) return finish(inv, thread, status);
  const step = (): void => {
    const next = resume(inv.run, thread.co, 0);
    if (next === LUA_YIELD) setImmediate(step);
    else whenDone(finish(inv, thread, next));
  };
  setImmediate(step);
  return undefined;
}

function resume(run: ScriptRun, co: number, nargs: number): number {
  const previous = enterRun(run);
  try {
    return lua._lua_resume(co, nargs);
  } finally {
    enterRun(previous);
  }
}

function finish(inv: Invocation, thread: Thread, status: number): Reply {
  const { vm, run } = inv;
  const co = thread.co;
  lua._lua_sethook(co, 0, 0, 0);
  if (status !== 0) {
    const reply = errorReply(co, run);
    lua._luaL_unref(vm.L, LUA_REGISTRYINDEX, thread.ref);
    return reply;
  }
  let reply: Reply = null;
  if (lua._lua_gettop(co) > 0) {
    lua._lua_settop(co, 1);
    reply = popReply(co, run.scriptClient.proto, run.caller.proto);
  }
  lua._lua_settop(co, 0);
  vm.idleThread = thread;
  return reply;
}

/**
 * The error reply of a failed run, as Redis's error handler and luaCallFunction build it:
 * "<err> script: <name>, on <source>:<line>." with the position of the Lua function that raised
 * (or called the C function that raised). A dead coroutine keeps its call stack in 5.1, so the
 * position is read after the fact instead of from an error handler.
 */
function errorReply(co: number, run: ScriptRun): ErrorReply {
  let message: string;
  if (lua._lua_type(co, -1) === T.TABLE) {
    lua._lua_getfield(co, -1, cname('err'));
    message = lua._lua_isstring(co, -1) ? toString(co, -1)! : '(null)';
    lua._lua_settop(co, -2);
  } else {
    message = `ERR ${luaToString(co)}`;
  }
  const where = errorPosition(co);
  return new ErrorReply(where === undefined ? message : `${message} script: ${run.name}, on ${where}.`);
}

function luaToString(co: number): string {
  switch (lua._lua_type(co, -1)) {
    case T.STRING:
    case T.NUMBER:
      return toString(co, -1)!;
    case T.BOOLEAN:
      return lua._lua_toboolean(co, -1) ? 'true' : 'false';
    case T.NIL:
      return 'nil';
    default:
      return `${['', '', 'userdata', '', '', 'table', 'function', 'userdata', 'thread'][lua._lua_type(co, -1)]}: 0x${lua._lua_topointer(co, -1).toString(16).padStart(8, '0')}`;
  }
}

function cString(p: number): string {
  if (p === 0) return '';
  const heap = lua.HEAPU8;
  let end = p;
  while (heap[end] !== 0) end++;
  return heapToString(p, end - p);
}

/** Frames of our own sandbox stand for C code in Redis (its read-only tables are in the VM). */
function frameAt(co: number, level: number): { what: string; source: string; line: number } | undefined {
  if (!lua._lua_getstack(co, level, arPtr)) return undefined;
  lua._lua_getinfo(co, cname('Sl'), arPtr);
  const source = cString(lua.HEAPU32[(arPtr + 16) >> 2]!);
  const what = source.startsWith('=sandbox') || source.startsWith('=library_api') ? 'C' : cString(lua.HEAPU32[(arPtr + 12) >> 2]!);
  return { what, source, line: lua.HEAP32[(arPtr + 20) >> 2]! };
}

/** Redis's handler takes the raising frame, or its caller when that frame is a C function. */
function errorPosition(co: number): string | undefined {
  let level = 0;
  let frame = frameAt(co, level);
  while (frame && frame.what === 'C' && level < 3) frame = frameAt(co, ++level);
  return frame ? `${frame.source}:${frame.line}` : undefined;
}
