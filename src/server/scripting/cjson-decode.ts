// cjson.decode (lua_cjson.c json_next_token / json_process_value): JSON text to Lua values, read
// as C reads it: a NUL byte ends the text, \u escapes become UTF-8 bytes, null is cjson.null, and
// errors say what was expected, what was found (a token name or a reason) and at which character.
// Numbers are read as strtod reads them, so with decode_invalid_numbers (the default) hex,
// "inf", "nan" and leading zeros are numbers too.

import { lua, pushString, raiseError } from './lua-api.js';
import type { CjsonConfig } from './lib-cjson.js';

type Token =
  | { type: 'T_STRING'; index: number; value: string }
  | { type: 'T_NUMBER'; index: number; value: number }
  | { type: 'T_BOOLEAN'; index: number; value: boolean }
  | { type: 'T_ERROR'; index: number; value: string }
  | { type: 'T_OBJ_BEGIN' | 'T_OBJ_END' | 'T_ARR_BEGIN' | 'T_ARR_END' | 'T_NULL' | 'T_COLON' | 'T_COMMA' | 'T_END'; index: number };

const PUNCTUATION: Record<string, Token['type']> = { '{': 'T_OBJ_BEGIN', '}': 'T_OBJ_END', '[': 'T_ARR_BEGIN', ']': 'T_ARR_END', ',': 'T_COMMA', ':': 'T_COLON', '\0': 'T_END' };
const ESCAPED: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', t: '\t', n: '\n', f: '\f', r: '\r' };
// What strtod takes: decimal with exponent, hex (with fraction and binary exponent), inf[inity], nan.
const STRTOD = /^[+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])/;

class Parser {
  pos = 0;
  depth = 0;
  constructor(readonly L: number, readonly config: CjsonConfig, readonly text: string) {}

  at(i: number): string {
    return i < this.text.length ? this.text[i]! : '\0';
  }

  fail(expected: string, token: Token): never {
    const found = token.type === 'T_ERROR' ? token.value : token.type;
    return raiseError(this.L, `Expected ${expected} but found ${found} at character ${token.index + 1}`);
  }

  next(): Token {
    while (' \t\n\r'.includes(this.at(this.pos))) this.pos++;
    const index = this.pos;
    const ch = this.at(index);
    const punctuation = PUNCTUATION[ch];
    if (punctuation) {
      if (punctuation !== 'T_END') this.pos++;
      return { type: punctuation, index } as Token;
    }
    if (ch === '"') return this.string(index);
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      if (!this.config.decodeInvalidNumbers && this.invalidNumber()) return { type: 'T_ERROR', index, value: 'invalid number' };
      return this.number(index);
    }
    for (const [word, token] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, index)) {
        this.pos += word.length;
        return token === null ? { type: 'T_NULL', index } : { type: 'T_BOOLEAN', index, value: token };
      }
    }
    if ('iInN+'.includes(ch) && this.config.decodeInvalidNumbers && this.invalidNumber()) return this.number(index);
    return { type: 'T_ERROR', index, value: 'invalid token' };
  }

  /** json_is_invalid_number: what strict JSON forbids but strtod reads. */
  invalidNumber(): boolean {
    let p = this.pos;
    if (this.at(p) === '+') return true;
    if (this.at(p) === '-') p++;
    const ch = this.at(p);
    if (ch === '0') {
      const ch2 = this.at(p + 1);
      return ch2 === 'x' || ch2 === 'X' || (ch2 >= '0' && ch2 <= '9');
    }
    if (ch <= '9') return false;
    const word = this.text.slice(p, p + 3).toLowerCase();
    return word === 'inf' || word === 'nan';
  }

  number(index: number): Token {
    const match = STRTOD.exec(this.text.slice(index, index + 400).split('\0')[0]!);
    if (!match) return { type: 'T_ERROR', index: this.pos, value: 'invalid number' };
    this.pos += match[0].length;
    return { type: 'T_NUMBER', index, value: strtod(match[0]) };
  }

  string(index: number): Token {
    let out = '';
    this.pos++;
    for (;;) {
      const ch = this.at(this.pos);
      if (ch === '"') break;
      if (ch === '\0') return { type: 'T_ERROR', index: this.pos, value: 'unexpected end of string' };
      if (ch !== '\\') {
        out += ch;
        this.pos++;
        continue;
      }
      const code = this.at(this.pos + 1);
      if (code === 'u') {
        const utf8 = this.unicodeEscape();
        if (utf8 === null) return { type: 'T_ERROR', index: this.pos, value: 'invalid unicode escape code' };
        out += utf8;
        continue;
      }
      const plain = ESCAPED[code];
      if (plain === undefined) return { type: 'T_ERROR', index: this.pos, value: 'invalid escape code' };
      out += plain;
      this.pos += 2;
    }
    this.pos++;
    return { type: 'T_STRING', index, value: out };
  }

  hex4(at: number): number {
    const digits = this.text.slice(at, at + 4);
    return /^[0-9a-fA-F]{4}$/.test(digits) ? parseInt(digits, 16) : -1;
  }

  /** json_append_unicode_escape: \uXXXX (or a surrogate pair) as UTF-8 bytes. */
  unicodeEscape(): string | null {
    let codepoint = this.hex4(this.pos + 2);
    let length = 6;
    if (codepoint < 0) return null;
    if ((codepoint & 0xf800) === 0xd800) {
      if (codepoint & 0x400) return null;
      if (this.at(this.pos + 6) !== '\\' || this.at(this.pos + 7) !== 'u') return null;
      const low = this.hex4(this.pos + 8);
      if (low < 0 || (low & 0xfc00) !== 0xdc00) return null;
      codepoint = (((codepoint & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
      length = 12;
    }
    this.pos += length;
    return Buffer.from(String.fromCodePoint(codepoint), 'utf8').toString('latin1');
  }

  descend(slots: number): void {
    this.depth++;
    if (this.depth <= this.config.decodeMaxDepth && lua._lua_checkstack(this.L, slots) !== 0) return;
    raiseError(this.L, `Found too many nested data structures (${this.depth}) at character ${this.pos}`);
  }

  /** After an object's "{" or ",": the key string and the colon; returns the value's first token. */
  key(token: Token): Token {
    if (token.type !== 'T_STRING') this.fail('object key string', token);
    pushString(this.L, token.value);
    const colon = this.next();
    if (colon.type !== 'T_COLON') this.fail('colon', colon);
    return this.next();
  }

  /**
   * Pushes the value starting with `token` (json_process_value and the object / array contexts),
   * with an explicit stack of open containers (objects, or arrays and their next index) so nesting is bounded by the Lua
   * stack check, as in C, and not by JS's own stack.
   */
  value(first: Token): void {
    const open: { object: boolean; index: number }[] = [];
    let token = first;
    for (;;) {
      if (token.type === 'T_OBJ_BEGIN' || token.type === 'T_ARR_BEGIN') {
        const object = token.type === 'T_OBJ_BEGIN';
        this.descend(object ? 3 : 2);
        lua._lua_createtable(this.L, 0, 0);
        token = this.next();
        if (token.type !== (object ? 'T_OBJ_END' : 'T_ARR_END')) {
          open.push({ object, index: 1 });
          if (object) token = this.key(token);
          continue;
        }
        this.depth--;
      } else this.scalar(token);
      const next = this.store(open);
      if (next === undefined) return;
      token = next;
    }
  }

  /** Stores a finished value in the open containers; the next value's first token, if any. */
  store(open: { object: boolean; index: number }[]): Token | undefined {
    const L = this.L;
    for (;;) {
      const container = open[open.length - 1];
      if (container === undefined) return undefined;
      const object = container.object;
      if (object) lua._lua_rawset(L, -3);
      else lua._lua_rawseti(L, -2, container.index++);
      const token = this.next();
      if (token.type === (object ? 'T_OBJ_END' : 'T_ARR_END')) {
        this.depth--;
        open.pop();
        continue;
      }
      if (token.type !== 'T_COMMA') this.fail(object ? 'comma or object end' : 'comma or array end', token);
      return object ? this.key(this.next()) : this.next();
    }
  }

  scalar(token: Token): void {
    const L = this.L;
    switch (token.type) {
      case 'T_STRING': return pushString(L, token.value);
      case 'T_NUMBER': return void lua._lua_pushnumber(L, token.value);
      case 'T_BOOLEAN': return void lua._lua_pushboolean(L, token.value ? 1 : 0);
      case 'T_NULL': return void lua._lua_pushlightuserdata(L, 0);
      default: this.fail('value', token);
    }
  }
}

/** strtod of a matched number (hex with fraction or binary exponent included). */
function strtod(text: string): number {
  const negative = text[0] === '-';
  const body = text.replace(/^[+-]/, '').toLowerCase();
  let n: number;
  if (body.startsWith('inf')) n = Infinity;
  else if (body === 'nan') n = NaN;
  else if (body.startsWith('0x')) {
    const [digits, exp] = body.slice(2).split('p') as [string, string | undefined];
    const [whole, fraction = ''] = digits.split('.') as [string, string | undefined];
    n = parseInt(`${whole || '0'}${fraction}`, 16) / 16 ** fraction.length;
    if (exp !== undefined) n *= 2 ** Number(exp);
  } else n = Number(body);
  return negative ? -n : n;
}

/** Decodes `text`, leaving the value on the stack (json_decode). */
export function decodeJson(L: number, config: CjsonConfig, text: string): void {
  if (text.length >= 2 && (text[0] === '\0' || text[1] === '\0')) raiseError(L, 'JSON parser does not support UTF-16 or UTF-32');
  const parser = new Parser(L, config, text);
  parser.value(parser.next());
  const end = parser.next();
  if (end.type !== 'T_END') parser.fail('the end', end);
}
