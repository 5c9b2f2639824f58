// Owns the key -> hash slot function of Redis Cluster: CRC16 (the XMODEM variant Redis's crc16.c
// implements) of the key, or of its first non-empty `{hash tag}`, keeping the low 14 bits.
// Keys arrive as latin1 JS strings (one char = one byte, the keyspace's binary-safe form) or bytes.

/** Number of hash slots in a Redis Cluster (cluster.h CLUSTER_SLOTS). */
export const CLUSTER_SLOTS = 16384;

/** Slots are the CRC's low 14 bits (keyHashSlot masks with 0x3FFF, i.e. CLUSTER_SLOTS - 1). */
const SLOT_MASK = CLUSTER_SLOTS - 1;

const OPEN_BRACE = 0x7b; // '{'
const CLOSE_BRACE = 0x7d; // '}'

/**
 * CRC-16/XMODEM lookup table: polynomial x^16 + x^12 + x^5 + 1 (0x1021), initial value 0, no
 * reflection, no final xor — the parameters crc16.c documents ("123456789" -> 0x31C3). Built once
 * here from the polynomial rather than spelled out.
 */
const TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

/** CRC16/XMODEM of bytes [start, end) of a byte array. */
export function crc16Bytes(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/**
 * CRC16/XMODEM of chars [start, end) of a latin1 string. A char above 0xFF is not a byte; like
 * Buffer.from(s, 'latin1') we keep its low 8 bits.
 */
export function crc16(key: string, start = 0, end = key.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ key.charCodeAt(i)) & 0xff]!;
  return crc;
}

/**
 * Which part of a key is hashed, as keyHashSlot decides it: the bytes between the first '{' and the
 * first '}' after it when that span is non-empty; otherwise the whole key (no '{', no '}' after it,
 * or "{}" — later braces are then NOT searched, so `a{}{b}` hashes whole). Returns [start, end).
 */
function hashedSpan(length: number, open: number, closeAfter: (from: number) => number): [number, number] {
  if (open < 0) return [0, length];
  const close = closeAfter(open + 1);
  if (close < 0 || close === open + 1) return [0, length];
  return [open + 1, close];
}

/**
 * Hash slot (0..16383) of a key held as a latin1 string, exactly as `CLUSTER KEYSLOT` answers.
 * Every char must be a byte (code <= 0xFF), which is how our keyspace holds binary keys.
 */
export function keySlot(key: string): number {
  const [start, end] = hashedSpan(key.length, key.indexOf('{'), (from) => key.indexOf('}', from));
  return crc16(key, start, end) & SLOT_MASK;
}

/** Hash slot (0..16383) of a key held as bytes (a Buffer or any Uint8Array). */
export function keySlotOfBytes(key: Uint8Array): number {
  const [start, end] = hashedSpan(key.length, key.indexOf(OPEN_BRACE), (from) => key.indexOf(CLOSE_BRACE, from));
  return crc16Bytes(key, start, end) & SLOT_MASK;
}

/** The part of a latin1 key that decides its slot: its hash tag, or the whole key. */
export function hashTagOf(key: string): string {
  const [start, end] = hashedSpan(key.length, key.indexOf('{'), (from) => key.indexOf('}', from));
  return key.slice(start, end);
}
