// A script's return value as the client's reply (Redis script_lua.c luaReplyToRedisReply):
// strings are bulk strings, numbers are truncated to integers (as C's (long long) cast: NaN,
// infinities and values beyond 2^63 become -9223372036854775808), tables are arrays up to the
// first nil unless they carry err / ok / double / big_number / verbatim_string / map / set.
// Booleans follow the script's RESP version: in RESP2 true is 1 and false is null.

import {
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  RawReply,
  type Reply,
  SetReply,
  SimpleString,
  VerbatimReply,
} from '../../shared/resp/reply.js';
import { cname, lua, T, toString } from './lua-api.js';

const LLONG_MIN = -9223372036854775808n;
const TWO_63 = 2 ** 63;

/** C's (long long) of a double on x86-64. */
export function toLongLong(n: number): number | bigint {
  if (Number.isNaN(n) || n >= TWO_63 || n < -TWO_63) return LLONG_MIN;
  const t = Math.trunc(n);
  return Number.isSafeInteger(t) ? (Object.is(t, -0) ? 0 : t) : BigInt(t);
}

/** Converts and pops the value on top of L's stack. `callerProto` shapes big numbers. */
export function popReply(L: number, resp: 2 | 3, callerProto: 2 | 3): Reply {
  const reply = convert(L, resp, callerProto, 0);
  lua._lua_settop(L, -2);
  return reply;
}

function convert(L: number, resp: 2 | 3, proto: 2 | 3, depth: number): Reply {
  if (!lua._lua_checkstack(L, 4) || depth > 1000) return new ErrorReply('ERR reached lua stack limit');
  switch (lua._lua_type(L, -1)) {
    case T.STRING:
      return toString(L, -1)!;
    case T.BOOLEAN:
      if (resp === 3) return new BoolReply(lua._lua_toboolean(L, -1) !== 0);
      return lua._lua_toboolean(L, -1) !== 0 ? 1 : null;
    case T.NUMBER:
      return toLongLong(lua._lua_tonumber(L, -1));
    case T.TABLE:
      return convertTable(L, resp, proto, depth);
    default:
      return null;
  }
}

/** Pushes t[field] (raw) and returns its type; the caller pops it. */
function field(L: number, name: string): number {
  lua._lua_pushstring(L, cname(name));
  lua._lua_rawget(L, -2);
  return lua._lua_type(L, -1);
}

function convertTable(L: number, resp: 2 | 3, proto: 2 | 3, depth: number): Reply {
  let t = field(L, 'err');
  if (t === T.STRING) {
    const message = toString(L, -1)!;
    lua._lua_settop(L, -2);
    return new ErrorReply(message);
  }
  lua._lua_settop(L, -2);
  t = field(L, 'ok');
  if (t === T.STRING) {
    const status = toString(L, -1)!.replace(/[\r\n]/g, ' ');
    lua._lua_settop(L, -2);
    return new SimpleString(status);
  }
  lua._lua_settop(L, -2);
  const special = convertSpecial(L, resp, proto, depth);
  if (special !== undefined) return special;
  const items: Reply[] = [];
  for (let i = 1; ; i++) {
    lua._lua_rawgeti(L, -1, i);
    if (lua._lua_type(L, -1) === T.NIL) break;
    items.push(convert(L, resp, proto, depth + 1));
    lua._lua_settop(L, -2);
  }
  lua._lua_settop(L, -2);
  return items;
}

/** double, big_number, verbatim_string, map and set tables; undefined when none applies. */
function convertSpecial(L: number, resp: 2 | 3, proto: 2 | 3, depth: number): Reply | undefined {
  let reply: Reply | undefined;
  if (field(L, 'double') === T.NUMBER) reply = new DoubleReply(lua._lua_tonumber(L, -1));
  lua._lua_settop(L, -2);
  if (reply !== undefined) return reply;
  if (field(L, 'big_number') === T.STRING) {
    const digits = toString(L, -1)!.replace(/[\r\n]/g, ' ');
    reply = proto === 3 ? new RawReply(`(${digits}\r\n`) : digits;
  }
  lua._lua_settop(L, -2);
  if (reply !== undefined) return reply;
  if (field(L, 'verbatim_string') === T.TABLE) reply = verbatim(L);
  lua._lua_settop(L, -2);
  if (reply !== undefined) return reply;
  if (field(L, 'map') === T.TABLE) reply = new MapReply(pairsOf(L, resp, proto, depth, true));
  lua._lua_settop(L, -2);
  if (reply !== undefined) return reply;
  if (field(L, 'set') === T.TABLE) reply = new SetReply(pairsOf(L, resp, proto, depth, false));
  lua._lua_settop(L, -2);
  return reply;
}

function verbatim(L: number): Reply | undefined {
  let reply: Reply | undefined;
  if (field(L, 'format') === T.STRING) {
    const format = toString(L, -1)!;
    lua._lua_pushstring(L, cname('string'));
    lua._lua_rawget(L, -3);
    if (lua._lua_type(L, -1) === T.STRING) reply = new VerbatimReply(toString(L, -1)!, format.slice(0, 3).padEnd(3, '\0'));
    lua._lua_settop(L, -2);
  }
  lua._lua_settop(L, -2);
  return reply;
}

/** The entries of the table on top (lua_next order): keys and values, or keys only for sets. */
function pairsOf(L: number, resp: 2 | 3, proto: 2 | 3, depth: number, withValues: boolean): Reply[] {
  const out: Reply[] = [];
  lua._lua_pushnil(L);
  while (lua._lua_next(L, -2) !== 0) {
    lua._lua_pushvalue(L, -2);
    out.push(convert(L, resp, proto, depth + 1));
    lua._lua_settop(L, -2);
    if (withValues) out.push(convert(L, resp, proto, depth + 1));
    lua._lua_settop(L, -2);
  }
  return out;
}
