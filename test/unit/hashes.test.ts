// Hash commands against answers recorded from redis-server 7.0.15: replies, RESP2/RESP3 shapes,
// error texts and their order, empty hashes deleted, HINCRBYFLOAT's long double arithmetic, and
// what each command propagates (no-ops nothing, HINCRBYFLOAT as HSET).

import { beforeEach, describe, expect, it } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';
import { MapReply } from '../../src/shared/resp/reply.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

let server: Server;
let c: TestClient;
let stream: string[][];

function sent(...args: (string | number)[]): string[][] {
  stream.length = 0;
  c.run(...args);
  return [...stream];
}

/** Whether a key exists (read from the keyspace: no dependence on the keys family). */
function exists(key: string): number {
  return server.db(0).has(key) ? 1 : 0;
}

beforeEach(() => {
  server = makeServer();
  c = connect(server);
  stream = [];
  server.requestPath.observe({ propagate: (_db, commands) => stream.push(...commands) });
  c.run('SET', 'str', 'v');
});

describe('setting and reading fields', () => {
  it('HSET answers how many fields it added; HMSET answers OK; odd pairs are an arity error', () => {
    expect(c.run('HSET', 'h', 'a', '1', 'b', '2')).toBe(2);
    expect(c.run('HSET', 'h', 'a', '9', 'c', '3')).toBe(1);
    expect(c.wire('HMSET', 'h', 'd', '4')).toBe('+OK\r\n');
    expect(c.wire('HSET', 'h', 'a', '1', 'b')).toBe("-ERR wrong number of arguments for 'hset' command\r\n");
    expect(c.wire('HMSET', 'h', 'a', '1', 'b')).toBe("-ERR wrong number of arguments for 'hmset' command\r\n");
    expect(c.run('HGET', 'h', 'a')).toBe('9');
    expect(c.run('HGET', 'h', 'nope')).toBe(null);
    expect(c.run('HGET', 'missing', 'a')).toBe(null);
  });

  it('HSETNX sets only a new field and a no-op propagates nothing', () => {
    expect(c.run('HSETNX', 'h', 'a', '1')).toBe(1);
    expect(sent('HSETNX', 'h', 'a', '2')).toEqual([]);
    expect(c.run('HSETNX', 'h', 'a', '2')).toBe(0);
    expect(c.run('HGET', 'h', 'a')).toBe('1');
  });

  it('HMGET answers nil for absent fields and keys', () => {
    c.run('HSET', 'h', 'a', '1', 'b', '2');
    expect(c.run('HMGET', 'h', 'a', 'nope', 'b')).toEqual(['1', null, '2']);
    expect(c.run('HMGET', 'missing', 'a', 'b')).toEqual([null, null]);
    c.run('HELLO', 3);
    expect(c.wire('HMGET', 'h', 'nope')).toBe('*1\r\n_\r\n');
  });

  it('HGETALL is a map in RESP3 and a flat array in RESP2, in insertion order like a listpack', () => {
    c.run('HSET', 'h', 'b', '2', 'a', '1');
    c.run('HSET', 'h', 'b', '3');
    expect(c.run('HGETALL', 'h')).toEqual(new MapReply(['b', '3', 'a', '1']));
    expect(c.wire('HGETALL', 'h')).toBe('*4\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(c.wire('HGETALL', 'missing')).toBe('*0\r\n');
    c.run('HELLO', 3);
    expect(c.wire('HGETALL', 'h')).toBe('%2\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(c.run('HKEYS', 'h')).toEqual(['b', 'a']);
    expect(c.run('HVALS', 'h')).toEqual(['3', '1']);
    expect(c.run('HKEYS', 'missing')).toEqual([]);
  });

  it('HLEN, HEXISTS, HSTRLEN (in bytes)', () => {
    c.run('HSET', 'h', 'a', 'héllo', 'b', '');
    expect(c.run('HLEN', 'h')).toBe(2);
    expect(c.run('HLEN', 'missing')).toBe(0);
    expect(c.run('HEXISTS', 'h', 'b')).toBe(1);
    expect(c.run('HEXISTS', 'h', 'z')).toBe(0);
    expect(c.run('HSTRLEN', 'h', 'a')).toBe(5);
    expect(c.run('HSTRLEN', 'h', 'z')).toBe(0);
  });

  it('every command refuses another type', () => {
    const calls: (string | number)[][] = [
      ['HSET', 'str', 'a', '1'], ['HSETNX', 'str', 'a', '1'], ['HMSET', 'str', 'a', '1'], ['HGET', 'str', 'a'],
      ['HMGET', 'str', 'a'], ['HDEL', 'str', 'a'], ['HGETALL', 'str'], ['HKEYS', 'str'], ['HVALS', 'str'],
      ['HLEN', 'str'], ['HEXISTS', 'str', 'a'], ['HSTRLEN', 'str', 'a'], ['HINCRBY', 'str', 'a', 1],
      ['HINCRBYFLOAT', 'str', 'a', 1], ['HRANDFIELD', 'str'], ['HRANDFIELD', 'str', 1], ['HSCAN', 'str', 0],
    ];
    for (const args of calls) expect(c.wire(...args), args.join(' ')).toBe(WRONGTYPE);
  });
});

describe('HDEL', () => {
  it('removes fields, deletes the emptied hash, and a no-op propagates nothing', () => {
    c.run('HSET', 'h', 'a', '1', 'b', '2');
    expect(sent('HDEL', 'h', 'nope')).toEqual([]);
    expect(sent('HDEL', 'missing', 'a')).toEqual([]);
    expect(c.run('HDEL', 'h', 'a', 'nope', 'a')).toBe(1);
    expect(sent('HDEL', 'h', 'b')).toEqual([['HDEL', 'h', 'b']]);
    expect(exists('h')).toBe(0);
  });
});

describe('HINCRBY', () => {
  it('adds in signed 64 bits, starting from 0', () => {
    expect(c.run('HINCRBY', 'h', 'n', 5)).toBe(5n);
    expect(c.run('HINCRBY', 'h', 'n', -7)).toBe(-2n);
    c.run('HSET', 'h', 'big', '9223372036854775806');
    expect(c.wire('HINCRBY', 'h', 'big', 1)).toBe(':9223372036854775807\r\n');
  });

  it('refuses overflow, non-integer values and increments, in Redis order', () => {
    c.run('HSET', 'h', 'big', '9223372036854775807', 'f', '10.5', 's', ' 1');
    expect(c.wire('HINCRBY', 'h', 'big', 1)).toBe('-ERR increment or decrement would overflow\r\n');
    expect(c.wire('HINCRBY', 'h', 'f', 1)).toBe('-ERR hash value is not an integer\r\n');
    expect(c.wire('HINCRBY', 'h', 's', 1)).toBe('-ERR hash value is not an integer\r\n');
    expect(c.wire('HINCRBY', 'str', 'f', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(c.run('HGET', 'h', 'big')).toBe('9223372036854775807');
  });
});

describe('HINCRBYFLOAT', () => {
  it('adds in long double and prints like Redis', () => {
    expect(c.run('HINCRBYFLOAT', 'h', 'f', '0.1')).toBe('0.1');
    expect(c.run('HINCRBYFLOAT', 'h', 'f', '0.2')).toBe('0.3');
    expect(c.run('HINCRBYFLOAT', 'h', 'g', '1000000.1')).toBe('1000000.10000000000002274');
    expect(c.run('HINCRBYFLOAT', 'h', 'e', '3.0e3')).toBe('3000');
    expect(c.run('HINCRBYFLOAT', 'h', 'z', '-0.0')).toBe('0');
    expect(c.run('HINCRBYFLOAT', 'h', 'x', '0x1p3')).toBe('8');
    c.run('HSET', 'h', 'one', '1.0');
    expect(c.run('HINCRBYFLOAT', 'h', 'one', '0')).toBe('1');
  });

  it('propagates as HSET key field <result>', () => {
    expect(sent('HINCRBYFLOAT', 'h', 'f', '1.5')).toEqual([['HSET', 'h', 'f', '1.5']]);
    expect(sent('HINCRBYFLOAT', 'h', 'f', 'x')).toEqual([]);
  });

  it('answers Redis errors for bad increments, values and results', () => {
    c.run('HSET', 'h', 's', 'foo', 'big', '1e4932');
    expect(c.wire('HINCRBYFLOAT', 'h', 'f', 'x')).toBe('-ERR value is not a valid float\r\n');
    expect(c.wire('HINCRBYFLOAT', 'h', 'f', 'inf')).toBe('-ERR value is NaN or Infinity\r\n');
    expect(c.wire('HINCRBYFLOAT', 'h', 's', '1')).toBe('-ERR hash value is not a float\r\n');
    expect(c.wire('HINCRBYFLOAT', 'h', 'big', '1e4932')).toBe('-ERR increment would produce NaN or Infinity\r\n');
    expect(c.run('HGET', 'h', 'big')).toBe('1e4932');
  });
});
