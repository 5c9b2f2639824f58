// The `struct` library Redis ships (Roberto Ierusalimschy's struct.c, deps/lua/src/lua_struct.c)
// as C functions in JS: pack(fmt, ...), unpack(fmt, data [, pos]) and size(fmt), with the sizes
// and alignment of Redis's x86-64 build (long and size_t are 8 bytes, "!" aligns to 8 by default,
// native order little-endian). Integers go through 64-bit C integers: wider "iN" fields carry
// zeros past the eighth byte, as the C shifts do.

import { type CFunction, lua, pushString, raiseError, setFunction, T } from './lua-api.js';
import { argError, checkStack, stringArg, typeNameAt } from './lib-support.js';

const MAXINTSIZE = 32;
const MAXALIGN = 8;
const SIZES: Record<string, number> = { b: 1, B: 1, h: 2, H: 2, l: 8, L: 8, T: 8, f: 4, d: 8, x: 1 };
const INTEGERS = 'bBhHlLTiI';

interface Format {
  readonly text: string;
  pos: number;
  little: boolean;
  align: number;
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function getnum(L: number, f: Format, fallback: number): number {
  if (!isDigit(f.text[f.pos])) return fallback;
  let a = 0;
  while (isDigit(f.text[f.pos])) {
    const digit = f.text.charCodeAt(f.pos++) - 48;
    if (a > Math.floor(0x7fffffff / 10) || a * 10 > 0x7fffffff - digit) raiseError(L, 'integral size overflow');
    a = a * 10 + digit;
  }
  return a;
}

function optsize(L: number, opt: string, f: Format): number {
  if (opt === 'c') return getnum(L, f, 1);
  if (opt === 'i' || opt === 'I') {
    const size = getnum(L, f, 4);
    if (size > MAXINTSIZE) raiseError(L, `integral size ${size} is larger than limit of ${MAXINTSIZE}`);
    return size;
  }
  return SIZES[opt] ?? 0;
}

function toAlign(length: number, f: Format, opt: string, size: number): number {
  if (size === 0 || opt === 'c') return 0;
  const s = Math.min(size, f.align);
  return (s - (length & (s - 1))) & (s - 1);
}

function control(L: number, opt: string, f: Format): void {
  if (opt === ' ') return;
  if (opt === '>' || opt === '<') {
    f.little = opt === '<';
    return;
  }
  if (opt === '!') {
    const a = getnum(L, f, MAXALIGN);
    if (a <= 0 || (a & (a - 1)) !== 0) raiseError(L, `alignment ${a} is not a power of 2`);
    f.align = a;
    return;
  }
  argError(L, 1, `invalid format option '${opt}'`);
}

function formatArg(L: number): Format {
  if (lua._lua_isstring(L, 1) === 0) argError(L, 1, `string expected, got ${typeNameAt(L, 1)}`);
  return { text: stringArg(L, 1).split('\0')[0]!, pos: 0, little: true, align: 1 };
}

function stringAt(L: number, index: number): string {
  if (lua._lua_isstring(L, index) === 0) argError(L, index, `string expected, got ${typeNameAt(L, index)}`);
  return stringArg(L, index);
}

function integerBytes(n: number, little: boolean, size: number): string {
  // (Uinttype)(Inttype)n for negatives, (Uinttype)n otherwise: 64 bits, zeros beyond.
  let value = BigInt.asUintN(64, BigInt(Math.trunc(Number.isFinite(n) ? n : 0)));
  const bytes: number[] = [];
  for (let i = 0; i < size; i++) {
    bytes.push(Number(value & 0xffn));
    value >>= 8n;
  }
  if (!little) bytes.reverse();
  return String.fromCharCode(...bytes);
}

function floatBytes(n: number, little: boolean, double: boolean): string {
  const buf = Buffer.alloc(double ? 8 : 4);
  if (double) little ? buf.writeDoubleLE(n) : buf.writeDoubleBE(n);
  else little ? buf.writeFloatLE(n) : buf.writeFloatBE(n);
  return buf.toString('latin1');
}

function pack(L: number): number {
  const f = formatArg(L);
  // b_pack pushes a nil mark after its arguments: a missing one is reported as "got nil".
  lua._lua_pushnil(L);
  let arg = 2;
  let out = '';
  while (f.pos < f.text.length) {
    const opt = f.text[f.pos++]!;
    let size = optsize(L, opt, f);
    out += '\0'.repeat(toAlign(out.length, f, opt, size));
    if (INTEGERS.includes(opt)) out += integerBytes(lua._luaL_checknumber(L, arg++), f.little, size);
    else if (opt === 'x') out += '\0';
    else if (opt === 'f' || opt === 'd') out += floatBytes(lua._luaL_checknumber(L, arg++), f.little, opt === 'd');
    else if (opt === 'c' || opt === 's') {
      const s = stringAt(L, arg++);
      if (size === 0) size = s.length;
      // luaL_argcheck names the argument after the string (the index was already advanced).
      if (s.length < size) argError(L, arg, 'string too short');
      out += s.slice(0, size) + (opt === 's' ? '\0' : '');
    } else control(L, opt, f);
  }
  pushString(L, out);
  return 1;
}

function readInteger(data: Buffer, at: number, little: boolean, signed: boolean, size: number): number {
  let l = 0n;
  for (let i = 0; i < size; i++) l = BigInt.asUintN(64, (l << 8n) | BigInt(data[little ? at + size - 1 - i : at + i]!));
  if (!signed) return Number(l);
  const mask = BigInt.asUintN(64, ~0n << BigInt((size * 8 - 1) % 64));
  if (l & mask) l |= mask;
  return Number(BigInt.asIntN(64, l));
}

function readFloat(data: Buffer, at: number, little: boolean, double: boolean): number {
  if (double) return little ? data.readDoubleLE(at) : data.readDoubleBE(at);
  return little ? data.readFloatLE(at) : data.readFloatBE(at);
}

/** The start position (1-based, luaL_optinteger); a negative one is a huge size_t in C. */
function startArg(L: number): number {
  const type = lua._lua_type(L, 3);
  const pos = type === T.NIL || type === T.NONE ? 1 : lua._luaL_checkinteger(L, 3);
  if (pos === 0) argError(L, 3, 'offset must be 1 or greater');
  return pos < 0 ? Infinity : pos - 1;
}

/** "c0" takes its size from the value unpacked just before, which it replaces. */
function previousSize(L: number, results: number): number {
  if (results === 0 || lua._lua_isnumber(L, -1) === 0) raiseError(L, "format 'c0' needs a previous size");
  const size = Math.trunc(lua._lua_tonumber(L, -1));
  lua._lua_settop(L, -2);
  return size;
}

function unpack(L: number): number {
  const f = formatArg(L);
  const data = Buffer.from(stringAt(L, 2), 'latin1');
  const ld = data.length;
  let pos = startArg(L);
  let n = 0;
  while (f.pos < f.text.length) {
    const opt = f.text[f.pos++]!;
    let size = optsize(L, opt, f);
    pos += toAlign(pos, f, opt, size);
    if (!(size <= ld && pos <= ld - size)) argError(L, 2, 'data string too short');
    checkStack(L, 2, 'too many results');
    if (INTEGERS.includes(opt)) {
      lua._lua_pushnumber(L, readInteger(data, pos, f.little, opt >= 'a', size));
      n++;
    } else if (opt === 'f' || opt === 'd') {
      lua._lua_pushnumber(L, readFloat(data, pos, f.little, opt === 'd'));
      n++;
    } else if (opt === 'c') {
      if (size === 0) {
        size = previousSize(L, n);
        n--;
        if (!(size <= ld && pos <= ld - size)) argError(L, 2, 'data string too short');
      }
      pushString(L, data.toString('latin1', pos, pos + size));
      n++;
    } else if (opt === 's') {
      const end = data.indexOf(0, pos);
      if (end < 0) raiseError(L, 'unfinished string in data');
      size = end - pos + 1;
      pushString(L, data.toString('latin1', pos, end));
      n++;
    } else if (opt !== 'x') control(L, opt, f);
    pos += size;
  }
  lua._lua_pushnumber(L, pos + 1);
  return n + 1;
}

function size(L: number): number {
  const f = formatArg(L);
  let pos = 0;
  while (f.pos < f.text.length) {
    const opt = f.text[f.pos++]!;
    const optSize = optsize(L, opt, f);
    pos += toAlign(pos, f, opt, optSize);
    if (opt === 's') argError(L, 1, "option 's' has no fixed size");
    if (opt === 'c' && optSize === 0) argError(L, 1, "option 'c0' has no fixed size");
    if (!/[0-9A-Za-z]/.test(opt)) control(L, opt, f);
    pos += optSize;
  }
  lua._lua_pushnumber(L, pos);
  return 1;
}

const FUNCTIONS: [string, CFunction][] = [['pack', pack], ['unpack', unpack], ['size', size]];

/** Builds the `struct` table on top of the stack. */
export function pushStructLibrary(L: number): void {
  lua._lua_createtable(L, 0, FUNCTIONS.length);
  for (const [name, fn] of FUNCTIONS) setFunction(L, name, fn);
}
