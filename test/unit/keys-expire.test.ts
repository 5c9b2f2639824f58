// EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT), TTL PTTL EXPIRETIME PEXPIRETIME PERSIST, and
// lazy expiry on a master and a replica. Time is a fake clock.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorReply } from '../../src/shared/resp/reply.js';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';

const T0 = 1_700_000_000_000;

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
  c.run('SET', 'k', 'v');
});
afterEach(() => {
  vi.useRealTimers();
});

describe('EXPIRE family', () => {
  it('sets relative and absolute times in seconds or ms', () => {
    expect(c.run('EXPIRE', 'k', 100)).toBe(1);
    expect(c.run('PEXPIRETIME', 'k')).toBe(T0 + 100_000);
    expect(c.run('PEXPIRE', 'k', 1500)).toBe(1);
    expect(c.run('PTTL', 'k')).toBe(1500);
    expect(c.run('EXPIREAT', 'k', T0 / 1000 + 30)).toBe(1);
    expect(c.run('TTL', 'k')).toBe(30);
    expect(c.run('PEXPIREAT', 'k', T0 + 42)).toBe(1);
    expect(c.run('PTTL', 'k')).toBe(42);
    expect(c.run('EXPIRETIME', 'k')).toBe(T0 / 1000);
  });

  it('answers 0 for a missing key', () => {
    expect(c.run('EXPIRE', 'missing', 10)).toBe(0);
  });

  it('a time in the past deletes the key', () => {
    expect(c.run('EXPIRE', 'k', -1)).toBe(1);
    expect(c.run('EXISTS', 'k')).toBe(0);
    c.run('SET', 'k', 'v');
    expect(c.run('PEXPIREAT', 'k', T0)).toBe(1);
    expect(c.run('EXISTS', 'k')).toBe(0);
  });

  it('NX / XX / GT / LT decide by the current TTL (none counts as infinite)', () => {
    expect(c.run('EXPIRE', 'k', 10, 'XX')).toBe(0);
    expect(c.run('EXPIRE', 'k', 10, 'GT')).toBe(0);
    expect(c.run('EXPIRE', 'k', 10, 'LT')).toBe(1);
    expect(c.run('EXPIRE', 'k', 20, 'NX')).toBe(0);
    expect(c.run('EXPIRE', 'k', 20, 'LT')).toBe(0);
    expect(c.run('EXPIRE', 'k', 10, 'GT')).toBe(0);
    expect(c.run('EXPIRE', 'k', 20, 'GT', 'XX')).toBe(1);
    expect(c.run('TTL', 'k')).toBe(20);
    expect(c.run('EXPIRE', 'k', 5, 'xx', 'lt')).toBe(1);
    expect(c.run('TTL', 'k')).toBe(5);
    c.run('PERSIST', 'k');
    expect(c.run('EXPIRE', 'k', 7, 'NX')).toBe(1);
    expect(c.run('TTL', 'k')).toBe(7);
  });

  it.each([
    [['NX', 'XX'], 'ERR NX and XX, GT or LT options at the same time are not compatible'],
    [['NX', 'GT'], 'ERR NX and XX, GT or LT options at the same time are not compatible'],
    [['LT', 'NX'], 'ERR NX and XX, GT or LT options at the same time are not compatible'],
    [['GT', 'LT'], 'ERR GT and LT options at the same time are not compatible'],
    [['foo'], 'ERR Unsupported option foo'],
  ])('refuses flags %j', (flags, message) => {
    expect(errorOf(c.run('EXPIRE', 'k', 10, ...flags))).toBe(message);
  });

  it('refuses non-integers and int64 overflow with the command name', () => {
    expect(errorOf(c.run('EXPIRE', 'k', 'abc'))).toBe('ERR value is not an integer or out of range');
    expect(errorOf(c.run('EXPIRE', 'k', '9223372036854776'))).toBe("ERR invalid expire time in 'expire' command");
    expect(errorOf(c.run('PEXPIRE', 'k', '9223372036854775807'))).toBe("ERR invalid expire time in 'pexpire' command");
    expect(errorOf(c.run('EXPIREAT', 'k', '-9223372036854776'))).toBe("ERR invalid expire time in 'expireat' command");
    expect(c.run('TTL', 'k')).toBe(-1);
  });
});

describe('TTL family and PERSIST', () => {
  it('-2 for missing, -1 without TTL, rounded seconds otherwise', () => {
    expect(c.run('TTL', 'missing')).toBe(-2);
    expect(c.run('PTTL', 'missing')).toBe(-2);
    expect(c.run('EXPIRETIME', 'missing')).toBe(-2);
    expect(c.run('TTL', 'k')).toBe(-1);
    expect(c.run('PEXPIRETIME', 'k')).toBe(-1);
    c.run('PEXPIRE', 'k', 1499);
    expect(c.run('TTL', 'k')).toBe(1);
    c.run('PEXPIRE', 'k', 1500);
    expect(c.run('TTL', 'k')).toBe(2);
  });

  it('PERSIST removes a TTL once', () => {
    expect(c.run('PERSIST', 'k')).toBe(0);
    c.run('EXPIRE', 'k', 10);
    expect(c.run('PERSIST', 'k')).toBe(1);
    expect(c.run('TTL', 'k')).toBe(-1);
    expect(c.run('PERSIST', 'missing')).toBe(0);
  });
});

describe('lazy expiry', () => {
  it('a master deletes an expired key when it is touched', () => {
    c.run('PEXPIRE', 'k', 100);
    vi.setSystemTime(T0 + 100);
    expect(server.db(0).data.has('k')).toBe(true);
    expect(c.run('TTL', 'k')).toBe(-2);
    expect(server.db(0).data.has('k')).toBe(false);
  });

  it('a replica hides the expired key but keeps it, and does not delete on a past EXPIRE', () => {
    c.run('PEXPIRE', 'k', 100);
    server.isReplica = true;
    c.run('CONFIG', 'SET', 'replica-read-only', 'no');
    vi.setSystemTime(T0 + 200);
    expect(c.run('GET', 'k')).toBeNull();
    expect(server.db(0).data.has('k')).toBe(true);
    c.run('SET', 'j', 'v');
    expect(c.run('EXPIRE', 'j', -1)).toBe(1);
    expect(server.db(0).data.has('j')).toBe(true);
    expect(c.run('EXISTS', 'j')).toBe(0);
  });
});
