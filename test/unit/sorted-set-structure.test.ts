// The sorted-set structure against a naive model (a sorted array) under seeded random operations:
// order, ranks, element-at-rank, score and lex range boundaries, and clone independence.

import { describe, expect, it } from 'vitest';
import {
  LEX_MAX,
  LEX_MIN,
  SortedSet,
  type LexRange,
  type ScoreRange,
} from '../../src/server/keyspace/sorted-set.js';
import { seededRandom } from '../../src/shared/seeded-random.js';

const prng = seededRandom;

type Pair = [string, number];

function byScoreThenMember(a: Pair, b: Pair): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

const SCORES = [-Infinity, -2.5, -1, 0, 0, 1, 1, 1, 2, 3.25, 1e9, Infinity];

describe('SortedSet against a sorted-array model', () => {
  it('agrees after thousands of random adds, re-scores and removes', () => {
    const random = prng(20240601);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const members = Array.from({ length: 150 }, (_, i) => `m${String.fromCharCode(40 + (i % 200))}${i}`);
    members.push('', '\u00ff', 'a\u0000b', 'A');
    const zset = new SortedSet();
    const model = new Map<string, number>();

    for (let op = 0; op < 4000; op++) {
      const member = pick(members);
      if (random() < 0.65) {
        const score = pick(SCORES);
        expect(zset.add(member, score)).toBe(!model.has(member));
        model.set(member, score);
      } else {
        expect(zset.remove(member)).toBe(model.delete(member));
      }
      if (op % 50 !== 0) continue;
      const sorted = [...model].sort(byScoreThenMember);
      expect([...zset]).toEqual(sorted);
      expect(zset.size).toBe(sorted.length);
      checkRanks(zset, sorted, pick);
      checkScoreRanges(zset, sorted, random, pick);
    }
  });

  it('finds lex range boundaries among equal scores, byte-wise', () => {
    const random = prng(7);
    const zset = new SortedSet();
    const letters = ['', 'a', 'aa', 'ab', 'b', 'ba', 'c', 'z', '\u0080', '\u00ff'];
    for (const member of letters) zset.add(member, 0);
    const sorted = [...letters].sort();
    const bounds = [LEX_MIN, LEX_MAX, ...letters, 'a0', 'bz'] as const;
    for (let i = 0; i < 500; i++) {
      const range: LexRange = {
        min: bounds[Math.floor(random() * bounds.length)]!,
        max: bounds[Math.floor(random() * bounds.length)]!,
        minExclusive: random() < 0.5,
        maxExclusive: random() < 0.5,
      };
      if (range.min === LEX_MIN || range.min === LEX_MAX) range.minExclusive = true;
      if (range.max === LEX_MIN || range.max === LEX_MAX) range.maxExclusive = true;
      const inside = sorted.filter((m) => lexAbove(m, range) && lexBelow(m, range));
      expect(zset.firstInLexRange(range)?.member ?? null).toBe(inside[0] ?? null);
      expect(zset.lastInLexRange(range)?.member ?? null).toBe(inside.at(-1) ?? null);
    }
  });

  it('keeps clones independent and stores -0 as 0', () => {
    const zset = new SortedSet([
      ['a', 1],
      ['b', -0],
    ]);
    const copy = zset.clone();
    zset.add('c', 3);
    zset.remove('a');
    expect([...copy]).toEqual([
      ['b', 0],
      ['a', 1],
    ]);
    expect(Object.is(copy.score('b'), 0)).toBe(true);
    expect([...zset].map(([m]) => m)).toEqual(['b', 'c']);
  });

  it('keeps the order in sync when written through the scores map', () => {
    const zset = new SortedSet();
    zset.scores.set('x', 2);
    zset.scores.set('y', 1);
    zset.scores.set('x', 0);
    zset.scores.delete('y');
    expect([...zset]).toEqual([['x', 0]]);
    expect(zset.rank('x')).toBe(0);
    expect(() => zset.add('n', NaN)).toThrow(RangeError);
  });
});

function checkRanks(zset: SortedSet, sorted: Pair[], pick: <T>(items: readonly T[]) => T): void {
  for (let k = 0; k < 10 && sorted.length > 0; k++) {
    const rank = Math.floor(sorted.length * (k / 10));
    const [member, score] = sorted[rank]!;
    expect(zset.rank(member)).toBe(rank);
    const node = zset.nodeAtRank(rank)!;
    expect([node.member, node.score]).toEqual([member, score]);
    expect(node.prev?.member).toBe(sorted[rank - 1]?.[0]);
    expect(node.next?.member).toBe(sorted[rank + 1]?.[0]);
  }
  expect(zset.nodeAtRank(sorted.length)).toBeUndefined();
  expect(zset.rank(pick(['absent', 'zz']))).toBeUndefined();
  expect(zset.first()?.member).toBe(sorted[0]?.[0]);
  expect(zset.last()?.member).toBe(sorted.at(-1)?.[0]);
}

function checkScoreRanges(zset: SortedSet, sorted: Pair[], random: () => number, pick: <T>(items: readonly T[]) => T) {
  for (let k = 0; k < 10; k++) {
    const range: ScoreRange = {
      min: pick(SCORES),
      max: pick(SCORES),
      minExclusive: random() < 0.5,
      maxExclusive: random() < 0.5,
    };
    const inside = sorted.filter(([, s]) => scoreAbove(s, range) && scoreBelow(s, range));
    expect(zset.firstInScoreRange(range)?.member ?? null).toBe(inside[0]?.[0] ?? null);
    expect(zset.lastInScoreRange(range)?.member ?? null).toBe(inside.at(-1)?.[0] ?? null);
  }
}

function scoreAbove(score: number, r: ScoreRange): boolean {
  return r.minExclusive ? score > r.min : score >= r.min;
}

function scoreBelow(score: number, r: ScoreRange): boolean {
  return r.maxExclusive ? score < r.max : score <= r.max;
}

function lexValue(bound: LexRange['min'], member: string): number {
  if (bound === LEX_MIN) return 1;
  if (bound === LEX_MAX) return -1;
  return member < bound ? -1 : member > bound ? 1 : 0;
}

function lexAbove(member: string, r: LexRange): boolean {
  const cmp = lexValue(r.min, member);
  return r.minExclusive ? cmp > 0 : cmp >= 0;
}

function lexBelow(member: string, r: LexRange): boolean {
  const cmp = lexValue(r.max, member);
  return r.maxExclusive ? cmp < 0 : cmp <= 0;
}
