// x87 80-bit long double arithmetic, the part Redis 7.0 uses for INCRBYFLOAT, HINCRBYFLOAT and
// blocking timeouts: strtold parsing (util.c string2ld), addition rounded to a 64-bit significand,
// and "%.17Lf" printing with trailing zeros stripped (ld2string LD_STR_HUMAN). With JS doubles,
// 0.1 + 0.2 would print 0.30000000000000004 where Redis prints 0.3; exact BigInt math avoids that.

/** A finite value is sign * mant * 2^exp with mant < 2^64; infinities carry no mantissa. */
export interface LongDouble {
  negative: boolean;
  infinite: boolean;
  mant: bigint;
  exp: number;
}

export const LD_ZERO: LongDouble = { negative: false, infinite: false, mant: 0n, exp: 0 };

const BITS = 64;
/** Largest binary exponent of the leading bit (LDBL_MAX ~ 1.19e4932) and the smallest subnormal. */
const MAX_EXP = 16383;
const MIN_EXP = -16445;
const MAX_CHARS = 5 * 1024;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function infinity(negative: boolean): LongDouble {
  return { negative, infinite: true, mant: 0n, exp: 0 };
}

/** Rounds |q| * 2^exp (plus a sticky "something below" bit) to 64 bits, ties to even. */
function round(negative: boolean, q: bigint, sticky: boolean, exp: number): LongDouble {
  const extra = bitLength(q) - BITS;
  if (extra > 0) {
    const dropped = q & ((1n << BigInt(extra)) - 1n);
    const half = 1n << BigInt(extra - 1);
    q >>= BigInt(extra);
    exp += extra;
    if (dropped > half || (dropped === half && (sticky || (q & 1n) === 1n))) q += 1n;
    if (bitLength(q) > BITS) {
      q >>= 1n;
      exp += 1;
    }
  }
  if (q !== 0n && exp + bitLength(q) - 1 > MAX_EXP) return infinity(negative);
  return { negative, infinite: false, mant: q, exp };
}

/** The nearest long double to num/den (both > 0). */
function fromRational(negative: boolean, num: bigint, den: bigint): LongDouble {
  if (num === 0n) return { negative, infinite: false, mant: 0n, exp: 0 };
  // Scale so the quotient has at least 66 bits: 64 kept, one rounding bit, one spare.
  const shift = BITS + 2 - (bitLength(num) - bitLength(den));
  const n = shift > 0 ? num << BigInt(shift) : num;
  const d = shift < 0 ? den << BigInt(-shift) : den;
  return round(negative, n / d, n % d !== 0n, -shift);
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)(inf|infinity)$/i;

/**
 * Parses as Redis's string2ld: strtold syntax (decimal, hex, inf), the whole text consumed, no
 * leading space, NaN refused, overflow and underflow to zero refused. Null when not a float.
 */
export function parseLongDouble(text: string): LongDouble | null {
  if (text.length === 0 || text.length >= MAX_CHARS) return null;
  // strtold stops at an embedded NUL, which string2ld then takes as the end: "1\0x" reads as 1.
  const nul = text.indexOf('\0');
  if (nul === 0) return LD_ZERO;
  if (nul > 0) text = text.slice(0, nul);
  const inf = INFINITY.exec(text);
  if (inf) return infinity(inf[1] === '-');
  let value: LongDouble;
  const hex = HEX.exec(text);
  const dec = hex ? null : DECIMAL.exec(text);
  if (hex) {
    const [, sign, whole = '', frac = '', power = '0'] = hex;
    if (whole.length + frac.length === 0) return null;
    const digits = BigInt(`0x${whole}${frac}`);
    const exp = Number(power) - 4 * frac.length;
    value = exp >= 0 ? fromRational(sign === '-', digits << BigInt(exp), 1n) : fromRational(sign === '-', digits, 1n << BigInt(-exp));
  } else if (dec) {
    const [, sign, whole = '', frac = '', power = '0'] = dec;
    if (whole.length + frac.length === 0) return null;
    const digits = BigInt(`${whole}${frac}` || '0');
    const exp = Number(power) - frac.length;
    // Beyond these the value is surely out of range (or zero): avoid gigantic powers of ten.
    if (digits !== 0n && exp + whole.length + frac.length > 5000) return null;
    if (digits !== 0n && exp < -5100 - whole.length - frac.length) return null;
    value = exp >= 0 ? fromRational(sign === '-', digits * 10n ** BigInt(exp), 1n) : fromRational(sign === '-', digits, 10n ** BigInt(-exp));
  } else {
    return null;
  }
  if (value.infinite) return null;
  if (value.mant !== 0n && value.exp + bitLength(value.mant) - 1 < MIN_EXP) return null;
  return value;
}

/** a + b, rounded to nearest (ties to even) as the x87 unit does. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.infinite || b.infinite) {
    if (a.infinite && b.infinite && a.negative !== b.negative) return { negative: false, infinite: true, mant: -1n, exp: 0 };
    return a.infinite ? a : b;
  }
  const exp = Math.min(a.exp, b.exp);
  const signed = (v: LongDouble) => (v.negative ? -v.mant : v.mant) << BigInt(v.exp - exp);
  const sum = signed(a) + signed(b);
  const negative = sum < 0n;
  return round(negative, negative ? -sum : sum, false, exp);
}

/** True for a NaN produced by inf + -inf (never produced by parsing). */
export function isNaNLongDouble(v: LongDouble): boolean {
  return v.infinite && v.mant === -1n;
}

/** Prints as Redis ld2string(LD_STR_HUMAN): "%.17Lf", trailing zeros and a bare "-0" removed. */
export function formatLongDouble(v: LongDouble): string {
  if (v.infinite) return v.negative ? '-inf' : 'inf';
  const scale = 10n ** 17n;
  let scaled: bigint;
  if (v.exp >= 0) {
    scaled = (v.mant << BigInt(v.exp)) * scale;
  } else {
    const num = v.mant * scale;
    const den = 1n << BigInt(-v.exp);
    scaled = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && (scaled & 1n) === 1n)) scaled += 1n;
  }
  const digits = scaled.toString().padStart(18, '0');
  let text = `${digits.slice(0, -17)}.${digits.slice(-17)}`.replace(/0+$/, '').replace(/\.$/, '');
  if (v.negative && text !== '0') text = `-${text}`;
  return text;
}

/** The nearest JS double (timeouts only need a number). */
export function toNumber(v: LongDouble): number {
  if (v.infinite) return v.negative ? -Infinity : Infinity;
  const value = Number(v.mant) * 2 ** v.exp;
  if (Number.isFinite(value) || v.mant === 0n) return v.negative ? -value : value;
  // 2^exp alone overflows or underflows for extreme exponents: split the scaling.
  const half = Math.trunc(v.exp / 2);
  const scaled = Number(v.mant) * 2 ** half * 2 ** (v.exp - half);
  return v.negative ? -scaled : scaled;
}
