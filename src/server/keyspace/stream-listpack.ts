// The listpack element encoding (Redis 7.0 listpack.c) for the items of a stream node: how many
// bytes an item takes (the node's size decides when XADD opens a new node, as
// stream-node-max-bytes does in Redis) and its exact bytes (RDB and DUMP write nodes as listpacks
// byte for byte as redis-server would). Strings that read as a canonical int64 are stored as
// integers, as lpAppend does.

/** An item of a stream node: a field or value (string) or an integer (number, or bigint past 2^53). */
export type LpItem = string | number | bigint;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const CANONICAL = /^(?:0|-?[1-9][0-9]*)$/;
export const LP_HEADER_SIZE = 6;
/** Header plus the end byte: the size of an empty listpack. */
export const LP_EMPTY_SIZE = LP_HEADER_SIZE + 1;
export const LP_COUNT_UNKNOWN = 65535;

/** lpStringToInt64: the integer a string is stored as, or null when it stays a string. */
export function lpStringToInt(text: string): bigint | null {
  if (text.length === 0 || text.length > 20 || !CANONICAL.test(text)) return null;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? null : value;
}

/** The integer an item holds, or null when it is a string element. */
function asInteger(item: LpItem): bigint | number | null {
  if (typeof item === 'number' || typeof item === 'bigint') return item;
  if (item.length <= 15) {
    // Short canonical integers fit a double exactly: skip the bigint.
    return CANONICAL.test(item) ? Number(item) : null;
  }
  return lpStringToInt(item);
}

function intEncodingSize(v: bigint | number): number {
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

function stringEncodingSize(length: number): number {
  if (length < 64) return 1 + length;
  if (length < 4096) return 2 + length;
  return 5 + length;
}

/** Bytes of the backlen after an element whose encoding took `size` bytes (lpEncodeBacklen). */
export function backlenSize(size: number): number {
  if (size <= 127) return 1;
  if (size < 16383) return 2;
  if (size < 2097151) return 3;
  if (size < 268435455) return 4;
  return 5;
}

/** Bytes one item takes in a listpack: encoding, data and backlen. */
export function lpItemSize(item: LpItem): number {
  const int = asInteger(item);
  const size = int === null ? stringEncodingSize((item as string).length) : intEncodingSize(int);
  return size + backlenSize(size);
}

/** Appends one item's bytes (encoding, data, backlen) to `out`; returns the new position. */
export function lpWriteItem(out: Buffer, at: number, item: LpItem): number {
  const int = asInteger(item);
  const start = at;
  if (int === null) at = writeString(out, at, item as string);
  else at = writeInteger(out, at, BigInt(int));
  return writeBacklen(out, at, at - start);
}

function writeInteger(out: Buffer, at: number, v: bigint): number {
  const n = Number(v);
  if (v >= 0n && v <= 127n) {
    out[at] = n;
    return at + 1;
  }
  if (v >= -4096n && v <= 4095n) {
    const u = n < 0 ? 8192 + n : n;
    out[at] = 0xc0 | (u >> 8);
    out[at + 1] = u & 0xff;
    return at + 2;
  }
  if (v >= -32768n && v <= 32767n) {
    out[at] = 0xf1;
    out.writeInt16LE(n, at + 1);
    return at + 3;
  }
  if (v >= -8388608n && v <= 8388607n) {
    out[at] = 0xf2;
    out.writeIntLE(n, at + 1, 3);
    return at + 4;
  }
  if (v >= -2147483648n && v <= 2147483647n) {
    out[at] = 0xf3;
    out.writeInt32LE(n, at + 1);
    return at + 5;
  }
  out[at] = 0xf4;
  out.writeBigInt64LE(v, at + 1);
  return at + 9;
}

function writeString(out: Buffer, at: number, text: string): number {
  const len = text.length;
  if (len < 64) {
    out[at++] = 0x80 | len;
  } else if (len < 4096) {
    out[at++] = 0xe0 | (len >> 8);
    out[at++] = len & 0xff;
  } else {
    out[at++] = 0xf0;
    out.writeUInt32LE(len, at);
    at += 4;
  }
  return at + out.write(text, at, 'latin1');
}

function writeBacklen(out: Buffer, at: number, l: number): number {
  const size = backlenSize(l);
  for (let i = size - 1; i >= 0; i--) {
    // The most significant 7-bit group comes first; every byte but the first has the high bit.
    const group = Math.floor(l / 2 ** (7 * i)) & 127;
    out[at++] = i === size - 1 ? group : group | 128;
  }
  return at;
}

/** A whole listpack holding `items` (header with total bytes and element count, end byte). */
export function encodeListpack(items: readonly LpItem[]): Buffer {
  let total = LP_EMPTY_SIZE;
  for (const item of items) total += lpItemSize(item);
  const out = Buffer.alloc(total);
  out.writeUInt32LE(total, 0);
  out.writeUInt16LE(items.length < LP_COUNT_UNKNOWN ? items.length : LP_COUNT_UNKNOWN, 4);
  let at = LP_HEADER_SIZE;
  for (const item of items) at = lpWriteItem(out, at, item);
  out[at] = 0xff;
  return out;
}

/** Reads listpack elements one after another: `read` decodes the element at `pos` and moves past it. */
export class LpReader {
  pos = 0;

  constructor(private buf: Buffer) {}

  at(buf: Buffer, pos: number): this {
    this.buf = buf;
    this.pos = pos;
    return this;
  }

  /** The element at `pos`: an integer (number, bigint past 2^53) or a latin1 string. */
  read(): LpItem {
    const buf = this.buf;
    const at = this.pos;
    const b = buf[at]!;
    if (b < 0x80) return this.advance(1, b);
    if (b < 0xc0) return this.advance(1 + (b & 0x3f), buf.toString('latin1', at + 1, at + 1 + (b & 0x3f)));
    if (b < 0xe0) {
      const v = ((b & 0x1f) << 8) | buf[at + 1]!;
      return this.advance(2, v >= 4096 ? v - 8192 : v);
    }
    if (b < 0xf0) {
      const len = ((b & 0x0f) << 8) | buf[at + 1]!;
      return this.advance(2 + len, buf.toString('latin1', at + 2, at + 2 + len));
    }
    switch (b) {
      case 0xf0: {
        const len = buf.readUInt32LE(at + 1);
        return this.advance(5 + len, buf.toString('latin1', at + 5, at + 5 + len));
      }
      case 0xf1:
        return this.advance(3, buf.readInt16LE(at + 1));
      case 0xf2:
        return this.advance(4, buf.readIntLE(at + 1, 3));
      case 0xf3:
        return this.advance(5, buf.readInt32LE(at + 1));
      default: {
        const big = buf.readBigInt64LE(at + 1);
        return this.advance(9, big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big);
      }
    }
  }

  /** Reads an integer element (flags, deltas, counts) as a number; bigints only for deltas past 2^53. */
  readInt(): number | bigint {
    return this.read() as number | bigint;
  }

  private advance(size: number, value: LpItem): LpItem {
    this.pos += size + backlenSize(size);
    return value;
  }

  /** Moves past `count` elements without decoding their data. */
  skip(count: number): void {
    for (let i = 0; i < count; i++) this.read();
  }
}
