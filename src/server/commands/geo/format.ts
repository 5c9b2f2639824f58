// How Redis 7.0 prints geo numbers: distances with four decimals (geo.c addReplyDoubleDistance,
// util.c fixedpoint_d2string: llrint of d * 10^4), coordinates as "%.17Lf" with trailing zeros
// stripped (addReplyHumanLongDouble: a bulk string in RESP2, a RESP3 double), and the "%f" of the
// invalid-coordinates error. All exact: a double's binary value is expanded with BigInt. Pure.

import { formatLongDouble, type LongDouble } from '../../base/long-double.js';
import { RawReply, type Reply } from '../../../shared/resp/reply.js';

const SCRATCH = new DataView(new ArrayBuffer(8));

/** A finite or infinite double as an exact long double (the widening C does for free). */
export function doubleToLongDouble(x: number): LongDouble {
  SCRATCH.setFloat64(0, x);
  const negative = SCRATCH.getUint8(0) >= 0x80;
  if (!Number.isFinite(x)) return { negative, infinite: true, mant: 0n, exp: 0 };
  const high = SCRATCH.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(SCRATCH.getUint32(4));
  if (biased === 0) return { negative, infinite: false, mant: fraction, exp: -1074 };
  return { negative, infinite: false, mant: fraction | (1n << 52n), exp: biased - 1075 };
}

/** |x| * 10^digits rounded half to even, as an exact integer. */
function scaledMagnitude(x: LongDouble, digits: number): bigint {
  const scale = 10n ** BigInt(digits);
  if (x.exp >= 0) return (x.mant << BigInt(x.exp)) * scale;
  const num = x.mant * scale;
  const den = 1n << BigInt(-x.exp);
  const q = num / den;
  const twice = (num % den) * 2n;
  return twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
}

/** printf("%.<digits>f") of a double: the sign of -0 and of tiny negatives is kept. */
export function printfFixed(x: number, digits: number): string {
  const ld = doubleToLongDouble(x);
  if (ld.infinite) return ld.negative ? '-inf' : 'inf';
  const text = scaledMagnitude(ld, digits).toString().padStart(digits + 1, '0');
  return `${ld.negative ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

const LLONG_MIN = -(2n ** 63n);

/** C llrint in round-to-nearest-even mode; NaN and out-of-range values give LLONG_MIN on x86-64. */
function llrint(x: number): bigint {
  if (Number.isNaN(x) || Math.abs(x) >= 2 ** 63) return LLONG_MIN;
  let r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) r -= 1;
  return BigInt(r);
}

/** A distance with four decimals (fixedpoint_d2string(d, 4)). */
export function formatDistance(d: number): string {
  if (d === 0) return '0.0000';
  const scaled = llrint(d * 10000);
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(5, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}

/** A coordinate as addReplyHumanLongDouble sends it. */
export function coordinateReply(x: number, proto: number): Reply {
  const text = formatLongDouble(doubleToLongDouble(x));
  return proto === 3 ? new RawReply(`,${text}\r\n`) : text;
}

/** A sorted-set score as addReplyLongLong((long long)score) sends it (WITHHASH). */
export function scoreAsInteger(score: number): number | bigint {
  if (Number.isNaN(score) || Math.abs(score) >= 2 ** 63) return LLONG_MIN;
  const whole = Math.trunc(score);
  return Number.isSafeInteger(whole) ? whole : BigInt(whole);
}
