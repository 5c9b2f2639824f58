// The cardinality estimator Redis 7.0 uses (hyperloglog.c hllCount, after Otmar Ertl, "New
// cardinality estimation algorithms for HyperLogLog sketches", arXiv:1702.01284): from the histogram
// of register values, z = m·tau(1 - C[q+1]/m), then for k = q..1 z = (z + C[k]) / 2, then
// z += m·sigma(C[0]/m), and the estimate is round(alpha_inf·m²/z). Every step is an IEEE double
// operation in the same order as the C code, so the rounded result is the same integer.

import { HLL_Q, HLL_REGISTERS } from './layout.js';

/** 0.5 / ln(2), HLL_ALPHA_INF. */
const ALPHA_INF = 0.72134752044448170368;

/** hllSigma: x + x²·1 + x⁴·2 + x⁸·4 + ... until the sum stops changing; infinite at 1. */
export function sigma(x: number): number {
  if (x === 1) return Infinity;
  let square = x;
  let weight = 1;
  let sum = x;
  let previous: number;
  do {
    square *= square;
    previous = sum;
    sum += square * weight;
    weight += weight;
  } while (previous !== sum);
  return sum;
}

/** hllTau: (1 - x - sum_k 2^-k·(1 - x^(2^-k))²) / 3, until the sum stops changing; 0 at 0 and 1. */
export function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let root = x;
  let weight = 1;
  let sum = 1 - x;
  let previous: number;
  do {
    root = Math.sqrt(root);
    previous = sum;
    weight *= 0.5;
    const gap = 1 - root;
    sum -= gap * gap * weight;
  } while (previous !== sum);
  return sum / 3;
}

/** The estimate from a 64-slot histogram of register values (slots past q + 1 are ignored). */
export function estimate(histogram: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histogram[HLL_Q + 1]!) / m);
  for (let k = HLL_Q; k >= 1; k--) {
    z += histogram[k]!;
    z *= 0.5;
  }
  z += m * sigma(histogram[0]! / m);
  // llroundl: halves away from zero; the value is never negative.
  return Math.round((ALPHA_INF * m * m) / z);
}
