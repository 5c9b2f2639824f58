// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
// [OVERFLOW WRAP|SAT|FAIL] ... and BITFIELD_RO key [GET type offset] ... (Redis 7.0 bitops.c
// bitfieldGeneric). Every operation is parsed before anything runs; OVERFLOW applies to the writes
// after it. Types are i1..i64 and u1..u63; offsets are bits, or `#N` for N fields of the type.
// A write grows the string to the highest bit written; it is propagated (as typed, GETs included)
// only when a field changed value, or when the write created or grew the string.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { is, parseInt64 } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { bitTarget, parseBitOffset, targetBytes } from './bit-args.js';
import { readBits, window, writeBits } from './bit-bytes.js';
import { asField, assignField, incrementField, type FieldType, type OverflowMode } from './bitfield-math.js';
import { notifyKey, NOTIFY_STRING } from '../../keyspace/keyspace-events.js';

const ERR_TYPE = new ErrorReply('ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.');
const ERR_OVERFLOW_TYPE = new ErrorReply('ERR Invalid OVERFLOW type specified');
const ERR_RO_GET_ONLY = new ErrorReply('ERR BITFIELD_RO only supports the GET subcommand');

interface FieldOp {
  kind: 'get' | 'set' | 'incrby';
  type: FieldType;
  offset: number;
  /** The SET value or the INCRBY increment. */
  operand: bigint;
  overflow: OverflowMode;
}

/** getBitfieldTypeFromArgument: `i` or `u` then the width (read up to a NUL byte, as C's strlen). */
function parseType(text: string): FieldType | null {
  const signed = text[0] === 'i';
  if (!signed && text[0] !== 'u') return null;
  const nul = text.indexOf('\0');
  const bits = parseInt64(text.slice(1, nul === -1 ? undefined : nul));
  if (bits === null || bits < 1n || bits > (signed ? 64n : 63n)) return null;
  return { signed, bits: Number(bits) };
}

function parseOverflow(text: string): OverflowMode | null {
  if (is(text, 'WRAP')) return 'wrap';
  if (is(text, 'SAT')) return 'sat';
  return is(text, 'FAIL') ? 'fail' : null;
}

/** Parses every operation, in Redis's order of checks; the first error wins. */
function parseOps(ctx: CommandContext, args: string[]): FieldOp[] | ErrorReply {
  const ops: FieldOp[] = [];
  let overflow: OverflowMode = 'wrap';
  for (let j = 2; j < args.length; j++) {
    const remaining = args.length - j - 1;
    const name = args[j]!;
    let kind: FieldOp['kind'];
    if (is(name, 'GET') && remaining >= 2) kind = 'get';
    else if (is(name, 'SET') && remaining >= 3) kind = 'set';
    else if (is(name, 'INCRBY') && remaining >= 3) kind = 'incrby';
    else if (is(name, 'OVERFLOW') && remaining >= 1) {
      const mode = parseOverflow(args[++j]!);
      if (mode === null) return ERR_OVERFLOW_TYPE;
      overflow = mode;
      continue;
    } else return ERR_SYNTAX;
    const type = parseType(args[j + 1]!);
    if (!type) return ERR_TYPE;
    const offset = parseBitOffset(ctx, args[j + 2]!, type.bits);
    if (offset instanceof ErrorReply) return offset;
    let operand = 0n;
    if (kind !== 'get') {
      const parsed = parseInt64(args[j + 3]!);
      if (parsed === null) return ERR_NOT_INTEGER;
      operand = parsed;
    }
    ops.push({ kind, type, offset, operand, overflow });
    j += kind === 'get' ? 2 : 3;
  }
  return ops;
}

/** A GET: up to 9 bytes copied around the field, so reads past the end see zeros. */
function getField(source: string | Uint8Array, op: FieldOp): Reply {
  const byte = Math.floor(op.offset / 8);
  const bytes = typeof source === 'string' ? window(source, byte) : source.subarray(byte, byte + 9);
  return toReply(asField(op.type, readBits(bytes, op.offset % 8, op.type.bits)));
}

function toReply(value: bigint): Reply {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A SET or INCRBY on the grown bytes: its reply, and whether the field's value changed. */
function writeField(bytes: Uint8Array, op: FieldOp): { reply: Reply; changed: boolean } {
  const at = op.offset;
  const old = asField(op.type, readBits(bytes, at, op.type.bits));
  const update = op.kind === 'incrby' ? incrementField(op.type, old, op.operand, op.overflow) : assignField(op.type, op.operand, op.overflow);
  if (update.overflow && op.overflow === 'fail') return { reply: null, changed: false };
  writeBits(bytes, at, op.type.bits, update.value);
  return { reply: toReply(op.kind === 'incrby' ? update.value : old), changed: old !== update.value };
}

/** Only GETs: a read (a missing key reads as zeros). */
function runReadOnly(ctx: CommandContext, key: string, ops: FieldOp[]): Reply {
  const value = readKey(ctx, key);
  if (value !== undefined && typeof value !== 'string') return ERR_WRONGTYPE;
  return ops.map((op) => getField(value ?? '', op));
}

function runWrites(ctx: CommandContext, key: string, ops: FieldOp[]): Reply {
  let maxBit = 0;
  for (const op of ops) {
    const last = op.offset + op.type.bits - 1;
    if (op.kind !== 'get' && last > maxBit) maxBit = last;
  }
  const target = bitTarget(ctx, key, maxBit);
  if (target instanceof ErrorReply) return target;
  const bytes = targetBytes(target);
  const grew = target.created || target.length !== target.current.length;
  let changes = 0;
  const replies = ops.map((op) => {
    if (op.kind === 'get') return getField(bytes, op);
    const result = writeField(bytes, op);
    if (result.reply !== null && (grew || result.changed)) changes++;
    return result.reply;
  });
  if (changes > 0 || grew) ctx.db.set(key, bytes.toString('latin1'), true);
  if (changes > 0) notifyKey(ctx, NOTIFY_STRING, 'setbit', key);
  // Redis creates or grows the string before running the operations but only counts a change when
  // a field was written: if every write failed (OVERFLOW FAIL) the growth stays local.
  if (changes === 0 && grew) ctx.suppressPropagation();
  return replies;
}

function bitfieldWith(readOnlyCommand: boolean) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const ops = parseOps(ctx, args);
    if (ops instanceof ErrorReply) return ops;
    if (ops.every((op) => op.kind === 'get')) return runReadOnly(ctx, args[1]!, ops);
    if (readOnlyCommand) return ERR_RO_GET_ONLY;
    return runWrites(ctx, args[1]!, ops);
  };
}

export const bitfieldCommands: CommandSpec[] = [
  command('bitfield', -2, ['write', 'denyoom'], bitfieldWith(false), KEY1),
  command('bitfield_ro', -2, ['readonly', 'fast'], bitfieldWith(true), KEY1),
];
