// The `cmsgpack` library Redis ships (lua-cmsgpack 0.4.0, deps/lua/src/lua_cmsgpack.c) as C
// functions in JS: pack(...) and unpack / unpack_one / unpack_limit. A number that an int64 holds
// exactly is packed in the smallest integer format, any other as a float32 when that loses
// nothing, else a float64; a table whose keys are exactly 1..n is an array, any other a map;
// tables nested 16 deep, functions and other values become nil. As on 64-bit Redis, a uint64
// above 2^63-1 unpacks as the signed value with the same bits.

import { cname, type CFunction, lua, pushString, setFunction, T } from './lua-api.js';
import { unpackFull } from './cmsgpack-unpack.js';
import { argError, checkStack, pushConst, stringArg, typeNameAt } from './lib-support.js';

const MAX_NESTING = 16;
const scratch = Buffer.alloc(8);

function header(type: number, n: number, bytes: number): string {
  let out = String.fromCharCode(type);
  for (let shift = (bytes - 1) * 8; shift >= 0; shift -= 8) out += String.fromCharCode(Math.floor(n / 2 ** shift) & 0xff);
  return out;
}

function packInt(n: number): string {
  if (n >= 0) {
    if (n <= 127) return String.fromCharCode(n);
    if (n <= 0xff) return header(0xcc, n, 1);
    if (n <= 0xffff) return header(0xcd, n, 2);
    if (n <= 0xffffffff) return header(0xce, n, 4);
    scratch.writeBigUInt64BE(BigInt(n));
    return String.fromCharCode(0xcf) + scratch.toString('latin1');
  }
  if (n >= -32) return String.fromCharCode(n & 0xff);
  if (n >= -128) return header(0xd0, n & 0xff, 1);
  if (n >= -32768) return header(0xd1, n & 0xffff, 2);
  if (n >= -2147483648) return header(0xd2, n >>> 0, 4);
  scratch.writeBigInt64BE(BigInt(n));
  return String.fromCharCode(0xd3) + scratch.toString('latin1');
}

function packNumber(n: number): string {
  // IS_INT64_EQUIVALENT: not infinite and (int64_t)n == n.
  if (Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63) return packInt(n === 0 ? 0 : n);
  if (Math.fround(n) === n) {
    scratch.writeFloatBE(n);
    return String.fromCharCode(0xca) + scratch.toString('latin1', 0, 4);
  }
  scratch.writeDoubleBE(n);
  return String.fromCharCode(0xcb) + scratch.toString('latin1');
}

function packString(s: string): string {
  const n = s.length;
  if (n < 32) return String.fromCharCode(0xa0 | n) + s;
  if (n <= 0xff) return header(0xd9, n, 1) + s;
  if (n <= 0xffff) return header(0xda, n, 2) + s;
  return header(0xdb, n, 4) + s;
}

function sized(small: number, type16: number, n: number): string {
  if (n <= 15) return String.fromCharCode(small | n);
  return n <= 0xffff ? header(type16, n, 2) : header(type16 + 1, n, 4);
}

/** table_is_an_array: every key a positive int-sized integer and the largest equal to the count. */
function isArray(L: number): boolean {
  const top = lua._lua_gettop(L);
  checkStack(L, 2, 'in function table_is_an_array');
  let count = 0;
  let max = 0;
  lua._lua_pushnil(L);
  while (lua._lua_next(L, -2) !== 0) {
    lua._lua_settop(L, -2);
    const n = lua._lua_type(L, -1) === T.NUMBER ? lua._lua_tonumber(L, -1) : 0;
    if (n <= 0 || !Number.isInteger(n) || n > 0x7fffffff) {
      lua._lua_settop(L, top);
      return false;
    }
    max = Math.max(max, n);
    count++;
  }
  lua._lua_settop(L, top);
  return max === count;
}

function packTable(L: number, level: number): string {
  if (isArray(L)) {
    const length = lua._lua_objlen(L, -1);
    let out = sized(0x90, 0xdc, length);
    checkStack(L, 1, 'in function mp_encode_lua_table_as_array');
    for (let j = 1; j <= length; j++) {
      lua._lua_pushnumber(L, j);
      lua._lua_gettable(L, -2);
      out += packTop(L, level + 1);
    }
    return out;
  }
  checkStack(L, 3, 'in function mp_encode_lua_table_as_map');
  let count = 0;
  lua._lua_pushnil(L);
  while (lua._lua_next(L, -2) !== 0) {
    lua._lua_settop(L, -2);
    count++;
  }
  let out = sized(0x80, 0xde, count);
  lua._lua_pushnil(L);
  while (lua._lua_next(L, -2) !== 0) {
    lua._lua_pushvalue(L, -2);
    out += packTop(L, level + 1);
    out += packTop(L, level + 1);
  }
  return out;
}

/** mp_encode_lua_type: encodes and pops the value on top of the stack. */
function packTop(L: number, level: number): string {
  let type = lua._lua_type(L, -1);
  if (type === T.TABLE && level === MAX_NESTING) type = T.NIL;
  let out: string;
  if (type === T.STRING) out = packString(stringArg(L, -1));
  else if (type === T.BOOLEAN) out = String.fromCharCode(lua._lua_toboolean(L, -1) ? 0xc3 : 0xc2);
  else if (type === T.NUMBER) out = packNumber(lua._lua_tonumber(L, -1));
  else if (type === T.TABLE) out = packTable(L, level);
  else out = '\xc0';
  lua._lua_settop(L, -2);
  return out;
}

function pack(L: number): number {
  const nargs = lua._lua_gettop(L);
  if (nargs === 0) argError(L, 0, 'MessagePack pack needs input.');
  if (lua._lua_checkstack(L, nargs) === 0) argError(L, 0, 'Too many arguments for MessagePack pack.');
  let out = '';
  for (let i = 1; i <= nargs; i++) {
    checkStack(L, 1, 'in function mp_check');
    lua._lua_pushvalue(L, i);
    out += packTop(L, 0);
  }
  pushString(L, out);
  return 1;
}

/** luaL_optinteger / luaL_checkinteger of the wasm build (numbers truncated toward zero). */
function integerArg(L: number, index: number, fallback: number | undefined): number {
  const type = lua._lua_type(L, index);
  if (fallback !== undefined && (type === T.NIL || type === T.NONE)) return fallback;
  if (lua._lua_isnumber(L, index) === 0) argError(L, index, `number expected, got ${type === T.NONE ? 'no value' : typeNameAt(L, index)}`);
  return Math.trunc(lua._lua_tonumber(L, index));
}

const FUNCTIONS: [string, CFunction][] = [
  ['pack', pack],
  ['unpack', (L) => unpackFull(L, 0, 0)],
  ['unpack_one', (L) => {
    const offset = integerArg(L, 2, 0);
    lua._lua_settop(L, 1);
    return unpackFull(L, 1, offset);
  }],
  ['unpack_limit', (L) => {
    const limit = integerArg(L, 2, undefined);
    const offset = integerArg(L, 3, 0);
    lua._lua_settop(L, 1);
    return unpackFull(L, limit, offset);
  }],
];

/** Builds the `cmsgpack` table on top of the stack. */
export function pushCmsgpackLibrary(L: number): void {
  lua._lua_createtable(L, 0, FUNCTIONS.length + 2);
  for (const [name, fn] of FUNCTIONS) setFunction(L, name, fn);
  pushConst(L, 'cmsgpack');
  lua._lua_setfield(L, -2, cname('_NAME'));
  pushConst(L, 'lua-cmsgpack 0.4.0');
  lua._lua_setfield(L, -2, cname('_VERSION'));
}
