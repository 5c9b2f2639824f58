// The HyperLogLog operations the commands need, on either encoding (hyperloglog.c hllAdd, hllCount,
// hllMerge): add an element, count, merge registers into a byte-per-register array, turn dense.
// Everything here works on bytes; the commands own lookups, replies and propagation.

import { estimate } from './estimator.js';
import {
  denseHistogram,
  denseMaxInto,
  denseRaise,
  encodingOf,
  HLL_DENSE,
  HLL_REGISTERS,
  HLL_SPARSE,
  type HllBytes,
} from './layout.js';
import { patternOf } from './murmur.js';
import { sparseHistogram, sparseMaxInto, sparseToDense } from './sparse.js';
import { sparseRaise } from './sparse-set.js';

export type { HllBytes } from './layout.js';

/** hllAdd: 1 when a register grew, 0 when not, -1 for a corrupt sparse value. */
export function hllAdd(hll: HllBytes, element: string, sparseMaxBytes: number): -1 | 0 | 1 {
  const { index, count } = patternOf(element);
  return hllRaise(hll, index, count, sparseMaxBytes);
}

/** Raises one register on either encoding (PFMERGE writes registers this way). */
export function hllRaise(hll: HllBytes, index: number, count: number, sparseMaxBytes: number): -1 | 0 | 1 {
  const encoding = encodingOf(hll);
  if (encoding === HLL_DENSE) return denseRaise(hll.bytes, index, count) ? 1 : 0;
  if (encoding === HLL_SPARSE) return sparseRaise(hll, index, count, sparseMaxBytes);
  return -1;
}

/** hllCount on a stored value: the estimate, or null when a sparse value is corrupt. */
export function hllCount(hll: HllBytes): number | null {
  const histogram = new Int32Array(64);
  if (encodingOf(hll) === HLL_DENSE) denseHistogram(hll.bytes, histogram);
  else if (!sparseHistogram(hll, histogram)) return null;
  return estimate(histogram);
}

/** hllCount on the HLL_RAW form: one byte per register, as the multi-key PFCOUNT builds it. */
export function rawCount(max: Uint8Array): number {
  const histogram = new Int32Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) histogram[max[i]!]!++;
  return estimate(histogram);
}

/** hllMerge: max[i] = MAX(max[i], register i); false for a corrupt sparse value. */
export function hllMaxInto(hll: HllBytes, max: Uint8Array): boolean {
  if (encodingOf(hll) === HLL_DENSE) {
    denseMaxInto(hll.bytes, max);
    return true;
  }
  return sparseMaxInto(hll, max);
}

/** hllSparseToDense in place: false when the sparse value is corrupt (dense values are left alone). */
export function hllToDense(hll: HllBytes): boolean {
  if (encodingOf(hll) === HLL_DENSE) return true;
  const dense = sparseToDense(hll);
  if (!dense) return false;
  hll.bytes = dense.bytes;
  hll.length = dense.length;
  return true;
}
