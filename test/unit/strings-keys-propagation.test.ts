// What replicas receive for string and key commands: the rewrites of protocol doc 2.6, recorded
// from a redis-server 7.0.15 replica's MONITOR (relative TTLs become absolute, no-ops send nothing).

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';

const T0 = 1_700_000_000_000;

let server: Server;
let c: TestClient;
let stream: { db: number; args: string[] }[];

/** Runs one command and returns what it propagated. */
function sent(...args: (string | number)[]): string[][] {
  stream.length = 0;
  c.run(...args);
  return stream.map((entry) => entry.args);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  server = makeServer();
  c = connect(server);
  stream = [];
  server.requestPath.observe({
    propagate(db, commands) {
      for (const args of commands) stream.push({ db, args });
    },
  });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('string commands', () => {
  it('SET with a TTL goes as SET k v PXAT <abs ms>, flags dropped', () => {
    expect(sent('SET', 'k', 'v', 'EX', 100)).toEqual([['SET', 'k', 'v', 'PXAT', String(T0 + 100_000)]]);
    expect(sent('set', 'k', 'v', 'px', 1500, 'xx')).toEqual([['SET', 'k', 'v', 'PXAT', String(T0 + 1500)]]);
    expect(sent('SET', 'k', 'v', 'EXAT', 99999999999)).toEqual([['SET', 'k', 'v', 'PXAT', '99999999999000']]);
    expect(sent('SETEX', 'k', 10, 'v')).toEqual([['SET', 'k', 'v', 'PXAT', String(T0 + 10_000)]]);
    expect(sent('PSETEX', 'k', 10, 'v')).toEqual([['SET', 'k', 'v', 'PXAT', String(T0 + 10)]]);
  });

  it('SET ... GET drops every GET, keeps the rest as typed', () => {
    expect(sent('set', 'k', 'v', 'GET', 'KEEPTTL', 'get')).toEqual([['set', 'k', 'v', 'KEEPTTL']]);
  });

  it('a SET that did not set sends nothing', () => {
    c.run('SET', 'k', 'v');
    expect(sent('SET', 'k', 'v', 'NX')).toEqual([]);
    expect(sent('SET', 'k', 'v', 'NX', 'GET', 'EX', 10)).toEqual([]);
    expect(sent('SETNX', 'k', 'v')).toEqual([]);
    expect(sent('MSETNX', 'k', 'v', 'j', 'w')).toEqual([]);
    expect(sent('SET', 'k', 'v', 'EX', 0)).toEqual([]);
  });

  it('GETSET goes as SET, GETDEL as DEL (only when it deleted)', () => {
    expect(sent('GETSET', 'k', 'x')).toEqual([['SET', 'k', 'x']]);
    expect(sent('GETDEL', 'k')).toEqual([['DEL', 'k']]);
    expect(sent('GETDEL', 'k')).toEqual([]);
    c.run('CONFIG', 'SET', 'lazyfree-lazy-user-del', 'yes');
    c.run('SET', 'k', 'v');
    expect(sent('GETDEL', 'k')).toEqual([['UNLINK', 'k']]);
  });

  it('GETEX goes as PEXPIREAT, PERSIST or DEL; plain GETEX sends nothing', () => {
    c.run('SET', 'k', 'v');
    expect(sent('GETEX', 'k', 'EX', 50)).toEqual([['PEXPIREAT', 'k', String(T0 + 50_000)]]);
    expect(sent('GETEX', 'k', 'PXAT', 99999999999999)).toEqual([['PEXPIREAT', 'k', '99999999999999']]);
    expect(sent('GETEX', 'k')).toEqual([]);
    expect(sent('GETEX', 'k', 'PERSIST')).toEqual([['PERSIST', 'k']]);
    expect(sent('GETEX', 'k', 'PERSIST')).toEqual([]);
    expect(sent('GETEX', 'k', 'EXAT', 1)).toEqual([['DEL', 'k']]);
  });

  it('INCRBYFLOAT goes as SET k <result> KEEPTTL; counters and APPEND as typed', () => {
    expect(sent('INCRBYFLOAT', 'f', '0.1')).toEqual([['SET', 'f', '0.1', 'KEEPTTL']]);
    expect(sent('INCRBYFLOAT', 'f', '0.2')).toEqual([['SET', 'f', '0.3', 'KEEPTTL']]);
    expect(sent('incr', 'n')).toEqual([['incr', 'n']]);
    expect(sent('append', 'n', '')).toEqual([['append', 'n', '']]);
    expect(sent('setrange', 'n', 0, '')).toEqual([]);
    expect(sent('setrange', 'n', 0, '7')).toEqual([['setrange', 'n', '0', '7']]);
  });

  it('reads send nothing, not even when they found a key expired (only its DEL goes)', () => {
    c.run('SET', 'k', 'v', 'PX', 100);
    expect(sent('GET', 'k')).toEqual([]);
    vi.setSystemTime(T0 + 200);
    expect(sent('GET', 'k')).toEqual([['DEL', 'k']]);
    c.run('SET', 'j', 'v', 'PX', 100);
    vi.setSystemTime(T0 + 400);
    expect(sent('DEL', 'j')).toEqual([['DEL', 'j']]);
    expect(server.stats.expiredKeys).toBe(2);
  });
});

describe('key commands', () => {
  it('EXPIRE family goes as PEXPIREAT with its flags; PEXPIREAT as typed', () => {
    c.run('SET', 'k', 'v');
    expect(sent('EXPIRE', 'k', 100)).toEqual([['PEXPIREAT', 'k', String(T0 + 100_000)]]);
    expect(sent('pexpire', 'k', 5000, 'gt')).toEqual([]);
    expect(sent('pexpire', 'k', 500000, 'gt')).toEqual([['PEXPIREAT', 'k', String(T0 + 500_000), 'gt']]);
    expect(sent('EXPIREAT', 'k', 99999999999)).toEqual([['PEXPIREAT', 'k', '99999999999000']]);
    expect(sent('pexpireat', 'k', 99999999999999, 'XX')).toEqual([['pexpireat', 'k', '99999999999999', 'XX']]);
  });

  it('an expire time already past deletes the key and goes as DEL', () => {
    c.run('SET', 'k', 'v');
    expect(sent('EXPIRE', 'k', -1)).toEqual([['DEL', 'k']]);
    c.run('SET', 'k', 'v');
    expect(sent('PEXPIREAT', 'k', 1)).toEqual([['DEL', 'k']]);
    expect(sent('EXPIRE', 'missing', 10)).toEqual([]);
  });

  it('PERSIST sends only when it removed a TTL', () => {
    c.run('SET', 'k', 'v');
    expect(sent('PERSIST', 'k')).toEqual([]);
    c.run('EXPIRE', 'k', 10);
    expect(sent('PERSIST', 'k')).toEqual([['PERSIST', 'k']]);
  });

  it('DEL / RENAME / MOVE / COPY go as typed, and only when they changed something', () => {
    c.run('SET', 'a', '1');
    expect(sent('del', 'missing')).toEqual([]);
    expect(sent('del', 'x', 'a')).toEqual([['del', 'x', 'a']]);
    c.run('SET', 'a', '1');
    expect(sent('rename', 'a', 'b')).toEqual([['rename', 'a', 'b']]);
    c.run('SET', 'c', '1');
    expect(sent('renamenx', 'b', 'c')).toEqual([]);
    expect(sent('move', 'b', 3)).toEqual([['move', 'b', '3']]);
    expect(stream).toEqual([{ db: 0, args: ['move', 'b', '3'] }]);
    expect(sent('copy', 'c', 'd')).toEqual([['copy', 'c', 'd']]);
    expect(sent('copy', 'c', 'd')).toEqual([]);
  });
});
