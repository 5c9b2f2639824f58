// A command's reply as the script sees it (Redis script_lua.c redisProtocolToLuaType), for the
// RESP version the script chose with redis.setresp: RESP2 turns null into false and maps, sets,
// doubles and booleans into their RESP2 forms; RESP3 gives nil, {map=...}, {set=...},
// {double=n}, {big_number=s}, {verbatim_string={format=, string=}} and real booleans.

import {
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NullArrayReply,
  PushReply,
  RawReply,
  type Reply,
  SetReply,
  SimpleString,
  VerbatimReply,
} from '../../shared/resp/reply.js';
import { formatG17 } from '../../shared/resp/format-double.js';
import { ReplyParser } from '../../shared/resp/reply-parser.js';
import { lua, pushErrorTable, pushString, setString } from './lua-api.js';

/** Pushes `reply` onto the stack of L. */
export function pushReply(L: number, reply: Reply, resp: 2 | 3): void {
  if (!lua._lua_checkstack(L, 4)) throw new Error('lua stack limit reached when converting a reply');
  switch (typeof reply) {
    case 'string':
      pushString(L, reply);
      return;
    case 'number':
      lua._lua_pushnumber(L, reply);
      return;
    case 'bigint':
      lua._lua_pushnumber(L, Number(reply));
      return;
    default:
      break;
  }
  if (reply === null || reply instanceof NullArrayReply) {
    if (resp === 2) lua._lua_pushboolean(L, 0);
    else lua._lua_pushnil(L);
  } else if (Array.isArray(reply) || reply instanceof PushReply) {
    pushArray(L, Array.isArray(reply) ? reply : reply.items, resp);
  } else if (reply instanceof SimpleString) {
    lua._lua_createtable(L, 0, 1);
    setString(L, 'ok', reply.value);
  } else if (reply instanceof ErrorReply) {
    pushErrorTable(L, errorText(reply.message));
  } else {
    pushRich(L, reply, resp);
  }
}

/** Redis keeps an error's code and trims line ends (luaPushErrorBuff). */
export function errorText(message: string): string {
  return message.replace(/[\r\n]+$/, '');
}

function pushArray(L: number, items: Reply[], resp: 2 | 3): void {
  lua._lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    pushReply(L, items[i]!, resp);
    lua._lua_rawseti(L, -2, i + 1);
  }
}

function pushRich(L: number, reply: Reply, resp: 2 | 3): void {
  if (reply instanceof MapReply) {
    if (resp === 2) return pushArray(L, reply.flat, resp);
    lua._lua_createtable(L, 0, 1);
    pushString(L, 'map');
    lua._lua_createtable(L, 0, reply.flat.length / 2);
    for (let i = 0; i < reply.flat.length; i += 2) {
      pushReply(L, reply.flat[i]!, resp);
      pushReply(L, reply.flat[i + 1]!, resp);
      lua._lua_settable(L, -3);
    }
    lua._lua_settable(L, -3);
  } else if (reply instanceof SetReply) {
    if (resp === 2) return pushArray(L, reply.items, resp);
    lua._lua_createtable(L, 0, 1);
    pushString(L, 'set');
    lua._lua_createtable(L, 0, reply.items.length);
    for (const item of reply.items) {
      pushReply(L, item, resp);
      lua._lua_pushboolean(L, 1);
      lua._lua_settable(L, -3);
    }
    lua._lua_settable(L, -3);
  } else if (reply instanceof DoubleReply) {
    if (resp === 2) return pushString(L, formatG17(reply.value));
    lua._lua_createtable(L, 0, 1);
    pushString(L, 'double');
    lua._lua_pushnumber(L, reply.value);
    lua._lua_settable(L, -3);
  } else if (reply instanceof BoolReply) {
    if (resp === 2) lua._lua_pushnumber(L, reply.value ? 1 : 0);
    else lua._lua_pushboolean(L, reply.value ? 1 : 0);
  } else if (reply instanceof VerbatimReply) {
    if (resp === 2) return pushString(L, reply.text);
    lua._lua_createtable(L, 0, 1);
    pushString(L, 'verbatim_string');
    lua._lua_createtable(L, 0, 2);
    setString(L, 'string', reply.text);
    setString(L, 'format', reply.format);
    lua._lua_settable(L, -3);
  } else if (reply instanceof RawReply) {
    pushReply(L, parseRaw(reply.encoded), resp);
  } else {
    lua._lua_pushnil(L);
  }
}

/** Replies handed over already encoded are read back (they are RESP2-shaped). */
function parseRaw(encoded: string): Reply {
  const parser = new ReplyParser();
  parser.feed(Buffer.from(encoded, 'latin1'));
  const parsed = parser.next();
  return parsed === undefined ? null : (parsed as Reply);
}
