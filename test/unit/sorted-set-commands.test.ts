// Sorted-set point commands on the socket-less server: ZADD's flags and their incompatibilities,
// INCR and NaN, score parsing (inf, hex, overflow), RESP2/RESP3 score encoding, ZREM/ZRANK/ZMSCORE,
// and propagation (changes as typed, no-ops nothing), checked against redis-server 7.0.15.

import { beforeEach, describe, expect, it } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';
import { DoubleReply } from '../../src/shared/resp/reply.js';
import { formatG17 } from '../../src/shared/resp/format-double.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

let server: Server;
let c: TestClient;
let stream: string[][];

function sent(...args: (string | number)[]): string[][] {
  stream.length = 0;
  c.run(...args);
  return [...stream];
}

/** ZRANGE key 0 -1 WITHSCORES as the RESP2 client reads it: member, score text, ... */
function contents(key: string): string[] {
  return (c.run('ZRANGE', key, 0, -1, 'WITHSCORES') as unknown[]).map((item) =>
    item instanceof DoubleReply ? formatG17(item.value) : String(item),
  );
}

beforeEach(() => {
  server = makeServer();
  c = connect(server);
  stream = [];
  server.requestPath.observe({ propagate: (_db, commands) => stream.push(...commands) });
  c.run('SET', 'str', 'v');
});

describe('ZADD', () => {
  it('adds and re-scores; CH counts changes too', () => {
    expect(c.run('ZADD', 'z', 1, 'a', 2, 'b', 3, 'c')).toBe(3);
    expect(c.run('ZADD', 'z', 1, 'a', 5, 'b', 4, 'd')).toBe(1);
    expect(c.run('ZADD', 'z', 'CH', 1, 'a', 6, 'b', 4, 'e')).toBe(2);
    expect(contents('z')).toEqual(['a', '1', 'c', '3', 'd', '4', 'e', '4', 'b', '6']);
  });

  it('NX only adds, XX only updates, GT/LT only move scores their way', () => {
    c.run('ZADD', 'z', 5, 'a');
    expect(c.run('ZADD', 'z', 'NX', 9, 'a', 1, 'b')).toBe(1);
    expect(c.run('ZADD', 'z', 'XX', 'CH', 7, 'a', 1, 'new')).toBe(1);
    expect(c.run('ZADD', 'z', 'GT', 'CH', 6, 'a')).toBe(0);
    expect(c.run('ZADD', 'z', 'GT', 'CH', 8, 'a', 0, 'c')).toBe(2);
    expect(c.run('ZADD', 'z', 'LT', 'CH', 9, 'a')).toBe(0);
    expect(c.run('ZADD', 'z', 'lt', 'xx', 'ch', 2, 'a', 3, 'd')).toBe(1);
    expect(contents('z')).toEqual(['c', '0', 'b', '1', 'a', '2']);
    expect(c.run('ZADD', 'missing', 'XX', 1, 'a')).toBe(0);
    expect(server.db(0).has('missing')).toBe(false);
  });

  it('refuses incompatible flags and malformed pairs with Redis texts, in Redis order', () => {
    expect(c.wire('ZADD', 'z', 'NX', 'XX', 1, 'a')).toBe('-ERR XX and NX options at the same time are not compatible\r\n');
    const gtlt = '-ERR GT, LT, and/or NX options at the same time are not compatible\r\n';
    expect(c.wire('ZADD', 'z', 'NX', 'GT', 1, 'a')).toBe(gtlt);
    expect(c.wire('ZADD', 'z', 'LT', 'NX', 1, 'a')).toBe(gtlt);
    expect(c.wire('ZADD', 'z', 'GT', 'LT', 1, 'a')).toBe(gtlt);
    expect(c.wire('ZADD', 'z', 'INCR', 1, 'a', 2, 'b')).toBe('-ERR INCR option supports a single increment-element pair\r\n');
    expect(c.wire('ZADD', 'z', 'XX', 'NX', 'INCR', 1, 'a', 2, 'b')).toBe('-ERR XX and NX options at the same time are not compatible\r\n');
    expect(c.wire('ZADD', 'z', 1, 'a', 2)).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZADD', 'z', 'FOO', 1, 'a')).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZADD', 'z', 'NX', 'CH')).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZADD', 'z', 1, 'a', 'x', 'b')).toBe('-ERR value is not a valid float\r\n');
    expect(server.db(0).has('z')).toBe(false);
    expect(c.wire('ZADD', 'str', 1, 'a')).toBe(WRONGTYPE);
  });

  it('parses scores as Redis: inf and hex yes, NaN, blanks and overflow no', () => {
    expect(c.run('ZADD', 'z', 'inf', 'a', '-inf', 'b', '0x10', 'c', '1.', 'd', '+Infinity', 'e')).toBe(5);
    expect(c.wire('ZSCORE', 'z', 'c')).toBe('$2\r\n16\r\n');
    expect(c.wire('ZSCORE', 'z', 'a')).toBe('$3\r\ninf\r\n');
    for (const bad of ['nan', ' 1', '1 ', '', '1e400', '1e-400', '.e1', '0x', '1_0']) {
      expect(c.wire('ZADD', 'z', bad, 'x'), bad).toBe('-ERR value is not a valid float\r\n');
    }
  });

  it('INCR answers the new score, nil when a flag stopped it, and refuses a NaN result', () => {
    expect(c.wire('ZADD', 'z', 'INCR', 1.5, 'a')).toBe('$3\r\n1.5\r\n');
    expect(c.wire('ZADD', 'z', 'INCR', 0.1, 'a')).toBe('$18\r\n1.6000000000000001\r\n');
    expect(c.wire('ZADD', 'z', 'GT', 'INCR', -1, 'a')).toBe('$-1\r\n');
    expect(c.wire('ZADD', 'z', 'NX', 'INCR', 1, 'a')).toBe('$-1\r\n');
    expect(c.wire('ZADD', 'z', 'XX', 'INCR', 1, 'b')).toBe('$-1\r\n');
    c.run('ZADD', 'z', 'inf', 'i');
    expect(c.wire('ZADD', 'z', 'INCR', '-inf', 'i')).toBe('-ERR resulting score is not a number (NaN)\r\n');
    expect(c.wire('ZINCRBY', 'z', '-inf', 'i')).toBe('-ERR resulting score is not a number (NaN)\r\n');
    expect(c.wire('ZSCORE', 'z', 'i')).toBe('$3\r\ninf\r\n');
  });

  it('stores -0 as 0, as a listpack-encoded zset reads it back', () => {
    c.run('ZADD', 'z', '-0', 'a');
    expect(c.wire('ZSCORE', 'z', 'a')).toBe('$1\r\n0\r\n');
  });

  it('propagates as typed when something changed, nothing otherwise; wakes nobody needlessly', () => {
    expect(sent('ZADD', 'z', 1, 'a')).toEqual([['ZADD', 'z', '1', 'a']]);
    expect(sent('ZADD', 'z', 1, 'a')).toEqual([]);
    expect(sent('ZADD', 'z', 'NX', 5, 'a')).toEqual([]);
    expect(sent('ZADD', 'z', 'GT', 0, 'a')).toEqual([]);
    expect(sent('ZADD', 'z', 'XX', 1, 'b')).toEqual([]);
    expect(sent('ZINCRBY', 'z', 0, 'a')).toEqual([]);
    expect(sent('ZINCRBY', 'z', 0, 'b')).toEqual([['ZINCRBY', 'z', '0', 'b']]);
    expect(sent('ZREM', 'z', 'nope')).toEqual([]);
    expect(sent('ZREM', 'z', 'a', 'b')).toEqual([['ZREM', 'z', 'a', 'b']]);
    expect(server.db(0).has('z')).toBe(false);
  });
});

describe('ZINCRBY and point reads', () => {
  beforeEach(() => {
    c.run('ZADD', 'z', 1, 'a', 2, 'b', 3, 'c');
  });

  it('ZINCRBY creates members and keys, and refuses a bad increment', () => {
    expect(c.wire('ZINCRBY', 'z', 2.5, 'a')).toBe('$3\r\n3.5\r\n');
    expect(c.wire('ZINCRBY', 'new', 1, 'm')).toBe('$1\r\n1\r\n');
    expect(c.wire('ZINCRBY', 'z', 'abc', 'a')).toBe('-ERR value is not a valid float\r\n');
    expect(c.wire('ZINCRBY', 'str', 1, 'a')).toBe(WRONGTYPE);
  });

  it('ZSCORE/ZMSCORE are doubles: "%.17g" bulk strings in RESP2, , in RESP3', () => {
    c.run('ZADD', 'f', 0.1, 'a', '1e20', 'b', '1.5e-7', 'c');
    expect(c.wire('ZSCORE', 'f', 'a')).toBe('$19\r\n0.10000000000000001\r\n');
    expect(c.wire('ZMSCORE', 'f', 'b', 'nope', 'c')).toBe('*3\r\n$5\r\n1e+20\r\n$-1\r\n$22\r\n1.4999999999999999e-07\r\n');
    c.run('HELLO', 3);
    expect(c.wire('ZSCORE', 'f', 'a')).toBe(',0.10000000000000001\r\n');
    expect(c.wire('ZMSCORE', 'missing', 'a')).toBe('*1\r\n_\r\n');
    expect(c.wire('ZSCORE', 'missing', 'a')).toBe('_\r\n');
  });

  it('ZCARD, ZRANK, ZREVRANK', () => {
    expect(c.run('ZCARD', 'z')).toBe(3);
    expect(c.run('ZCARD', 'missing')).toBe(0);
    expect(c.run('ZRANK', 'z', 'a')).toBe(0);
    expect(c.run('ZREVRANK', 'z', 'a')).toBe(2);
    expect(c.run('ZRANK', 'z', 'nope')).toBeNull();
    expect(c.run('ZRANK', 'missing', 'a')).toBeNull();
    expect(c.wire('ZRANK', 'str', 'a')).toBe(WRONGTYPE);
    expect(c.wire('ZRANK', 'z', 'a', 'WITHSCORE')).toBe("-ERR wrong number of arguments for 'zrank' command\r\n");
  });

  it('orders equal scores by member bytes', () => {
    c.run('ZADD', 'e', 0, 'b', 0, '\u00ff', 0, 'B', 0, 'a', 0, '');
    expect(c.run('ZRANGE', 'e', 0, -1)).toEqual(['', 'B', 'a', 'b', '\u00ff']);
  });

  it('reports Redis key positions and flags', () => {
    const spec = (name: string) => server.commands.get(name)!;
    expect(spec('zadd').flags).toEqual(['write', 'denyoom', 'fast']);
    expect([spec('zrangestore').firstKey, spec('zrangestore').lastKey]).toEqual([1, 2]);
    expect([spec('bzpopmin').firstKey, spec('bzpopmin').lastKey]).toEqual([1, -2]);
    expect(spec('zunion').flags).toContain('movablekeys');
    expect([spec('zunionstore').firstKey, spec('zunionstore').lastKey, spec('zunionstore').step]).toEqual([1, 1, 1]);
  });
});
