// Stream ID arguments as Redis 7.0 t_stream.c parses them (streamGenericParseIDOrReply): `<ms>-<seq>`
// or `<ms>` (the sequence then defaults per command), `-` and `+` unless strict, `<ms>-*` for XADD,
// and `(` for exclusive range bounds. Each number goes through string2ull, which falls back on
// strtoull: leading blanks, `+`, leading zeros and even a negated value (`-01`) are accepted.
// The parser sees a C string: it stops at a NUL byte.

import { ErrorReply } from '../../../shared/resp/reply.js';
import { parseInt64 } from '../../base/args.js';
import { decrId, incrId, MAX_ID, UINT64_MAX, ZERO_ID, type StreamId } from '../../keyspace/stream-id.js';

export const ERR_INVALID_ID = new ErrorReply('ERR Invalid stream ID specified as stream command argument');
export const ERR_INVALID_START = new ErrorReply('ERR invalid start ID for the interval');
export const ERR_INVALID_END = new ErrorReply('ERR invalid end ID for the interval');

const TWO_64 = 2n ** 64n;
const STRTOULL = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/;

/** util.c string2ull: string2ll first (negative refused), else strtoull's rules. */
export function string2ull(text: string): bigint | null {
  const exact = parseInt64(text);
  if (exact !== null) return exact < 0n ? null : exact;
  const match = STRTOULL.exec(text);
  if (match === null) return null;
  const value = BigInt(match[2]!);
  if (value > UINT64_MAX) return null;
  return match[1] === '-' ? (TWO_64 - value) % TWO_64 : value;
}

export interface ParsedId {
  id: StreamId;
  /** False for XADD's `<ms>-*` form. */
  seqGiven: boolean;
}

export interface IdParseOptions {
  /** Sequence used when only `<ms>` is given. */
  missingSeq?: bigint;
  /** Refuse `-` and `+`. */
  strict?: boolean;
  /** Accept `<ms>-*` (XADD). */
  seqWildcard?: boolean;
}

/** Parses one ID argument; null when it is not one (callers answer ERR_INVALID_ID). */
export function parseStreamId(arg: string, options: IdParseOptions = {}): ParsedId | null {
  if (arg.length > 127) return null;
  const nul = arg.indexOf('\0');
  const text = nul >= 0 ? arg.slice(0, nul) : arg;
  if (text === '-' || text === '+') {
    if (options.strict) return null;
    return { id: text === '-' ? ZERO_ID : MAX_ID, seqGiven: true };
  }
  const dash = text.indexOf('-');
  const ms = string2ull(dash >= 0 ? text.slice(0, dash) : text);
  if (ms === null) return null;
  if (dash < 0) return { id: { ms, seq: options.missingSeq ?? 0n }, seqGiven: true };
  const seqText = text.slice(dash + 1);
  if (options.seqWildcard && seqText === '*') return { id: { ms, seq: 0n }, seqGiven: false };
  const seq = string2ull(seqText);
  return seq === null ? null : { id: { ms, seq }, seqGiven: true };
}

/** A strict ID (no `-` / `+`) or the error reply. */
export function strictId(arg: string): StreamId | ErrorReply {
  const parsed = parseStreamId(arg, { strict: true });
  return parsed === null ? ERR_INVALID_ID : parsed.id;
}

/** A range start: `(` makes it exclusive (streamParseIntervalIDOrReply then streamIncrID). */
export function rangeStart(arg: string): StreamId | ErrorReply {
  const exclusive = arg.length > 1 && arg[0] === '(';
  const parsed = parseStreamId(exclusive ? arg.slice(1) : arg, { strict: exclusive, missingSeq: 0n });
  if (parsed === null) return ERR_INVALID_ID;
  if (!exclusive) return parsed.id;
  return incrId(parsed.id) ?? ERR_INVALID_START;
}

/** A range end: a bare `<ms>` means its last sequence; `(` makes it exclusive. */
export function rangeEnd(arg: string): StreamId | ErrorReply {
  const exclusive = arg.length > 1 && arg[0] === '(';
  const parsed = parseStreamId(exclusive ? arg.slice(1) : arg, { strict: exclusive, missingSeq: UINT64_MAX });
  if (parsed === null) return ERR_INVALID_ID;
  if (!exclusive) return parsed.id;
  return decrId(parsed.id) ?? ERR_INVALID_END;
}
