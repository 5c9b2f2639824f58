// Request framing: multibulk and inline commands come out the same however the bytes are chunked,
// and lastFrameBytes is each frame's exact length (replication offsets are sums of it).
// Expected behaviour was taken from redis-server 7.0 fed the same raw bytes.

import { describe, expect, it } from 'vitest';
import { RequestParser } from '../../src/shared/resp/request-parser.js';
import { bytes, multibulk, parseChunks, parseEveryWay, prng } from './request-parser-helpers.js';

describe('multibulk requests', () => {
  it('parses one command and reports its exact size', () => {
    expect(parseEveryWay('*1\r\n$4\r\nPING\r\n')).toEqual({ commands: [['PING']], sizes: [14], midFrame: false });
  });

  it('parses pipelined commands in order', () => {
    const input = multibulk('SET', 'key', 'value') + multibulk('GET', 'key') + multibulk('DEL', 'key');
    const outcome = parseEveryWay(input);
    expect(outcome.commands).toEqual([['SET', 'key', 'value'], ['GET', 'key'], ['DEL', 'key']]);
    expect(outcome.sizes).toEqual([33, 22, 22]);
    expect(outcome.sizes.reduce((a, b) => a + b)).toBe(input.length);
  });

  it('keeps every byte value of an argument (binary safe)', () => {
    const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    const outcome = parseEveryWay(multibulk('SET', 'k\r\n', all));
    expect(outcome.commands).toEqual([['SET', 'k\r\n', all]]);
  });

  it('accepts empty arguments', () => {
    expect(parseEveryWay('*2\r\n$4\r\nECHO\r\n$0\r\n\r\n').commands).toEqual([['ECHO', '']]);
  });

  it('skips *0 and negative counts as no-ops', () => {
    const outcome = parseEveryWay('*0\r\n*-1\r\n*-5\r\n*1\r\n$4\r\nPING\r\n');
    expect(outcome).toEqual({ commands: [['PING']], sizes: [14], midFrame: false });
    expect(parseEveryWay('*-9223372036854775808\r\nPING\r\n').commands).toEqual([['PING']]);
  });

  it('does not check the two bytes after a bulk or the byte after a count CR, as Redis', () => {
    // redis-server answers +PONG to both.
    expect(parseEveryWay('*1\r\n$4\r\nPINGxx').commands).toEqual([['PING']]);
    expect(parseEveryWay('*1\rx$4\r\nPING\r\n')).toMatchObject({ commands: [['PING']], sizes: [14] });
  });

  it('waits for a partial frame without failing', () => {
    for (const partial of ['*', '*2', '*2\r', '*2\r\n$3\r\nGET\r\n$1\r\nk\r', '*1\r\n$4\r\nPING', '*1\r\nx', '*1\r\nx\r']) {
      expect(parseEveryWay(partial), partial).toEqual({ commands: [], sizes: [], midFrame: true });
    }
  });

  it('resumes a frame split across feeds without re-reading finished arguments', () => {
    const parser = new RequestParser();
    parser.feed(bytes('*3\r\n$3\r\nSET\r\n$1\r\nk'));
    expect(parser.next()).toBeNull();
    expect(parser.midFrame).toBe(true);
    parser.feed(bytes('\r\n$5\r\nva'));
    expect(parser.next()).toBeNull();
    parser.feed(bytes('lue\r\n*1\r\n$4\r\nPI'));
    expect(parser.next()).toEqual(['SET', 'k', 'value']);
    expect(parser.lastFrameBytes).toBe(multibulk('SET', 'k', 'value').length);
    expect(parser.next()).toBeNull();
    expect(parser.bufferedBytes).toBe(2); // parsed arguments leave the buffer, as in Redis's querybuf
    parser.feed(bytes('NG\r\n'));
    expect(parser.next()).toEqual(['PING']);
    expect(parser.lastFrameBytes).toBe(14);
    expect(parser.midFrame).toBe(false);
    expect(parser.bufferedBytes).toBe(0);
  });
});

describe('big arguments', () => {
  const value = Array.from({ length: 1_000_000 }, (_, i) => String.fromCharCode(i % 251)).join('');
  const frame = bytes(multibulk('SET', 'big', value) + multibulk('GET', 'big'));
  const sizes = [multibulk('SET', 'big', value).length, multibulk('GET', 'big').length];

  it('gathers a 1MB value sent whole, in 1KB chunks, in 64KB chunks and in odd chunks', () => {
    for (const size of [frame.length, 1024, 65536, 7919, 100_003]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < frame.length; i += size) chunks.push(frame.subarray(i, i + size));
      const outcome = parseChunks(chunks);
      expect(outcome.sizes, `chunks of ${size}`).toEqual(sizes);
      expect(outcome.commands[0]![2] === value, `chunks of ${size}`).toBe(true);
      expect(outcome.commands[1]).toEqual(['GET', 'big']);
    }
  });

  it('counts a big argument still arriving in bufferedBytes (the query buffer limit reads it)', () => {
    const parser = new RequestParser();
    parser.feed(frame.subarray(0, 200_000));
    expect(parser.next()).toBeNull();
    parser.feed(frame.subarray(200_000, 400_000));
    expect(parser.next()).toBeNull();
    expect(parser.bufferedBytes).toBeGreaterThanOrEqual(390_000);
    parser.feed(frame.subarray(400_000));
    expect(parser.next()![1]).toBe('big');
    expect(parser.lastFrameBytes).toBe(sizes[0]);
  });
});

describe('inline requests', () => {
  it('splits on blanks and accepts LF or CRLF line ends', () => {
    const outcome = parseEveryWay('PING\r\n  SET  a   b  \nGET a\r\n');
    expect(outcome).toEqual({ commands: [['PING'], ['SET', 'a', 'b'], ['GET', 'a']], sizes: [6, 15, 7], midFrame: false });
  });

  it('skips empty and blank lines', () => {
    expect(parseEveryWay('\r\n\n   \r\n\tPING\r\n')).toEqual({ commands: [['PING']], sizes: [7], midFrame: false });
  });

  it('mixes with multibulk in one stream', () => {
    const outcome = parseEveryWay(`PING\r\n${multibulk('ECHO', 'hi')}ECHO "a b"\n`);
    expect(outcome.commands).toEqual([['PING'], ['ECHO', 'hi'], ['ECHO', 'a b']]);
    expect(outcome.sizes).toEqual([6, 22, 11]);
  });

  it('treats a lone CR as a blank, not a line end', () => {
    // redis-server answers `PING\rPING\r\n` with $4 PING: one command with two words.
    expect(parseEveryWay('PING\rPING\r\n').commands).toEqual([['PING', 'PING']]);
    expect(parseEveryWay('PING\r')).toEqual({ commands: [], sizes: [], midFrame: true });
  });

  it('never sees the end of a line that holds a NUL byte (Redis finds it with strchr)', () => {
    expect(parseEveryWay('ECHO a\0b\r\nPING\r\n')).toEqual({ commands: [], sizes: [], midFrame: true });
  });
});

describe('lastFrameBytes under random chunking', () => {
  it('sums to the stream length for a long random pipeline', () => {
    const random = prng(7);
    let stream = '';
    const expected: string[][] = [];
    for (let i = 0; i < 300; i++) {
      const args = Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
        String.fromCharCode(...Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256))),
      );
      expected.push(args);
      stream += multibulk(...args);
    }
    const data = bytes(stream);
    for (let round = 0; round < 20; round++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < data.length; ) {
        const size = 1 + Math.floor(random() * 200);
        chunks.push(data.subarray(at, at + size));
        at += size;
      }
      const outcome = parseChunks(chunks);
      expect(outcome.commands).toEqual(expected);
      expect(outcome.sizes).toEqual(expected.map((args) => multibulk(...args).length));
    }
  });
});

describe('borrowed input (one read buffer shared by every socket)', () => {
  /** Feeds each chunk through one reused buffer, scribbling over it after every read. */
  function parseThroughSharedBuffer(chunks: Buffer[]): { commands: string[][]; sizes: number[] } {
    const shared = Buffer.alloc(65536);
    const parser = new RequestParser();
    const commands: string[][] = [];
    const sizes: number[] = [];
    for (const chunk of chunks) {
      chunk.copy(shared);
      parser.feed(shared.subarray(0, chunk.length), true);
      for (let command = parser.next(); command !== null; command = parser.next()) {
        commands.push(command);
        sizes.push(parser.lastFrameBytes);
      }
      parser.keepUnread();
      shared.fill(0x58);
    }
    return { commands, sizes };
  }

  it('keeps partial frames intact when the buffer is reused', () => {
    const stream = bytes(multibulk('SET', 'key', 'value') + 'PING\r\n' + multibulk('GET', 'key'));
    for (let cut = 1; cut < stream.length; cut++) {
      const outcome = parseThroughSharedBuffer([stream.subarray(0, cut), stream.subarray(cut)]);
      expect(outcome.commands, `cut at ${cut}`).toEqual([['SET', 'key', 'value'], ['PING'], ['GET', 'key']]);
      expect(outcome.sizes).toEqual([33, 6, 22]);
    }
  });

  it('gathers a big argument from reused buffers', () => {
    const value = 'v'.repeat(200_000);
    const stream = bytes(multibulk('SET', 'big', value) + multibulk('STRLEN', 'big'));
    const chunks: Buffer[] = [];
    for (let at = 0; at < stream.length; at += 65536) chunks.push(stream.subarray(at, at + 65536));
    const outcome = parseThroughSharedBuffer(chunks);
    expect(outcome.commands.length).toBe(2);
    expect(outcome.commands[0]![2] === value).toBe(true);
    expect(outcome.sizes[0]).toBe(multibulk('SET', 'big', value).length);
  });
});
