// sin, cos and asin rounded to the nearest double, as glibc's libm (which redis-server links)
// returns them. V8's Math.sin/cos/asin are fdlibm ports that miss the nearest double for a few
// percent of inputs; GEODIST and the search distances are then off by one unit in the last place,
// which shows in GEOSEARCHSTORE ... STOREDIST scores. So the functions are evaluated here in
// double-double arithmetic (about 100 bits) and rounded once. Pure: no I/O, no state but scratch.

/** Low part of the last double-double result; the high part is the function's return value. */
let lo = 0;

/** 2^27 + 1: Dekker's splitter for exact products without FMA. */
const SPLITTER = 134217729;

/** hi + lo = a * b exactly. */
function twoProd(a: number, b: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  lo = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/** hi + lo = a + b exactly (Knuth). */
function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  lo = a - (s - bb) + (b - bb);
  return s;
}

/** (ah, al) + (bh, bl), normalised. */
function ddAdd(ah: number, al: number, bh: number, bl: number): number {
  const s = twoSum(ah, bh);
  const e = lo;
  const t = twoSum(al, bl);
  let f = lo;
  const e2 = e + t;
  const s2 = s + e2;
  f += e2 - (s2 - s);
  const hi = s2 + f;
  lo = f - (hi - s2);
  return hi;
}

/** (ah, al) + (bh, bl) when |b| dominates (each Horner step adds a larger coefficient). */
function ddAddSmall(ah: number, al: number, bh: number, bl: number): number {
  const s = twoSum(bh, ah);
  const e = lo + al + bl;
  const hi = s + e;
  lo = e - (hi - s);
  return hi;
}

/** (ah, al) * (bh, bl), normalised. */
function ddMul(ah: number, al: number, bh: number, bl: number): number {
  const p = twoProd(ah, bh);
  const e = lo + (ah * bl + al * bh);
  const hi = p + e;
  lo = e - (hi - p);
  return hi;
}

/** (ah, al) / b for a double b. */
function ddDiv(ah: number, al: number, b: number): number {
  const q1 = ah / b;
  const p = twoProd(q1, b);
  const r = ah - p - lo + al;
  const q2 = r / b;
  const hi = q1 + q2;
  lo = q2 - (hi - q1);
  return hi;
}

/** Taylor coefficients (-1)^k / n! for n = first, first + 2, ...: double-double pairs. */
function coefficients(first: number, count: number): Float64Array {
  const out = new Float64Array(count * 2);
  let h = 1;
  let l = 0;
  for (let n = 1; n <= first; n++) {
    h = ddDiv(h, l, n);
    l = lo;
  }
  for (let k = 0; k < count; k++) {
    out[2 * k] = k % 2 === 0 ? h : -h;
    out[2 * k + 1] = k % 2 === 0 ? l : -l;
    for (const n of [first + 2 * k + 1, first + 2 * k + 2]) {
      h = ddDiv(h, l, n);
      l = lo;
    }
  }
  return out;
}

// sin r = r * sum (-1)^k r^2k / (2k+1)!, cos r = sum (-1)^k r^2k / (2k)!, for |r| <= pi/4.
const SIN = coefficients(1, 14);
const COS = coefficients(0, 14);
/** Terms from this index on are summed in plain doubles: their rounding stays below 2^-68. */
const DD_TERMS = 4;

/** sum c_k z^k in double-double for z = (zh, zl). */
function series(c: Float64Array, zh: number, zl: number): number {
  let t = 0;
  for (let k = c.length / 2 - 1; k >= DD_TERMS; k--) t = t * zh + c[2 * k]!;
  let h = t;
  let l = 0;
  for (let k = DD_TERMS - 1; k >= 0; k--) {
    h = ddMul(h, l, zh, zl);
    h = ddAddSmall(h, lo, c[2 * k]!, c[2 * k + 1]!);
    l = lo;
  }
  lo = l;
  return h;
}

function sinKernel(rh: number, rl: number): number {
  const zh = ddMul(rh, rl, rh, rl);
  const ph = series(SIN, zh, lo);
  return ddMul(rh, rl, ph, lo);
}

function cosKernel(rh: number, rl: number): number {
  const zh = ddMul(rh, rl, rh, rl);
  return series(COS, zh, lo);
}

// pi/2 as the sum of three doubles (about 160 bits).
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;
const TWO_OVER_PI = 0.6366197723675814;
/** Beyond this the three-part reduction loses bits: such huge angles keep V8's answer. */
const REDUCE_LIMIT = 2 ** 20;

/** Reduces x to r = x - k pi/2 (double-double in the return value and `lo`), k in QUADRANT. */
let quadrant = 0;
function reduce(x: number): number {
  const k = Math.round(x * TWO_OVER_PI);
  quadrant = ((k % 4) + 4) % 4;
  if (k === 0) {
    lo = 0;
    return x;
  }
  const p1 = twoProd(k, PIO2_1);
  const p1l = lo;
  const p2 = twoProd(k, PIO2_2);
  const p2l = lo;
  let h = ddAdd(x, 0, -p1, -p1l);
  h = ddAdd(h, lo, -p2, -p2l);
  return ddAdd(h, lo, -k * PIO2_3, 0);
}

/** sin(x) rounded to nearest. */
export function sin(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) > REDUCE_LIMIT) return Math.sin(x);
  if (Math.abs(x) < 2 ** -30) return x;
  const rh = reduce(x);
  const rl = lo;
  switch (quadrant) {
    case 0:
      return sinKernel(rh, rl);
    case 1:
      return cosKernel(rh, rl);
    case 2:
      return -sinKernel(rh, rl);
    default:
      return -cosKernel(rh, rl);
  }
}

/** cos(x) rounded to nearest. */
export function cos(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) > REDUCE_LIMIT) return Math.cos(x);
  if (Math.abs(x) < 2 ** -27) return 1;
  const rh = reduce(x);
  const rl = lo;
  switch (quadrant) {
    case 0:
      return cosKernel(rh, rl);
    case 1:
      return -sinKernel(rh, rl);
    case 2:
      return -cosKernel(rh, rl);
    default:
      return sinKernel(rh, rl);
  }
}

/**
 * asin(y) rounded to nearest: V8's estimate x0, then one Newton step x0 + (y - sin x0) / cos x0
 * with sin x0 in double-double, which leaves an error far below half a unit in the last place.
 */
export function asin(y: number): number {
  const x0 = Math.asin(y);
  if (y === 0 || !Number.isFinite(x0) || Math.abs(y) === 1) return x0;
  const rh = reduce(x0);
  const rl = lo;
  const sh = quadrant === 0 ? sinKernel(rh, rl) : quadrant === 1 ? cosKernel(rh, rl) : -cosKernel(rh, rl);
  const sl = quadrant === 3 ? -lo : lo;
  const dh = twoSum(y, -sh);
  const residual = dh + (lo - sl);
  return x0 + residual / Math.cos(x0);
}
