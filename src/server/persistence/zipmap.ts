// Decoder for Redis zipmaps (zipmap.c), the pre-2.6 blob of HASH_ZIPMAP (type 9):
// <count byte> then (<len> key <len> <free byte> value <free bytes>)* 0xFF, where <len> is one byte
// below 254 or 254 followed by a u32 (little-endian, as written on x86).

import { RdbError } from './rdb-format.js';

export function decodeZipmap(blob: Buffer): [string, string][] {
  const out: [string, string][] = [];
  let p = 1;
  const readLen = (): number => {
    if (p >= blob.length) throw new RdbError('zipmap: runs past the end');
    const b = blob[p]!;
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254) {
      if (p + 5 > blob.length) throw new RdbError('zipmap: runs past the end');
      const len = blob.readUInt32LE(p + 1);
      p += 5;
      return len;
    }
    return -1; // 255: end
  };
  const take = (len: number): string => {
    if (p + len > blob.length) throw new RdbError('zipmap: runs past the end');
    const text = blob.toString('latin1', p, p + len);
    p += len;
    return text;
  };
  for (;;) {
    const keyLen = readLen();
    if (keyLen < 0) break;
    const key = take(keyLen);
    const valueLen = readLen();
    if (valueLen < 0) throw new RdbError('zipmap: key without value');
    if (p >= blob.length) throw new RdbError('zipmap: runs past the end');
    const free = blob[p++]!;
    const value = take(valueLen);
    p += free;
    out.push([key, value]);
  }
  return out;
}
