// cmsgpack.unpack and friends (lua_cmsgpack.c mp_decode_to_lua_type / mp_unpack_full): MessagePack
// bytes to Lua values. Integers of every width become Lua numbers (uint64 read as int64, as on
// 64-bit Redis), float32 / float64 numbers, raw 8/16/32 and fix raw strings, fix / 16 / 32 arrays
// (tables 1..n) and maps. bin, ext and the reserved byte are "Bad data format in input.", a short
// input is "Missing bytes in input.".

import { lua, pushString, raiseError } from './lua-api.js';
import { checkStack, stringArg, typeNameAt, argError } from './lib-support.js';

class Cursor {
  constructor(readonly L: number, readonly bytes: Buffer, public pos: number) {}

  need(n: number): void {
    if (this.bytes.length - this.pos < n) raiseError(this.L, 'Missing bytes in input.');
  }

  /** Reads the big-endian unsigned integer of `n` bytes after the type byte, consuming both. */
  uint(n: number): number {
    this.need(1 + n);
    let v = 0;
    for (let i = 1; i <= n; i++) v = v * 256 + this.bytes[this.pos + i]!;
    this.pos += 1 + n;
    return v;
  }

  string(length: number): void {
    this.need(length);
    pushString(this.L, this.bytes.toString('latin1', this.pos, this.pos + length));
    this.pos += length;
  }
}

/** An array or map being filled: elements (or key/value pairs) still to read. */
interface Frame {
  readonly map: boolean;
  left: number;
  index: number;
  haveKey: boolean;
}

/** A table header read: the caller fills it (iteratively, so deep input cannot exhaust JS's stack). */
interface Open {
  readonly map: boolean;
  readonly length: number;
}

function fixed(c: Cursor, type: number): Open | undefined {
  const L = c.L;
  if ((type & 0x80) === 0) lua._lua_pushnumber(L, type);
  else if ((type & 0xe0) === 0xe0) lua._lua_pushnumber(L, type - 256);
  else if ((type & 0xe0) === 0xa0) {
    c.need(1 + (type & 0x1f));
    c.pos++;
    c.string(type & 0x1f);
    return undefined;
  } else if ((type & 0xf0) === 0x90 || (type & 0xf0) === 0x80) {
    c.pos++;
    return { map: (type & 0xf0) === 0x80, length: type & 0xf };
  } else return raiseError(L, 'Bad data format in input.');
  c.pos++;
  return undefined;
}

function signed(value: number, bits: number): number {
  return value >= 2 ** (bits - 1) ? value - 2 ** bits : value;
}

function wide(c: Cursor): number {
  c.need(9);
  const v = c.bytes.readBigInt64BE(c.pos + 1);
  c.pos += 9;
  return Number(v);
}

function float(c: Cursor, double: boolean): number {
  c.need(double ? 9 : 5);
  const v = double ? c.bytes.readDoubleBE(c.pos + 1) : c.bytes.readFloatBE(c.pos + 1);
  c.pos += double ? 9 : 5;
  return v;
}

/** mp_decode_to_lua_type for one item: pushes a scalar, or creates a table and says what fills it. */
function item(c: Cursor): Open | undefined {
  const L = c.L;
  c.need(1);
  checkStack(L, 1, 'too many return values at once; use unpack_one or unpack_limit instead.');
  const type = c.bytes[c.pos]!;
  const num = (n: number): undefined => void lua._lua_pushnumber(L, n);
  switch (type) {
    case 0xcc: return num(c.uint(1));
    case 0xd0: return num(signed(c.uint(1), 8));
    case 0xcd: return num(c.uint(2));
    case 0xd1: return num(signed(c.uint(2), 16));
    case 0xce: return num(c.uint(4));
    case 0xd2: return num(signed(c.uint(4), 32));
    case 0xcf: case 0xd3: return num(wide(c));
    case 0xc0: c.pos++; return void lua._lua_pushnil(L);
    case 0xc3: case 0xc2: c.pos++; return void lua._lua_pushboolean(L, type === 0xc3 ? 1 : 0);
    case 0xca: case 0xcb: return num(float(c, type === 0xcb));
    case 0xd9: return void c.string(lengthAfter(c, 1, true));
    case 0xda: return void c.string(lengthAfter(c, 2, true));
    case 0xdb: return void c.string(lengthAfter(c, 4, false));
    case 0xdc: return { map: false, length: lengthAfter(c, 2, false) };
    case 0xdd: return { map: false, length: lengthAfter(c, 4, false) };
    case 0xde: return { map: true, length: lengthAfter(c, 2, false) };
    case 0xdf: return { map: true, length: lengthAfter(c, 4, false) };
    default: return fixed(c, type);
  }
}

/** Creates the table; a non-empty one becomes a frame (an array pushes its first index, as C does). */
function open(c: Cursor, table: Open, frames: Frame[]): boolean {
  lua._lua_createtable(c.L, 0, 0);
  if (!table.map) checkStack(c.L, 1, 'in function mp_decode_to_lua_array');
  if (table.length === 0) return false;
  if (!table.map) lua._lua_pushnumber(c.L, 1);
  frames.push({ map: table.map, left: table.length, index: 1, haveKey: false });
  return true;
}

/** Stores a finished value in the tables being filled; true when the next item is still theirs. */
function attach(c: Cursor, frames: Frame[]): boolean {
  for (;;) {
    const top = frames[frames.length - 1];
    if (!top) return false;
    if (top.map && !top.haveKey) {
      top.haveKey = true;
      return true;
    }
    lua._lua_settable(c.L, -3);
    top.haveKey = false;
    if (--top.left > 0) {
      if (!top.map) lua._lua_pushnumber(c.L, ++top.index);
      return true;
    }
    frames.pop();
  }
}

/** Pushes the next value, tables and what they hold included. */
function decode(c: Cursor): void {
  const frames: Frame[] = [];
  for (;;) {
    const table = item(c);
    if (table && open(c, table, frames)) continue;
    if (!attach(c, frames)) return;
  }
}

/**
 * The length after a type byte. raw 8 / raw 16 check the whole string is there before consuming
 * anything (so a short one reports from the type byte); the others consume the header first.
 */
function lengthAfter(c: Cursor, n: number, checkWhole: boolean): number {
  c.need(1 + n);
  let v = 0;
  for (let i = 1; i <= n; i++) v = v * 256 + c.bytes[c.pos + i]!;
  if (checkWhole) c.need(1 + n + v);
  c.pos += 1 + n;
  return v;
}

/** mp_unpack_full: up to `limit` values from `offset` (0, 0: all values, no offset returned). */
export function unpackFull(L: number, limit: number, offset: number): number {
  if (lua._lua_isstring(L, 1) === 0) argError(L, 1, `string expected, got ${typeNameAt(L, 1)}`);
  const bytes = Buffer.from(stringArg(L, 1), 'latin1');
  const decodeAll = limit === 0 && offset === 0;
  if (offset < 0 || limit < 0) raiseError(L, `Invalid request to unpack with offset of ${offset} and limit of ${bytes.length}.`);
  if (offset > bytes.length) raiseError(L, `Start offset ${offset} greater than input length ${bytes.length}.`);
  const max = decodeAll ? 0x7fffffff : limit;
  const c = new Cursor(L, bytes, offset);
  let count = 0;
  for (; c.pos < bytes.length && count < max; count++) decode(c);
  if (decodeAll) return count;
  checkStack(L, 1, 'in function mp_unpack_full');
  lua._lua_pushnumber(L, c.pos === bytes.length ? -1 : c.pos);
  lua._lua_insert(L, 2);
  return count + 1;
}


