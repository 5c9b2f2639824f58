// cjson.encode (lua_cjson.c json_append_data): the value on top of the stack as JSON text. A table
// whose keys are all positive integers is an array (unless too sparse, which is an error or, with
// encode_sparse_array(true), an object); any other table, the empty one included, is an object.
// Strings are escaped per byte as the C table does ("/" too, 0x7f as \u007f, bytes >= 0x80 as is).

import { lua, raiseError, T } from './lua-api.js';
import type { CjsonConfig } from './lib-cjson.js';
import { formatG, stringArg, typeNameAt } from './lib-support.js';

const ESCAPES: (string | undefined)[] = [];
for (let i = 0; i < 32; i++) ESCAPES[i] = `\\u${i.toString(16).padStart(4, '0')}`;
Object.assign(ESCAPES, { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 47: '\\/', 92: '\\\\', 127: '\\u007f' });

function quote(s: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const escaped = ESCAPES[s.charCodeAt(i)];
    if (escaped === undefined) continue;
    out += s.slice(from, i) + escaped;
    from = i + 1;
  }
  return `${out}${s.slice(from)}"`;
}

function fail(L: number, index: number, reason: string): never {
  return raiseError(L, `Cannot serialise ${typeNameAt(L, index)}: ${reason}`);
}

function number(L: number, config: CjsonConfig, index: number): string {
  const n = lua._lua_tonumber(L, index);
  if (Number.isFinite(n)) return formatG(n, config.precision);
  if (config.encodeInvalidNumbers === 0) fail(L, index, 'must not be NaN or Inf');
  if (config.encodeInvalidNumbers === 2) return 'null';
  return formatG(n, config.precision);
}

/** lua_array_length: the array's length, or -1 for an object. */
function arrayLength(L: number, config: CjsonConfig): number {
  let max = 0;
  let items = 0;
  lua._lua_pushnil(L);
  while (lua._lua_next(L, -2) !== 0) {
    const k = lua._lua_type(L, -2) === T.NUMBER ? lua._lua_tonumber(L, -2) : 0;
    if (k === 0 || Math.floor(k) !== k || k < 1) {
      lua._lua_settop(L, -3);
      return -1;
    }
    // max is a C int: a key of 2^31 or more (inf included) converts to INT_MIN on x86-64.
    if (k > max) max = k < 2147483648 ? k : -2147483648;
    items++;
    lua._lua_settop(L, -2);
  }
  if (config.sparseRatio > 0 && max > items * config.sparseRatio && max > config.sparseSafe) {
    if (!config.sparseConvert) fail(L, -1, 'excessively sparse array');
    return -1;
  }
  return max;
}

/** A table being written: its parts so far, and for an object the current key's text. */
interface Frame {
  readonly array: boolean;
  readonly length: number;
  readonly depth: number;
  index: number;
  key: string;
  readonly parts: string[];
}

/**
 * Starts the value on top of the stack: a scalar's text, or undefined when it is a table, which
 * then becomes a frame (json_append_data, with the depth check before looking at the table).
 */
function start(L: number, config: CjsonConfig, depth: number, frames: Frame[]): string | undefined {
  switch (lua._lua_type(L, -1)) {
    case T.STRING: return quote(stringArg(L, -1));
    case T.NUMBER: return number(L, config, -1);
    case T.BOOLEAN: return lua._lua_toboolean(L, -1) ? 'true' : 'false';
    case T.NIL: return 'null';
    case T.TABLE: {
      const inner = depth + 1;
      if (inner > config.encodeMaxDepth || lua._lua_checkstack(L, 3) === 0) {
        raiseError(L, `Cannot serialise, excessive nesting (${inner})`);
      }
      const length = arrayLength(L, config);
      frames.push({ array: length > 0, length, depth: inner, index: 0, key: '', parts: [] });
      if (length <= 0) lua._lua_pushnil(L);
      return undefined;
    }
    case T.LIGHTUSERDATA:
      if (lua._lua_touserdata(L, -1) === 0) return 'null';
  }
  return fail(L, -1, 'type not supported');
}

/** Pushes the frame's next element (an object's key text is kept); false when the table is done. */
function advance(L: number, config: CjsonConfig, frame: Frame): boolean {
  if (frame.array) {
    if (frame.index >= frame.length) return false;
    lua._lua_rawgeti(L, -1, ++frame.index);
    return true;
  }
  if (lua._lua_next(L, -2) === 0) return false;
  const keyType = lua._lua_type(L, -2);
  if (keyType === T.NUMBER) frame.key = `"${number(L, config, -2)}":`;
  else if (keyType === T.STRING) frame.key = `${quote(stringArg(L, -2))}:`;
  else fail(L, -2, 'table key must be a number or string');
  return true;
}

/**
 * Encodes the value at the top of the stack. Tables are walked with an explicit stack of frames,
 * so nesting is limited by encode_max_depth and the Lua stack check, as in C, not by JS's stack.
 */
export function encodeJson(L: number, config: CjsonConfig): string {
  const frames: Frame[] = [];
  let text = start(L, config, 0, frames);
  for (;;) {
    const frame = frames[frames.length - 1];
    if (!frame) return text!;
    if (text !== undefined) {
      // The element is done: keep its text and pop it (an object's key stays for lua_next).
      frame.parts.push(frame.key + text);
      lua._lua_settop(L, -2);
    }
    if (advance(L, config, frame)) {
      text = start(L, config, frame.depth, frames);
      continue;
    }
    frames.pop();
    text = frame.array ? `[${frame.parts.join(',')}]` : `{${frame.parts.join(',')}}`;
  }
}
