// Encodes reply values to RESP2 or RESP3 text whose characters are bytes (latin1), so a batch of
// replies becomes one string and one socket write. Shapes follow the RESP3 spec and Redis 7.0's
// RESP2 fallbacks (maps flatten to arrays, doubles to bulk strings, booleans to integers).

import { formatG17 } from './format-double.js';
import {
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NullArrayReply,
  OK,
  PushReply,
  QUEUED,
  RawReply,
  type Reply,
  SetReply,
  SimpleString,
  VerbatimReply,
} from './reply.js';

export type Protocol = 2 | 3;

export function encodeReply(reply: Reply, proto: Protocol): string {
  switch (typeof reply) {
    case 'string':
      return `$${reply.length}\r\n${reply}\r\n`;
    case 'number':
    case 'bigint':
      return `:${reply}\r\n`;
    case 'object':
      break;
    default:
      throw new TypeError(`not a reply: ${typeof reply}`);
  }
  if (reply === null) return proto === 3 ? '_\r\n' : '$-1\r\n';
  // The commonest replies, answered without building a string.
  if (reply === OK) return '+OK\r\n';
  if (reply === QUEUED) return '+QUEUED\r\n';
  if (Array.isArray(reply)) return encodeAggregate('*', reply, proto);
  if (reply instanceof SimpleString) return `+${reply.value}\r\n`;
  if (reply instanceof ErrorReply) return `-${oneLine(reply.message)}\r\n`;
  if (reply instanceof MapReply) {
    if (proto === 2) return encodeAggregate('*', reply.flat, proto);
    return encodeAggregate('%', reply.flat, proto, reply.flat.length / 2);
  }
  if (reply instanceof SetReply) return encodeAggregate(proto === 3 ? '~' : '*', reply.items, proto);
  if (reply instanceof PushReply) return encodeAggregate(proto === 3 ? '>' : '*', reply.items, proto);
  if (reply instanceof DoubleReply) {
    const text = formatG17(reply.value);
    return proto === 3 ? `,${text}\r\n` : `$${text.length}\r\n${text}\r\n`;
  }
  if (reply instanceof BoolReply) {
    if (proto === 3) return reply.value ? '#t\r\n' : '#f\r\n';
    return reply.value ? ':1\r\n' : ':0\r\n';
  }
  if (reply instanceof VerbatimReply) {
    if (proto === 2) return `$${reply.text.length}\r\n${reply.text}\r\n`;
    return `=${reply.text.length + 4}\r\n${reply.format}:${reply.text}\r\n`;
  }
  if (reply instanceof NullArrayReply) return proto === 3 ? '_\r\n' : '*-1\r\n';
  if (reply instanceof RawReply) return reply.encoded;
  throw new TypeError('not a reply object');
}

function encodeAggregate(prefix: string, items: Reply[], proto: Protocol, count = items.length): string {
  let out = `${prefix}${count}\r\n`;
  for (const item of items) out += encodeReply(item, proto);
  return out;
}

/** Error lines cannot hold CR or LF: Redis (addReplyErrorFormat) turns each one into a space. */
function oneLine(text: string): string {
  return /[\r\n]/.test(text) ? text.replace(/[\r\n]/g, ' ') : text;
}

/** A command as the replication stream and AOF carry it: a multibulk array of bulk strings. */
export function encodeCommand(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${arg.length}\r\n${arg}\r\n`;
  return out;
}
