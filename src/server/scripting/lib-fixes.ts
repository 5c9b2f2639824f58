// Where the stock 5.1 library differs from the one redis-server scripts see, as C functions:
// - pcall is Redis's own (luaRedisPcall): an error table with a string `err` field is replaced by it;
// - math.random / math.randomseed draw from Redis's rand48, one sequence for the whole server
//   (seeded 0x1234ABCD330E, one value drawn at start-up, never reseeded per script);
// - string.format, string.sub and string.byte: this wasm32 build has a 32-bit C `long`, redis-server
//   (x86-64) a 64-bit one, so %d %i %u %o %x %X of values beyond 32 bits and indices beyond 2^31
//   are handled here. Errors are re-raised from the wrapper so they carry the caller's position and
//   the function's name, as when the C function itself raises them.

import { cfunction, cname, lua, LUA_MULTRET, pushString, raiseError, T, toString } from './lua-api.js';

/** lua_upvalueindex(1): the wrapped stock function travels with its wrapper. */
const RAW = -10003;
import { toLongLong } from './lua-to-reply.js';

// ---- pcall ----------------------------------------------------------------------------------

function redisPcall(L: number): number {
  const argc = lua._lua_gettop(L);
  lua._lua_pushboolean(L, 1);
  lua._lua_insert(L, 1);
  if (argc === 0) {
    // Redis calls lua_pcall with nothing to call: it tries to call its own `true` placeholder.
    lua._lua_settop(L, 0);
    lua._lua_pushboolean(L, 0);
    pushString(L, 'attempt to call a boolean value');
    return 2;
  }
  if (lua._lua_pcall(L, argc - 1, LUA_MULTRET, 0) !== 0) {
    lua._lua_remove(L, 1);
    if (lua._lua_type(L, -1) === T.TABLE) {
      lua._lua_getfield(L, -1, cname('err'));
      if (lua._lua_isstring(L, -1)) lua._lua_replace(L, -2);
    }
    lua._lua_pushboolean(L, 0);
    lua._lua_insert(L, 1);
  }
  return lua._lua_gettop(L);
}

// ---- rand48 (Redis rand.c) -----------------------------------------------------------------------

const A = 0x5deece66dn;
const MASK48 = (1n << 48n) - 1n;
let x = 0x1234abcd330en;

function lrand48(): number {
  x = (A * x + 0xbn) & MASK48;
  return Number(x >> 17n);
}
lrand48();

const INT32_MAX = 2147483647;

/** luaL_checkint as on x86-64: (int)(long long)d; raises the usual "number expected". */
function checkInt(L: number, arg: number): number {
  if (!lua._lua_isnumber(L, arg)) lua._luaL_checkinteger(L, arg);
  const v = toLongLong(lua._lua_tonumber(L, arg));
  return Number(BigInt.asIntN(32, BigInt(v)));
}

function random(L: number): number {
  const r = (lrand48() % INT32_MAX) / INT32_MAX;
  switch (lua._lua_gettop(L)) {
    case 0:
      lua._lua_pushnumber(L, r);
      return 1;
    case 1: {
      const u = checkInt(L, 1);
      if (u < 1) lua._luaL_argerror(L, 1, cname('interval is empty'));
      lua._lua_pushnumber(L, Math.floor(r * u) + 1);
      return 1;
    }
    case 2: {
      const l = checkInt(L, 1);
      const u = checkInt(L, 2);
      if (l > u) lua._luaL_argerror(L, 2, cname('interval is empty'));
      lua._lua_pushnumber(L, Math.floor(r * (u - l + 1)) + l);
      return 1;
    }
    default:
      return raiseError(L, 'wrong number of arguments');
  }
}

function randomseed(L: number): number {
  const seed = BigInt.asUintN(32, BigInt(checkInt(L, 1)));
  x = ((seed & 0xffffffffn) << 16n) | 0x330en;
  return 0;
}

// ---- wrappers of the stock string functions -------------------------------------------------

/** Calls the stock function (the wrapper's upvalue) with the current stack; re-raises its errors. */
function callRaw(L: number, name: string): number {
  const argc = lua._lua_gettop(L);
  lua._lua_pushvalue(L, RAW);
  lua._lua_insert(L, 1);
  if (lua._lua_pcall(L, argc, LUA_MULTRET, 0) !== 0) {
    const message = toString(L, -1) ?? 'error';
    lua._lua_settop(L, 0);
    raiseError(L, message.replace("to '?'", `to '${name}'`));
  }
  return lua._lua_gettop(L);
}

const LIMIT = 2147483647;

function clampArgs(L: number, from: number): void {
  for (let i = from; i <= lua._lua_gettop(L); i++) {
    if (lua._lua_type(L, i) !== T.NUMBER) continue;
    const n = lua._lua_tonumber(L, i);
    if (n > LIMIT || n < -LIMIT) {
      lua._lua_pushnumber(L, n > 0 ? LIMIT : -LIMIT);
      lua._lua_replace(L, i);
    }
  }
}

const sub = (L: number) => (clampArgs(L, 2), callRaw(L, 'sub'));
const byte = (L: number) => (clampArgs(L, 2), callRaw(L, 'byte'));

const SPEC = /%([-+ #0]*)(\d*)(?:\.(\d*))?([a-zA-Z%])/g;

/** printf of one integer conversion with a 64-bit long (x86-64), in JS. */
export function formatInt(flags: string, width: string, precision: string | undefined, conv: string, n: number): string {
  let v = BigInt(toLongLong(n));
  const signed = conv === 'd' || conv === 'i';
  if (!signed) v = BigInt.asUintN(64, v);
  const negative = v < 0n;
  const base = conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10;
  let digits = (negative ? -v : v).toString(base);
  if (conv === 'X') digits = digits.toUpperCase();
  if (precision !== undefined) {
    const p = Number(precision || '0');
    digits = p === 0 && v === 0n ? '' : digits.padStart(p, '0');
  }
  let prefix = negative ? '-' : signed && flags.includes('+') ? '+' : signed && flags.includes(' ') ? ' ' : '';
  if (flags.includes('#') && v !== 0n) {
    if (base === 16) prefix += conv === 'X' ? '0X' : '0x';
    else if (base === 8 && !digits.startsWith('0')) digits = `0${digits}`;
  }
  const w = Number(width || '0');
  const body = prefix + digits;
  if (body.length >= w) return body;
  if (flags.includes('-')) return body.padEnd(w, ' ');
  if (flags.includes('0') && precision === undefined) return prefix + digits.padStart(w - prefix.length, '0');
  return body.padStart(w, ' ');
}

function needsWideLong(conv: string, n: number): boolean {
  if (conv === 'd' || conv === 'i') return !(n >= -2147483648 && n < 2147483648);
  return !(n >= 0 && n < 2147483648);
}

function format(L: number): number {
  if (lua._lua_type(L, 1) !== T.STRING) return callRaw(L, 'format');
  const fmt = toString(L, 1)!;
  let arg = 1;
  let changed = false;
  const rewritten = fmt.replace(SPEC, (whole, flags: string, width: string, precision: string | undefined, conv: string) => {
    if (conv === '%') return whole;
    arg++;
    if (!'diouxX'.includes(conv) || lua._lua_type(L, arg) !== T.NUMBER) return whole;
    const n = lua._lua_tonumber(L, arg);
    if (!needsWideLong(conv, n)) return whole;
    pushString(L, formatInt(flags, width, precision, conv, n));
    lua._lua_replace(L, arg);
    changed = true;
    return '%s';
  });
  if (changed) {
    pushString(L, rewritten);
    lua._lua_replace(L, 1);
  }
  return callRaw(L, 'format');
}

/** Installs the fixes into the globals of L (the stock libraries must be open). */
export function installLibFixes(L: number): void {
  lua._lua_pushcclosure(L, cfunction(redisPcall), 0);
  lua._lua_setfield(L, -10002, cname('pcall'));
  lua._lua_getfield(L, -10002, cname('math'));
  lua._lua_pushcclosure(L, cfunction(random), 0);
  lua._lua_setfield(L, -2, cname('random'));
  lua._lua_pushcclosure(L, cfunction(randomseed), 0);
  lua._lua_setfield(L, -2, cname('randomseed'));
  lua._lua_settop(L, 0);
  lua._lua_getfield(L, -10002, cname('string'));
  for (const [name, fn] of [['format', format], ['sub', sub], ['byte', byte]] as const) {
    lua._lua_getfield(L, -1, cname(name));
    lua._lua_pushcclosure(L, cfunction(fn), 1);
    lua._lua_setfield(L, -2, cname(name));
  }
  lua._lua_settop(L, 0);
}

