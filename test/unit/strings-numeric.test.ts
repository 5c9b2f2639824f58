// INCR DECR INCRBY DECRBY (exact int64) and INCRBYFLOAT (long double) through the dispatcher.

import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorReply } from '../../src/shared/resp/reply.js';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';

const NOT_INTEGER = 'ERR value is not an integer or out of range';
const OVERFLOW = 'ERR increment or decrement would overflow';

function errorOf(reply: unknown): string {
  expect(reply).toBeInstanceOf(ErrorReply);
  return (reply as ErrorReply).message;
}

let c: TestClient;
beforeEach(() => {
  c = connect(makeServer());
});

describe('INCR family', () => {
  it('starts missing keys at 0 and keeps the TTL', () => {
    expect(c.run('INCR', 'n')).toBe(1);
    expect(c.run('INCRBY', 'n', 10)).toBe(11);
    expect(c.run('DECR', 'n')).toBe(10);
    expect(c.run('DECRBY', 'n', 15)).toBe(-5);
    expect(c.run('GET', 'n')).toBe('-5');
    c.run('EXPIRE', 'n', 100);
    c.run('INCR', 'n');
    expect(c.run('TTL', 'n')).toBe(100);
  });

  it('is exact across the whole int64 range (beyond 2^53)', () => {
    c.run('SET', 'n', '9007199254740993');
    expect(c.run('INCR', 'n')).toBe(9007199254740994n);
    expect(c.wire('INCRBY', 'n', '9000000000000000000')).toBe(':9009007199254740994\r\n');
    c.run('SET', 'm', '-9223372036854775807');
    expect(c.run('DECR', 'm')).toBe(-9223372036854775808n);
    expect(c.run('GET', 'm')).toBe('-9223372036854775808');
  });

  it('refuses overflow and leaves the value alone', () => {
    c.run('SET', 'big', '9223372036854775807');
    expect(errorOf(c.run('INCR', 'big'))).toBe(OVERFLOW);
    c.run('SET', 'small', '-9223372036854775808');
    expect(errorOf(c.run('DECR', 'small'))).toBe(OVERFLOW);
    expect(errorOf(c.run('INCRBY', 'small', '-1'))).toBe(OVERFLOW);
    expect(c.run('GET', 'big')).toBe('9223372036854775807');
    expect(errorOf(c.run('DECRBY', 'x', '-9223372036854775808'))).toBe('ERR decrement would overflow');
  });

  it.each(['abc', '1.5', ' 1', '1 ', '01', '+1', '-0', '', '9223372036854775808'])('refuses the stored value %j', (stored) => {
    c.run('SET', 'k', stored);
    expect(errorOf(c.run('INCR', 'k'))).toBe(NOT_INTEGER);
  });

  it('refuses a bad increment before looking at the key', () => {
    c.run('RPUSH', 'l', 'a');
    expect(errorOf(c.run('INCRBY', 'l', 'x'))).toBe(NOT_INTEGER);
    expect(errorOf(c.run('INCRBY', 'l', '1'))).toContain('WRONGTYPE');
    expect(errorOf(c.run('INCRBY', 'k', '9223372036854775808'))).toBe(NOT_INTEGER);
  });
});

describe('INCRBYFLOAT', () => {
  it('adds in long double precision and prints like Redis', () => {
    c.run('SET', 'f', '0.1');
    expect(c.run('INCRBYFLOAT', 'f', '0.2')).toBe('0.3');
    expect(c.run('INCRBYFLOAT', 'f', '-0.3')).toBe('0');
    expect(c.run('INCRBYFLOAT', 'g', '5.0e3')).toBe('5000');
    expect(c.run('INCRBYFLOAT', 'g', '0x10')).toBe('5016');
    expect(c.run('GET', 'g')).toBe('5016');
  });

  it('keeps the TTL', () => {
    c.run('SET', 'f', '1', 'EX', 100);
    c.run('INCRBYFLOAT', 'f', '1.5');
    expect(c.run('TTL', 'f')).toBe(100);
  });

  it('refuses non-floats, NaN and infinities', () => {
    c.run('SET', 's', 'abc');
    expect(errorOf(c.run('INCRBYFLOAT', 's', '1'))).toBe('ERR value is not a valid float');
    expect(errorOf(c.run('INCRBYFLOAT', 'f', 'abc'))).toBe('ERR value is not a valid float');
    expect(errorOf(c.run('INCRBYFLOAT', 'f', ' 1'))).toBe('ERR value is not a valid float');
    expect(errorOf(c.run('INCRBYFLOAT', 'f', 'inf'))).toBe('ERR increment would produce NaN or Infinity');
    expect(c.run('EXISTS', 'f')).toBe(0);
    c.run('RPUSH', 'l', 'a');
    expect(errorOf(c.run('INCRBYFLOAT', 'l', '1'))).toContain('WRONGTYPE');
  });
});
