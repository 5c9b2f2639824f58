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

/** Glob matching as Redis's stringmatchlen: * ? [abc] [^a] [a-z] and \ escapes, byte-wise. */
export function globMatch(pattern: string, text: string, nocase = false): boolean {
  return matchFrom(pattern, 0, text, 0, nocase);
}

function matchFrom(p: string, pi: number, s: string, si: number, nocase: boolean): boolean {
  while (pi < p.length) {
    const c = p[pi]!;
    if (c === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (matchFrom(p, pi + 1, s, k, nocase)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      pi++;
      si++;
      continue;
    }
    if (c === '[') {
      let j = pi + 1;
      const negate = p[j] === '^';
      if (negate) j++;
      let matched = false;
      while (j < p.length && p[j] !== ']') {
        if (p[j] === '\\' && j + 1 < p.length) {
          j++;
          if (same(p[j]!, s[si]!, nocase)) matched = true;
          j++;
        } else if (p[j + 1] === '-' && j + 2 < p.length && p[j + 2] !== ']') {
          let lo = p.charCodeAt(j);
          let hi = p.charCodeAt(j + 2);
          if (lo > hi) [lo, hi] = [hi, lo];
          let code = s.charCodeAt(si);
          if (nocase) code = s[si]!.toLowerCase().charCodeAt(0);
          if (code >= lo && code <= hi) matched = true;
          j += 3;
        } else {
          if (same(p[j]!, s[si]!, nocase)) matched = true;
          j++;
        }
      }
      if (negate) matched = !matched;
      if (!matched) return false;
      pi = j < p.length ? j + 1 : j;
      si++;
      continue;
    }
    if (c === '\\' && pi + 1 < p.length) {
      pi++;
    }
    if (!same(p[pi]!, s[si]!, nocase)) return false;
    pi++;
    si++;
  }
  return si === s.length;
}

function same(a: string, b: string, nocase: boolean): boolean {
  return nocase ? a.toLowerCase() === b.toLowerCase() : a === b;
}
