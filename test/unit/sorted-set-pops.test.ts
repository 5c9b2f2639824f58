// Popping sorted sets on the socket-less server: ZPOPMIN/ZPOPMAX/ZMPOP reply shapes (flat, nested
// in RESP3), errors, and the blocking BZPOPMIN/BZPOPMAX/BZMPOP: FIFO service, serving from the key
// that became ready, timeouts, no blocking in MULTI, and the plain pops they propagate as.

import { beforeEach, describe, expect, it } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';
import { DoubleReply, NO_REPLY, NULL_ARRAY } from '../../src/shared/resp/reply.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
const d = (value: number) => new DoubleReply(value);

let server: Server;
let c: TestClient;
let stream: string[][];

beforeEach(() => {
  server = makeServer();
  c = connect(server);
  stream = [];
  server.requestPath.observe({ propagate: (_db, commands) => stream.push(...commands) });
  c.run('SET', 'str', 'v');
});

/** A fresh client already blocked by `args`. */
function blocked(...args: (string | number)[]): TestClient {
  const client = connect(server);
  expect(client.run(...args)).toBe(NO_REPLY);
  expect(client.client.blocked).not.toBeNull();
  return client;
}

describe('ZPOPMIN / ZPOPMAX', () => {
  beforeEach(() => {
    c.run('ZADD', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd');
  });

  it('pop from either end, flat in RESP2, deleting the emptied key', () => {
    expect(c.wire('ZPOPMIN', 'z')).toBe('*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(c.run('ZPOPMAX', 'z', 2)).toEqual(['d', d(4), 'c', d(3)]);
    expect(c.run('ZPOPMAX', 'z', 0)).toEqual([]);
    expect(c.run('ZPOPMIN', 'z', 10)).toEqual(['b', d(2)]);
    expect(server.db(0).has('z')).toBe(false);
    expect(c.run('ZPOPMIN', 'z')).toEqual([]);
  });

  it('RESP3 nests [member, score] pairs only when a count is given', () => {
    c.run('HELLO', 3);
    expect(c.wire('ZPOPMIN', 'z')).toBe('*2\r\n$1\r\na\r\n,1\r\n');
    expect(c.wire('ZPOPMIN', 'z', 1)).toBe('*1\r\n*2\r\n$1\r\nb\r\n,2\r\n');
  });

  it('errors: count not positive, extra arguments, wrong type', () => {
    for (const bad of [-1, 'a', '-0']) expect(c.wire('ZPOPMIN', 'z', bad)).toBe('-ERR value is out of range, must be positive\r\n');
    expect(c.wire('ZPOPMIN', 'z', 1, 2)).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZPOPMAX', 'str')).toBe(WRONGTYPE);
  });

  it('propagate as typed when they popped, nothing otherwise', () => {
    stream.length = 0;
    c.run('ZPOPMIN', 'z', 0);
    c.run('ZPOPMIN', 'missing');
    expect(stream).toEqual([]);
    c.run('zpopmax', 'z', 9);
    expect(stream).toEqual([['zpopmax', 'z', '9']]);
  });
});

describe('ZMPOP', () => {
  it('pops from the first non-empty key as [key, [[member, score]...]] and propagates ZPOPMIN/ZPOPMAX key n', () => {
    c.run('ZADD', 'z', 1, 'a', 2, 'b', 3, 'c');
    stream.length = 0;
    expect(c.run('ZMPOP', 2, 'missing', 'z', 'MAX', 'COUNT', 10)).toEqual(['z', [['c', d(3)], ['b', d(2)], ['a', d(1)]]]);
    expect(stream).toEqual([['ZPOPMAX', 'z', '3']]);
    expect(c.wire('ZMPOP', 1, 'z', 'MIN')).toBe('*-1\r\n');
    c.run('ZADD', 'z', 1, 'a');
    expect(c.run('zmpop', 1, 'z', 'min')).toEqual(['z', [['a', d(1)]]]);
    expect(stream.at(-1)).toEqual(['ZPOPMIN', 'z', '1']);
  });

  it('checks arguments like Redis', () => {
    expect(c.wire('ZMPOP', 0, 'z', 'MIN')).toBe('-ERR numkeys should be greater than 0\r\n');
    expect(c.wire('ZMPOP', 'a', 'z', 'MIN')).toBe('-ERR numkeys should be greater than 0\r\n');
    expect(c.wire('ZMPOP', 2, 'z', 'MIN')).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZMPOP', 1, 'z', 'UP')).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZMPOP', 1, 'z', 'MIN', 'COUNT', 0)).toBe('-ERR count should be greater than 0\r\n');
    expect(c.wire('ZMPOP', 1, 'z', 'MIN', 'COUNT', 1, 'COUNT', 2)).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZMPOP', 2, 'str', 'z', 'MIN')).toBe(WRONGTYPE);
  });
});

describe('blocking pops', () => {
  it('serve at once when they can, propagating the plain pop', () => {
    c.run('ZADD', 'z', 1, 'a', 2, 'b');
    stream.length = 0;
    expect(c.run('BZPOPMIN', 'missing', 'z', 0)).toEqual(['z', 'a', d(1)]);
    expect(c.run('BZPOPMAX', 'z', 0)).toEqual(['z', 'b', d(2)]);
    expect(stream).toEqual([['ZPOPMIN', 'z'], ['ZPOPMAX', 'z']]);
  });

  it('a ZADD serves the blocked clients in order; each served pop propagates as ZPOPMIN/ZPOPMAX', () => {
    const first = blocked('BZPOPMIN', 'z', 0);
    const second = blocked('BZPOPMAX', 'z', 0);
    const third = blocked('BZPOPMIN', 'z', 0);
    stream.length = 0;
    c.run('ZADD', 'z', 1, 'a', 2, 'b');
    expect(first.pushed).toEqual([['z', 'a', d(1)]]);
    expect(second.pushed).toEqual([['z', 'b', d(2)]]);
    expect(third.pushed).toEqual([]);
    expect(stream).toEqual([['ZADD', 'z', '1', 'a', '2', 'b'], ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z']]);
    expect(server.db(0).has('z')).toBe(false);
  });

  it('serves a client blocked on several keys from the key that became ready', () => {
    const b = blocked('BZMPOP', 0, 2, 'x', 'y', 'MAX', 'COUNT', 5);
    stream.length = 0;
    c.run('ZADD', 'y', 1, 'a', 2, 'b');
    expect(b.pushed).toEqual([['y', [['b', d(2)], ['a', d(1)]]]]);
    expect(stream.at(-1)).toEqual(['ZPOPMAX', 'y', '2']);
  });

  it('wakes on a sorted set stored by ZUNIONSTORE; a key of another type keeps it waiting', () => {
    const b = blocked('BZPOPMIN', 'k', 0);
    c.run('SET', 'k', 'v');
    c.run('DEL', 'k');
    expect(b.pushed).toEqual([]);
    c.run('ZADD', 'src', 5, 'm');
    c.run('ZUNIONSTORE', 'k', 1, 'src');
    expect(b.pushed).toEqual([['k', 'm', d(5)]]);
  });

  it('time out with a null array and propagate nothing', () => {
    const b = blocked('BZPOPMIN', 'k', 0.5);
    const m = blocked('BZMPOP', 1, 1, 'k', 'MIN');
    stream.length = 0;
    server.blocking.expireTimeouts(Math.max(b.client.blocked!.deadline, m.client.blocked!.deadline));
    expect(b.pushed).toEqual([NULL_ARRAY]);
    expect(m.pushed).toEqual([NULL_ARRAY]);
    expect(stream).toEqual([]);
  });

  it('do not block inside MULTI: EXEC answers a null array', () => {
    c.run('MULTI');
    c.run('BZPOPMIN', 'k', 0);
    c.run('BZMPOP', 0, 1, 'k', 'MIN');
    expect(c.wire('EXEC')).toBe('*2\r\n*-1\r\n*-1\r\n');
    expect(c.client.blocked).toBeNull();
  });

  it('check the timeout and arguments like Redis', () => {
    expect(c.wire('BZPOPMIN', 'k', -1)).toBe('-ERR timeout is negative\r\n');
    expect(c.wire('BZPOPMIN', 'k', 'abc')).toBe('-ERR timeout is not a float or out of range\r\n');
    expect(c.wire('BZMPOP', -1, 1, 'k', 'MIN')).toBe('-ERR timeout is negative\r\n');
    // BZMPOP checks its arguments before the timeout.
    expect(c.wire('BZMPOP', -1, 0, 'k', 'MIN')).toBe('-ERR numkeys should be greater than 0\r\n');
    expect(c.wire('BZPOPMIN', 'missing', 'str', 0)).toBe(WRONGTYPE);
  });
});
