// The SCAN family's shared module (base/scan.ts) and the random-member walk (base/random-members.ts)
// on their own, and one check per family that it goes through them (error texts as redis-server
// 7.0.15 answers them); FAULT HEAL's shared parser; the "did you mean" of redis.conf directives.

import { describe, expect, it } from 'vitest';
import { ErrorReply } from '../../src/shared/resp/reply.js';
import { parseScanOptions, scanPage, type ScanOptions } from '../../src/server/base/scan.js';
import { drawRandom, keyAt, parseRandomCount, randomKey, type Draw } from '../../src/server/base/random-members.js';
import { parseHeal } from '../../src/shared/faults/spec.js';
import { closestDirective } from '../../src/server/config/directives.js';
import { connect, makeServer } from '../helpers/unit-server.js';

function message(reply: unknown): string {
  expect(reply).toBeInstanceOf(ErrorReply);
  return (reply as ErrorReply).message;
}

describe('parseScanOptions', () => {
  it('reads MATCH and COUNT; a lone * means no pattern; TYPE only for the keyspace', () => {
    expect(parseScanOptions(['SSCAN', 's', '0', 'match', 'a*', 'COUNT', '5'], 3)).toEqual({ count: 5, pattern: 'a*', type: null });
    expect(parseScanOptions(['SCAN', '0', 'MATCH', '*', 'type', 'HASH'], 2, true)).toEqual({ count: 10, pattern: null, type: 'hash' });
    expect(message(parseScanOptions(['SSCAN', 's', '0', 'TYPE', 'set'], 3))).toBe('ERR syntax error');
  });

  it('refuses as Redis does: COUNT below 1, a non-integer, a dangling word', () => {
    expect(message(parseScanOptions(['SCAN', '0', 'COUNT', '0'], 2, true))).toBe('ERR syntax error');
    expect(message(parseScanOptions(['SCAN', '0', 'COUNT', 'x'], 2, true))).toBe('ERR value is not an integer or out of range');
    expect(message(parseScanOptions(['SCAN', '0', 'MATCH'], 2, true))).toBe('ERR syntax error');
  });
});

describe('scanPage', () => {
  const options = (count: number, pattern: string | null = null): ScanOptions => ({ count, pattern, type: null });
  const emit = (out: unknown[], member: string) => out.push(member);

  it('answers a compact collection whole with cursor 0, filtered', () => {
    const set = new Set(['b', 'a', 'ab']);
    expect(scanPage(5n, set, options(1, 'a*'), ['a', 'ab', 'b'], emit)).toEqual(['0', ['a', 'ab']]);
  });

  it('pages a large one: every member present throughout comes back, despite changes', () => {
    const set = new Set(Array.from({ length: 50 }, (_, i) => `m${i}`));
    const seen = new Set<string>();
    let cursor = 0n;
    let calls = 0;
    do {
      const [next, items] = scanPage(cursor, set, options(7), null, emit) as [string, string[]];
      for (const item of items) seen.add(item);
      set.delete(`m${40 - calls}`);
      set.add(`new${calls}`);
      cursor = BigInt(next);
      calls++;
    } while (cursor !== 0n);
    for (let i = 0; i < 30; i++) expect(seen.has(`m${i}`)).toBe(true);
  });

  it('resumes an unknown cursor by position', () => {
    const map = new Map(Array.from({ length: 20 }, (_, i) => [`f${i}`, i] as const));
    expect(scanPage(15n, map, options(10), null, emit)).toEqual(['0', ['f15', 'f16', 'f17', 'f18', 'f19']]);
  });
});

describe('parseRandomCount', () => {
  const withScores = (...rest: string[]) => parseRandomCount(['ZRANDMEMBER', 'z', ...rest], 'WITHSCORES');

  it('reads the count and the option', () => {
    expect(withScores('-3', 'withscores')).toEqual({ count: -3, withValues: true });
    expect(parseRandomCount(['SRANDMEMBER', 's', '2'])).toEqual({ count: 2, withValues: false });
  });

  it("checks in Redis's order, with its texts", () => {
    expect(message(withScores('x', 'nope'))).toBe('ERR value is not an integer or out of range');
    expect(message(withScores('-9223372036854775808'))).toMatch(/^ERR value is out of range, value must between -9223372036854775807/);
    expect(message(withScores('1', 'WITHVALUES'))).toBe('ERR syntax error');
    expect(message(withScores('4611686018427387904', 'WITHSCORES'))).toBe('ERR value is out of range');
    expect(withScores('4611686018427387903', 'WITHSCORES')).toMatchObject({ withValues: true });
    // SRANDMEMBER has no option: extra words are a syntax error before the count is read.
    expect(message(parseRandomCount(['SRANDMEMBER', 's', 'x', 'y']))).toBe('ERR syntax error');
  });
});

describe('drawRandom', () => {
  const members = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);
  const copyOnly = (all: string[]): Draw<string> => ({ size: all.length, all: () => [...all] });

  it('a count at least the size answers everything in order; negative counts repeat', () => {
    expect(drawRandom(copyOnly(['a', 'b', 'c']), 3)).toEqual(['a', 'b', 'c']);
    expect(drawRandom(copyOnly(['a', 'b', 'c']), 9)).toEqual(['a', 'b', 'c']);
    const picks = drawRandom(copyOnly(['a']), -5);
    expect(picks).toEqual(['a', 'a', 'a', 'a', 'a']);
  });

  it('positive counts are distinct, by a partial shuffle or by drawing single members', () => {
    expect(new Set(drawRandom(copyOnly(members(10)), 7)).size).toBe(7);
    const big = members(5000);
    const set = new Set(big);
    let copies = 0;
    const draw: Draw<string> = { size: big.length, all: () => (copies++, [...big]), one: () => randomKey(set)! };
    const few = drawRandom(draw, 20);
    expect(new Set(few).size).toBe(20);
    expect(copies).toBe(0);
    expect(drawRandom(draw, -30)).toHaveLength(30);
    expect(copies).toBe(0);
    expect(new Set(drawRandom(draw, 4000)).size).toBe(4000);
    expect(copies).toBe(1);
  });

  it('distinct by identity when picks are new objects', () => {
    const pairs: [string, number][] = members(3000).map((m, i) => [m, i]);
    const draw: Draw<[string, number]> = {
      size: pairs.length,
      all: () => pairs.map((p) => [...p] as [string, number]),
      one: () => [...pairs[Math.floor(Math.random() * pairs.length)]!] as [string, number],
      identity: ([member]) => member,
    };
    expect(new Set(drawRandom(draw, 50).map(([m]) => m)).size).toBe(50);
  });

  it('randomKey and keyAt walk Sets and Maps', () => {
    expect(randomKey(new Set())).toBeUndefined();
    expect(keyAt(new Map([['a', 1], ['b', 2]]), 1)).toBe('b');
    const large = new Set(members(3000));
    for (let i = 0; i < 100; i++) expect(large.has(randomKey(large)!)).toBe(true);
  });
});

describe('the families use the shared modules', () => {
  it('SSCAN, HSCAN and ZSCAN refuse TYPE; SCAN takes it', () => {
    const c = connect(makeServer());
    c.run('SADD', 's', 'a');
    c.run('HSET', 'h', 'f', 'v');
    c.run('ZADD', 'z', '1', 'm');
    for (const key of ['SSCAN s', 'HSCAN h', 'ZSCAN z']) {
      const [name, k] = key.split(' ');
      expect(message(c.run(name!, k!, '0', 'TYPE', 'set'))).toBe('ERR syntax error');
      expect(message(c.run(name!, k!, '-'))).toBe('ERR invalid cursor');
    }
    expect(c.run('SCAN', '0', 'TYPE', 'set', 'COUNT', '100')).toEqual(['0', ['s']]);
  });

  it('SRANDMEMBER, HRANDFIELD and ZRANDMEMBER share the count rules', () => {
    const c = connect(makeServer());
    c.run('SADD', 's', 'a', 'b');
    c.run('HSET', 'h', 'a', '1', 'b', '2');
    c.run('ZADD', 'z', '1', 'a', '2', 'b');
    for (const [name, key] of [['SRANDMEMBER', 's'], ['HRANDFIELD', 'h'], ['ZRANDMEMBER', 'z']] as const) {
      expect(message(c.run(name, key, '-9223372036854775808'))).toMatch(/^ERR value is out of range, value must between/);
      expect((c.run(name, key, '-4') as unknown[]).length).toBe(4);
      expect(new Set(c.run(name, key, '2') as string[])).toEqual(new Set(['a', 'b']));
    }
    expect(c.run('ZRANDMEMBER', 'z', '5', 'WITHSCORES')).toHaveLength(4);
    expect(c.run('HRANDFIELD', 'h', '5', 'WITHVALUES')).toEqual(['a', '1', 'b', '2']);
  });
});

describe('FAULT HEAL grammar (shared by nodes and sentinels)', () => {
  it('no peers heals everything; peers are parsed; the first unknown one is the error', () => {
    expect(parseHeal([])).toEqual({ peers: undefined });
    expect(parseHeal(['sentinels', '127.0.0.1:7001'])).toEqual({
      peers: [{ kind: 'sentinels' }, { kind: 'addr', host: '127.0.0.1', port: 7001 }],
    });
    expect(parseHeal(['master', 'nobody', 'alsonobody'])).toMatch(/^ERR unknown peer 'nobody'/);
  });
});

describe('closestDirective (shared/closest.ts)', () => {
  it('suggests a name or alias within the typo bound, case-insensitively', () => {
    expect(closestDirective('MAXMEMORI')).toBe('maxmemory');
    expect(closestDirective('slaveof')).toBe('slaveof');
    expect(closestDirective('completely-unknown-thing')).toBeUndefined();
  });
});
