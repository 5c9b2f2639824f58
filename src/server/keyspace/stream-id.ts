// Stream entry IDs (Redis 7.0 stream.h streamID): two unsigned 64-bit numbers, milliseconds and
// sequence, ordered as one 128-bit number. Held as bigints so every ID a client can type
// (up to 18446744073709551615-18446744073709551615) is exact.

export interface StreamId {
  readonly ms: bigint;
  readonly seq: bigint;
}

export const UINT64_MAX = 0xffffffffffffffffn;
export const ZERO_ID: StreamId = { ms: 0n, seq: 0n };
export const MAX_ID: StreamId = { ms: UINT64_MAX, seq: UINT64_MAX };

export function makeId(ms: bigint, seq: bigint): StreamId {
  return { ms, seq };
}

/** -1, 0 or 1 as a is before, equal to or after b (streamCompareID). */
export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function isZeroId(id: StreamId): boolean {
  return id.ms === 0n && id.seq === 0n;
}

/** The next ID, or null past the last possible one (streamIncrID's C_ERR). */
export function incrId(id: StreamId): StreamId | null {
  if (id.seq !== UINT64_MAX) return { ms: id.ms, seq: id.seq + 1n };
  if (id.ms !== UINT64_MAX) return { ms: id.ms + 1n, seq: 0n };
  return null;
}

/** The previous ID, or null before 0-0 (streamDecrID's C_ERR). */
export function decrId(id: StreamId): StreamId | null {
  if (id.seq !== 0n) return { ms: id.ms, seq: id.seq - 1n };
  if (id.ms !== 0n) return { ms: id.ms - 1n, seq: UINT64_MAX };
  return null;
}

/** "<ms>-<seq>", the form every reply uses. */
export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** The 16-byte big-endian form RDB files use for node keys and PEL entries (streamEncodeID). */
export function encodeId(id: StreamId): Buffer {
  const out = Buffer.alloc(16);
  out.writeBigUInt64BE(id.ms, 0);
  out.writeBigUInt64BE(id.seq, 8);
  return out;
}

export function decodeId(buf: Buffer, offset = 0): StreamId {
  return { ms: buf.readBigUInt64BE(offset), seq: buf.readBigUInt64BE(offset + 8) };
}

/** The ID an XADD `*` generates (streamNextID): the clock's ms, or the last ID's successor. */
export function nextAutoId(last: StreamId, nowMs: number): StreamId | null {
  const ms = BigInt(nowMs);
  if (ms > last.ms) return { ms, seq: 0n };
  return incrId(last);
}
