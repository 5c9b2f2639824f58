// Builds keyspace values from decoded RDB elements, and reads them back for the writer, in one
// place so a change to a value class (the sorted set's index) touches only this file.

import { ListValue } from '../keyspace/list.js';
import { SortedSet } from '../keyspace/sorted-set.js';
import type { HashValue, SetValue } from '../keyspace/values.js';
import { RdbError } from './rdb-format.js';

export function buildList(items: Iterable<string>): ListValue {
  return new ListValue(items);
}

/** Redis refuses duplicate members in a plain SET payload ("Duplicate set members detected"). */
export function buildSet(members: string[], key: string): SetValue {
  const set = new Set(members);
  if (set.size !== members.length) throw new RdbError(`duplicate set members in key '${key}'`);
  return set;
}

/** From alternating field, value. */
export function buildHash(flat: string[], key: string): HashValue {
  if (flat.length % 2 !== 0) throw new RdbError(`hash '${key}': odd number of listpack entries`);
  const hash: HashValue = new Map();
  for (let i = 0; i < flat.length; i += 2) hash.set(flat[i]!, flat[i + 1]!);
  if (hash.size * 2 !== flat.length) throw new RdbError(`duplicate hash fields in key '${key}'`);
  return hash;
}

export function buildZset(members: string[], scores: number[], key: string): SortedSet {
  const zset = new SortedSet();
  for (let i = 0; i < members.length; i++) {
    const score = scores[i]!;
    if (Number.isNaN(score)) throw new RdbError(`zset '${key}': NaN score`);
    zset.scores.set(members[i]!, score);
  }
  if (zset.size !== members.length) throw new RdbError(`duplicate zset members in key '${key}'`);
  return zset;
}

/** From alternating member, score-as-text (listpack/ziplist zsets: "2.5", "1", "inf"). */
export function buildZsetFromFlat(flat: string[], key: string): SortedSet {
  if (flat.length % 2 !== 0) throw new RdbError(`zset '${key}': odd number of listpack entries`);
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    members.push(flat[i]!);
    scores.push(parseScoreText(flat[i + 1]!, key));
  }
  return buildZset(members, scores, key);
}

/** Scores stored as text follow strtod: "inf", "-inf", decimals, exponents. */
export function parseScoreText(text: string, key: string): number {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  const value = text.trim() === '' ? NaN : Number(text);
  if (Number.isNaN(value)) throw new RdbError(`zset '${key}': score '${text}' is not a number`);
  return value;
}

/** Member/score pairs of a sorted set, for the writer. */
export function zsetEntries(zset: SortedSet): Iterable<[string, number]> {
  return zset.scores;
}
