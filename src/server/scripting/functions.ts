// The function libraries of one server (Redis functions.c): libraries by name, functions by name,
// one Lua state for all of them (function_lua.c). A library is created by running its code with
// only the library API in sight (redis.register_function, redis.log, the version), with a 500 ms
// budget; the callbacks it registers are kept in the state's registry. A LibraryCtx is a set of
// libraries: the current one, or a scratch one FUNCTION RESTORE and RDB loading fill first.

import type { Server } from '../server.js';
import { clock } from '../base/clock.js';
import { cname, loadBuffer, lua, LUA_MASKCOUNT, LUA_MASKLINE, LUA_REGISTRYINDEX, pushErrorTable, raise, T, toString } from './lua-api.js';
import { createVm, type LuaVm, useLibraryApi } from './lua-vm.js';
import { setLoadingServer } from './redis-api.js';
import { registerFunction, setLoadTarget, type PendingLibrary } from './register-function.js';
import { libraryMetadata, type ScriptFlag, validName } from './shebang.js';

/** Redis LOAD_TIMEOUT_MS: a library's top-level code must register its functions within this. */
const LOAD_TIMEOUT_MS = 500;
export const ENGINE = 'LUA';

export interface FunctionInfo {
  readonly name: string;
  readonly description: string | null;
  readonly flags: ReadonlySet<ScriptFlag>;
  /** Registry ref of the callback in the functions' Lua state. */
  readonly ref: number;
  readonly library: Library;
}

export interface Library {
  readonly name: string;
  /** The whole payload, shebang line included (what FUNCTION LIST WITHCODE, DUMP and the RDB hold). */
  readonly code: string;
  readonly functions: Map<string, FunctionInfo>;
}

export interface LibraryCtx {
  readonly libraries: Map<string, Library>;
  readonly functions: Map<string, FunctionInfo>;
}

interface FunctionStore {
  vm: LuaVm | undefined;
  current: LibraryCtx;
}

const stores = new WeakMap<Server, FunctionStore>();

export function newLibraryCtx(): LibraryCtx {
  return { libraries: new Map(), functions: new Map() };
}

function storeOf(server: Server): FunctionStore {
  let store = stores.get(server);
  if (!store) stores.set(server, (store = { vm: undefined, current: newLibraryCtx() }));
  return store;
}

export function functionVm(server: Server): LuaVm {
  const store = storeOf(server);
  return (store.vm ??= createVm('function', registerFunction));
}

export function currentLibraries(server: Server): LibraryCtx {
  return storeOf(server).current;
}

function unlink(ctx: LibraryCtx, library: Library): void {
  for (const name of library.functions.keys()) ctx.functions.delete(name);
  ctx.libraries.delete(library.name);
}

function link(ctx: LibraryCtx, library: Library): void {
  for (const [name, fn] of library.functions) ctx.functions.set(name, fn);
  ctx.libraries.set(library.name, library);
}

function release(server: Server, library: Library): void {
  const vm = storeOf(server).vm;
  if (vm) for (const fn of library.functions.values()) lua._luaL_unref(vm.L, LUA_REGISTRYINDEX, fn.ref);
}

/**
 * FUNCTION LOAD and friends (Redis functionsCreateWithLibraryCtx): adds the library `payload`
 * defines to `ctx`; returns its name, or Redis's error text. `timeoutMs` 0: no load budget.
 */
export function createLibrary(server: Server, ctx: LibraryCtx, payload: string, replace: boolean, timeoutMs = LOAD_TIMEOUT_MS): string | { error: string } {
  const meta = libraryMetadata(payload);
  if (typeof meta === 'string') return { error: meta };
  if (!validName(meta.name)) {
    return { error: 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long' };
  }
  if (meta.engine.toUpperCase() !== ENGINE) return { error: `Engine '${meta.engine}' not found` };
  const old = ctx.libraries.get(meta.name);
  if (old && !replace) return { error: `Library '${meta.name}' already exists` };
  if (old) unlink(ctx, old);
  const library: Library = { name: meta.name, code: payload, functions: new Map() };
  const error = runLibraryCode(server, library, meta.code, timeoutMs) ?? collision(ctx, library);
  if (error !== undefined) {
    release(server, library);
    if (old) link(ctx, old);
    return { error };
  }
  link(ctx, library);
  if (old) release(server, old);
  return library.name;
}

function collision(ctx: LibraryCtx, library: Library): string | undefined {
  if (library.functions.size === 0) return 'No functions registered';
  for (const name of library.functions.keys()) if (ctx.functions.has(name)) return `Function ${name} already exists`;
  return undefined;
}

let loadStartedAt = 0;
let loadTimeoutMs = 0;

const loadHook = lua.addFunction((L: number) => {
  if (loadTimeoutMs > 0 && clock.monotonic() - loadStartedAt > loadTimeoutMs) {
    lua._lua_sethook(L, loadHook, LUA_MASKLINE, 0);
    pushErrorTable(L, 'ERR FUNCTION LOAD timeout');
    raise(L);
  }
}, 'vii');

/** Compiles and runs the library body with the library API as its globals (Redis luaEngineCreate). */
function runLibraryCode(server: Server, library: Library, code: string, timeoutMs: number): string | undefined {
  const vm = functionVm(server);
  const L = vm.L;
  useLibraryApi(vm, true);
  const pending: PendingLibrary = { library, functions: library.functions };
  try {
    if (loadBuffer(L, code, '@user_function') !== 0) return `Error compiling function: ${toString(L, -1)}`;
    loadStartedAt = clock.monotonic();
    loadTimeoutMs = timeoutMs;
    lua._lua_sethook(L, loadHook, LUA_MASKCOUNT, 100_000);
    setLoadTarget(pending);
    setLoadingServer(server);
    if (lua._lua_pcall(L, 0, 0, 0) !== 0) return `Error registering functions: ${loadErrorText(L)}`;
    return undefined;
  } finally {
    setLoadTarget(undefined);
    setLoadingServer(undefined);
    lua._lua_sethook(L, 0, 0, 0);
    lua._lua_settop(L, 0);
    useLibraryApi(vm, false);
  }
}

/** Redis luaExtractErrorInformation: a string gets ERR, a table gives its err field. */
function loadErrorText(L: number): string {
  if (lua._lua_type(L, -1) === T.TABLE) {
    lua._lua_getfield(L, -1, cname('err'));
    return lua._lua_isstring(L, -1) ? toString(L, -1)! : '(null)';
  }
  return `ERR ${toString(L, -1) ?? '(null)'}`;
}

/** FUNCTION DELETE. */
export function deleteLibrary(server: Server, name: string): boolean {
  const ctx = storeOf(server).current;
  const library = ctx.libraries.get(name);
  if (!library) return false;
  unlink(ctx, library);
  release(server, library);
  return true;
}

/** Replaces every library with those of `ctx` (FUNCTION FLUSH, RESTORE FLUSH, loading an RDB). */
export function swapLibraries(server: Server, ctx: LibraryCtx): void {
  const store = storeOf(server);
  for (const library of store.current.libraries.values()) release(server, library);
  store.current = ctx;
}

/** Adds `src`'s libraries to the current ones (Redis libraryJoin); Redis's error text on collision. */
export function joinLibraries(server: Server, src: LibraryCtx, replace: boolean): string | undefined {
  const dst = storeOf(server).current;
  const replaced: Library[] = [];
  const restore = (): void => replaced.forEach((old) => link(dst, old));
  for (const library of src.libraries.values()) {
    const old = dst.libraries.get(library.name);
    if (!old) continue;
    if (!replace) {
      restore();
      return `Library ${library.name} already exists`;
    }
    unlink(dst, old);
    replaced.push(old);
  }
  for (const name of src.functions.keys()) {
    if (dst.functions.has(name)) {
      restore();
      return `Function ${name} already exists`;
    }
  }
  for (const library of src.libraries.values()) link(dst, library);
  for (const old of replaced) release(server, old);
  return undefined;
}

/** Frees a scratch ctx that was not swapped in or joined. */
export function discardLibraries(server: Server, ctx: LibraryCtx): void {
  for (const library of ctx.libraries.values()) release(server, library);
}
