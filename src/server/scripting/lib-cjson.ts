// The `cjson` library Redis ships (Lua CJSON 2.1.0, deps/lua/src/lua_cjson.c) as C functions in JS:
// encode / decode, the configuration functions (each returns the setting now in force), cjson.null
// (a NULL light userdata) and cjson.new. Each library table has its own configuration, kept on the
// JS side and found through the functions' upvalue, as lua_cjson.c keeps it in an upvalue userdata.
// Decoding follows the C parser byte by byte (a NUL ends the text, errors name the token and the
// 1-based character); numbers are written with "%.14g" (encode_number_precision).

import { type CFunction, cfunction, cname, lua, LUA_GLOBALSINDEX, raiseError, T } from './lua-api.js';
import { decodeJson } from './cjson-decode.js';
import { argError, pushConst, stringArg, typeNameAt } from './lib-support.js';
import { encodeJson } from './cjson-encode.js';

export interface CjsonConfig {
  sparseConvert: boolean;
  sparseRatio: number;
  sparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  /** 0 off, 1 on, 2 "null". */
  encodeInvalidNumbers: number;
  precision: number;
  keepBuffer: boolean;
  decodeInvalidNumbers: boolean;
}

const FIELDS = [
  'sparseConvert', 'sparseRatio', 'sparseSafe', 'encodeMaxDepth', 'decodeMaxDepth',
  'encodeInvalidNumbers', 'precision', 'keepBuffer', 'decodeInvalidNumbers',
] as const;
const DEFAULTS = [0, 2, 10, 1000, 1000, 0, 14, 1, 1];
/** Upvalue 1 of every function of one library table: its configuration, a Lua table. */
const UPVALUE = LUA_GLOBALSINDEX - 1;

/** The configuration of the library table the running function belongs to. */
function configOf(L: number): CjsonConfig {
  if (lua._lua_type(L, UPVALUE) !== T.TABLE) raiseError(L, 'BUG: Unable to fetch CJSON configuration');
  const values: number[] = [];
  for (const field of FIELDS) {
    lua._lua_getfield(L, UPVALUE, cname(field));
    values.push(lua._lua_tonumber(L, -1));
    lua._lua_settop(L, -2);
  }
  const [sc, sr, ss, emd, dmd, ein, prec, keep, din] = values as [number, number, number, number, number, number, number, number, number];
  return {
    sparseConvert: sc !== 0, sparseRatio: sr, sparseSafe: ss, encodeMaxDepth: emd, decodeMaxDepth: dmd,
    encodeInvalidNumbers: ein, precision: prec, keepBuffer: keep !== 0, decodeInvalidNumbers: din !== 0,
  };
}

function saveConfig(L: number, config: CjsonConfig): void {
  for (const field of FIELDS) {
    lua._lua_pushnumber(L, Number(config[field]));
    lua._lua_setfield(L, UPVALUE, cname(field));
  }
}

/** json_arg_init: at most `n` arguments, padded with nil. */
function argInit(L: number, n: number): CjsonConfig {
  if (lua._lua_gettop(L) > n) argError(L, n + 1, 'found too many arguments');
  lua._lua_settop(L, n);
  return configOf(L);
}

/** json_integer_option: sets the value when given (checked against [min, max]); pushes it. */
function integerOption(L: number, index: number, current: number, min: number, max: number): number {
  let value = current;
  if (lua._lua_type(L, index) !== T.NIL) {
    value = lua._luaL_checkinteger(L, index);
    if (value < min || value > max) argError(L, 1, `expected integer between ${min} and ${max}`);
  }
  lua._lua_pushnumber(L, value);
  return value;
}

/** json_enum_option: a boolean (on = `boolTrue`) or one of `options`; pushes what is in force. */
function enumOption(L: number, index: number, current: number, options: readonly string[], boolTrue: number): number {
  let value = current;
  const type = lua._lua_type(L, index);
  if (type === T.BOOLEAN) value = lua._lua_toboolean(L, index) * boolTrue;
  else if (type !== T.NIL) value = checkOption(L, index, options);
  if (value === 0 || value === boolTrue) lua._lua_pushboolean(L, value);
  else pushConst(L, options[value]!);
  return value;
}

function checkOption(L: number, index: number, options: readonly string[]): number {
  if (lua._lua_isstring(L, index) === 0) argError(L, index, `string expected, got ${typeNameAt(L, index)}`);
  const name = stringArg(L, index);
  const found = options.indexOf(name);
  if (found < 0) argError(L, index, `invalid option '${name}'`);
  return found;
}

const ON_OFF = ['off', 'on'] as const;
const INVALID_NUMBERS = ['off', 'on', 'null'] as const;

type NumericField = 'encodeMaxDepth' | 'decodeMaxDepth' | 'precision' | 'encodeInvalidNumbers';
type FlagField = 'keepBuffer' | 'decodeInvalidNumbers';

/** A configuration function of one integer setting in [min, max]. */
function integerSetting(field: NumericField, min: number, max: number): CFunction {
  return (L) => {
    const c = argInit(L, 1);
    c[field] = integerOption(L, 1, c[field], min, max);
    saveConfig(L, c);
    return 1;
  };
}

/** A configuration function of one on/off (or on/off/null) setting. */
function enumSetting(field: NumericField | FlagField, options: readonly string[]): CFunction {
  return (L) => {
    const c = argInit(L, 1);
    const value = enumOption(L, 1, Number(c[field]), options, 1);
    if (field === 'keepBuffer' || field === 'decodeInvalidNumbers') c[field] = value !== 0;
    else c[field] = value;
    saveConfig(L, c);
    return 1;
  };
}

const FUNCTIONS: [string, CFunction][] = [
  ['encode', (L) => {
    const config = configOf(L);
    if (lua._lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
    pushConst(L, encodeJson(L, config));
    return 1;
  }],
  ['decode', (L) => {
    const config = configOf(L);
    if (lua._lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
    if (lua._lua_isstring(L, 1) === 0) argError(L, 1, `string expected, got ${typeNameAt(L, 1)}`);
    decodeJson(L, config, stringArg(L, 1));
    return 1;
  }],
  ['encode_sparse_array', (L) => {
    const c = argInit(L, 3);
    c.sparseConvert = enumOption(L, 1, c.sparseConvert ? 1 : 0, ON_OFF, 1) !== 0;
    c.sparseRatio = integerOption(L, 2, c.sparseRatio, 0, 0x7fffffff);
    c.sparseSafe = integerOption(L, 3, c.sparseSafe, 0, 0x7fffffff);
    saveConfig(L, c);
    return 3;
  }],
  ['encode_max_depth', integerSetting('encodeMaxDepth', 1, 0x7fffffff)],
  ['decode_max_depth', integerSetting('decodeMaxDepth', 1, 0x7fffffff)],
  ['encode_number_precision', integerSetting('precision', 1, 14)],
  // Only memory use depends on encode_keep_buffer in the C library: here it is a setting and no more.
  ['encode_keep_buffer', enumSetting('keepBuffer', ON_OFF)],
  ['encode_invalid_numbers', enumSetting('encodeInvalidNumbers', INVALID_NUMBERS)],
  ['decode_invalid_numbers', enumSetting('decodeInvalidNumbers', ON_OFF)],
  ['new', (L) => {
    pushCjsonLibrary(L);
    return 1;
  }],
];

/** Builds a `cjson` table with a fresh configuration on top of the stack (lua_cjson_new). */
export function pushCjsonLibrary(L: number): void {
  lua._lua_createtable(L, 0, FIELDS.length);
  FIELDS.forEach((field, i) => {
    lua._lua_pushnumber(L, DEFAULTS[i]!);
    lua._lua_setfield(L, -2, cname(field));
  });
  lua._lua_createtable(L, 0, FUNCTIONS.length + 3);
  for (const [name, fn] of FUNCTIONS) {
    lua._lua_pushvalue(L, -2);
    lua._lua_pushcclosure(L, cfunction(fn), 1);
    lua._lua_setfield(L, -2, cname(name));
  }
  lua._lua_pushlightuserdata(L, 0);
  lua._lua_setfield(L, -2, cname('null'));
  pushConst(L, 'cjson');
  lua._lua_setfield(L, -2, cname('_NAME'));
  pushConst(L, '2.1.0');
  lua._lua_setfield(L, -2, cname('_VERSION'));
  lua._lua_remove(L, -2);
}
