// KEYS, SCAN (cursor guarantees under concurrent changes, MATCH COUNT TYPE, errors) and RANDOMKEY.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorReply } from '../../src/shared/resp/reply.js';
import { scanCursors } from '../../src/server/commands/keys/scan.js';
import { parseScanCursor as parseCursor } from '../../src/server/base/scan.js';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';

function errorOf(reply: unknown): string {
  expect(reply).toBeInstanceOf(ErrorReply);
  return (reply as ErrorReply).message;
}

let server: Server;
let c: TestClient;
beforeEach(() => {
  server = makeServer();
  c = connect(server);
});
afterEach(() => {
  vi.useRealTimers();
});

function scanStep(cursor: string, ...opts: (string | number)[]): [string, string[]] {
  return c.run('SCAN', cursor, ...opts) as [string, string[]];
}

/** A full SCAN iteration; `between` runs after every call (to change the keyspace meanwhile). */
function scanAll(opts: (string | number)[] = [], between: (step: number) => void = () => {}): string[] {
  const seen: string[] = [];
  let cursor = '0';
  let step = 0;
  do {
    const [next, keys] = scanStep(cursor, ...opts);
    seen.push(...keys);
    cursor = next;
    between(step++);
  } while (cursor !== '0');
  return seen;
}

describe('KEYS', () => {
  it('matches glob patterns and skips expired keys', () => {
    c.run('MSET', 'a1', '1', 'a2', '2', 'b1', '3', 'h\\llo', '4');
    c.run('SET', 'a3', 'v', 'PXAT', 1);
    expect((c.run('KEYS', '*') as string[]).sort()).toEqual(['a1', 'a2', 'b1', 'h\\llo']);
    expect((c.run('KEYS', 'a?') as string[]).sort()).toEqual(['a1', 'a2']);
    expect((c.run('KEYS', '[ab]1') as string[]).sort()).toEqual(['a1', 'b1']);
    expect(c.run('KEYS', 'nomatch*')).toEqual([]);
  });
});

describe('SCAN', () => {
  it('returns every key exactly once over a full iteration, by small COUNTs', () => {
    for (let i = 0; i < 100; i++) c.run('SET', `key:${i}`, 'v');
    const seen = scanAll(['COUNT', 7]);
    expect(seen.length).toBe(100);
    expect(new Set(seen).size).toBe(100);
  });

  it('while keys are added and removed: no duplicates, and every key present throughout is returned', () => {
    for (let i = 0; i < 200; i++) c.run('SET', `stable:${i}`, 'v');
    for (let i = 0; i < 100; i++) c.run('SET', `doomed:${i}`, 'v');
    const seen = scanAll(['COUNT', 10], (step) => {
      // Delete keys (some already returned, some not yet) and add new ones between calls.
      c.run('DEL', `doomed:${step * 3}`, `doomed:${99 - step * 3}`);
      c.run('SET', `added:${step}`, 'v');
    });
    expect(new Set(seen).size).toBe(seen.length);
    const stable = seen.filter((k) => k.startsWith('stable:'));
    expect(stable.length).toBe(200);
  });

  it('a key deleted and re-added may come back, but never twice otherwise', () => {
    for (let i = 0; i < 30; i++) c.run('SET', `k${i}`, 'v');
    const seen = scanAll(['COUNT', 5], (step) => {
      if (step === 1) {
        c.run('DEL', 'k0');
        c.run('SET', 'k0', 'again');
      }
    });
    expect(seen.filter((k) => k === 'k0').length).toBe(2);
    expect(seen.filter((k) => k !== 'k0').length).toBe(29);
  });

  it('a cursor dropped after idling resumes by position, without repeating keys', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    for (let i = 0; i < 50; i++) c.run('SET', `k${i}`, 'v');
    const [cursor, first] = scanStep('0', 'COUNT', 20);
    expect(scanCursors(server).size).toBe(1);
    // Six minutes later another scan starts: the idle cursor's iterator is let go.
    vi.setSystemTime(Date.now() + 6 * 60_000);
    scanStep('0', 'COUNT', 1);
    expect(scanCursors(server).size).toBe(1);
    const rest: string[] = [];
    let next = cursor;
    do {
      const [n, keys] = scanStep(next);
      rest.push(...keys);
      next = n;
    } while (next !== '0');
    expect(first.length + rest.length).toBe(50);
    expect(new Set([...first, ...rest]).size).toBe(50);
  });

  it('MATCH and TYPE filter after examining COUNT keys', () => {
    c.run('MSET', 'user:1', 'a', 'user:2', 'b', 'other', 'c');
    c.run('RPUSH', 'user:list', 'x');
    expect(scanAll(['MATCH', 'user:*']).sort()).toEqual(['user:1', 'user:2', 'user:list']);
    expect(scanAll(['MATCH', 'user:*', 'TYPE', 'LIST'])).toEqual(['user:list']);
    expect(scanAll(['TYPE', 'string']).sort()).toEqual(['other', 'user:1', 'user:2']);
    expect(scanAll(['TYPE', 'nosuchtype'])).toEqual([]);
  });

  it('skips expired keys', () => {
    c.run('SET', 'live', 'v');
    c.run('SET', 'dead', 'v', 'PXAT', 1);
    expect(scanAll()).toEqual(['live']);
  });

  it('answers Redis errors for bad cursors and options', () => {
    expect(errorOf(c.run('SCAN', 'abc'))).toBe('ERR invalid cursor');
    expect(errorOf(c.run('SCAN', ' 1'))).toBe('ERR invalid cursor');
    expect(errorOf(c.run('SCAN', '18446744073709551616'))).toBe('ERR invalid cursor');
    expect(errorOf(c.run('SCAN', 'abc', 'COUNT', 0))).toBe('ERR invalid cursor');
    expect(errorOf(c.run('SCAN', 0, 'COUNT', 0))).toBe('ERR syntax error');
    expect(errorOf(c.run('SCAN', 0, 'COUNT', 'x'))).toBe('ERR value is not an integer or out of range');
    expect(errorOf(c.run('SCAN', 0, 'MATCH'))).toBe('ERR syntax error');
    expect(errorOf(c.run('SCAN', 0, 'FOO', 'bar'))).toBe('ERR syntax error');
    expect(c.run('SCAN', '18446744073709551615')).toEqual(['0', []]);
  });

  it('parses cursors as strtoul does', () => {
    expect(parseCursor('0')).toBe(0n);
    expect(parseCursor('+5')).toBe(5n);
    expect(parseCursor('-1')).toBe(18446744073709551615n);
    expect(parseCursor('')).toBe(0n);
    expect(parseCursor('-')).toBeNull();
    expect(parseCursor('1x')).toBeNull();
  });

  it('an empty database answers cursor 0 and no keys', () => {
    expect(c.wire('SCAN', 0)).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
  });
});

describe('RANDOMKEY', () => {
  it('answers nil on an empty db and a live key otherwise', () => {
    expect(c.run('RANDOMKEY')).toBeNull();
    c.run('SET', 'dead', 'v', 'PXAT', 1);
    c.run('SET', 'live', 'v');
    for (let i = 0; i < 20; i++) expect(c.run('RANDOMKEY')).toBe('live');
    expect(server.db(0).data.has('dead')).toBe(false);
  });

  it('returns different keys over many calls, also on a large db', () => {
    for (let i = 0; i < 5000; i++) server.db(0).set(`k${i}`, 'v');
    const picks = new Set<string>();
    for (let i = 0; i < 200; i++) picks.add(c.run('RANDOMKEY') as string);
    expect(picks.size).toBeGreaterThan(100);
  });

  it('on a replica whose keys all expired, gives up after 100 tries and answers one', () => {
    c.run('SET', 'dead', 'v', 'PX', 100);
    server.isReplica = true;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 1000);
    expect(c.run('RANDOMKEY')).toBe('dead');
  });
});
