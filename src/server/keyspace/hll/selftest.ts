// PFSELFTEST (hyperloglog.c pfselftestCommand): 1000 rounds of random values written to and read back
// from every dense register, then ten million distinct 64-bit elements added to a dense and a sparse
// HLL side by side, checking at 1, 10, 100, ... that the sparse one is still sparse while small,
// that both count alike, and that the error stays within six standard errors. Returns null when all
// passed, or the failure text Redis answers (after `ERR `).

import { denseGet, denseRaise, denseSetRegister, encodingOf, HLL_DENSE, HLL_DENSE_SIZE, HLL_HDR_SIZE, HLL_REGISTERS, HLL_SPARSE, writeHeader } from './layout.js';
import { hllCount, hllRaise } from './hll.js';
import { patternOfUint64 } from './murmur.js';
import { emptySparse } from './sparse.js';

const CYCLES = 1000;
const ELEMENTS = 10_000_000;

/** Test 1: every register keeps its value and leaves its neighbours alone. */
function registerAccess(random: () => number): string | null {
  const dense = new Uint8Array(HLL_DENSE_SIZE);
  const expected = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = random() & 63;
      expected[i] = value;
      denseSetRegister(dense, HLL_HDR_SIZE, i, value);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = denseGet(dense, HLL_HDR_SIZE, i);
      if (value !== expected[i]) return `TESTFAILED Register ${i} should be ${expected[i]} but is ${value}`;
    }
  }
  return null;
}

/** Test 2: the approximation error, dense and sparse together. */
function approximation(random: () => number, sparseMaxBytes: number): string | null {
  const denseBytes = new Uint8Array(HLL_DENSE_SIZE);
  writeHeader(denseBytes, HLL_DENSE);
  const dense = { bytes: denseBytes, length: HLL_DENSE_SIZE };
  const sparse = emptySparse();
  const relativeError = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedLo = random() >>> 0;
  const seedHi = random() >>> 0;
  let checkpoint = 1;
  for (let j = 1; j <= ELEMENTS; j++) {
    // ele = j ^ seed, hashed as its 8 little-endian bytes (j < 2^32: only the low word changes).
    const { index, count } = patternOfUint64((j ^ seedLo) >>> 0, seedHi);
    denseRaise(dense.bytes, index, count);
    hllRaise(sparse, index, count, sparseMaxBytes);
    if (j !== checkpoint) continue;
    if (j < sparseMaxBytes / 2 && encodingOf(sparse) !== HLL_SPARSE) return 'TESTFAILED sparse encoding not used';
    const estimate = hllCount(dense)!;
    if (estimate !== hllCount(sparse)) return 'TESTFAILED dense/sparse disagree';
    const maxError = j === 10 ? 1 : Math.ceil(relativeError * 6 * checkpoint);
    const error = Math.abs(checkpoint - estimate);
    if (error > maxError) return `TESTFAILED Too big error. card:${checkpoint} abserr:${error}`;
    checkpoint *= 10;
  }
  return null;
}

/** Runs both tests; `random` gives non-negative 31-bit integers, like C's rand(). */
export function hllSelfTest(sparseMaxBytes: number, random: () => number): string | null {
  return registerAccess(random) ?? approximation(random, sparseMaxBytes);
}
