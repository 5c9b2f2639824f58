// Number and range parsing for the sorted-set family, with the quirks of the C functions Redis 7.0
// uses: strtod (hex floats, inf, leading blanks), getDoubleFromObject for scores and weights,
// zslParseRange for score ranges ("(" exclusive) and zslParseLexRangeItem for lex ranges.

import { ErrorReply } from '../../../shared/resp/reply.js';
import { LEX_MAX, LEX_MIN, type LexBound, type LexRange, type ScoreRange } from '../../keyspace/sorted-set.js';

export const ERR_MINMAX_FLOAT = new ErrorReply('ERR min or max is not a float');
export const ERR_MINMAX_LEX = new ErrorReply('ERR min or max not valid string range item');
export const ERR_NAN_SCORE = new ErrorReply('ERR resulting score is not a number (NaN)');

const DECIMAL = /^(\d+\.?\d*|\.\d+)(?:e([+-]?\d+))?$/i;
const HEX = /^0x([0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(?:p([+-]?\d+))?$/i;
const BLANKS = /^[ \t\n\v\f\r]*/;

interface Strtod {
  value: number;
  /** errno would be ERANGE: the text overflowed to infinity or underflowed to zero. */
  rangeError: boolean;
}

/** C strtod required to consume the whole text; null when it stops early (or converts nothing). */
function strtod(text: string): Strtod | null {
  let sign = 1;
  let body = text;
  if (body.startsWith('+') || body.startsWith('-')) {
    if (body[0] === '-') sign = -1;
    body = body.slice(1);
  }
  const lower = body.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return { value: sign * Infinity, rangeError: false };
  if (/^nan(\([0-9a-z_]*\))?$/.test(lower)) return { value: NaN, rangeError: false };
  let value: number;
  let nonZeroDigits: boolean;
  const hex = HEX.exec(body);
  if (hex) {
    const [whole, fraction = ''] = hex[1]!.split('.');
    value = parseInt(whole || '0', 16);
    for (let i = 0; i < fraction.length; i++) value += parseInt(fraction[i]!, 16) / 16 ** (i + 1);
    value *= 2 ** Number(hex[2] ?? '0');
    nonZeroDigits = /[1-9a-f]/i.test(hex[1]!);
  } else {
    const decimal = DECIMAL.exec(body);
    if (!decimal) return null;
    value = Number(body);
    nonZeroDigits = /[1-9]/.test(decimal[1]!);
  }
  const rangeError = !Number.isFinite(value) || (value === 0 && nonZeroDigits);
  return { value: sign * value, rangeError };
}

/**
 * A score, increment or weight as getDoubleFromObject reads it: no leading blank, whole text used,
 * no NaN, no overflow or underflow to zero ("1e400" is refused, "inf" is fine).
 */
export function parseScore(text: string): number | null {
  if (text === '' || BLANKS.exec(text)![0] !== '') return null;
  const parsed = strtod(text);
  if (parsed === null || parsed.rangeError || Number.isNaN(parsed.value)) return null;
  return parsed.value;
}

/** One bound of a score range: plain strtod, so leading blanks pass and "" reads as 0. */
function parseScoreBound(text: string): { value: number; exclusive: boolean } | null {
  let exclusive = false;
  if (text.startsWith('(')) {
    exclusive = true;
    text = text.slice(1);
  }
  const stripped = text.replace(BLANKS, '');
  // strtod of nothing but blanks converts nothing and leaves the blanks: not fully consumed.
  if (stripped === '') return text === '' ? { value: 0, exclusive } : null;
  const parsed = strtod(stripped);
  if (parsed === null || Number.isNaN(parsed.value)) return null;
  return { value: parsed.value, exclusive };
}

/** Redis zslParseRange: `min max` with `(` for exclusive bounds and -inf/+inf. */
export function parseScoreRange(minText: string, maxText: string): ScoreRange | null {
  const min = parseScoreBound(minText);
  const max = parseScoreBound(maxText);
  if (!min || !max) return null;
  return { min: min.value, max: max.value, minExclusive: min.exclusive, maxExclusive: max.exclusive };
}

function parseLexBound(text: string): { bound: LexBound; exclusive: boolean } | null {
  switch (text[0]) {
    case '+':
      return text.length === 1 ? { bound: LEX_MAX, exclusive: true } : null;
    case '-':
      return text.length === 1 ? { bound: LEX_MIN, exclusive: true } : null;
    case '(':
      return { bound: text.slice(1), exclusive: true };
    case '[':
      return { bound: text.slice(1), exclusive: false };
    default:
      return null;
  }
}

/** Redis zslParseLexRange: `[a` inclusive, `(a` exclusive, `-` and `+` the open ends. */
export function parseLexRange(minText: string, maxText: string): LexRange | null {
  const min = parseLexBound(minText);
  const max = parseLexBound(maxText);
  if (!min || !max) return null;
  return { min: min.bound, max: max.bound, minExclusive: min.exclusive, maxExclusive: max.exclusive };
}
