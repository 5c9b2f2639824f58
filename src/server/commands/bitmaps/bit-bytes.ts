// Bit-level reads on string values (bitops.c redisPopcount / redisBitpos and the bitfield getters and
// setters). Our strings are latin1 JS strings, one character per byte; bit 0 is the most significant
// bit of byte 0, as Redis numbers them. Pure functions: no keyspace, no replies.

const BITS_IN_BYTE = new Uint8Array(256);
for (let i = 1; i < 256; i++) BITS_IN_BYTE[i] = (i & 1) + BITS_IN_BYTE[i >> 1]!;

/** Mask of the bits of a byte at or after bit `first` (0 = the most significant). */
const fromBit = (first: number): number => 0xff >> first;
/** Mask of the bits of a byte at or before bit `last`. */
const toBit = (last: number): number => (0xff << (7 - last)) & 0xff;

/** A reusable 64 KB window: long ranges are copied in (a memcpy) and counted four bytes at a time. */
const CHUNK = 65536;
const chunk = Buffer.allocUnsafeSlow(CHUNK);
const chunkWords = new Uint32Array(chunk.buffer, chunk.byteOffset, CHUNK / 4);

function popcount32(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Set bits in the whole bytes [from, to) of a string. */
function countBytes(text: string, from: number, to: number): number {
  let count = 0;
  let at = from;
  while (to - at >= 64) {
    const size = Math.min(CHUNK, to - at);
    chunk.write(text.slice(at, at + size), 0, 'latin1');
    const words = size >>> 2;
    for (let i = 0; i < words; i++) count += popcount32(chunkWords[i]!);
    for (let i = words * 4; i < size; i++) count += BITS_IN_BYTE[chunk[i]!]!;
    at += size;
  }
  for (; at < to; at++) count += BITS_IN_BYTE[text.charCodeAt(at)]!;
  return count;
}

/** Set bits between bit positions lo and hi inclusive (both inside the string). */
export function countBits(text: string, lo: number, hi: number): number {
  const firstByte = Math.floor(lo / 8);
  const lastByte = Math.floor(hi / 8);
  if (firstByte === lastByte) return BITS_IN_BYTE[text.charCodeAt(firstByte) & fromBit(lo % 8) & toBit(hi % 8)]!;
  const edges = BITS_IN_BYTE[text.charCodeAt(firstByte) & fromBit(lo % 8)]! + BITS_IN_BYTE[text.charCodeAt(lastByte) & toBit(hi % 8)]!;
  return edges + countBytes(text, firstByte + 1, lastByte);
}

/** Position of the first bit equal to `bit` between bit positions lo and hi inclusive, or -1. */
export function findBit(text: string, lo: number, hi: number, bit: 0 | 1): number {
  const firstByte = Math.floor(lo / 8);
  const lastByte = Math.floor(hi / 8);
  const skip = bit === 1 ? 0 : 0xff;
  for (let i = firstByte; i <= lastByte; i++) {
    let byte = text.charCodeAt(i);
    if (byte === skip) continue;
    if (bit === 0) byte = ~byte & 0xff;
    if (i === firstByte) byte &= fromBit(lo % 8);
    if (i === lastByte) byte &= toBit(hi % 8);
    if (byte !== 0) return i * 8 + Math.clz32(byte) - 24;
  }
  return -1;
}

/** The bit at a position of a byte array (0 past its end). */
function bitAt(bytes: Uint8Array, position: number): number {
  return ((bytes[Math.floor(position / 8)] ?? 0) >>> (7 - (position % 8))) & 1;
}

/** getUnsignedBitfield: `bits` bits from bit `offset`, most significant first. */
export function readBits(bytes: Uint8Array, offset: number, bits: number): bigint {
  if (bits <= 48) {
    let value = 0;
    for (let j = 0; j < bits; j++) value = value * 2 + bitAt(bytes, offset + j);
    return BigInt(value);
  }
  let value = 0n;
  for (let j = 0; j < bits; j++) value = (value << 1n) | BigInt(bitAt(bytes, offset + j));
  return value;
}

/** setUnsignedBitfield: writes the low `bits` bits of `value` from bit `offset` (two's complement). */
export function writeBits(bytes: Uint8Array, offset: number, bits: number, value: bigint): void {
  const unsigned = BigInt.asUintN(bits, value);
  for (let j = 0; j < bits; j++) {
    const position = offset + j;
    const mask = 1 << (7 - (position % 8));
    const on = (unsigned >> BigInt(bits - 1 - j)) & 1n;
    const at = Math.floor(position / 8);
    bytes[at] = on ? bytes[at]! | mask : bytes[at]! & ~mask;
  }
}

/** Up to 9 bytes of a string from `byte` on, zero-padded: what one BITFIELD GET can touch. */
export function window(text: string, byte: number): Uint8Array {
  const out = new Uint8Array(9);
  for (let i = 0; i < 9 && byte + i < text.length; i++) out[i] = text.charCodeAt(byte + i);
  return out;
}
