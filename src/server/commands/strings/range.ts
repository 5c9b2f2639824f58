// Byte-range operations on string values: APPEND STRLEN GETRANGE (and its old name SUBSTR)
// SETRANGE, following Redis 7.0 t_string.c, including the proto-max-bulk-len size limit and
// SETRANGE's zero-byte padding. Values are latin1 JS strings: one character per byte.

import { constants } from 'node:buffer';
import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { parseInteger } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_WRONGTYPE } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { notifyKey, NOTIFY_STRING } from '../../keyspace/keyspace-events.js';

const ERR_TOO_BIG = new ErrorReply('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
const ERR_OFFSET = new ErrorReply('ERR offset is out of range');

/**
 * Redis checkStringLength: the result may not exceed proto-max-bulk-len (commands from our master
 * are exempt). V8 also caps a string at MAX_STRING_LENGTH (a little under 512MB): past it we answer
 * the same error rather than fail.
 */
function checkStringLength(ctx: CommandContext, size: number, append: number): ErrorReply | undefined {
  const total = size + append;
  if (total > constants.MAX_STRING_LENGTH) return ERR_TOO_BIG;
  if (ctx.client.isMaster) return undefined;
  return total > ctx.server.config.num('proto-max-bulk-len') ? ERR_TOO_BIG : undefined;
}

function append(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const suffix = args[2]!;
  const value = ctx.db.lookup(key);
  if (value === undefined) {
    ctx.db.set(key, suffix);
    notifyKey(ctx, NOTIFY_STRING, 'append', key);
    return suffix.length;
  }
  if (typeof value !== 'string') return ERR_WRONGTYPE;
  const tooBig = checkStringLength(ctx, value.length, suffix.length);
  if (tooBig) return tooBig;
  // Even an empty suffix counts as a change: Redis propagates `APPEND k ""`.
  ctx.db.set(key, value + suffix, true);
  notifyKey(ctx, NOTIFY_STRING, 'append', key);
  return value.length + suffix.length;
}

function strlen(ctx: CommandContext, args: string[]): Reply {
  const value = readKey(ctx, args[1]!);
  if (value === undefined) return 0;
  if (typeof value !== 'string') return ERR_WRONGTYPE;
  return value.length;
}

/** GETRANGE key start end: inclusive, negative from the end, clamped; "" for a missing key. */
function getrange(ctx: CommandContext, args: string[]): Reply {
  let start = parseInteger(args[2]!);
  let end = parseInteger(args[3]!);
  if (start === null || end === null) return ERR_NOT_INTEGER;
  const value = readKey(ctx, args[1]!);
  if (value === undefined) return '';
  if (typeof value !== 'string') return ERR_WRONGTYPE;
  const length = value.length;
  // Redis 7.0 getrangeCommand, quirks included: both negative with start > end is empty, but
  // otherwise negative indexes below -length clamp to 0 (GETRANGE "abc" -100 -50 is "a").
  if (start < 0 && end < 0 && start > end) return '';
  if (start < 0) start = length + start;
  if (end < 0) end = length + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= length) end = length - 1;
  if (start > end || length === 0) return '';
  return value.slice(start, end + 1);
}

/**
 * SETRANGE key offset value: overwrites from offset, padding with zero bytes; keeps the TTL.
 * An empty value changes nothing and answers the current length (0 for a missing key).
 */
function setrange(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const offset = parseInteger(args[2]!);
  const patch = args[3]!;
  if (offset === null) return ERR_NOT_INTEGER;
  if (offset < 0) return ERR_OFFSET;
  const value = ctx.db.lookup(key);
  if (value !== undefined && typeof value !== 'string') return ERR_WRONGTYPE;
  const current = value ?? '';
  if (patch.length === 0) return current.length;
  const tooBig = checkStringLength(ctx, offset, patch.length);
  if (tooBig) return tooBig;
  const padded = current.length < offset ? current + '\0'.repeat(offset - current.length) : current;
  const next = padded.slice(0, offset) + patch + padded.slice(offset + patch.length);
  ctx.db.set(key, next, true);
  notifyKey(ctx, NOTIFY_STRING, 'setrange', key);
  return next.length;
}

export const rangeStringCommands: CommandSpec[] = [
  command('append', 3, ['write', 'denyoom', 'fast'], append, KEY1),
  command('strlen', 2, ['readonly', 'fast'], strlen, KEY1),
  command('getrange', 4, ['readonly'], getrange, KEY1),
  command('substr', 4, ['readonly'], getrange, KEY1),
  command('setrange', 4, ['write', 'denyoom'], setrange, KEY1),
];
