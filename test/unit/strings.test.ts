// Whole-value string commands: GET SET (all options) SETNX SETEX PSETEX MGET MSET MSETNX GETSET
// GETDEL GETEX, with Redis 7.0's replies and error texts (recorded from redis-server 7.0.15).

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorReply, OK } from '../../src/shared/resp/reply.js';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';

const T0 = 1_700_000_000_000;
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

function errorOf(reply: unknown): string {
  expect(reply).toBeInstanceOf(ErrorReply);
  return (reply as ErrorReply).message;
}

let server: Server;
let c: TestClient;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  server = makeServer();
  c = connect(server);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('GET / SET', () => {
  it('stores binary-safe values: every byte 0x00-0xFF round-trips', () => {
    const bytes = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    expect(c.run('SET', bytes, bytes)).toBe(OK);
    expect(c.run('GET', bytes)).toBe(bytes);
    expect(c.wire('GET', bytes).startsWith('$256\r\n')).toBe(true);
  });

  it('answers nil for a missing key and WRONGTYPE for another type', () => {
    expect(c.run('GET', 'missing')).toBeNull();
    c.run('RPUSH', 'list', 'a');
    expect(errorOf(c.run('GET', 'list'))).toBe(WRONGTYPE);
  });

  it('SET replaces any type and clears the TTL unless KEEPTTL', () => {
    c.run('RPUSH', 'k', 'a');
    expect(c.run('SET', 'k', 'v', 'EX', 100)).toBe(OK);
    expect(c.run('TTL', 'k')).toBe(100);
    expect(c.run('SET', 'k', 'w', 'KEEPTTL')).toBe(OK);
    expect(c.run('TTL', 'k')).toBe(100);
    expect(c.run('SET', 'k', 'x')).toBe(OK);
    expect(c.run('TTL', 'k')).toBe(-1);
  });

  it('EX PX EXAT PXAT set the expiry, relative to the command time or absolute', () => {
    c.run('SET', 'a', 'v', 'EX', 10);
    c.run('SET', 'b', 'v', 'PX', 1500);
    c.run('SET', 'c', 'v', 'EXAT', T0 / 1000 + 20);
    c.run('SET', 'd', 'v', 'PXAT', T0 + 2500);
    expect(c.run('PEXPIRETIME', 'a')).toBe(T0 + 10_000);
    expect(c.run('PEXPIRETIME', 'b')).toBe(T0 + 1500);
    expect(c.run('PEXPIRETIME', 'c')).toBe(T0 + 20_000);
    expect(c.run('PEXPIRETIME', 'd')).toBe(T0 + 2500);
    vi.setSystemTime(T0 + 1500);
    expect(c.run('GET', 'b')).toBeNull();
    expect(c.run('GET', 'a')).toBe('v');
  });

  it('a PXAT already past stores a key that reads as missing', () => {
    expect(c.run('SET', 'k', 'v', 'PXAT', 1)).toBe(OK);
    expect(c.run('EXISTS', 'k')).toBe(0);
  });

  it('NX and XX set only when the key is missing / present', () => {
    expect(c.run('SET', 'k', '1', 'XX')).toBeNull();
    expect(c.run('SET', 'k', '1', 'NX')).toBe(OK);
    expect(c.run('SET', 'k', '2', 'NX')).toBeNull();
    expect(c.run('SET', 'k', '3', 'XX')).toBe(OK);
    expect(c.run('GET', 'k')).toBe('3');
  });

  it('GET returns the old value (nil when missing), also with NX, and refuses other types', () => {
    expect(c.run('SET', 'k', 'v', 'NX', 'GET')).toBeNull();
    expect(c.run('SET', 'k', 'w', 'NX', 'GET')).toBe('v');
    expect(c.run('GET', 'k')).toBe('v');
    expect(c.run('SET', 'k', 'w', 'GET')).toBe('v');
    expect(c.run('SET', 'k2', 'v', 'XX', 'GET')).toBeNull();
    expect(c.run('EXISTS', 'k2')).toBe(0);
    c.run('RPUSH', 'l', 'a');
    expect(errorOf(c.run('SET', 'l', 'v', 'GET'))).toBe(WRONGTYPE);
    expect(c.run('TYPE', 'l')).toEqual(expect.objectContaining({ value: 'list' }));
  });

  it.each([
    [['NX', 'XX']],
    [['XX', 'NX']],
    [['EX', '1', 'PX', '1']],
    [['KEEPTTL', 'EX', '1']],
    [['EX', '1', 'KEEPTTL']],
    [['EX']],
    [['PERSIST']],
    [['FOO']],
  ])('refuses the option combination %j with a syntax error', (opts) => {
    expect(errorOf(c.run('SET', 'k', 'v', ...opts))).toBe('ERR syntax error');
  });

  it('accepts a repeated expire option (the last one wins)', () => {
    expect(c.run('SET', 'k', 'v', 'EX', 10, 'EX', 20)).toBe(OK);
    expect(c.run('TTL', 'k')).toBe(20);
  });

  it('validates the expire value', () => {
    expect(errorOf(c.run('SET', 'k', 'v', 'EX', 0))).toBe("ERR invalid expire time in 'set' command");
    expect(errorOf(c.run('SET', 'k', 'v', 'PX', -5))).toBe("ERR invalid expire time in 'set' command");
    expect(errorOf(c.run('SET', 'k', 'v', 'EX', 'abc'))).toBe('ERR value is not an integer or out of range');
    expect(errorOf(c.run('SET', 'k', 'v', 'EX', '9223372036854776'))).toBe("ERR invalid expire time in 'set' command");
    // In range for seconds->ms, but adding the current time overflows int64.
    expect(errorOf(c.run('SET', 'k', 'v', 'EX', '9223372036854775'))).toBe("ERR invalid expire time in 'set' command");
    expect(errorOf(c.run('SET', 'k', 'v', 'PX', '9223372036854775807'))).toBe("ERR invalid expire time in 'set' command");
    expect(c.run('EXISTS', 'k')).toBe(0);
  });

  it('checks the expire before GET looks at the key', () => {
    c.run('RPUSH', 'l', 'a');
    expect(errorOf(c.run('SET', 'l', 'v', 'EX', 0, 'GET'))).toBe("ERR invalid expire time in 'set' command");
  });
});

describe('SETNX / SETEX / PSETEX', () => {
  it('SETNX answers 1 when it set, 0 otherwise', () => {
    expect(c.run('SETNX', 'k', 'a')).toBe(1);
    expect(c.run('SETNX', 'k', 'b')).toBe(0);
    expect(c.run('GET', 'k')).toBe('a');
  });

  it('SETEX / PSETEX set a value with a TTL and name themselves in errors', () => {
    expect(c.run('SETEX', 'k', 10, 'v')).toBe(OK);
    expect(c.run('PTTL', 'k')).toBe(10_000);
    expect(c.run('PSETEX', 'p', 1500, 'v')).toBe(OK);
    expect(c.run('PTTL', 'p')).toBe(1500);
    expect(errorOf(c.run('SETEX', 'k', 0, 'v'))).toBe("ERR invalid expire time in 'setex' command");
    expect(errorOf(c.run('PSETEX', 'k', -1, 'v'))).toBe("ERR invalid expire time in 'psetex' command");
    expect(errorOf(c.run('SETEX', 'k', 'x', 'v'))).toBe('ERR value is not an integer or out of range');
  });
});

describe('MGET / MSET / MSETNX', () => {
  it('MGET answers nil for missing keys and keys of another type', () => {
    c.run('MSET', 'a', '1', 'b', '2');
    c.run('RPUSH', 'l', 'x');
    expect(c.run('MGET', 'a', 'l', 'nope', 'b')).toEqual(['1', null, null, '2']);
  });

  it('MSET needs pairs and clears TTLs', () => {
    expect(errorOf(c.run('MSET', 'a'))).toBe("ERR wrong number of arguments for 'mset' command");
    expect(errorOf(c.run('MSET', 'a', '1', 'b'))).toBe("ERR wrong number of arguments for 'mset' command");
    c.run('SET', 'a', 'v', 'EX', 100);
    expect(c.run('MSET', 'a', '1')).toBe(OK);
    expect(c.run('TTL', 'a')).toBe(-1);
  });

  it('MSETNX sets all keys or none', () => {
    expect(errorOf(c.run('MSETNX', 'a'))).toBe("ERR wrong number of arguments for 'msetnx' command");
    expect(c.run('MSETNX', 'a', '1', 'b', '2')).toBe(1);
    expect(c.run('MSETNX', 'b', '3', 'c', '4')).toBe(0);
    expect(c.run('MGET', 'a', 'b', 'c')).toEqual(['1', '2', null]);
  });
});

describe('GETSET / GETDEL / GETEX', () => {
  it('GETSET returns the old value and clears the TTL', () => {
    expect(c.run('GETSET', 'k', 'a')).toBeNull();
    c.run('EXPIRE', 'k', 100);
    expect(c.run('GETSET', 'k', 'b')).toBe('a');
    expect(c.run('TTL', 'k')).toBe(-1);
    c.run('RPUSH', 'l', 'x');
    expect(errorOf(c.run('GETSET', 'l', 'v'))).toBe(WRONGTYPE);
  });

  it('GETDEL returns and deletes the value', () => {
    c.run('SET', 'k', 'v');
    expect(c.run('GETDEL', 'k')).toBe('v');
    expect(c.run('GETDEL', 'k')).toBeNull();
    c.run('RPUSH', 'l', 'x');
    expect(errorOf(c.run('GETDEL', 'l'))).toBe(WRONGTYPE);
    expect(c.run('EXISTS', 'l')).toBe(1);
  });

  it('GETEX changes or removes the TTL, and deletes on an absolute time in the past', () => {
    c.run('SET', 'k', 'v');
    expect(c.run('GETEX', 'k', 'EX', 50)).toBe('v');
    expect(c.run('TTL', 'k')).toBe(50);
    expect(c.run('GETEX', 'k', 'PXAT', T0 + 7000)).toBe('v');
    expect(c.run('PTTL', 'k')).toBe(7000);
    expect(c.run('GETEX', 'k')).toBe('v');
    expect(c.run('PTTL', 'k')).toBe(7000);
    expect(c.run('GETEX', 'k', 'PERSIST')).toBe('v');
    expect(c.run('TTL', 'k')).toBe(-1);
    expect(c.run('GETEX', 'k', 'EXAT', 1)).toBe('v');
    expect(c.run('EXISTS', 'k')).toBe(0);
  });

  it('GETEX checks options, then the key, then the expire value', () => {
    expect(errorOf(c.run('GETEX', 'k', 'PERSIST', 'EX', 1))).toBe('ERR syntax error');
    expect(errorOf(c.run('GETEX', 'k', 'GET'))).toBe('ERR syntax error');
    expect(errorOf(c.run('GETEX', 'k', 'NX'))).toBe('ERR syntax error');
    expect(c.run('GETEX', 'missing', 'EX', 0)).toBeNull();
    c.run('SET', 'k', 'v');
    expect(errorOf(c.run('GETEX', 'k', 'EX', 0))).toBe("ERR invalid expire time in 'getex' command");
    c.run('RPUSH', 'l', 'x');
    expect(errorOf(c.run('GETEX', 'l', 'EX', 0))).toBe(WRONGTYPE);
  });
});

describe('keyspace hits and misses', () => {
  it('counts GET-like reads, not writes', () => {
    c.run('SET', 'k', 'v');
    c.run('RPUSH', 'l', 'x');
    const stats = server.stats;
    const before = { hits: stats.keyspaceHits, misses: stats.keyspaceMisses };
    c.run('GET', 'k');
    c.run('GET', 'nope');
    c.run('GET', 'l');
    c.run('MGET', 'k', 'nope');
    c.run('SET', 'k', 'w', 'GET');
    c.run('GETDEL', 'nope');
    c.run('STRLEN', 'k');
    c.run('SET', 'x', '1');
    c.run('INCR', 'x');
    c.run('APPEND', 'k', 'z');
    expect(stats.keyspaceHits - before.hits).toBe(5);
    expect(stats.keyspaceMisses - before.misses).toBe(3);
  });
});
