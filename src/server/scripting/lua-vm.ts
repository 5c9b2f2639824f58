// One Lua state set up as redis-server sets up its own: the base, table, string and math libraries
// (debug only while the sandbox is built), the `redis` table, cjson / cmsgpack / bit / struct, the
// library fixes, then the sandbox (sandbox-prelude.ts). EVAL scripts and FUNCTION libraries get a
// state each, as in Redis (eval.c and function_lua.c each lua_open() their own).

import { LIBRARY_API_PRELUDE, SANDBOX_PRELUDE } from './sandbox-prelude.js';
import { type CFunction, cname, loadBuffer, lua, LUA_GLOBALSINDEX, LUA_REGISTRYINDEX, setFunction, toString } from './lua-api.js';
import { installLibFixes } from './lib-fixes.js';
import { addLogAndVersion, pushRedisTable } from './redis-api.js';
import { installLibraries } from './libraries.js';

export type VmKind = 'eval' | 'function';

export interface LuaVm {
  readonly kind: VmKind;
  /** The main state; scripts run in coroutines made from it. */
  readonly L: number;
  /** Registry refs: the real globals table, the environment's metatable, the FUNCTION LOAD API. */
  readonly globalsRef: number;
  readonly envMetaRef: number;
  readonly libraryApiRef: number;
  /** A coroutine that finished cleanly and can run the next script (kept in the registry). */
  idleThread: { co: number; ref: number } | undefined;
}

const LIBRARY_OPENERS = ['_luaopen_base', '_luaopen_table', '_luaopen_string', '_luaopen_math', '_luaopen_debug'] as const;

function runChunk(L: number, code: string, name: string, nargs: number, nresults: number): void {
  // The chunk goes under its arguments, then is called with them.
  if (loadBuffer(L, code, name) !== 0) throw new Error(`${name}: ${toString(L, -1)}`);
  lua._lua_insert(L, -(nargs + 1));
  if (lua._lua_pcall(L, nargs, nresults, 0) !== 0) throw new Error(`${name}: ${toString(L, -1)}`);
}

/** `registerFunction` is redis.register_function, given for the FUNCTION engine's state. */
export function createVm(kind: VmKind, registerFunction?: CFunction): LuaVm {
  const L = lua._luaL_newstate();
  if (L === 0) throw new Error('cannot create a Lua state');
  for (const open of LIBRARY_OPENERS) {
    lua[open](L);
    lua._lua_settop(L, 0);
  }
  pushRedisTable(L, kind === 'eval');
  lua._lua_setfield(L, LUA_GLOBALSINDEX, cname('redis'));
  installLibFixes(L);
  installLibraries(L);
  lua._lua_pushnil(L);
  lua._lua_setfield(L, LUA_GLOBALSINDEX, cname('debug'));
  lua._lua_pushvalue(L, LUA_GLOBALSINDEX);
  const globalsRef = lua._luaL_ref(L, LUA_REGISTRYINDEX);
  runChunk(L, SANDBOX_PRELUDE, '=sandbox', 0, 2);
  const envMetaRef = lua._luaL_ref(L, LUA_REGISTRYINDEX);
  // From now on every chunk compiled in this state (and every coroutine made from it) sees the
  // read-only environment instead of the globals (as function_lua.c replaces LUA_GLOBALSINDEX).
  lua._lua_replace(L, LUA_GLOBALSINDEX);
  let libraryApiRef = 0;
  if (kind === 'function') {
    lua._lua_createtable(L, 0, 8);
    if (registerFunction) setFunction(L, 'register_function', registerFunction);
    addLogAndVersion(L);
    runChunk(L, LIBRARY_API_PRELUDE, '=library_api', 1, 1);
    libraryApiRef = lua._luaL_ref(L, LUA_REGISTRYINDEX);
  }
  lua._lua_settop(L, 0);
  return { kind, L, globalsRef, envMetaRef, libraryApiRef, idleThread: undefined };
}

export function closeVm(vm: LuaVm): void {
  lua._lua_close(vm.L);
}

/** Makes the environment's lookups fall through to the library API (true) or the globals (false). */
export function useLibraryApi(vm: LuaVm, on: boolean): void {
  const L = vm.L;
  lua._lua_rawgeti(L, LUA_REGISTRYINDEX, vm.envMetaRef);
  lua._lua_rawgeti(L, LUA_REGISTRYINDEX, on ? vm.libraryApiRef : vm.globalsRef);
  lua._lua_setfield(L, -2, cname('__index'));
  lua._lua_settop(L, -2);
}

/** Bytes the state uses (Redis used_memory_lua / used_memory_vm_functions). */
export function vmMemory(vm: LuaVm): number {
  return lua._lua_gc(vm.L, 3, 0) * 1024 + lua._lua_gc(vm.L, 4, 0);
}
