// How the HyperLogLog commands see a key: a string value checked as Redis's isHLLObjectOrReply does
// (other types: the usual WRONGTYPE; strings that are not an HLL: Redis's own WRONGTYPE text), copied
// into bytes for the core in `keyspace/hll/` and written back as a latin1 string. The two hot paths
// skip the 12 KB round trip: PFADD on a dense value and PFCOUNT's cache write patch the few bytes
// they change into the string itself (slices and a concatenation).

import { ErrorReply } from '../../../shared/resp/reply.js';
import { ERR_WRONGTYPE } from '../../base/errors.js';
import type { Value } from '../../keyspace/values.js';
import { HLL_DENSE, HLL_DENSE_SIZE, HLL_HDR_SIZE, registerFrom, registerInto, type HllBytes } from '../../keyspace/hll/layout.js';
import { patternOf } from '../../keyspace/hll/murmur.js';

export const ERR_NOT_HLL = new ErrorReply('WRONGTYPE Key is not a valid HyperLogLog string value.');
export const ERR_CORRUPT_HLL = new ErrorReply('INVALIDOBJ Corrupted HLL object detected');
/** The last cached-cardinality byte; its top bit set means stale. */
const CACHE_LAST = 15;

/**
 * The header checks on the string itself (no copy): long enough, "HYLL", encoding 0 or 1, and a
 * dense value exactly 12304 bytes long. A sparse body is only validated when it is walked.
 */
function isHllString(value: string): boolean {
  if (value.length < HLL_HDR_SIZE || !value.startsWith('HYLL')) return false;
  const encoding = value.charCodeAt(4);
  if (encoding > 1) return false;
  return encoding !== HLL_DENSE || value.length === HLL_DENSE_SIZE;
}

/** The value as an HLL string, or the error Redis answers for it. */
export function checkHll(value: Value): string | ErrorReply {
  if (typeof value !== 'string') return ERR_WRONGTYPE;
  return isHllString(value) ? value : ERR_NOT_HLL;
}

/** Bytes of a checked HLL string, to work on. */
export function toBytes(value: string): HllBytes {
  const bytes = Buffer.from(value, 'latin1');
  return { bytes, length: bytes.length };
}

/** The string to store. */
export function toValue(hll: HllBytes): string {
  return Buffer.from(hll.bytes.buffer, hll.bytes.byteOffset, hll.length).toString('latin1');
}

/** The cached-cardinality bytes straight from the string: valid flag clear in the last byte. */
export function cachedCardinality(value: string): number | bigint | undefined {
  const high = value.charCodeAt(CACHE_LAST);
  if ((high & 0x80) !== 0) return undefined;
  const word = (at: number): number =>
    (value.charCodeAt(at) | (value.charCodeAt(at + 1) << 8) | (value.charCodeAt(at + 2) << 16) | (value.charCodeAt(at + 3) << 24)) >>> 0;
  const lo = word(CACHE_LAST - 7);
  const hi = word(CACHE_LAST - 3);
  // Above 2^53 only a hand-made value gets there: answer it exactly.
  return hi < 0x200000 ? hi * 0x100000000 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}

/** The string with `chars` written from byte `at` (slices and a concatenation: no 12 KB copy). */
function patch(value: string, at: number, chars: string): string {
  return value.slice(0, at) + chars + value.slice(at + chars.length);
}

/**
 * PFADD on a dense value, done on the string: each raised register is patched in (the two bytes
 * holding it) and the cache marked stale. Null when no register grew (PFADD answers 0, no write).
 */
export function denseAddToString(value: string, elements: string[]): string | null {
  let out = value;
  let raised = false;
  for (const element of elements) {
    const { index, count } = patternOf(element);
    const bit = index * 6;
    const at = HLL_HDR_SIZE + (bit >>> 3);
    const last = at + 1 >= out.length;
    const b0 = out.charCodeAt(at);
    const b1 = last ? 0 : out.charCodeAt(at + 1);
    if (count <= registerFrom(b0, b1, bit & 7)) continue;
    const packed = registerInto(b0, b1, bit & 7, count);
    out = patch(out, at, last ? String.fromCharCode(packed & 0xff) : String.fromCharCode(packed & 0xff, packed >>> 8));
    raised = true;
  }
  if (!raised) return null;
  return patch(out, CACHE_LAST, String.fromCharCode(out.charCodeAt(CACHE_LAST) | 0x80));
}

/** The value with a freshly computed cardinality in its cache bytes (little endian, valid). */
export function withCachedCardinality(value: string, card: number): string {
  let chars = '';
  for (let i = 0, rest = card; i < 8; i++, rest = Math.floor(rest / 256)) chars += String.fromCharCode(rest % 256);
  return patch(value, CACHE_LAST - 7, chars);
}
