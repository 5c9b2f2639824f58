// What the bit commands share (bitops.c): the bit offset argument with its proto-max-bulk-len limit
// and BITFIELD's `#N` form, and lookupStringForBitCommand, which finds (or will create) the string a
// write grows with zero bytes up to the highest byte it touches.

import { constants } from 'node:buffer';
import { ErrorReply } from '../../../shared/resp/reply.js';
import { parseInt64, parseInteger } from '../../base/args.js';
import { ERR_STRING_TOO_BIG, ERR_WRONGTYPE } from '../../base/errors.js';
import type { CommandContext } from '../../base/command-spec.js';

export const ERR_BIT_OFFSET = new ErrorReply('ERR bit offset is not an integer or out of range');

/**
 * getBitOffsetFromArgument: a non-negative int64 whose byte (offset / 8) is below proto-max-bulk-len
 * (our master's commands are exempt, as Redis's mustObeyClient). With `fieldBits` (BITFIELD), `#N`
 * means N * fieldBits, multiplied in 64 bits as C does (an overflow wraps, then fails the sign test).
 * Checked exactly; returned as a number (past 2^53 it only ever points beyond any string we hold).
 */
export function parseBitOffset(ctx: CommandContext, text: string, fieldBits = 0): number | ErrorReply {
  const limit = ctx.client.isMaster ? Infinity : ctx.server.config.num('proto-max-bulk-len');
  const hash = fieldBits > 0 && text.startsWith('#');
  if (!hash && text.length < 16) {
    // The common case, exact in doubles.
    const offset = parseInteger(text);
    if (offset === null || offset < 0 || Math.floor(offset / 8) >= limit) return ERR_BIT_OFFSET;
    return offset;
  }
  const parsed = parseInt64(hash ? text.slice(1) : text);
  if (parsed === null) return ERR_BIT_OFFSET;
  const offset = hash ? BigInt.asIntN(64, parsed * BigInt(fieldBits)) : parsed;
  if (offset < 0n || (limit !== Infinity && offset >> 3n >= BigInt(limit))) return ERR_BIT_OFFSET;
  return Number(offset);
}

/** A string a bit write will change: its current bytes and the length it will have. */
export interface BitTarget {
  current: string;
  /** The key did not exist: the write creates it (a change even if no bit flips). */
  created: boolean;
  /** Length after growing to hold the highest byte written (at least the current length). */
  length: number;
}

/**
 * lookupStringForBitCommand for a write reaching bit `maxBit`: WRONGTYPE for other types. Past the
 * longest string V8 holds (a little under 512MB) we answer the string-size error, where Redis
 * would still allocate.
 */
export function bitTarget(ctx: CommandContext, key: string, maxBit: number): BitTarget | ErrorReply {
  const value = ctx.db.lookup(key);
  if (value !== undefined && typeof value !== 'string') return ERR_WRONGTYPE;
  const current = value ?? '';
  const lastByte = Math.floor(maxBit / 8);
  if (lastByte >= constants.MAX_STRING_LENGTH) return ERR_STRING_TOO_BIG;
  return { current, created: value === undefined, length: Math.max(current.length, lastByte + 1) };
}

/** The target's bytes, grown with zero bytes to its new length, ready to be written. */
export function targetBytes(target: BitTarget): Buffer {
  const bytes = Buffer.alloc(target.length);
  bytes.write(target.current, 0, 'latin1');
  return bytes;
}
