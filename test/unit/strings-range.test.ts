// APPEND STRLEN GETRANGE SUBSTR SETRANGE: byte ranges, zero-byte padding, size limits.

import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorReply } from '../../src/shared/resp/reply.js';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';

const TOO_BIG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';

function errorOf(reply: unknown): string {
  expect(reply).toBeInstanceOf(ErrorReply);
  return (reply as ErrorReply).message;
}

let c: TestClient;
beforeEach(() => {
  c = connect(makeServer());
});

describe('APPEND / STRLEN', () => {
  it('creates, appends, keeps the TTL and counts bytes', () => {
    expect(c.run('APPEND', 'k', 'ab')).toBe(2);
    expect(c.run('APPEND', 'k', '\x00\xff')).toBe(4);
    expect(c.run('GET', 'k')).toBe('ab\x00\xff');
    expect(c.run('STRLEN', 'k')).toBe(4);
    c.run('EXPIRE', 'k', 100);
    c.run('APPEND', 'k', 'c');
    expect(c.run('TTL', 'k')).toBe(100);
    expect(c.run('STRLEN', 'missing')).toBe(0);
  });

  it('APPEND of an empty string creates an empty key', () => {
    expect(c.run('APPEND', 'e', '')).toBe(0);
    expect(c.run('EXISTS', 'e')).toBe(1);
  });

  it('refuses other types and results over proto-max-bulk-len', () => {
    c.run('RPUSH', 'l', 'a');
    expect(errorOf(c.run('APPEND', 'l', 'x'))).toContain('WRONGTYPE');
    expect(errorOf(c.run('STRLEN', 'l'))).toContain('WRONGTYPE');
    c.run('CONFIG', 'SET', 'proto-max-bulk-len', '1mb');
    c.run('SET', 'k', 'x'.repeat(1024 * 1024));
    expect(errorOf(c.run('APPEND', 'k', 'y'))).toBe(TOO_BIG);
  });
});

describe('GETRANGE / SUBSTR', () => {
  beforeEach(() => {
    c.run('SET', 's', 'This is a string');
  });

  it.each([
    [0, 3, 'This'],
    [-3, -1, 'ing'],
    [0, -1, 'This is a string'],
    [10, 100, 'string'],
    [5, 3, ''],
    [-1, -5, ''],
    // Redis 7.0 clamps both to 0 here and answers the first byte.
    [-100, -50, 'T'],
    [-100, 2, 'Thi'],
  ])('GETRANGE s %i %i = %j', (start, end, expected) => {
    expect(c.run('GETRANGE', 's', start, end)).toBe(expected);
  });

  it('answers "" for a missing key, SUBSTR is the same command', () => {
    expect(c.run('GETRANGE', 'missing', 0, 10)).toBe('');
    expect(c.run('SUBSTR', 's', 0, 3)).toBe('This');
  });

  it('checks the indexes before the key', () => {
    expect(errorOf(c.run('GETRANGE', 'missing', 'a', 1))).toBe('ERR value is not an integer or out of range');
    c.run('RPUSH', 'l', 'a');
    expect(errorOf(c.run('GETRANGE', 'l', 0, 1))).toContain('WRONGTYPE');
  });
});

describe('SETRANGE', () => {
  it('overwrites in place and pads with zero bytes', () => {
    c.run('SET', 'k', 'Hello World');
    expect(c.run('SETRANGE', 'k', 6, 'Redis')).toBe(11);
    expect(c.run('GET', 'k')).toBe('Hello Redis');
    expect(c.run('SETRANGE', 'p', 3, 'ab')).toBe(5);
    expect(c.run('GET', 'p')).toBe('\x00\x00\x00ab');
    expect(c.run('SETRANGE', 'k', 13, '!')).toBe(14);
    expect(c.run('GET', 'k')).toBe('Hello Redis\x00\x00!');
  });

  it('an empty value changes nothing and answers the length', () => {
    expect(c.run('SETRANGE', 'missing', 10, '')).toBe(0);
    expect(c.run('EXISTS', 'missing')).toBe(0);
    c.run('SET', 'k', 'abc');
    expect(c.run('SETRANGE', 'k', 100, '')).toBe(3);
  });

  it('refuses negative offsets and results over 512MB', () => {
    expect(errorOf(c.run('SETRANGE', 'k', -1, 'x'))).toBe('ERR offset is out of range');
    expect(errorOf(c.run('SETRANGE', 'k', 536870912, 'x'))).toBe(TOO_BIG);
    expect(errorOf(c.run('SETRANGE', 'k', 'x', 'x'))).toBe('ERR value is not an integer or out of range');
    // An empty value is answered before the size check, as Redis does.
    expect(c.run('SETRANGE', 'k', 536870912, '')).toBe(0);
    c.run('RPUSH', 'l', 'a');
    expect(errorOf(c.run('SETRANGE', 'l', 0, ''))).toContain('WRONGTYPE');
  });

  it('keeps the TTL', () => {
    c.run('SET', 'k', 'abc', 'EX', 100);
    c.run('SETRANGE', 'k', 1, 'X');
    expect(c.run('TTL', 'k')).toBe(100);
    expect(c.run('GET', 'k')).toBe('aXc');
  });
});
