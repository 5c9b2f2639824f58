// CRC-64 Jones, LZF and the RDB string / length encodings, checked against known values and bytes
// captured from redis-server 7.0.15.

import { describe, expect, it } from 'vitest';
import { Crc64, crc64 } from '../../src/server/persistence/crc64.js';
import { lzfCompress, lzfDecompress, LzfError } from '../../src/server/persistence/lzf.js';
import { RdbCursor } from '../../src/server/persistence/rdb-cursor.js';
import { RdbEncoder } from '../../src/server/persistence/rdb-writer.js';
import { hex } from './rdb-helpers.js';

describe('crc64 (Jones, as Redis)', () => {
  it('gives the check value for "123456789"', () => {
    expect(new Crc64().update(Buffer.from('123456789')).value).toBe(0xe9c6d914c4b8d9can);
  });

  it('is the same whether fed at once or in pieces', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
    const pieces = new Crc64().update(data, 0, 333).update(data, 333, 999).update(data, 999);
    expect(pieces.digest()).toEqual(crc64(data));
  });

  it('matches the footer of a DUMP payload from redis-server 7.0', () => {
    // DUMP of SET s hello: 00 05 "hello" | 0a 00 (version 10) | crc64 LE
    const payload = hex('000568656c6c6f0a006372df766534200a');
    expect(crc64(payload, 0, payload.length - 8)).toEqual(payload.subarray(payload.length - 8));
  });
});

describe('LZF', () => {
  it('expands a string compressed by redis-server 7.0', () => {
    // DUMP of SET lzf <"abcdefghij" x 10>: 00 | c3 <len 0x12> <len 0x64> <18 compressed bytes> | footer
    const cur = new RdbCursor(hex('00c31240640a6162636465666768696a61e04e0901696a0a00d485292a1f2eff66'), 1);
    expect(cur.stringBytes().toString('latin1')).toBe('abcdefghij'.repeat(10));
  });

  it('round-trips what it compresses, including long runs and overlapping copies', () => {
    const inputs = [
      Buffer.from('a'.repeat(1000)),
      Buffer.from('abcdefghij'.repeat(100)),
      Buffer.from(Array.from({ length: 5000 }, (_, i) => (i % 97) ^ (i >> 8))),
      Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(40)),
    ];
    for (const input of inputs) {
      const packed = lzfCompress(input);
      expect(packed).toBeDefined();
      expect(packed!.length).toBeLessThan(input.length - 4);
      expect(lzfDecompress(packed!, input.length)).toEqual(input);
    }
  });

  it('declines data that does not shrink by 4 bytes', () => {
    const random = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 151 + 17) & 0xff));
    expect(lzfCompress(random)).toBeUndefined();
  });

  it('rejects inconsistent data instead of misreading it', () => {
    expect(() => lzfDecompress(Buffer.from([0x02, 0x61]), 3)).toThrow(LzfError); // literal past the end
    expect(() => lzfDecompress(Buffer.from([0x20, 0x05]), 3)).toThrow(LzfError); // reference before start
    expect(() => lzfDecompress(Buffer.from([0x00, 0x61]), 2)).toThrow(/expected 2/);
  });
});

describe('lengths and strings', () => {
  const encode = (fn: (enc: RdbEncoder) => void, compress = true): Buffer => {
    const enc = new RdbEncoder(compress);
    fn(enc);
    return enc.take();
  };

  it('writes lengths in the smallest form, big-endian beyond 14 bits', () => {
    expect(encode((e) => e.length(63))).toEqual(hex('3f'));
    expect(encode((e) => e.length(64))).toEqual(hex('4040'));
    expect(encode((e) => e.length(16383))).toEqual(hex('7fff'));
    expect(encode((e) => e.length(16384))).toEqual(hex('8000004000'));
    expect(encode((e) => e.length(2 ** 32))).toEqual(hex('810000000100000000'));
    for (const n of [0, 1, 63, 64, 300, 16383, 16384, 70000, 2 ** 32 - 1, 2 ** 32, 2 ** 40]) {
      expect(new RdbCursor(encode((e) => e.length(n))).length()).toBe(n);
    }
  });

  it('writes canonical small integers as Redis does (C0/C1/C2, little-endian)', () => {
    expect(encode((e) => e.string('64'))).toEqual(hex('c040'));
    expect(encode((e) => e.string('883'))).toEqual(hex('c17303'));
    expect(encode((e) => e.string('-2000000000'))).toEqual(hex('c2006cca88'));
    // Not canonical or too large: raw bytes.
    expect(encode((e) => e.string('007'))).toEqual(hex('03303037'));
    expect(encode((e) => e.string('-0'))).toEqual(hex('022d30'));
    expect(encode((e) => e.string('12345678901'))).toEqual(hex('0b3132333435363738393031'));
  });

  it('reads back every string form as the same bytes', () => {
    const samples = ['', 'x', '0', '-128', '127', '-32769', '2147483647', '-2147483648', '2147483648', 'é\u00ff\u0000', 'y'.repeat(100)];
    for (const text of samples) {
      for (const compress of [true, false]) {
        expect(new RdbCursor(encode((e) => e.string(text), compress)).string()).toBe(text);
      }
    }
  });

  it('compresses long strings only when rdbcompression is on', () => {
    const long = 'z'.repeat(200);
    expect(encode((e) => e.string(long))[0]).toBe(0xc3);
    expect(encode((e) => e.string(long), false).length).toBe(2 + 200);
  });

  it('fails on truncated input with the offset', () => {
    expect(() => new RdbCursor(hex('0561')).string()).toThrow(/unexpected end of data/);
  });
});
