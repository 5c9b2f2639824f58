// The `bit` library Redis ships (LuaBitOp 1.0.2, deps/lua/src/lua_bit.c) as C functions in JS.
// Numbers become 32-bit values the way LuaBitOp does it: add 2^52+2^51 to the double and keep the
// low 32 bits of its mantissa (round half to even, wrap modulo 2^32); results are signed.

import { type CFunction, cname, lua, pushString, setFunction, T } from './lua-api.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/** LuaBitOp barg(): a non-number raises "number expected" (lua_tonumber gives 0, then luaL_typerror). */
function barg(L: number, idx: number): number {
  f64[0] = lua._lua_tonumber(L, idx) + 6755399441055744.0;
  const b = u32[LOW]!;
  if (b === 0 && !lua._lua_isnumber(L, idx)) typeError(L, idx);
  return b;
}

function typeError(L: number, idx: number): never {
  // luaL_typerror builds "number expected, got <type>" and raises it as an argument error.
  const got = lua._lua_type(L, idx) === T.NONE ? 'no value' : typeName(L, idx);
  lua._luaL_argerror(L, idx, cname(`number expected, got ${got}`));
  throw new Error('unreachable');
}

function typeName(L: number, idx: number): string {
  return ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'][lua._lua_type(L, idx)] ?? 'no value';
}

function ret(L: number, b: number): number {
  lua._lua_pushnumber(L, b | 0);
  return 1;
}

function fold(op: (a: number, b: number) => number) {
  return (L: number): number => {
    let b = barg(L, 1);
    for (let i = lua._lua_gettop(L); i > 1; i--) b = op(b, barg(L, i));
    return ret(L, b);
  };
}

function shift(op: (b: number, n: number) => number) {
  return (L: number): number => {
    const b = barg(L, 1);
    const n = barg(L, 2) & 31;
    return ret(L, op(b, n));
  };
}

function tohex(L: number): number {
  let b = barg(L, 1) >>> 0;
  let n = lua._lua_type(L, 2) === T.NONE ? 8 : barg(L, 2) | 0;
  let digits = '0123456789abcdef';
  if (n < 0) {
    n = -n;
    digits = '0123456789ABCDEF';
  }
  if (n > 8) n = 8;
  let out = '';
  for (let i = 0; i < n; i++) {
    out = digits[b & 15]! + out;
    b >>>= 4;
  }
  pushString(L, out);
  return 1;
}

/** Created once: each distinct JS function takes a slot in the wasm function table. */
const BIT_FUNCTIONS: [string, CFunction][] = [
  ['tobit', (L) => ret(L, barg(L, 1))],
  ['bnot', (L) => ret(L, ~barg(L, 1))],
  ['band', fold((a, b) => a & b)],
  ['bor', fold((a, b) => a | b)],
  ['bxor', fold((a, b) => a ^ b)],
  ['lshift', shift((b, n) => b << n)],
  ['rshift', shift((b, n) => b >>> n)],
  ['arshift', shift((b, n) => (b | 0) >> n)],
  ['rol', shift((b, n) => (b << n) | (b >>> (32 - n)))],
  ['ror', shift((b, n) => (b << (32 - n)) | (b >>> n))],
  ['bswap', (L) => {
    const b = barg(L, 1);
    return ret(L, (b >>> 24) | ((b >>> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24));
  }],
  ['tohex', tohex],
];

/** Builds the `bit` table on top of the stack. */
export function pushBitLibrary(L: number): void {
  lua._lua_createtable(L, 0, BIT_FUNCTIONS.length);
  for (const [name, fn] of BIT_FUNCTIONS) setFunction(L, name, fn);
}
