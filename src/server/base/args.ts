// Argument parsing with Redis's strictness: string2ll for integers (no '+', no leading zeros, no
// spaces, signed 64-bit range) and strtod-like parsing for floats (inf allowed, nan refused).

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const INTEGER_TEXT = /^(-?[1-9][0-9]*|0)$/;

/** Parses a signed 64-bit integer as Redis's string2ll; returns null when it is not one. */
export function parseInt64(text: string): bigint | null {
  if (text.length === 0 || text.length > 20 || !INTEGER_TEXT.test(text)) return null;
  const value = BigInt(text);
  if (value > INT64_MAX || value < INT64_MIN) return null;
  return value;
}

/**
 * Parses an integer argument into a JS number; values beyond 2^53 lose precision but keep their
 * order, which is all counts, indexes and timeouts need. Returns null when it is not an integer.
 */
export function parseInteger(text: string): number | null {
  if (text.length < 16) {
    if (!INTEGER_TEXT.test(text)) return null;
    return Number(text);
  }
  const big = parseInt64(text);
  return big === null ? null : Number(big);
}

/** Parses a float as Redis's getDoubleFromObject: inf/-inf accepted, nan and blanks refused. */
export function parseFloatArg(text: string): number | null {
  if (text.length === 0 || /^\s|\s$/.test(text)) return null;
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) {
    if (/^[+-]?0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text, 16);
    return null;
  }
  const value = Number(text);
  return Number.isNaN(value) ? null : value;
}

/** Case-insensitive comparison of an argument with an option name written in upper case. */
export function is(arg: string | undefined, option: string): boolean {
  return arg !== undefined && arg.length === option.length && arg.toUpperCase() === option;
}
