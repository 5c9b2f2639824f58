// redis.register_function, callable only while FUNCTION LOAD runs a library's code (Redis
// function_lua.c luaRegisterFunction): positional (name, callback) or named arguments
// { function_name=, callback=, description=, flags={...} }, with Redis's error texts.

import { lua, LUA_REGISTRYINDEX, pushErrorTable, raise, T, toString } from './lua-api.js';
import type { FunctionInfo, Library } from './functions.js';
import { SCRIPT_FLAGS, type ScriptFlag, validName } from './shebang.js';

export interface PendingLibrary {
  readonly library: Library;
  readonly functions: Map<string, FunctionInfo>;
}

let target: PendingLibrary | undefined;

export function setLoadTarget(pending: PendingLibrary | undefined): void {
  target = pending;
}

interface Registration {
  name?: string;
  description: string | null;
  ref: number;
  flags: Set<ScriptFlag>;
}

function fail(L: number, message: string, registration?: Registration): never {
  if (registration && registration.ref !== 0) lua._luaL_unref(L, LUA_REGISTRYINDEX, registration.ref);
  pushErrorTable(L, `ERR ${message}`);
  return raise(L);
}

/** The flag names in the table on top of the stack (case-insensitive, as Redis's strcasecmp). */
function readFlags(L: number): Set<ScriptFlag> | undefined {
  const flags = new Set<ScriptFlag>();
  for (let i = 1; ; i++) {
    lua._lua_rawgeti(L, -1, i);
    if (lua._lua_type(L, -1) === T.NIL) {
      lua._lua_settop(L, -2);
      return flags;
    }
    const text = lua._lua_isstring(L, -1) ? toString(L, -1)!.toLowerCase() : undefined;
    lua._lua_settop(L, -2);
    const flag = SCRIPT_FLAGS.find((f) => f === text);
    if (!flag) return undefined;
    flags.add(flag);
  }
}

function namedArgs(L: number): Registration {
  const reg: Registration = { description: null, ref: 0, flags: new Set() };
  if (lua._lua_type(L, 1) !== T.TABLE) {
    fail(L, 'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).');
  }
  lua._lua_pushnil(L);
  while (lua._lua_next(L, -2) !== 0) {
    if (!lua._lua_isstring(L, -2)) fail(L, 'named argument key given to redis.register_function is not a string', reg);
    lua._lua_pushvalue(L, -2);
    const key = toString(L, -1)!.toLowerCase();
    lua._lua_settop(L, -2);
    if (key === 'function_name' || key === 'description') {
      if (!lua._lua_isstring(L, -1)) fail(L, `${key} argument given to redis.register_function must be a string`, reg);
      if (key === 'function_name') reg.name = toString(L, -1)!;
      else reg.description = toString(L, -1)!;
    } else if (key === 'callback') {
      if (lua._lua_type(L, -1) !== T.FUNCTION) fail(L, 'callback argument given to redis.register_function must be a function', reg);
      if (reg.ref !== 0) lua._luaL_unref(L, LUA_REGISTRYINDEX, reg.ref);
      reg.ref = lua._luaL_ref(L, LUA_REGISTRYINDEX);
      continue;
    } else if (key === 'flags') {
      if (lua._lua_type(L, -1) !== T.TABLE) fail(L, 'flags argument to redis.register_function must be a table representing function flags', reg);
      const flags = readFlags(L);
      if (!flags) fail(L, 'unknown flag given', reg);
      reg.flags = flags;
    } else {
      fail(L, 'unknown argument given to redis.register_function', reg);
    }
    lua._lua_settop(L, -2);
  }
  if (reg.name === undefined) fail(L, 'redis.register_function must get a function name argument', reg);
  if (reg.ref === 0) fail(L, 'redis.register_function must get a callback argument', reg);
  return reg;
}

function positionalArgs(L: number): Registration {
  if (!lua._lua_isstring(L, 1)) fail(L, 'first argument to redis.register_function must be a string');
  if (lua._lua_type(L, 2) !== T.FUNCTION) fail(L, 'second argument to redis.register_function must be a function');
  const name = toString(L, 1)!;
  return { name, description: null, ref: lua._luaL_ref(L, LUA_REGISTRYINDEX), flags: new Set() };
}

export function registerFunction(L: number): number {
  const pending = target;
  if (!pending) fail(L, 'redis.register_function can only be called on FUNCTION LOAD command');
  const argc = lua._lua_gettop(L);
  if (argc < 1 || argc > 2) fail(L, 'wrong number of arguments to redis.register_function');
  const reg = argc === 1 ? namedArgs(L) : positionalArgs(L);
  const name = reg.name!;
  if (!validName(name)) {
    fail(L, 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long', reg);
  }
  if (pending.functions.has(name)) fail(L, 'Function already exists in the library', reg);
  pending.functions.set(name, { name, description: reg.description, flags: reg.flags, ref: reg.ref, library: pending.library });
  return 0;
}
