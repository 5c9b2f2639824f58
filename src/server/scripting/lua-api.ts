// The Lua 5.1 C API as our scripts need it: PUC Lua 5.1 compiled to WebAssembly (wasmoon-lua5.1),
// driven through its raw exports, plus binary-safe string transfer between Lua and our latin1
// strings (one character per byte, as every value of the node). Nothing else of the package
// (its JS object bridge) is used: redis.call and the libraries are C functions written in JS.
//
// Why this dependency: redis-server embeds PUC Lua 5.1, and scripts see its number formatting,
// syntax, error texts and library quirks. Measured against redis-server 7.0.15 (112 scripts) only a
// real 5.1 core matches (5.3/5.4 cores and fengari differ on integers, `//`, goto, `%d`, gsub...),
// and wasmoon-lua5.1 is the one package exposing the C API needed (lua_pushcclosure, hooks,
// lua_resume/lua_yield, raw heap access). Pinned to an exact version in package.json.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const LUA_REGISTRYINDEX = -10000;
export const LUA_GLOBALSINDEX = -10002;
export const LUA_MULTRET = -1;
export const LUA_YIELD = 1;
export const LUA_MASKLINE = 4;
export const LUA_MASKCOUNT = 8;
export const LUA_GCSTEP = 5;
export const LUA_GCCOUNT = 3;
export const LUA_GCCOUNTB = 4;
export const T = { NONE: -1, NIL: 0, BOOLEAN: 1, LIGHTUSERDATA: 2, NUMBER: 3, STRING: 4, TABLE: 5, FUNCTION: 6, USERDATA: 7, THREAD: 8 } as const;

type Fn = (...args: number[]) => number;

/** The raw exports we call (pointers and lua_State* are numbers in wasm32). */
export interface LuaModule {
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
  HEAP32: Int32Array;
  HEAPU32: Uint32Array;
  addFunction(fn: (...args: number[]) => number | void, signature: string): number;
  _malloc: Fn;
  _free: Fn;
  _luaL_newstate: Fn;
  _lua_close: Fn;
  _luaopen_base: Fn;
  _luaopen_table: Fn;
  _luaopen_string: Fn;
  _luaopen_math: Fn;
  _luaopen_debug: Fn;
  _lua_gettop: Fn;
  _lua_settop: Fn;
  _lua_pushvalue: Fn;
  _lua_remove: Fn;
  _lua_insert: Fn;
  _lua_replace: Fn;
  _lua_checkstack: Fn;
  _lua_type: Fn;
  _lua_tonumber: Fn;
  _lua_toboolean: Fn;
  _lua_tolstring: Fn;
  _lua_objlen: Fn;
  _lua_touserdata: Fn;
  _lua_topointer: Fn;
  _lua_isstring: Fn;
  _lua_isnumber: Fn;
  _lua_pushnil: Fn;
  _lua_pushnumber: Fn;
  _lua_pushlstring: Fn;
  _lua_pushstring: Fn;
  _lua_pushcclosure: Fn;
  _lua_pushboolean: Fn;
  _lua_pushlightuserdata: Fn;
  _lua_gettable: Fn;
  _lua_getfield: Fn;
  _lua_rawget: Fn;
  _lua_rawgeti: Fn;
  _lua_createtable: Fn;
  _lua_getmetatable: Fn;
  _lua_settable: Fn;
  _lua_setfield: Fn;
  _lua_rawset: Fn;
  _lua_rawseti: Fn;
  _lua_setmetatable: Fn;
  _lua_setfenv: Fn;
  _lua_call: Fn;
  _lua_pcall: Fn;
  _lua_error: Fn;
  _lua_next: Fn;
  _lua_concat: Fn;
  _lua_rawequal: Fn;
  _lua_gc: Fn;
  _lua_newthread: Fn;
  _lua_resume: Fn;
  _lua_yield: Fn;
  _lua_status: Fn;
  _lua_sethook: Fn;
  _lua_getstack: Fn;
  _lua_getinfo: Fn;
  _luaL_loadbuffer: Fn;
  _luaL_ref: Fn;
  _luaL_unref: Fn;
  _luaL_where: Fn;
  _luaL_checkinteger: Fn;
  _luaL_checknumber: Fn;
  _luaL_argerror: Fn;
}

interface LuaApiClass {
  initialize(wasmUri?: string): Promise<{ module: LuaModule }>;
}

// Compiling and instantiating the 200 KB wasm takes ~50 ms once per process; every Lua state
// (EVAL, FUNCTION, each SCRIPT FLUSH) is then a cheap luaL_newstate in the same module.
const { LuaApi } = require('wasmoon-lua5.1') as { LuaApi: LuaApiClass };
export const lua: LuaModule = await initialize();

/**
 * The package is an assertion build: each `_lua_*` it exports is a wrapper that checks the runtime
 * and spreads its arguments before calling the wasm function, which showed as the largest single
 * frame of an EVALSHA profile. The instance is caught as the module instantiates it, and every
 * C API entry we call is replaced by the wasm export itself (same function, same arguments).
 */
interface WasmInstance {
  exports: Record<string, unknown>;
}
interface WasmNamespace {
  instantiate: (...args: unknown[]) => Promise<WasmInstance | { instance: WasmInstance }>;
}

async function initialize(): Promise<LuaModule> {
  // Node's WebAssembly global (the compiler's lib settings do not describe it).
  const wasm = (globalThis as unknown as { WebAssembly: WasmNamespace }).WebAssembly;
  let exports: Record<string, unknown> | undefined;
  const instantiate = wasm.instantiate;
  wasm.instantiate = async (...args: unknown[]) => {
    const result = await instantiate.apply(wasm, args);
    exports ??= ('instance' in result ? result.instance : result).exports;
    return result;
  };
  let module: LuaModule;
  try {
    module = (await LuaApi.initialize()).module;
  } finally {
    wasm.instantiate = instantiate;
  }
  const table = module as unknown as Record<string, unknown>;
  for (const name of Object.keys(table)) {
    const raw = name.startsWith('_lua') ? exports?.[name.slice(1)] : undefined;
    if (typeof raw === 'function') table[name] = raw;
  }
  return module;
}

/** A reusable scratch area in the wasm heap for strings going into Lua. */
let scratch = lua._malloc(1 << 16);
let scratchSize = 1 << 16;
const lenPtr = lua._malloc(8);

function reserve(n: number): number {
  if (n <= scratchSize) return scratch;
  lua._free(scratch);
  scratchSize = Math.max(n, scratchSize * 2);
  scratch = lua._malloc(scratchSize);
  if (scratch === 0) throw new Error('not enough memory for a Lua string');
  return scratch;
}

/** Copies a latin1 string into the heap; returns its address (valid until the next call). */
export function heapString(s: string): number {
  const n = s.length;
  const at = reserve(n + 1);
  const heap = lua.HEAPU8;
  if (n < 64) {
    for (let i = 0; i < n; i++) heap[at + i] = s.charCodeAt(i);
  } else {
    heap.set(Buffer.from(s, 'latin1'), at);
  }
  heap[at + n] = 0;
  return at;
}

/** Pushes a latin1 string (bytes) onto the Lua stack. */
export function pushString(L: number, s: string): void {
  const at = heapString(s);
  lua._lua_pushlstring(L, at, s.length);
}

/** Bytes at [p, p+n) as a latin1 string. */
export function heapToString(p: number, n: number): string {
  const heap = lua.HEAPU8;
  if (n < 48) {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(heap[p + i]!);
    return s;
  }
  return Buffer.from(heap.buffer, heap.byteOffset + p, n).toString('latin1');
}

/** The string at `idx` (numbers are converted in place, as lua_tolstring does), or null. */
export function toString(L: number, idx: number): string | null {
  const p = lua._lua_tolstring(L, idx, lenPtr);
  if (p === 0) return null;
  return heapToString(p, lua.HEAPU32[lenPtr >> 2]!);
}

const names = new Map<string, number>();

/** A NUL-terminated constant (field and global names) allocated once. */
export function cname(s: string): number {
  let at = names.get(s);
  if (at === undefined) {
    const bytes = Buffer.from(`${s}\0`, 'latin1');
    at = lua._malloc(bytes.length);
    lua.HEAPU8.set(bytes, at);
    names.set(s, at);
  }
  return at;
}

export type CFunction = (L: number) => number;

const cfunctions = new WeakMap<CFunction, number>();

/** A JS function callable from Lua (lua_CFunction). It may raise a Lua error with raise(). */
export function cfunction(fn: CFunction): number {
  let ptr = cfunctions.get(fn);
  if (ptr === undefined) {
    ptr = lua.addFunction(fn, 'ii');
    cfunctions.set(fn, ptr);
  }
  return ptr;
}

/** Sets t[name] = fn on the table at the top of the stack. */
export function setFunction(L: number, name: string, fn: CFunction): void {
  lua._lua_pushcclosure(L, cfunction(fn), 0);
  lua._lua_setfield(L, -2, cname(name));
}

/** Sets t[name] = n on the table at the top of the stack. */
export function setNumber(L: number, name: string, n: number): void {
  lua._lua_pushnumber(L, n);
  lua._lua_setfield(L, -2, cname(name));
}

/** Sets t[name] = s on the table at the top of the stack. */
export function setString(L: number, name: string, s: string): void {
  pushString(L, s);
  lua._lua_setfield(L, -2, cname(name));
}

/**
 * Raises the value on top of the stack as a Lua error. lua_error longjmps, which in this build is
 * a JS exception unwinding our frames up to Lua's protected call: nothing after it runs.
 */
export function raise(L: number): never {
  lua._lua_error(L);
  throw new Error('lua_error returned');
}

/** Raises "<where>message" as luaL_error does (position of the Lua code calling us). */
export function raiseError(L: number, message: string): never {
  lua._luaL_where(L, 1);
  pushString(L, message);
  lua._lua_concat(L, 2);
  return raise(L);
}

/** Pushes a table { err = message } (Redis luaPushError's shape, already prefixed). */
export function pushErrorTable(L: number, message: string): void {
  lua._lua_createtable(L, 0, 1);
  setString(L, 'err', message);
}

/** The Lua type name of the value at idx (for error messages). */
export function typeName(L: number, idx: number): string {
  return ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'][lua._lua_type(L, idx)] ?? 'no value';
}

/** Compiles `code` as chunk `chunkName` ("@user_script"); pushes the function or the error message. */
export function loadBuffer(L: number, code: string, chunkName: string): number {
  const at = lua._malloc(code.length + 1);
  if (at === 0) throw new Error('not enough memory to compile a script');
  try {
    lua.HEAPU8.set(Buffer.from(code, 'latin1'), at);
    return lua._luaL_loadbuffer(L, at, code.length, cname(chunkName));
  } finally {
    lua._free(at);
  }
}
