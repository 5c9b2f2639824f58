// BITOP AND | OR | XOR | NOT destkey key... (Redis 7.0 bitops.c bitopCommand): missing keys are empty
// strings, shorter inputs are padded with zero bytes to the longest, and the result replaces destkey
// whatever its type (its TTL goes). An empty result deletes destkey, which counts as a write only
// when destkey existed. The reply is the result's length.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { is } from '../../base/args.js';
import { ERR_SYNTAX, ERR_WRONGTYPE } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { NOTIFY_STRING } from '../../keyspace/keyspace-events.js';
import { storeOrDelete } from '../../base/store-result.js';

const ERR_NOT_ONE_KEY = new ErrorReply('ERR BITOP NOT must be called with a single source key.');

type BitOp = 'AND' | 'OR' | 'XOR' | 'NOT';

function parseOp(name: string): BitOp | null {
  for (const op of ['AND', 'OR', 'XOR', 'NOT'] as const) if (is(name, op)) return op;
  return null;
}

/** Combines the sources byte by byte into a buffer as long as the longest source. */
function combine(op: BitOp, sources: Buffer[], length: number): Buffer {
  const out = Buffer.alloc(length);
  const first = sources[0]!;
  out.set(first);
  if (op === 'NOT') {
    for (let i = 0; i < length; i++) out[i] = ~out[i]! & 0xff;
    return out;
  }
  for (let s = 1; s < sources.length; s++) {
    const source = sources[s]!;
    if (op === 'AND') {
      for (let i = 0; i < length; i++) out[i]! &= source[i] ?? 0;
    } else if (op === 'OR') {
      for (let i = 0; i < source.length; i++) out[i]! |= source[i]!;
    } else {
      for (let i = 0; i < source.length; i++) out[i]! ^= source[i]!;
    }
  }
  return out;
}

function bitop(ctx: CommandContext, args: string[]): Reply {
  const op = parseOp(args[1]!);
  if (op === null) return ERR_SYNTAX;
  if (op === 'NOT' && args.length !== 4) return ERR_NOT_ONE_KEY;
  const dest = args[2]!;
  const sources: Buffer[] = [];
  let length = 0;
  for (let i = 3; i < args.length; i++) {
    const value = readKey(ctx, args[i]!);
    if (value !== undefined && typeof value !== 'string') return ERR_WRONGTYPE;
    const bytes = Buffer.from(value ?? '', 'latin1');
    sources.push(bytes);
    if (bytes.length > length) length = bytes.length;
  }
  storeOrDelete(ctx, dest, length === 0 ? null : combine(op, sources, length).toString('latin1'), NOTIFY_STRING, 'set');
  return length;
}

export const bitopCommands: CommandSpec[] = [
  command('bitop', -4, ['write', 'denyoom'], bitop, { first: 2, last: -1, step: 1 }),
];
