// Whole-dataset and process commands: FLUSHDB / FLUSHALL / SWAPDB (funnelled through the change
// hooks so snapshots and WATCH see them, always propagated as Redis does), DBSIZE, TIME and the
// SHUTDOWN argument rules (error texts checked against redis-server 7.0.15).

import { beforeEach, describe, expect, it } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';
import { ErrorReply, NO_REPLY } from '../../src/shared/resp/reply.js';

let server: Server;
let c: TestClient;
let units: { db: number; commands: string[][] }[];

beforeEach(() => {
  server = makeServer();
  c = connect(server);
  units = [];
  server.requestPath.observe({ propagate: (db, commands) => void units.push({ db, commands }) });
});

describe('FLUSHDB / FLUSHALL', () => {
  it('empty the selected database or all of them', () => {
    c.run('SET', 'a', '1');
    c.run('SELECT', '1');
    c.run('SET', 'b', '1');
    expect(c.wire('FLUSHDB')).toBe('+OK\r\n');
    expect(server.db(1).size).toBe(0);
    expect(server.db(0).size).toBe(1);
    c.run('SET', 'b', '1', 'EX', '100');
    expect(c.wire('FLUSHALL', 'ASYNC')).toBe('+OK\r\n');
    expect(server.dbs.every((db) => db.size === 0 && db.expires.size === 0)).toBe(true);
  });

  it('are propagated as typed even when there was nothing to flush', () => {
    c.run('FLUSHALL');
    c.run('SELECT', '3');
    c.run('flushdb', 'sync');
    expect(units).toEqual([
      { db: 0, commands: [['FLUSHALL']] },
      { db: 3, commands: [['flushdb', 'sync']] },
    ]);
  });

  it('show every flushed key to change observers (snapshots)', () => {
    const seen: string[] = [];
    server.observers.add({ beforeChange: (db, key) => void seen.push(`${db.id}:${key}`) });
    c.run('SET', 'a', '1');
    c.run('SET', 'b', '1');
    seen.length = 0;
    c.run('FLUSHALL');
    expect(seen.sort()).toEqual(['0:a', '0:b']);
  });

  it('take only ASYNC or SYNC', () => {
    expect(c.wire('FLUSHDB', 'foo')).toBe('-ERR syntax error\r\n');
    expect(c.wire('FLUSHALL', 'ASYNC', 'SYNC')).toBe('-ERR syntax error\r\n');
  });
});

describe('SWAPDB', () => {
  it('exchanges keys and expiries of two databases', () => {
    c.run('SET', 'a', 'in-0', 'EX', '100');
    c.run('SELECT', '1');
    c.run('SET', 'b', 'in-1');
    expect(c.wire('SWAPDB', '0', '1')).toBe('+OK\r\n');
    expect(c.run('GET', 'a')).toBe('in-0');
    expect(server.db(1).expires.has('a')).toBe(true);
    expect(server.db(0).expires.size).toBe(0);
    expect(c.run('DBSIZE')).toBe(1);
    c.run('SELECT', '0');
    expect(c.run('GET', 'b')).toBe('in-1');
    expect(c.run('GET', 'a')).toBeNull();
  });

  it('shows every key of both databases to observers first, counts one change and propagates', () => {
    c.run('SET', 'a', '1');
    c.run('SELECT', '1');
    c.run('SET', 'b', '1');
    const seen: string[] = [];
    server.observers.add({ beforeChange: (db, key) => void seen.push(`${db.id}:${key}`) });
    const dirty = server.dirty;
    units.length = 0;
    c.run('SWAPDB', '1', '0');
    expect(seen.sort()).toEqual(['0:a', '0:b', '1:a', '1:b']);
    expect(server.dirty).toBe(dirty + 1);
    expect(units).toEqual([{ db: 1, commands: [['SWAPDB', '1', '0']] }]);
  });

  it('uses Redis errors for bad indexes', () => {
    expect(c.wire('SWAPDB', 'a', '1')).toBe('-ERR invalid first DB index\r\n');
    expect(c.wire('SWAPDB', '0', 'b')).toBe('-ERR invalid second DB index\r\n');
    expect(c.wire('SWAPDB', '0', '99')).toBe('-ERR DB index is out of range\r\n');
    expect(c.wire('SWAPDB', '-1', '0')).toBe('-ERR DB index is out of range\r\n');
    expect(c.wire('SWAPDB', '0', '0')).toBe('+OK\r\n');
  });
});

describe('DBSIZE and TIME', () => {
  it('DBSIZE counts the selected database', () => {
    expect(c.run('DBSIZE')).toBe(0);
    c.run('SET', 'a', '1');
    c.run('SET', 'b', '1');
    expect(c.run('DBSIZE')).toBe(2);
  });

  it('TIME answers seconds and microseconds as bulk strings', () => {
    const [seconds, micros] = c.run('TIME') as string[];
    expect(seconds).toMatch(/^\d{10}$/);
    expect(Number(micros)).toBeLessThan(1_000_000);
    expect(Math.abs(Number(seconds) - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe('SHUTDOWN', () => {
  it('hands SAVE / NOSAVE to the shutdown handler and answers only on failure', async () => {
    const calls: (boolean | undefined)[] = [];
    server.shutdownHandler = async (save) => {
      calls.push(save);
      return new ErrorReply('ERR Errors trying to SHUTDOWN. Check logs.');
    };
    expect(c.run('SHUTDOWN', 'NOSAVE', 'NOW')).toBe(NO_REPLY);
    expect(c.run('SHUTDOWN', 'SAVE', 'FORCE')).toBe(NO_REPLY);
    expect(c.run('SHUTDOWN')).toBe(NO_REPLY);
    await new Promise((resolve) => setTimeout(resolve, 0));
    // FORCE retries without saving when the save failed.
    expect(calls).toEqual([false, true, undefined, false]);
    expect(c.pushed).toHaveLength(3);
  });

  it('checks its arguments like Redis', () => {
    expect(c.wire('SHUTDOWN', 'foo')).toBe('-ERR syntax error\r\n');
    expect(c.wire('SHUTDOWN', 'SAVE', 'NOSAVE')).toBe('-ERR syntax error\r\n');
    expect(c.wire('SHUTDOWN', 'ABORT')).toBe('-ERR No shutdown in progress.\r\n');
    expect(c.wire('SHUTDOWN', 'ABORT', 'NOW')).toBe('-ERR syntax error\r\n');
  });
});
