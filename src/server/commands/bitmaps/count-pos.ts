// BITCOUNT key [start end [BYTE|BIT]] and BITPOS key bit [start [end [BYTE|BIT]]], following Redis
// 7.0 bitops.c: the key is looked up before the range is parsed (a missing key answers 0, or BITPOS's
// -1/0, whatever follows), negative indexes count from the end and are clamped, and BITPOS looking
// for a 0 without an explicit end treats the string as followed by zero bits.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { is, parseInt64 } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { countBits, findBit } from './bit-bytes.js';

const ERR_BIT_ARG = new ErrorReply('ERR The bit argument must be 1 or 0.');

/** An inclusive range of bit positions inside the string, or null when it is empty. */
interface BitRange {
  lo: number;
  hi: number;
}

/** Redis's index conversion: from the end when negative, clamped to the string, in bytes or bits. */
function toBitRange(start: bigint, end: bigint, length: number, inBits: boolean): BitRange | null {
  const total = BigInt(length) * (inBits ? 8n : 1n);
  if (start < 0n) start += total;
  if (end < 0n) end += total;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= total) end = total - 1n;
  if (start > end) return null;
  return inBits ? { lo: Number(start), hi: Number(end) } : { lo: Number(start) * 8, hi: Number(end) * 8 + 7 };
}

/** BYTE or BIT, case-insensitive; null for anything else (a syntax error). */
function parseUnit(arg: string): boolean | null {
  if (is(arg, 'BIT')) return true;
  return is(arg, 'BYTE') ? false : null;
}

/** The string value for a read, or the reply that ends the command (missing key or WRONGTYPE). */
function readString(ctx: CommandContext, key: string, missing: Reply): { text: string } | { reply: Reply } {
  const value = readKey(ctx, key);
  if (value === undefined) return { reply: missing };
  if (typeof value !== 'string') return { reply: ERR_WRONGTYPE };
  return { text: value };
}

function bitcount(ctx: CommandContext, args: string[]): Reply {
  const found = readString(ctx, args[1]!, 0);
  if ('reply' in found) return found.reply;
  const { text } = found;
  let range: BitRange | null;
  if (args.length === 4 || args.length === 5) {
    const start = parseInt64(args[2]!);
    if (start === null) return ERR_NOT_INTEGER;
    const end = parseInt64(args[3]!);
    if (end === null) return ERR_NOT_INTEGER;
    // Checked before the unit is even read: BITCOUNT k -1 -5 FOO answers 0.
    if (start < 0n && end < 0n && start > end) return 0;
    const inBits = args.length === 5 ? parseUnit(args[4]!) : false;
    if (inBits === null) return ERR_SYNTAX;
    range = toBitRange(start, end, text.length, inBits);
  } else if (args.length === 2) {
    range = toBitRange(0n, -1n, text.length, false);
  } else {
    return ERR_SYNTAX;
  }
  return range ? countBits(text, range.lo, range.hi) : 0;
}

/** BITPOS's range arguments: the bit range, whether an end was given, or the error. */
function bitposRange(args: string[], length: number): { range: BitRange | null; endGiven: boolean } | ErrorReply {
  if (args.length === 3) return { range: toBitRange(0n, -1n, length, false), endGiven: false };
  if (args.length > 6) return ERR_SYNTAX;
  const start = parseInt64(args[3]!);
  if (start === null) return ERR_NOT_INTEGER;
  const inBits = args.length === 6 ? parseUnit(args[5]!) : false;
  if (inBits === null) return ERR_SYNTAX;
  if (args.length < 5) return { range: toBitRange(start, BigInt(length) - 1n, length, false), endGiven: false };
  const end = parseInt64(args[4]!);
  if (end === null) return ERR_NOT_INTEGER;
  return { range: toBitRange(start, end, length, inBits), endGiven: true };
}

function bitpos(ctx: CommandContext, args: string[]): Reply {
  const bit = parseInt64(args[2]!);
  if (bit === null) return ERR_NOT_INTEGER;
  if (bit !== 0n && bit !== 1n) return ERR_BIT_ARG;
  const target = bit === 1n ? 1 : 0;
  // A missing key is an endless run of zeros.
  const found = readString(ctx, args[1]!, target === 1 ? -1 : 0);
  if ('reply' in found) return found.reply;
  const parsed = bitposRange(args, found.text.length);
  if (parsed instanceof ErrorReply) return parsed;
  const { range, endGiven } = parsed;
  if (!range) return -1;
  const position = findBit(found.text, range.lo, range.hi, target);
  if (position !== -1 || target === 1 || endGiven) return position;
  // Looking for a 0 up to the end of the string: the first bit past it.
  return range.hi + 1;
}

export const bitCountPosCommands: CommandSpec[] = [
  command('bitcount', -2, ['readonly'], bitcount, KEY1),
  command('bitpos', -3, ['readonly'], bitpos, KEY1),
];
