// Decoder for Redis intsets (intset.c; protocol doc 4.10), the blob of SET_INTSET:
// <encoding u32 LE: 2, 4 or 8 bytes per element> <count u32 LE> <count sorted signed ints, LE>.

import { RdbError } from './rdb-format.js';

export function decodeIntset(blob: Buffer): string[] {
  if (blob.length < 8) throw new RdbError(`intset too short (${blob.length} bytes)`);
  const width = blob.readUInt32LE(0);
  const count = blob.readUInt32LE(4);
  if (width !== 2 && width !== 4 && width !== 8) throw new RdbError(`intset: bad encoding ${width}`);
  if (blob.length !== 8 + width * count) {
    throw new RdbError(`intset: ${count} elements of ${width} bytes do not fill ${blob.length} bytes`);
  }
  const out: string[] = new Array(count);
  for (let i = 0, p = 8; i < count; i++, p += width) {
    if (width === 2) out[i] = String(blob.readInt16LE(p));
    else if (width === 4) out[i] = String(blob.readInt32LE(p));
    else out[i] = blob.readBigInt64LE(p).toString();
  }
  return out;
}
