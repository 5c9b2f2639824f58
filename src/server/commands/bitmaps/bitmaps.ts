// The bitmap family (Redis 7.0 bitops.c): SETBIT GETBIT here, BITCOUNT BITPOS in count-pos.ts, BITOP
// in bitop.ts, BITFIELD BITFIELD_RO in bitfield.ts. Bitmaps are ordinary string values (latin1 JS
// strings, one character per byte); bit 0 is the most significant bit of the first byte. A write
// is propagated as typed only when it changed the value (created or grew the string, or flipped a bit).

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { ERR_WRONGTYPE } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { bitTarget, parseBitOffset } from './bit-args.js';
import { bitCountPosCommands } from './count-pos.js';
import { bitopCommands } from './bitop.js';
import { bitfieldCommands } from './bitfield.js';
import { notifyKey, NOTIFY_STRING } from '../../keyspace/keyspace-events.js';

const ERR_BIT_VALUE = new ErrorReply('ERR bit is not an integer or out of range');

/** SETBIT key offset 0|1: answers the old bit; keeps the TTL. */
function setbit(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const offset = parseBitOffset(ctx, args[2]!);
  if (offset instanceof ErrorReply) return offset;
  // string2ll then `on & ~1`: only the exact texts 0 and 1 pass.
  const on = args[3] === '1' ? 1 : args[3] === '0' ? 0 : null;
  if (on === null) return ERR_BIT_VALUE;
  const target = bitTarget(ctx, key, offset);
  if (target instanceof ErrorReply) return target;
  const { current } = target;
  const byte = Math.floor(offset / 8);
  const mask = 0x80 >> offset % 8;
  const wasSet = byte < current.length && (current.charCodeAt(byte) & mask) !== 0;
  // Redis counts a change when the key was created, the string grew, or the bit flips.
  if (target.created || target.length !== current.length || wasSet !== (on === 1)) {
    // Slices and a concatenation: V8 joins the pieces once, on the next read, with one copy.
    const old = byte < current.length ? current.charCodeAt(byte) : 0;
    const head = byte < current.length ? current.slice(0, byte) : current + '\0'.repeat(byte - current.length);
    ctx.db.set(key, head + String.fromCharCode(on === 1 ? old | mask : old & ~mask) + current.slice(byte + 1), true);
    notifyKey(ctx, NOTIFY_STRING, 'setbit', key);
  }
  return wasSet ? 1 : 0;
}

/** GETBIT key offset: 0 past the end or for a missing key. */
function getbit(ctx: CommandContext, args: string[]): Reply {
  const offset = parseBitOffset(ctx, args[2]!);
  if (offset instanceof ErrorReply) return offset;
  const value = readKey(ctx, args[1]!);
  if (value === undefined) return 0;
  if (typeof value !== 'string') return ERR_WRONGTYPE;
  const byte = Math.floor(offset / 8);
  if (byte >= value.length) return 0;
  return (value.charCodeAt(byte) >> (7 - (offset % 8))) & 1;
}

export const bitmapCommands: CommandSpec[] = [
  command('setbit', 4, ['write', 'denyoom'], setbit, KEY1),
  command('getbit', 3, ['readonly', 'fast'], getbit, KEY1),
  ...bitCountPosCommands,
  ...bitopCommands,
  ...bitfieldCommands,
];
