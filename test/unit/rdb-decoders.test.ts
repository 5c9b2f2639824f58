// The blob decoders (listpack, intset, ziplist, zipmap) fed real bytes: the examples of the protocol
// doc and DUMP captures from redis-server 7.0.15; ziplists and zipmaps (written only by Redis < 7)
// are assembled byte by byte from the ziplist.c / zipmap.c layouts.

import { describe, expect, it } from 'vitest';
import { decodeIntset } from '../../src/server/persistence/intset.js';
import { decodeListpack } from '../../src/server/persistence/listpack.js';
import { RdbError } from '../../src/server/persistence/rdb-format.js';
import { decodeZiplist } from '../../src/server/persistence/ziplist.js';
import { decodeZipmap } from '../../src/server/persistence/zipmap.js';
import { hex } from './rdb-helpers.js';

describe('listpack', () => {
  it('decodes the RPUSH mylist a b 1 2 node from the doc', () => {
    expect(decodeListpack(hex('11000000 0400 8161 02 8162 02 01 01 02 01 ff'))).toEqual(['a', 'b', '1', '2']);
  });

  it('decodes every integer width and a 12-bit string (7.0 capture)', () => {
    // RPUSH lpints 0 127 -1 4095 -4096 32767 -32768 8388607 -8388608 2147483647 -2147483648
    //   9223372036854775807 -9223372036854775808 <"x" * 70>, the node's listpack after LZF.
    const blob = hex(
      '8f0000000e0000017f01dfff02cfff02d00002f1ff7f03f1008003f2ffff7f04f2000080' +
        '04f3ffffff7f05f30000008005f4ffffffffffffff7f09f4000000000000008009e046' +
        '78'.repeat(70) +
        '48ff',
    );
    expect(decodeListpack(blob)).toEqual([
      '0', '127', '-1', '4095', '-4096', '32767', '-32768', '8388607', '-8388608',
      '2147483647', '-2147483648', '9223372036854775807', '-9223372036854775808', 'x'.repeat(70),
    ]);
  });

  it('refuses a blob whose header disagrees with its size or count', () => {
    expect(() => decodeListpack(hex('12000000 0400 8161 02 8162 02 01 01 02 01 ff'))).toThrow(RdbError);
    expect(() => decodeListpack(hex('11000000 0500 8161 02 8162 02 01 01 02 01 ff'))).toThrow(/5 entries/);
    expect(() => decodeListpack(hex('11000000 0400 8561 02 8162 02 01 01 02 01 ff'))).toThrow(RdbError);
  });
});

describe('intset', () => {
  it('decodes the SADD s 1 2 3 example and each width', () => {
    expect(decodeIntset(hex('02000000 03000000 0100 0200 0300'))).toEqual(['1', '2', '3']);
    expect(decodeIntset(hex('0200000004000000fbff010002000300'))).toEqual(['-5', '1', '2', '3']);
    expect(decodeIntset(hex('04000000030000006079feff01000000a0860100'))).toEqual(['-100000', '1', '100000']);
    expect(decodeIntset(hex('0800000002000000010000000000000000e40b5402000000'))).toEqual(['1', '10000000000']);
  });

  it('refuses a bad width or a short blob', () => {
    expect(() => decodeIntset(hex('03000000 01000000 010000'))).toThrow(/encoding 3/);
    expect(() => decodeIntset(hex('02000000 03000000 0100 0200'))).toThrow(RdbError);
  });
});

/** Assembles a ziplist: each entry is its encoding+data; prevlen fields and the header are computed. */
function ziplist(entries: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let prev = 0;
  let tail = 10;
  let offset = 10;
  for (const entry of entries) {
    const prevlen = prev < 254 ? Buffer.from([prev]) : Buffer.concat([Buffer.from([0xfe]), u32(prev)]);
    const whole = Buffer.concat([prevlen, entry]);
    tail = offset;
    offset += whole.length;
    prev = whole.length;
    parts.push(whole);
  }
  const body = Buffer.concat(parts);
  const header = Buffer.concat([u32(10 + body.length + 1), u32(tail), Buffer.from([entries.length & 0xff, entries.length >> 8])]);
  return Buffer.concat([header, body, Buffer.from([0xff])]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

describe('ziplist', () => {
  it('decodes every entry encoding', () => {
    const long = 'x'.repeat(300);
    const blob = ziplist([
      hex('02 6162'), // 6-bit string "ab"
      hex('f8'), // immediate 7
      hex('fe fe'), // int8 -2
      hex('c0 2c01'), // int16 300
      hex('f0 701101'), // int24 70000
      hex('d0 006cca88'), // int32 -2000000000
      hex('e0 005ed0b200000000'), // int64 3000000000
      Buffer.concat([hex('412c'), Buffer.from(long)]), // 14-bit string, 300 bytes
      hex('01 7a'), // after a 303-byte entry: 5-byte prevlen
      Buffer.concat([hex('80 00004e20'), Buffer.from('q'.repeat(20000))]), // 32-bit BE length
    ]);
    expect(decodeZiplist(blob)).toEqual(['ab', '7', '-2', '300', '70000', '-2000000000', '3000000000', long, 'z', 'q'.repeat(20000)]);
  });

  it('refuses a truncated blob', () => {
    const blob = ziplist([hex('02 6162')]);
    expect(() => decodeZiplist(blob.subarray(0, blob.length - 2))).toThrow(RdbError);
  });
});

describe('zipmap', () => {
  it('decodes keys and values, skipping free bytes', () => {
    // 2 entries: "a" -> "1", "key" -> "value" with 2 free bytes after the value.
    const blob = hex('02 01 61 01 00 31 03 6b6579 05 02 76616c7565 0000 ff');
    expect(decodeZipmap(blob)).toEqual([
      ['a', '1'],
      ['key', 'value'],
    ]);
  });

  it('reads 254-prefixed long lengths', () => {
    const value = 'v'.repeat(300);
    const blob = Buffer.concat([hex('01 01 6b fe'), u32(300), hex('00'), Buffer.from(value), hex('ff')]);
    expect(decodeZipmap(blob)).toEqual([['k', value]]);
  });
});
