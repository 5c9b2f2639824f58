// Sorted-set algebra, random picks and scans on the socket-less server: ZUNION/ZINTER/ZDIFF (and
// STORE forms, ZINTERCARD) with WEIGHTS, AGGREGATE, plain sets as inputs, NaN turned to 0, Redis's
// error texts and order of checks; ZRANDMEMBER counts; ZSCAN's whole answer and paging.

import { beforeEach, describe, expect, it } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';
import { DoubleReply } from '../../src/shared/resp/reply.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

let server: Server;
let c: TestClient;
let stream: string[][];

/** A reply with doubles as plain numbers, for compact expectations. */
function plain(...args: (string | number)[]): unknown {
  const walk = (r: unknown): unknown => (r instanceof DoubleReply ? r.value : Array.isArray(r) ? r.map(walk) : r);
  return walk(c.run(...args));
}

beforeEach(() => {
  server = makeServer();
  c = connect(server);
  stream = [];
  server.requestPath.observe({ propagate: (_db, commands) => stream.push(...commands) });
  c.run('SET', 'str', 'v');
  c.run('ZADD', 'z1', 1, 'a', 2, 'b', 3, 'c');
  c.run('ZADD', 'z2', 10, 'b', 20, 'c', 30, 'd');
  c.run('SADD', 's', 'a', 'd', 'x');
});

describe('ZUNION / ZINTER / ZDIFF', () => {
  it('combine sorted sets and plain sets (score 1), sorted by score then member', () => {
    expect(plain('ZUNION', 3, 'z1', 'z2', 's', 'WITHSCORES')).toEqual(['x', 1, 'a', 2, 'b', 12, 'c', 23, 'd', 31]);
    expect(plain('ZINTER', 2, 'z1', 'z2', 'WITHSCORES')).toEqual(['b', 12, 'c', 23]);
    expect(plain('ZINTER', 2, 'z1', 's')).toEqual(['a']);
    expect(plain('ZDIFF', 2, 'z1', 'z2', 'WITHSCORES')).toEqual(['a', 1]);
    expect(plain('ZDIFF', 2, 'missing', 'z1')).toEqual([]);
    expect(plain('ZINTER', 2, 'z1', 'missing')).toEqual([]);
  });

  it('apply WEIGHTS and AGGREGATE; NaN from inf*0 or inf-inf becomes 0', () => {
    expect(plain('ZUNION', 2, 'z1', 'z2', 'WEIGHTS', 2, 0.5, 'WITHSCORES')).toEqual(['a', 2, 'b', 9, 'd', 15, 'c', 16]);
    expect(plain('ZINTER', 2, 'z1', 'z2', 'AGGREGATE', 'MIN', 'WITHSCORES')).toEqual(['b', 2, 'c', 3]);
    expect(plain('ZINTER', 2, 'z1', 'z2', 'aggregate', 'max', 'WITHSCORES')).toEqual(['b', 10, 'c', 20]);
    expect(plain('ZINTER', 2, 'z1', 'z1', 'WITHSCORES')).toEqual(['a', 2, 'b', 4, 'c', 6]);
    expect(plain('ZUNION', 2, 'z1', 'z2', 'WEIGHTS', 0, 'inf', 'WITHSCORES')).toEqual(['a', 0, 'b', Infinity, 'c', Infinity, 'd', Infinity]);
    c.run('ZADD', 'pinf', 'inf', 'm');
    c.run('ZADD', 'ninf', '-inf', 'm');
    expect(plain('ZUNION', 2, 'pinf', 'ninf', 'WITHSCORES')).toEqual(['m', 0]);
    expect(plain('ZUNION', 1, 'pinf', 'WEIGHTS', 0, 'WITHSCORES')).toEqual(['m', 0]);
  });

  it('RESP3 WITHSCORES answers [member, double] pairs', () => {
    c.run('HELLO', 3);
    expect(c.wire('ZINTER', 2, 'z1', 'z2', 'WITHSCORES')).toBe('*2\r\n*2\r\n$1\r\nb\r\n,12\r\n*2\r\n$1\r\nc\r\n,23\r\n');
  });

  it('errors follow Redis: numkeys, then key types, then options', () => {
    expect(c.wire('ZUNION', 0, 'z1')).toBe("-ERR at least 1 input key is needed for 'zunion' command\r\n");
    expect(c.wire('ZINTERSTORE', 'd', -1, 'z1')).toBe("-ERR at least 1 input key is needed for 'zinterstore' command\r\n");
    expect(c.wire('ZUNION', 'x', 'z1')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(c.wire('ZUNION', 3, 'z1')).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZUNION', 2, 'missing', 'str', 'WEIGHTS', 'x')).toBe(WRONGTYPE);
    expect(c.wire('ZUNION', 1, 'z1', 'WEIGHTS')).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZUNION', 1, 'z1', 'WEIGHTS', 'x')).toBe('-ERR weight value is not a float\r\n');
    expect(c.wire('ZUNION', 1, 'z1', 'WEIGHTS', '1e400')).toBe('-ERR weight value is not a float\r\n');
    expect(c.wire('ZUNION', 1, 'z1', 'WEIGHTS', 1, 2)).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZUNION', 1, 'z1', 'AGGREGATE', 'avg')).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZDIFF', 1, 'z1', 'WEIGHTS', 1)).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZUNIONSTORE', 'd', 1, 'z1', 'WITHSCORES')).toBe('-ERR syntax error\r\n');
  });

  it('STORE forms replace the destination, delete it on an empty result, propagate only changes', () => {
    expect(c.run('ZUNIONSTORE', 'str', 2, 'z1', 'z2')).toBe(4);
    expect(plain('ZRANGE', 'str', 0, -1, 'WITHSCORES')).toEqual(['a', 1, 'b', 12, 'c', 23, 'd', 30]);
    expect(c.run('ZINTERSTORE', 'z1', 2, 'z1', 'z2', 'WEIGHTS', 1, -1)).toBe(2);
    expect(plain('ZRANGE', 'z1', 0, -1, 'WITHSCORES')).toEqual(['c', -17, 'b', -8]);
    stream.length = 0;
    expect(c.run('ZDIFFSTORE', 'z1', 2, 'z1', 'z1')).toBe(0);
    expect(server.db(0).has('z1')).toBe(false);
    expect(stream).toEqual([['ZDIFFSTORE', 'z1', '2', 'z1', 'z1']]);
    stream.length = 0;
    expect(c.run('ZINTERSTORE', 'nothing', 1, 'missing')).toBe(0);
    expect(stream).toEqual([]);
  });

  it('ZINTERCARD counts up to LIMIT', () => {
    expect(c.run('ZINTERCARD', 2, 'z1', 'z2')).toBe(2);
    expect(c.run('ZINTERCARD', 2, 'z1', 'z2', 'LIMIT', 1)).toBe(1);
    expect(c.run('ZINTERCARD', 2, 'z1', 's')).toBe(1);
    expect(c.wire('ZINTERCARD', 0, 'z1')).toBe("-ERR at least 1 input key is needed for 'zintercard' command\r\n");
    expect(c.wire('ZINTERCARD', 1, 'z1', 'LIMIT', -1)).toBe("-ERR LIMIT can't be negative\r\n");
    expect(c.wire('ZINTERCARD', 1, 'z1', 'WITHSCORES')).toBe('-ERR syntax error\r\n');
  });
});

describe('ZRANDMEMBER', () => {
  it('answers distinct members for positive counts and repeats for negative ones', () => {
    const all = ['a', 'b', 'c'];
    expect(all).toContain(c.run('ZRANDMEMBER', 'z1'));
    const two = c.run('ZRANDMEMBER', 'z1', 2) as string[];
    expect(new Set(two).size).toBe(2);
    expect([...(c.run('ZRANDMEMBER', 'z1', 10) as string[])].sort()).toEqual(all);
    const many = plain('ZRANDMEMBER', 'z1', -10, 'WITHSCORES') as (string | number)[];
    expect(many).toHaveLength(20);
    for (let i = 0; i < many.length; i += 2) expect(plain('ZSCORE', 'z1', many[i]!)).toBe(many[i + 1]);
    expect(c.run('ZCARD', 'z1')).toBe(3);
  });

  it('edge cases and errors', () => {
    expect(c.run('ZRANDMEMBER', 'missing')).toBeNull();
    expect(c.run('ZRANDMEMBER', 'missing', 3)).toEqual([]);
    expect(c.run('ZRANDMEMBER', 'z1', 0)).toEqual([]);
    c.run('HELLO', 3);
    expect(c.wire('ZRANDMEMBER', 'z2', 1, 'WITHSCORES')).toMatch(/^\*1\r\n\*2\r\n\$1\r\n[bcd]\r\n,[123]0\r\n$/);
    expect(c.wire('ZRANDMEMBER', 'z1', '-9223372036854775808')).toMatch(/^-ERR value is out of range, value must between/);
    expect(c.wire('ZRANDMEMBER', 'z1', '-4611686018427387904', 'WITHSCORES')).toBe('-ERR value is out of range\r\n');
    expect(c.wire('ZRANDMEMBER', 'z1', 1, 'foo')).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZRANDMEMBER', 'z1', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(c.wire('ZRANDMEMBER', 'str')).toBe(WRONGTYPE);
  });
});

describe('ZSCAN', () => {
  it('answers a small zset whole, in score order, scores as "%.17g" bulk strings even in RESP3', () => {
    c.run('ZADD', 'f', 0.1, 'x', -1, 'y');
    c.run('HELLO', 3);
    expect(c.run('ZSCAN', 'f', 0, 'COUNT', 1)).toEqual(['0', ['y', '-1', 'x', '0.10000000000000001']]);
    expect(c.run('ZSCAN', 'z1', 0, 'MATCH', '[bc]')).toEqual(['0', ['b', '2', 'c', '3']]);
    expect(c.run('ZSCAN', 'missing', 0)).toEqual(['0', []]);
    expect(c.wire('ZSCAN', 'z1', 'x')).toBe('-ERR invalid cursor\r\n');
    expect(c.wire('ZSCAN', 'z1', 0, 'COUNT', 0)).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZSCAN', 'str', 0)).toBe(WRONGTYPE);
  });

  it('pages a large zset and returns every member with its score', () => {
    const pairs = Array.from({ length: 300 }, (_, i) => [String(i / 4), `m${i}`]).flat();
    c.run('ZADD', 'big', ...pairs);
    const seen = new Map<string, string>();
    let cursor = '0';
    let pages = 0;
    do {
      const [next, flat] = c.run('ZSCAN', 'big', cursor, 'COUNT', 40) as [string, string[]];
      for (let i = 0; i < flat.length; i += 2) seen.set(flat[i]!, flat[i + 1]!);
      cursor = next;
      pages++;
    } while (cursor !== '0');
    expect(pages).toBeGreaterThan(5);
    expect(seen.size).toBe(300);
    expect(seen.get('m6')).toBe('1.5');
  });
});
