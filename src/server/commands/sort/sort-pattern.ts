// SORT's BY and GET patterns (Redis 7.0 sort.c lookupKeyByPattern): "#" is the element itself;
// otherwise the first '*' is replaced by the element to name a key, whose string value is used, or,
// with "->field" after the '*', that field of the hash at the key. Anything else (no '*', a missing
// key, a key of another type, a missing field) is nothing. Redis reads the pattern as a C string
// when it looks for '*' and "->", so those must come before any NUL byte.

import type { CommandContext } from '../../base/command-spec.js';
import { readKey } from '../../base/read-key.js';

/** The pattern's text up to its first NUL: where strchr and strstr look. */
function cText(pattern: string): string {
  const nul = pattern.indexOf('\0');
  return nul < 0 ? pattern : pattern.slice(0, nul);
}

/** The value a pattern names for one element, or null. Reads count as keyspace hits or misses. */
export function lookupByPattern(ctx: CommandContext, pattern: string, element: string): string | null {
  if (pattern[0] === '#' && (pattern.length === 1 || pattern[1] === '\0')) return element;
  const text = cText(pattern);
  const star = text.indexOf('*');
  if (star < 0) return null;
  const arrow = text.indexOf('->', star + 1);
  const hasField = arrow >= 0 && arrow + 2 < text.length;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, hasField ? arrow : pattern.length);
  const value = readKey(ctx, key);
  if (value === undefined) return null;
  if (hasField) return value instanceof Map ? (value.get(pattern.slice(arrow + 2)) ?? null) : null;
  return typeof value === 'string' ? value : null;
}
