// Shared by the rdb*/snapshot* unit tests: values in a comparable plain form, and keyspace copies.

import { ListValue } from '../../src/server/keyspace/list.js';
import { SortedSet } from '../../src/server/keyspace/sorted-set.js';
import type { Value } from '../../src/server/keyspace/values.js';
import type { Server } from '../../src/server/server.js';

export type Plain =
  | { string: string }
  | { list: string[] }
  | { set: string[] }
  | { hash: [string, string][] }
  | { zset: [string, number][] };

/** Order-independent form of a value (sets, hashes, zsets sorted) for deep equality. */
export function plain(value: Value): Plain {
  if (typeof value === 'string') return { string: value };
  if (value instanceof ListValue) return { list: value.toArray() };
  if (value instanceof Set) return { set: [...value].sort() };
  if (value instanceof Map) return { hash: [...value].sort((a, b) => (a[0] < b[0] ? -1 : 1)) };
  if (value instanceof SortedSet) return { zset: [...value.scores].sort((a, b) => (a[0] < b[0] ? -1 : 1)) };
  throw new Error('unknown value');
}

export interface KeyCopy {
  value: Plain;
  expire: number | undefined;
}

/** db id -> key -> plain value and expiry; empty dbs omitted. */
export function keyspaceOf(server: Server): Record<number, Record<string, KeyCopy>> {
  const out: Record<number, Record<string, KeyCopy>> = {};
  for (const db of server.dbs) {
    if (db.data.size === 0) continue;
    const keys: Record<string, KeyCopy> = {};
    for (const [key, value] of db.data) keys[key] = { value: plain(value), expire: db.expires.get(key) };
    out[db.id] = keys;
  }
  return out;
}

export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

export function zset(pairs: [string, number][]): SortedSet {
  const z = new SortedSet();
  for (const [member, score] of pairs) z.scores.set(member, score);
  return z;
}
