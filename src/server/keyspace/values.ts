// The value types a key can hold and how to name, size and copy them. Strings are JS strings whose
// characters are bytes (latin1): V8 stores them one byte per character, the most compact form we
// measured (see README "Memory"). Hashes and sets are plain Map/Set; lists, sorted sets and streams are ours.

import { ListValue } from './list.js';
import { SortedSet } from './sorted-set.js';
import { StreamValue } from './stream.js';

export type HashValue = Map<string, string>;
export type SetValue = Set<string>;
export type Value = string | ListValue | HashValue | SetValue | SortedSet | StreamValue;

export type TypeName = 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream';

export function typeOf(value: Value): TypeName {
  if (typeof value === 'string') return 'string';
  if (value instanceof ListValue) return 'list';
  if (value instanceof Map) return 'hash';
  if (value instanceof Set) return 'set';
  if (value instanceof StreamValue) return 'stream';
  return 'zset';
}

/** Deep copy, used when a point-in-time snapshot must keep a key's old value (copy-on-write by key). */
export function cloneValue(value: Value): Value {
  if (typeof value === 'string') return value;
  if (value instanceof ListValue) return value.clone();
  if (value instanceof Map) return new Map(value);
  if (value instanceof Set) return new Set(value);
  return value.clone();
}

/** Element count of a collection, 1 for a string. */
export function sizeOf(value: Value): number {
  if (typeof value === 'string') return 1;
  if (value instanceof ListValue) return value.length;
  if (value instanceof Map || value instanceof Set) return value.size;
  if (value instanceof StreamValue) return value.length;
  return value.size;
}

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
