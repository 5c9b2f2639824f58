// Decoder for Redis ziplists (ziplist.c), the pre-7.0 blob inside LIST_ZIPLIST, ZSET_ZIPLIST,
// HASH_ZIPLIST and quicklist-1 nodes. Layout: <zlbytes u32 LE> <zltail u32 LE> <zllen u16 LE>
// entries 0xFF; entry = <prevlen: 1 byte, or 0xFE + u32 LE> <encoding> <data>.

import { RdbError } from './rdb-format.js';

const HEADER_SIZE = 10;

export function decodeZiplist(blob: Buffer): string[] {
  if (blob.length < HEADER_SIZE + 1) throw new RdbError(`ziplist too short (${blob.length} bytes)`);
  const total = blob.readUInt32LE(0);
  if (total !== blob.length) throw new RdbError(`ziplist header says ${total} bytes, blob has ${blob.length}`);
  const announced = blob.readUInt16LE(8);
  const end = blob.length - 1;
  const out: string[] = [];
  let p = HEADER_SIZE;
  while (p < end) {
    p += blob[p] === 0xfe ? 5 : 1; // prevlen
    check(p, 1, end);
    const b = blob[p]!;
    const kind = b >> 6;
    if (kind === 0) {
      const len = b & 0x3f;
      check(p + 1, len, end);
      out.push(blob.toString('latin1', p + 1, p + 1 + len));
      p += 1 + len;
    } else if (kind === 1) {
      check(p, 2, end);
      const len = ((b & 0x3f) << 8) | blob[p + 1]!;
      check(p + 2, len, end);
      out.push(blob.toString('latin1', p + 2, p + 2 + len));
      p += 2 + len;
    } else if (b === 0x80) {
      check(p, 5, end);
      const len = blob.readUInt32BE(p + 1);
      check(p + 5, len, end);
      out.push(blob.toString('latin1', p + 5, p + 5 + len));
      p += 5 + len;
    } else {
      p = readInt(blob, p, b, end, out);
    }
  }
  if (blob[end] !== 0xff) throw new RdbError('ziplist: missing end byte');
  if (announced !== 65535 && announced !== out.length) {
    throw new RdbError(`ziplist header says ${announced} entries, found ${out.length}`);
  }
  return out;
}

function readInt(blob: Buffer, p: number, b: number, end: number, out: string[]): number {
  switch (b) {
    case 0xc0:
      check(p, 3, end);
      out.push(String(blob.readInt16LE(p + 1)));
      return p + 3;
    case 0xd0:
      check(p, 5, end);
      out.push(String(blob.readInt32LE(p + 1)));
      return p + 5;
    case 0xe0:
      check(p, 9, end);
      out.push(blob.readBigInt64LE(p + 1).toString());
      return p + 9;
    case 0xf0:
      check(p, 4, end);
      out.push(String(blob.readIntLE(p + 1, 3)));
      return p + 4;
    case 0xfe:
      check(p, 2, end);
      out.push(String(blob.readInt8(p + 1)));
      return p + 2;
    default:
      // 1111xxxx with xxxx in 0001..1101: an immediate 0..12.
      if (b >= 0xf1 && b <= 0xfd) {
        out.push(String((b & 0x0f) - 1));
        return p + 1;
      }
      throw new RdbError(`ziplist: bad entry encoding byte 0x${b.toString(16)} at ${p}`);
  }
}

function check(from: number, size: number, end: number): void {
  if (from + size > end) throw new RdbError('ziplist: entry runs past the end');
}
