// Pure replication pieces: the backlog ring, the PSYNC decision, payload framing.

import { describe, expect, it } from 'vitest';
import { Backlog } from '../../src/server/replication/backlog.js';
import { decidePsync } from '../../src/server/replication/psync-decision.js';
import { PayloadReader } from '../../src/server/replication/payload-reader.js';
import { Identity, NULL_REPLID } from '../../src/server/replication/identity.js';
import { parseStreamCommands } from '../../src/server/replication/ledger.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('Backlog', () => {
  it('keeps the newest bytes with 1-based offsets and reads any suffix back', () => {
    const backlog = new Backlog(16 * 1024, 100);
    expect(backlog.firstByteOffset).toBe(101);
    const data = Buffer.from('x'.repeat(10_000) + 'y'.repeat(10_000));
    backlog.append(data);
    expect(backlog.histlen).toBe(16 * 1024);
    expect(backlog.firstByteOffset).toBe(101 + 20_000 - 16 * 1024);
    const end = 100 + 20_000;
    expect(backlog.covers(end + 1)).toBe(true);
    expect(backlog.covers(backlog.firstByteOffset - 1)).toBe(false);
    expect(backlog.readFrom(end - 4).toString()).toBe('yyyyy');
    expect(backlog.readFrom(end + 1).length).toBe(0);
    const all = backlog.readFrom(backlog.firstByteOffset);
    expect(all.equals(data.subarray(20_000 - 16 * 1024))).toBe(true);
  });

  it('wraps around many times without losing order', () => {
    const backlog = new Backlog(16 * 1024, 0);
    let stream = '';
    for (let i = 0; i < 5000; i++) {
      const piece = `cmd-${i};`;
      stream += piece;
      backlog.append(Buffer.from(piece));
    }
    const tail = backlog.readFrom(backlog.firstByteOffset).toString();
    expect(stream.endsWith(tail)).toBe(true);
    expect(tail.length).toBe(16 * 1024);
  });

  it('resizes keeping the newest bytes', () => {
    const backlog = new Backlog(32 * 1024, 0);
    backlog.append(Buffer.from('z'.repeat(30_000) + 'END'));
    backlog.resize(16 * 1024);
    expect(backlog.histlen).toBe(16 * 1024);
    expect(backlog.readFrom(backlog.firstByteOffset).toString().endsWith('END')).toBe(true);
    expect(backlog.firstByteOffset + backlog.histlen).toBe(30_004);
  });
});

describe('decidePsync', () => {
  const identity = { replid: A, replid2: B, secondReplOffset: 50, masterReplOffset: 200 };
  const backlog = { firstByteOffset: 20, histlen: 181 };

  it('never continues a `?` request, and does not count it as a failed partial', () => {
    expect(decidePsync('?', -1, identity, backlog)).toMatchObject({ kind: 'full', counted: false });
  });
  it('continues the same history inside the backlog, including the zero-length case', () => {
    expect(decidePsync(A, 150, identity, backlog)).toEqual({ kind: 'continue', fromOffset: 150 });
    expect(decidePsync(A, 201, identity, backlog)).toEqual({ kind: 'continue', fromOffset: 201 });
  });
  it('falls back to a full copy when the bytes were overwritten or are in the future', () => {
    expect(decidePsync(A, 19, identity, backlog)).toMatchObject({ kind: 'full', counted: true });
    expect(decidePsync(A, 202, identity, backlog)).toMatchObject({ kind: 'full', counted: true });
    expect(decidePsync(A, 100, identity, null)).toMatchObject({ kind: 'full', counted: true });
  });
  it('continues the previous history only up to second_repl_offset (PSYNC2)', () => {
    expect(decidePsync(B, 50, identity, backlog)).toEqual({ kind: 'continue', fromOffset: 50 });
    const refused = decidePsync(B, 51, identity, backlog);
    expect(refused).toMatchObject({ kind: 'full', counted: true });
    expect(refused.kind === 'full' && refused.reason).toContain('I can reply up to 50');
  });
  it('refuses an unknown history', () => {
    expect(decidePsync('c'.repeat(40), 100, identity, backlog)).toMatchObject({ kind: 'full', counted: true });
  });
});

describe('Identity', () => {
  it('keeps the old history as replid2 on promotion', () => {
    const identity = new Identity();
    identity.adopt(A, 186);
    identity.shift();
    expect(identity.replid2).toBe(A);
    expect(identity.secondReplOffset).toBe(187);
    expect(identity.replid).toMatch(/^[0-9a-f]{40}$/);
    expect(identity.replid).not.toBe(A);
    identity.reset();
    expect(identity.replid2).toBe(NULL_REPLID);
    expect(identity.secondReplOffset).toBe(-1);
  });
});

describe('PayloadReader', () => {
  const rdb = Buffer.from('REDIS0010\xfa\x09redis-ver\x067.0.15\xff12345678', 'latin1');
  const stream = Buffer.from('*1\r\n$4\r\nping\r\n');

  /** Feeds `input` in pieces; the bytes after the payload are `rest` plus what was not fed yet. */
  function feedSplit(input: Buffer, at: number[]): { rdb: Buffer; rest: Buffer } | undefined {
    const reader = new PayloadReader();
    let start = 0;
    for (const cut of [...at, input.length]) {
      const result = reader.feed(input.subarray(start, cut));
      start = cut;
      if (result) return { rdb: result.rdb, rest: Buffer.concat([result.rest, input.subarray(cut)]) };
    }
    return undefined;
  }

  it('reads the length form and returns the stream bytes behind it, at every split', () => {
    const input = Buffer.concat([Buffer.from(`\n\n$${rdb.length}\r\n`), rdb, stream]);
    for (let cut = 1; cut < input.length; cut++) {
      const result = feedSplit(input, [cut]);
      expect(result?.rdb.equals(rdb)).toBe(true);
      expect(result?.rest.equals(stream)).toBe(true);
    }
  });

  it('reads the EOF-mark form at every split', () => {
    const mark = 'f'.repeat(40);
    const input = Buffer.concat([Buffer.from(`$EOF:${mark}\r\n`), rdb, Buffer.from(mark)]);
    for (let cut = 1; cut < input.length; cut++) {
      const result = feedSplit(input, [cut]);
      expect(result?.rdb.equals(rdb)).toBe(true);
    }
  });

  it('reports a master that aborted the transfer', () => {
    expect(() => new PayloadReader().feed(Buffer.from('-ERR snapshot failed\r\n'))).toThrow(/master aborted/);
  });
});

describe('parseStreamCommands (lost-writes ledger)', () => {
  const cmd = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
  it('keeps user commands with their offsets and dbs, skipping stream control', () => {
    const stream = cmd('SET', 'a', '1') + cmd('ping') + cmd('SELECT', '3') + cmd('MULTI') + cmd('INCR', 'n') + cmd('EXEC');
    const parsed = parseStreamCommands(Buffer.from(stream), 100, 5);
    expect(parsed).toEqual([
      { offset: 100, db: 5, args: ['SET', 'a', '1'] },
      { offset: 100 + cmd('SET', 'a', '1').length + cmd('ping').length + cmd('SELECT', '3').length + cmd('MULTI').length, db: 3, args: ['INCR', 'n'] },
    ]);
  });
  it('leaves out PUBLISH: sentinel hellos and other messages are not writes to keep', () => {
    const hello = cmd('PUBLISH', '__sentinel__:hello', '127.0.0.1,26379,abc,1,mymaster,127.0.0.1,7000,1');
    const parsed = parseStreamCommands(Buffer.from(hello + cmd('SET', 'k', 'v')), 1, 0);
    expect(parsed).toEqual([{ offset: 1 + hello.length, db: 0, args: ['SET', 'k', 'v'] }]);
  });
  it('stops at a command cut by the end of the bytes', () => {
    const stream = cmd('SET', 'a', '1') + cmd('SET', 'b', '2').slice(0, 10);
    expect(parseStreamCommands(Buffer.from(stream), 1, 0)).toHaveLength(1);
  });
});
