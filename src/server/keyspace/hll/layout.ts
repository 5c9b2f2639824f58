// The byte layout of a Redis HyperLogLog string (hyperloglog.c `struct hllhdr`): "HYLL", one
// encoding byte (0 dense, 1 sparse), three reserved bytes, the cached cardinality as 8 little-endian
// bytes whose top bit marks it stale, then the registers. Dense registers are 16384 six-bit counters
// packed from the least significant bit of each byte upwards (register 0 = low 6 bits of byte 0,
// register 1 = top 2 bits of byte 0 + low 4 bits of byte 1, ...): 12288 bytes, 12304 in all.

export const HLL_P = 14;
export const HLL_REGISTERS = 1 << HLL_P;
/** Bits of the hash left after the register index: the longest run is Q + 1 = 51. */
export const HLL_Q = 64 - HLL_P;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + (HLL_REGISTERS * 6) / 8;
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const ENCODING_AT = 4;
const CARD_AT = 8;
const MAGIC = [0x48, 0x59, 0x4c, 0x4c]; // "HYLL"

/** An HLL being worked on: its bytes (a sparse one may have spare room past `length`, kept zero). */
export interface HllBytes {
  bytes: Uint8Array;
  length: number;
}

export function encodingOf(hll: HllBytes): number {
  return hll.bytes[ENCODING_AT]!;
}

/** Writes the header of a fresh HLL: magic, encoding, reserved and cache bytes zero (a valid 0). */
export function writeHeader(bytes: Uint8Array, encoding: number): void {
  bytes.set(MAGIC, 0);
  bytes[ENCODING_AT] = encoding;
}

export function setEncoding(bytes: Uint8Array, encoding: number): void {
  bytes[ENCODING_AT] = encoding;
}

/** HLL_VALID_CACHE: the top bit of the last cardinality byte is clear. */
export function cacheIsValid(bytes: Uint8Array): boolean {
  return (bytes[CARD_AT + 7]! & 0x80) === 0;
}

/** HLL_INVALIDATE_CACHE: sets that top bit, leaving the other 63 as they were. */
export function invalidateCache(bytes: Uint8Array): void {
  bytes[CARD_AT + 7] = bytes[CARD_AT + 7]! | 0x80;
}

/** A register's value from the two bytes holding it, starting at bit `shift` of the first. */
export function registerFrom(b0: number, b1: number, shift: number): number {
  return ((b0 >>> shift) | (b1 << (8 - shift))) & 63;
}

/** The two bytes after writing `value` into the register (HLL_DENSE_SET_REGISTER), as b0 | b1 << 8. */
export function registerInto(b0: number, b1: number, shift: number, value: number): number {
  const first = (b0 & ~(63 << shift)) | (value << shift);
  const second = (b1 & ~(63 >>> (8 - shift))) | (value >>> (8 - shift));
  return (first & 0xff) | ((second & 0xff) << 8);
}

/** HLL_DENSE_GET_REGISTER on the register area starting at `base`. */
export function denseGet(bytes: Uint8Array, base: number, index: number): number {
  const bit = index * 6;
  const at = base + (bit >>> 3);
  // Past the end reads as zero, like the sds terminator the C code relies on for the last register.
  return registerFrom(bytes[at]!, bytes[at + 1] ?? 0, bit & 7);
}

/** HLL_DENSE_SET_REGISTER: clears the register's bits in both bytes, then writes the value. */
export function denseSetRegister(bytes: Uint8Array, base: number, index: number, value: number): void {
  const bit = index * 6;
  const at = base + (bit >>> 3);
  const packed = registerInto(bytes[at]!, bytes[at + 1] ?? 0, bit & 7, value);
  bytes[at] = packed & 0xff;
  if (at + 1 < bytes.length) bytes[at + 1] = packed >>> 8;
}

/** hllDenseSet: raises the register to `count` if it is lower; true when it changed. */
export function denseRaise(bytes: Uint8Array, index: number, count: number): boolean {
  if (count <= denseGet(bytes, HLL_HDR_SIZE, index)) return false;
  denseSetRegister(bytes, HLL_HDR_SIZE, index, count);
  return true;
}

/** hllDenseRegHisto: how many registers hold each value 0..63 (every 3 bytes hold 4 registers). */
export function denseHistogram(bytes: Uint8Array, histogram: Int32Array): void {
  for (let at = HLL_HDR_SIZE; at < HLL_DENSE_SIZE; at += 3) {
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    const b2 = bytes[at + 2]!;
    histogram[b0 & 63]!++;
    histogram[((b0 >>> 6) | (b1 << 2)) & 63]!++;
    histogram[((b1 >>> 4) | (b2 << 4)) & 63]!++;
    histogram[b2 >>> 2]!++;
  }
}

/** Merges a dense HLL's registers into one byte per register (hllMerge's dense branch). */
export function denseMaxInto(bytes: Uint8Array, max: Uint8Array): void {
  for (let i = 0; i < HLL_REGISTERS; i++) {
    const value = denseGet(bytes, HLL_HDR_SIZE, i);
    if (value > max[i]!) max[i] = value;
  }
}
