// Decoder for Redis listpacks (listpack.c; protocol doc 4.9): the blob inside HASH_LISTPACK,
// ZSET_LISTPACK and quicklist-2 PACKED nodes. Elements come back as latin1 strings; integer entries
// as their decimal text, which is how Redis hands them to commands too.

import { RdbError } from './rdb-format.js';

const HEADER_SIZE = 6;
const COUNT_UNKNOWN = 65535;

/** Bytes of the backlen that follows an entry whose encoding+data took `size` bytes. */
function backlenSize(size: number): number {
  if (size <= 127) return 1;
  if (size < 16383) return 2;
  if (size < 2097151) return 3;
  if (size < 268435455) return 4;
  return 5;
}

export function decodeListpack(blob: Buffer): string[] {
  if (blob.length < HEADER_SIZE + 1) throw new RdbError(`listpack too short (${blob.length} bytes)`);
  const total = blob.readUInt32LE(0);
  if (total !== blob.length) throw new RdbError(`listpack header says ${total} bytes, blob has ${blob.length}`);
  const announced = blob.readUInt16LE(4);
  const out: string[] = [];
  let p = HEADER_SIZE;
  const end = blob.length - 1;
  while (p < end) {
    const start = p;
    const b = blob[p]!;
    let text: string;
    if (b < 0x80) {
      text = String(b);
      p += 1;
    } else if (b < 0xc0) {
      const len = b & 0x3f;
      text = slice(blob, p + 1, len, end);
      p += 1 + len;
    } else if (b < 0xe0) {
      need(p, 2, end);
      let v = ((b & 0x1f) << 8) | blob[p + 1]!;
      if (v >= 4096) v -= 8192;
      text = String(v);
      p += 2;
    } else if (b < 0xf0) {
      need(p, 2, end);
      const len = ((b & 0x0f) << 8) | blob[p + 1]!;
      text = slice(blob, p + 2, len, end);
      p += 2 + len;
    } else if (b === 0xf0) {
      need(p, 5, end);
      const len = blob.readUInt32LE(p + 1);
      text = slice(blob, p + 5, len, end);
      p += 5 + len;
    } else if (b === 0xf1) {
      need(p, 3, end);
      text = String(blob.readInt16LE(p + 1));
      p += 3;
    } else if (b === 0xf2) {
      need(p, 4, end);
      text = String(blob.readIntLE(p + 1, 3));
      p += 4;
    } else if (b === 0xf3) {
      need(p, 5, end);
      text = String(blob.readInt32LE(p + 1));
      p += 5;
    } else if (b === 0xf4) {
      need(p, 9, end);
      text = blob.readBigInt64LE(p + 1).toString();
      p += 9;
    } else {
      throw new RdbError(`listpack: bad entry encoding byte 0x${b.toString(16)} at ${p}`);
    }
    p += backlenSize(p - start);
    if (p > end) throw new RdbError('listpack: entry runs past the end');
    out.push(text);
  }
  if (blob[end] !== 0xff) throw new RdbError('listpack: missing end byte');
  if (announced !== COUNT_UNKNOWN && announced !== out.length) {
    throw new RdbError(`listpack header says ${announced} entries, found ${out.length}`);
  }
  return out;
}

function need(p: number, size: number, end: number): void {
  if (p + size > end) throw new RdbError('listpack: entry runs past the end');
}

function slice(blob: Buffer, from: number, len: number, end: number): string {
  if (from + len > end) throw new RdbError('listpack: string runs past the end');
  return blob.toString('latin1', from, from + len);
}
