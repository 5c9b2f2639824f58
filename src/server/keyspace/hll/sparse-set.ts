// hllSparseSet: raising one register of a sparse HLL in place, with Redis's exact rules so that the
// bytes match redis-server's after the same PFADDs: find the opcode covering the register; a VAL
// already >= count changes nothing; a VAL or ZERO of length 1 is rewritten; anything else is split
// into up to three opcodes (ZERO/XZERO - VAL - ZERO/XZERO, or VAL - VAL - VAL); then up to five
// opcodes from the previous one are scanned to merge equal adjacent VALs. The value turns dense when
// the count does not fit a VAL (> 32) or the split would grow it past hll-sparse-max-bytes.

import { denseRaise, HLL_HDR_SIZE, invalidateCache, type HllBytes } from './layout.js';
import {
  isVal,
  isXzero,
  isZero,
  sparseToDense,
  SPARSE_VAL_MAX_LEN,
  SPARSE_VAL_MAX_VALUE,
  SPARSE_ZERO_MAX_LEN,
  valLength,
  valOpcode,
  valValue,
  writeXzero,
  xzeroLength,
  zeroLength,
  zeroOpcode,
} from './sparse.js';

/** Where the opcode covering a register sits: its offset, the one before (-1: none), its span. */
interface Located {
  at: number;
  prev: number;
  first: number;
  span: number;
}

/** Step 1 of hllSparseSet; null when the opcodes end before the register (a corrupt value). */
function locate(hll: HllBytes, index: number): Located | null {
  const { bytes, length } = hll;
  let at = HLL_HDR_SIZE;
  let prev = -1;
  let first = 0;
  let span = 0;
  while (at < length) {
    const op = bytes[at]!;
    let size = 1;
    if (isZero(op)) span = zeroLength(op);
    else if (isVal(op)) span = valLength(op);
    else {
      span = xzeroLength(op, bytes[at + 1]);
      size = 2;
    }
    if (index <= first + span - 1) break;
    prev = at;
    at += size;
    first += span;
  }
  if (span === 0 || at >= length) return null;
  return { at, prev, first, span };
}

/** A run of `length` zero registers as ZERO (up to 64) or XZERO. */
function zeros(length: number): number[] {
  if (length <= SPARSE_ZERO_MAX_LEN) return [zeroOpcode(length)];
  const pair = new Uint8Array(2);
  writeXzero(pair, 0, length);
  return [pair[0]!, pair[1]!];
}

/** Step 2, case D: the opcodes replacing the one at `spot` once the register holds `count`. */
function splitSequence(op: number, spot: Located, index: number, count: number): number[] {
  const last = spot.first + spot.span - 1;
  const sequence: number[] = [];
  if (isVal(op)) {
    const current = valValue(op);
    if (index !== spot.first) sequence.push(valOpcode(current, index - spot.first));
    sequence.push(valOpcode(count, 1));
    if (index !== last) sequence.push(valOpcode(current, last - index));
  } else {
    if (index !== spot.first) sequence.push(...zeros(index - spot.first));
    sequence.push(valOpcode(count, 1));
    if (index !== last) sequence.push(...zeros(last - index));
  }
  return sequence;
}

/** Makes room for `extra` more bytes past the current length (spare bytes stay zero). */
function reserve(hll: HllBytes, extra: number): void {
  if (hll.length + extra + 1 <= hll.bytes.length) return;
  const grown = new Uint8Array(Math.max(hll.length + extra + 1, hll.bytes.length * 2));
  grown.set(hll.bytes.subarray(0, hll.length));
  hll.bytes = grown;
}

/** Step 3: puts `sequence` in place of the opcode at `spot`, moving what follows. */
function substitute(hll: HllBytes, spot: Located, oldSize: number, sequence: number[]): void {
  const delta = sequence.length - oldSize;
  const next = spot.at + oldSize;
  reserve(hll, Math.max(delta, 0));
  if (delta !== 0 && next < hll.length) hll.bytes.copyWithin(next + delta, next, hll.length);
  hll.length += delta;
  if (delta < 0) hll.bytes.fill(0, hll.length, hll.length - delta);
  hll.bytes.set(sequence, spot.at);
}

/** Step 4: merges adjacent VALs of equal value, scanning five opcodes from `from`. */
function mergeAdjacent(hll: HllBytes, from: number): void {
  const bytes = hll.bytes;
  let at = from;
  let scans = 5;
  while (at < hll.length && scans-- > 0) {
    const op = bytes[at]!;
    if (isXzero(op)) {
      at += 2;
      continue;
    }
    if (isZero(op)) {
      at++;
      continue;
    }
    const next = bytes[at + 1]!;
    if (at + 1 < hll.length && isVal(next) && valValue(op) === valValue(next)) {
      const length = valLength(op) + valLength(next);
      if (length <= SPARSE_VAL_MAX_LEN) {
        bytes[at + 1] = valOpcode(valValue(op), length);
        bytes.copyWithin(at, at + 1, hll.length);
        hll.length--;
        bytes[hll.length] = 0;
        continue; // try the merged run against the one on its right
      }
    }
    at++;
  }
}

/** The promote path: the value turns dense, then the register is raised there. -1 if corrupt. */
function promote(hll: HllBytes, index: number, count: number): -1 | 1 {
  const dense = sparseToDense(hll);
  if (!dense) return -1;
  hll.bytes = dense.bytes;
  hll.length = dense.length;
  // Redis asserts the raise happens: promotion only occurs when the register must grow.
  denseRaise(hll.bytes, index, count);
  return 1;
}

/**
 * Raises register `index` of a sparse HLL to `count` if lower. Returns 1 when it changed (the
 * cache is invalidated, unless the value turned dense: PFADD does that), 0 when not, -1 if corrupt.
 */
export function sparseRaise(hll: HllBytes, index: number, count: number, maxBytes: number): -1 | 0 | 1 {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(hll, index, count);
  const spot = locate(hll, index);
  if (!spot) return -1;
  const op = hll.bytes[spot.at]!;
  const oldSize = isXzero(op) ? 2 : 1;
  if (isVal(op) && valValue(op) >= count) return 0;
  if ((isVal(op) || isZero(op)) && spot.span === 1) {
    hll.bytes[spot.at] = valOpcode(count, 1);
  } else {
    const sequence = splitSequence(op, spot, index, count);
    const delta = sequence.length - oldSize;
    if (delta > 0 && hll.length + delta > maxBytes) return promote(hll, index, count);
    substitute(hll, spot, oldSize, sequence);
  }
  mergeAdjacent(hll, spot.prev >= 0 ? spot.prev : HLL_HDR_SIZE);
  invalidateCache(hll.bytes);
  return 1;
}
