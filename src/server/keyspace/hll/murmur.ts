// MurmurHash64A as Redis's hyperloglog.c uses it (seed 0xadc83b19, input read as little-endian
// 64-bit words whatever the host), and the "pattern length" PFADD derives from the hash: the low 14
// bits pick the register, the run of zeros above them (plus the final 1) is the register's candidate.
//
// This is the HyperLogLog core of the node (`keyspace/hll/`): pure modules working on bytes, no
// keyspace, no replies. The handlers in `commands/hyperloglog/` convert our latin1 string values to
// bytes and back. The 64-bit arithmetic is done in two 32-bit halves (exact, and much faster than
// BigInt, which matters for PFSELFTEST's ten million additions).

const SEED = 0xadc83b19;
/** m = 0xc6a4a7935bd1e995: its two 32-bit words, and the low word's 16-bit halves. */
const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const M16 = 0x5bd1;
const M00 = 0xe995;

/** The hash of the last call, as two unsigned 32-bit halves (avoids an allocation per element). */
let hashHi = 0;
let hashLo = 0;

/** (hashHi:hashLo) *= m, modulo 2^64: the low word by Math.imul, its carry from 16-bit halves. */
function timesM(): void {
  const a1 = hashLo >>> 16;
  const a0 = hashLo & 0xffff;
  const low = a0 * M00;
  const cross = a0 * M16 + a1 * M00; // < 2^33: exact
  const carry = Math.floor((cross + (low >>> 16)) / 0x10000) + a1 * M16;
  hashHi = (carry + Math.imul(hashLo, M_HI) + Math.imul(hashHi, M_LO)) >>> 0;
  hashLo = Math.imul(hashLo, M_LO) >>> 0;
}

/** (hashHi:hashLo) ^= (hashHi:hashLo) >>> 47: only the top 17 bits reach the low half. */
function xorShift47(): void {
  hashLo = (hashLo ^ (hashHi >>> 15)) >>> 0;
}

/** The little-endian 32-bit word of a latin1 string at `at`. */
function word(text: string, at: number): number {
  return (
    (text.charCodeAt(at) | (text.charCodeAt(at + 1) << 8) | (text.charCodeAt(at + 2) << 16) | (text.charCodeAt(at + 3) << 24)) >>> 0
  );
}

/** Mixes the input's trailing 1..7 bytes into the hash (the C switch's fall-through). */
function mixTail(text: string, at: number, rest: number): void {
  if (rest === 0) return;
  let lo = 0;
  let hi = 0;
  for (let i = rest - 1; i >= 0; i--) {
    const byte = text.charCodeAt(at + i);
    if (i >= 4) hi |= byte << ((i - 4) * 8);
    else lo |= byte << (i * 8);
  }
  hashHi = (hashHi ^ hi) >>> 0;
  hashLo = (hashLo ^ lo) >>> 0;
  timesM();
}

/** h = seed ^ (len * m) */
function start(len: number): void {
  hashLo = len >>> 0;
  hashHi = Math.floor(len / 0x100000000) >>> 0;
  timesM();
  hashLo = (hashLo ^ SEED) >>> 0;
}

/** One 8-byte block (k = lo | hi << 32): k *= m; k ^= k >> 47; k *= m; h ^= k; h *= m. */
function mixBlock(lo: number, hi: number): void {
  const hHi = hashHi;
  const hLo = hashLo;
  hashLo = lo;
  hashHi = hi;
  timesM();
  xorShift47();
  timesM();
  hashHi = (hashHi ^ hHi) >>> 0;
  hashLo = (hashLo ^ hLo) >>> 0;
  timesM();
}

function finish(): void {
  xorShift47();
  timesM();
  xorShift47();
}

/** Runs the hash over a latin1 string; the result is left in hashHi/hashLo. */
function hashInto(text: string): void {
  const len = text.length;
  start(len);
  const blocks = len - (len & 7);
  for (let at = 0; at < blocks; at += 8) mixBlock(word(text, at), word(text, at + 4));
  mixTail(text, blocks, len & 7);
  finish();
}

/** MurmurHash64A(text, 0xadc83b19) as an unsigned 64-bit bigint (for tests and debugging). */
export function murmurHash64A(text: string): bigint {
  hashInto(text);
  return (BigInt(hashHi) << 32n) | BigInt(hashLo);
}

/** Number of trailing zero bits of a non-zero 32-bit value. */
function trailingZeros(value: number): number {
  return 31 - Math.clz32(value & -value);
}

/** Register index (0..16383) and pattern length (1..51) of an element, as Redis hllPatLen. */
export interface Pattern {
  index: number;
  count: number;
}

const scratch: Pattern = { index: 0, count: 0 };

/** Splits the hash into the register index and the pattern length (the rest of hllPatLen). */
function toPattern(): Pattern {
  scratch.index = hashLo & 0x3fff;
  const lo = ((hashLo >>> 14) | (hashHi << 18)) >>> 0;
  const hi = (hashHi >>> 14) | (1 << 18);
  scratch.count = 1 + (lo !== 0 ? trailingZeros(lo) : 32 + trailingZeros(hi));
  return scratch;
}

/**
 * hllPatLen: index = low 14 bits; count = 1 + trailing zeros of the remaining 50 bits, with bit 50
 * forced on so the count never exceeds 51. Returns a shared object: read it before the next call.
 */
export function patternOf(element: string): Pattern {
  hashInto(element);
  return toPattern();
}

/** patternOf for the 8 little-endian bytes of a 64-bit integer (PFSELFTEST's elements). */
export function patternOfUint64(lo: number, hi: number): Pattern {
  start(8);
  mixBlock(lo >>> 0, hi >>> 0);
  finish();
  return toPattern();
}
