// What SORT compares (Redis 7.0 sort.c): numbers read with plain C strtod (leading blanks allowed,
// text after an embedded NUL ignored, "" is 0, overflow, underflow and NaN are errors), ties between
// equal numbers broken by the elements' bytes, and ALPHA comparing with strcoll, which in the C and
// C.UTF-8 locales redis-server runs under is strcmp: bytes up to the first NUL. Pure.

const BLANKS = /^[ \t\n\v\f\r]+/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const HEX = /^([+-]?)0x([0-9a-f]*)\.?([0-9a-f]*)(?:p([+-]?\d+))?$/i;
const SPECIAL = /^[+-]?(inf|infinity|nan(\([0-9a-z_]*\))?)$/i;
const SMALLEST_NORMAL = 2 ** -1022;

/** A hexadecimal float's value (strtod's 0x form), or null when it has no digits. */
function hexValue(text: string): number | null {
  const match = HEX.exec(text);
  if (!match) return null;
  const [, sign, whole = '', fraction = '', power = '0'] = match;
  if (whole.length + fraction.length === 0) return null;
  const mantissa = Number(BigInt(`0x${whole}${fraction}`));
  const value = mantissa * 2 ** (Number(power) - 4 * fraction.length);
  return sign === '-' ? -value : value;
}

/**
 * The number SORT sorts an element (or its BY value) by, or null when Redis reports "One or more
 * scores can't be converted into double".
 */
export function sortScore(text: string): number | null {
  const nul = text.indexOf('\0');
  if (nul >= 0) text = text.slice(0, nul);
  // strtod converting nothing leaves the end pointer at the start: fine only for the empty text.
  if (text === '') return 0;
  const body = text.replace(BLANKS, '');
  let value: number | null;
  if (SPECIAL.test(body)) value = Number(body.replace(/inity$/i, '').replace(/^([+-]?)inf$/i, '$1Infinity'));
  else if (DECIMAL.test(body)) value = Number(body);
  else value = hexValue(body);
  if (value === null || Number.isNaN(value)) return null;
  const digits = /[1-9]/.test(body.replace(/e.*$/i, '').replace(/^[+-]?0x/i, ''));
  // errno ERANGE: overflow to infinity, underflow to zero or into the subnormals.
  if (!Number.isFinite(value) && !/inf/i.test(body)) return null;
  if (digits && Math.abs(value) < SMALLEST_NORMAL && !/^[+-]?0x/i.test(body)) return null;
  return value;
}

/** Byte order with the shorter string first on a common prefix (compareStringObjects). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll under the C locale: strcmp of the bytes before each string's first NUL. */
export function compareCollated(a: string, b: string): number {
  const an = a.indexOf('\0');
  const bn = b.indexOf('\0');
  return compareBytes(an < 0 ? a : a.slice(0, an), bn < 0 ? b : b.slice(0, bn));
}
