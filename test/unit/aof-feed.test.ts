// The AOF's write side and read side without processes: what the feed (persistence/aof/feed.ts)
// appends for each propagated unit, in Redis 7.0's form (SELECT on db change, MULTI/EXEC around a
// transaction, EXPIRE as PEXPIREAT, #TS: annotations once a second), and the command reader
// (aof/command-reader.ts) telling a clean end from a torn tail and from a format error, and the
// AOF-format base (aof/aof-format-writer.ts) read back by that reader.

import { mkdtempSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useClock } from '../../src/server/base/clock.js';
import { aofObserver, flushAof } from '../../src/server/persistence/aof/feed.js';
import { AofCommandReader } from '../../src/server/persistence/aof/command-reader.js';
import { aofState } from '../../src/server/persistence/aof/state.js';
import { writeAofFormatSync } from '../../src/server/persistence/aof/aof-format-writer.js';
import { diskErrorCheck } from '../../src/server/persistence/disk-error-check.js';
import { encodeCommand } from '../../src/shared/resp/encoder.js';
import { connect, makeServer } from '../helpers/unit-server.js';

const enc = (...args: string[]): string => encodeCommand(args);

describe('AOF feed', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    while (cleanups.length > 0) cleanups.pop()!();
  });

  function aofServer(directives: Record<string, string> = {}) {
    const server = makeServer({ appendfsync: 'no', ...directives });
    const dir = mkdtempSync(join(tmpdir(), 'aof-feed-'));
    const path = join(dir, 'incr.aof');
    const state = aofState(server);
    state.status = 'on';
    state.fd = openSync(path, 'a');
    cleanups.push(() => {
      closeSync(state.fd);
      rmSync(dir, { recursive: true, force: true });
    });
    server.requestPath.observe(aofObserver(server));
    const written = (): string => {
      flushAof(server, true);
      return readFileSync(path, 'latin1');
    };
    return { server, client: connect(server), written, state };
  }

  it('writes commands as propagated: SELECT first, EXPIRE as PEXPIREAT, reads not at all', () => {
    const restore = useClock({ now: () => 1_700_000_000_000, monotonic: () => 0 });
    cleanups.push(restore);
    const { client, written, state } = aofServer();
    client.run('SET', 'a', '1');
    client.run('GET', 'a');
    client.run('EXPIRE', 'a', '100');
    client.run('SELECT', '3');
    client.run('RPUSH', 'l', 'x', 'y');
    expect(state.bufferLength).toBeGreaterThan(0);
    expect(written()).toBe(
      enc('SELECT', '0') + enc('SET', 'a', '1') + enc('PEXPIREAT', 'a', '1700000100000') + enc('SELECT', '3') + enc('RPUSH', 'l', 'x', 'y'),
    );
    expect(state.currentSize).toBe(written().length);
    expect(state.bufferLength).toBe(0);
  });

  it('wraps a transaction in MULTI/EXEC, with a SELECT inside where it switched databases', () => {
    const { client, written } = aofServer();
    client.run('MULTI');
    client.run('SET', 'a', '1');
    client.run('SELECT', '2');
    client.run('INCR', 'n');
    client.run('EXEC');
    // A transaction of one write is written bare (propagatePendingCommands wraps two or more).
    client.run('MULTI');
    client.run('INCR', 'n');
    client.run('GET', 'n');
    client.run('EXEC');
    expect(written()).toBe(
      enc('SELECT', '0') + enc('MULTI') + enc('SET', 'a', '1') + enc('SELECT', '2') + enc('INCR', 'n') + enc('EXEC') + enc('INCR', 'n'),
    );
  });

  it('adds a #TS: annotation at most once a second under aof-timestamp-enabled', () => {
    let now = 1_700_000_000_000;
    cleanups.push(useClock({ now: () => now, monotonic: () => 0 }));
    const { client, written } = aofServer({ 'aof-timestamp-enabled': 'yes' });
    client.run('SET', 'a', '1');
    client.run('SET', 'b', '2');
    now += 1000;
    client.run('SET', 'c', '3');
    expect(written()).toBe(
      '#TS:1700000000\r\n' + enc('SELECT', '0') + enc('SET', 'a', '1') + enc('SET', 'b', '2') + '#TS:1700000001\r\n' + enc('SET', 'c', '3'),
    );
  });

  it('feeds nothing while the AOF is off, or turned on with no rewrite running yet', () => {
    const { client, written, state } = aofServer();
    state.status = 'off';
    client.run('SET', 'a', '1');
    state.status = 'wait-rewrite';
    client.run('SET', 'b', '1');
    expect(written()).toBe('');
  });
});

describe('AOF command reader', () => {
  const read = (text: string, start = 0) => {
    const reader = new AofCommandReader(Buffer.from(text, 'latin1'), start);
    const out: (string[] | string)[] = [];
    for (;;) {
      const next = reader.next();
      out.push(next);
      if (typeof next === 'string') return { out, pos: reader.pos };
    }
  };

  it('reads commands, skips annotations, keeps binary payloads', () => {
    const text = '#TS:1700000000\r\n' + enc('SET', 'k', 'a\r\nb\x00\xff') + enc('DEL', 'k');
    expect(read(text).out).toEqual([['SET', 'k', 'a\r\nb\x00\xff'], ['DEL', 'k'], 'eof']);
  });

  it('tells a torn tail from a format error, and where the last whole command ends', () => {
    const whole = enc('SET', 'a', '1');
    for (let cut = 1; cut < enc('SET', 'b', '2').length; cut++) {
      const { out, pos } = read(whole + enc('SET', 'b', '2').slice(0, cut));
      expect(out.at(-1)).toBe('truncated');
      expect(out[0]).toEqual(['SET', 'a', '1']);
      expect(pos).toBeGreaterThanOrEqual(whole.length);
    }
    expect(read('+OK\r\n').out).toEqual(['format']);
    expect(read('*0\r\n').out).toEqual(['format']);
    expect(read('*1\r\n:3\r\n').out).toEqual(['format']);
  });

  it('starts after an RDB preamble', () => {
    expect(read('REDIS-ish' + enc('PING'), 9).out).toEqual([['PING'], 'eof']);
  });
});

describe('AOF-format base (aof-use-rdb-preamble no)', () => {
  it('rebuilds each key with the commands Redis rewrites it with, 64 items per command', () => {
    const server = makeServer();
    const c = connect(server);
    const items = Array.from({ length: 130 }, (_, i) => `i${i}`);
    c.run('RPUSH', 'l', ...items);
    c.run('ZADD', 'z', '0.1', 'a', '3', 'b');
    c.run('HSET', 'h', 'f', 'v');
    c.run('SET', 's', 'x');
    c.run('PEXPIREAT', 's', '4000000000000');
    c.run('XADD', 'st', '1-1', 'f', 'v');
    c.run('XGROUP', 'CREATE', 'st', 'g', '0');
    c.run('XGROUP', 'CREATECONSUMER', 'st', 'g', 'idle');
    const parts: Buffer[] = [];
    writeAofFormatSync(server, (chunk) => parts.push(chunk));
    const reader = new AofCommandReader(Buffer.concat(parts));
    const commands: string[][] = [];
    for (let next = reader.next(); Array.isArray(next); next = reader.next()) commands.push(next);
    expect(reader.next()).toBe('eof');
    expect(commands[0]).toEqual(['SELECT', '0']);
    expect(commands.filter((cmd) => cmd[0] === 'RPUSH').map((cmd) => cmd.length - 2)).toEqual([64, 64, 2]);
    expect(commands.filter((cmd) => cmd[0] === 'RPUSH').flatMap((cmd) => cmd.slice(2))).toEqual(items);
    expect(commands).toContainEqual(['ZADD', 'z', '0.10000000000000001', 'a', '3', 'b']);
    expect(commands).toContainEqual(['HMSET', 'h', 'f', 'v']);
    const s = commands.findIndex((cmd) => cmd[0] === 'SET');
    expect(commands.slice(s, s + 2)).toEqual([
      ['SET', 's', 'x'],
      ['PEXPIREAT', 's', '4000000000000'],
    ]);
    const st = commands.findIndex((cmd) => cmd[0] === 'XADD');
    expect(commands.slice(st, st + 4)).toEqual([
      ['XADD', 'st', '1-1', 'f', 'v'],
      ['XSETID', 'st', '1-1', 'ENTRIESADDED', '1', 'MAXDELETEDID', '0-0'],
      // Created at 0 on a non-empty stream: entries-read unknown (-1), as in redis-server.
      ['XGROUP', 'CREATE', 'st', 'g', '0-0', 'ENTRIESREAD', '-1'],
      ['XGROUP', 'CREATECONSUMER', 'st', 'g', 'idle'],
    ]);
  });
});

describe('AOF write errors', () => {
  it('a failed write keeps the buffer, refuses writes and PING with -MISCONF, and clears when a write succeeds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aof-error-'));
    const path = join(dir, 'incr.aof');
    try {
      const server = makeServer({ appendfsync: 'everysec' });
      server.requestPath.check('misconf', diskErrorCheck(server));
      server.requestPath.observe(aofObserver(server));
      const state = aofState(server);
      state.status = 'on';
      // Opened for reading only: write(2) fails with EBADF, as a full disk fails with ENOSPC.
      closeSync(openSync(path, 'w'));
      state.fd = openSync(path, 'r');
      const c = connect(server);
      expect(c.wire('SET', 'a', '1')).toBe('+OK\r\n');
      flushAof(server, false);
      expect(state.lastWriteOk).toBe(false);
      expect(state.bufferLength).toBeGreaterThan(0);
      const misconf = 'MISCONF Errors writing to the AOF file: Bad file descriptor';
      expect(c.wire('SET', 'b', '2')).toBe(`-${misconf}\r\n`);
      expect(c.wire('PING')).toBe(`-${misconf}\r\n`);
      expect(c.wire('GET', 'a')).toBe('$1\r\n1\r\n');
      closeSync(state.fd);
      state.fd = openSync(path, 'a');
      flushAof(server, false);
      expect(state.lastWriteOk).toBe(true);
      expect(c.wire('SET', 'b', '2')).toBe('+OK\r\n');
      flushAof(server, true);
      closeSync(state.fd);
      state.fd = -1;
      // Nothing was lost: the buffer kept during the error was written when the disk came back.
      expect(readFileSync(path, 'latin1')).toBe(enc('SELECT', '0') + enc('SET', 'a', '1') + enc('SET', 'b', '2'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
