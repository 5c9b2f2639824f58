// The encoding name redis-server 7.0 reports for a value (OBJECT ENCODING, and what MEMORY USAGE and
// our used_memory accounting size a value as). We do not keep Redis's internal encodings, so the
// answer is derived from the value's current content and the *-max-* config thresholds. Redis never
// converts a value back to its compact encoding once it grew, and APPEND/SETRANGE leave strings
// "raw": we cannot see that history, so a shrunk collection or an appended short string reads as its
// compact encoding here.

import { ListValue } from './list.js';
import { SortedSet } from './sorted-set.js';
import { StreamValue } from './stream.js';
import type { Value } from './values.js';
import type { Config } from '../config/config.js';
import { parseInt64 } from '../base/args.js';

/** object.c OBJ_ENCODING_EMBSTR_SIZE_LIMIT: longer strings are "raw". */
export const EMBSTR_SIZE_LIMIT = 44;

/** The encoding name Redis 7.0 reports for a value of this content. */
export function encodingOf(value: Value, config: Config): string {
  if (typeof value === 'string') {
    if (parseInt64(value) !== null) return 'int';
    return value.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
  }
  // 7.0 lists are always quicklists (listpack-encoded small lists arrived in 7.2).
  if (value instanceof ListValue) return 'quicklist';
  if (value instanceof Map) {
    return compact(value.size, value, config.num('hash-max-listpack-entries'), config.num('hash-max-listpack-value'))
      ? 'listpack'
      : 'hashtable';
  }
  if (value instanceof Set) return isIntset(value, config.num('set-max-intset-entries')) ? 'intset' : 'hashtable';
  if (value instanceof SortedSet) {
    const members = value.scores.keys();
    return compact(value.size, members, config.num('zset-max-listpack-entries'), config.num('zset-max-listpack-value'))
      ? 'listpack'
      : 'skiplist';
  }
  if (value instanceof StreamValue) return 'stream';
  return 'unknown';
}

/** Listpack while there are at most maxEntries entries and no string longer than maxValue. */
function compact(size: number, items: Iterable<string | [string, string]>, maxEntries: number, maxValue: number): boolean {
  if (size > maxEntries) return false;
  for (const item of items) {
    if (typeof item === 'string') {
      if (item.length > maxValue) return false;
    } else if (item[0].length > maxValue || item[1].length > maxValue) {
      return false;
    }
  }
  return true;
}

/** 7.0 sets are intsets while every member is a 64-bit integer and there are few enough. */
function isIntset(set: Set<string>, maxEntries: number): boolean {
  if (set.size > maxEntries) return false;
  for (const member of set) if (parseInt64(member) === null) return false;
  return true;
}
