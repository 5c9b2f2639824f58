// Reads RDB primitives from a buffer: lengths (doc 4.2), strings in raw / integer / LZF forms
// (doc 4.3), little-endian integers and doubles. Every read is bounds-checked and fails with an
// RdbError that carries the offset, so a truncated or corrupt file is reported, never misread.

import { LzfError, lzfDecompress } from './lzf.js';
import { ENC_INT16, ENC_INT32, ENC_INT8, ENC_LZF, RdbError } from './rdb-format.js';

export class RdbCursor {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(message: string): never {
    throw new RdbError(message, this.pos);
  }

  private need(size: number): void {
    if (this.pos + size > this.end) this.fail('unexpected end of data');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  /** A length; special string encodings are not allowed here. */
  length(): number {
    const { encoded, value } = this.lengthOrEncoding();
    if (encoded) this.fail(`unexpected string encoding ${value} where a length was expected`);
    return value;
  }

  lengthOrEncoding(): { encoded: boolean; value: number } {
    const first = this.u8();
    const kind = first >> 6;
    if (kind === 0) return { encoded: false, value: first & 0x3f };
    if (kind === 1) return { encoded: false, value: ((first & 0x3f) << 8) | this.u8() };
    if (kind === 3) return { encoded: true, value: first & 0x3f };
    if (first === 0x80) {
      this.need(4);
      const value = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return { encoded: false, value };
    }
    if (first === 0x81) {
      this.need(8);
      const big = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`length ${big} is too large`);
      return { encoded: false, value: Number(big) };
    }
    return this.fail(`bad length byte 0x${first.toString(16)}`);
  }

  /** A string's bytes; integer forms come back as their decimal text. */
  stringBytes(): Buffer {
    const { encoded, value } = this.lengthOrEncoding();
    if (!encoded) return this.raw(value);
    switch (value) {
      case ENC_INT8:
        return Buffer.from(String(this.raw(1).readInt8(0)), 'latin1');
      case ENC_INT16:
        return Buffer.from(String(this.raw(2).readInt16LE(0)), 'latin1');
      case ENC_INT32:
        return Buffer.from(String(this.raw(4).readInt32LE(0)), 'latin1');
      case ENC_LZF: {
        const compressedLength = this.length();
        const originalLength = this.length();
        const at = this.pos;
        const compressed = this.raw(compressedLength);
        try {
          return lzfDecompress(compressed, originalLength);
        } catch (error) {
          if (error instanceof LzfError) throw new RdbError(`bad LZF string: ${error.message}`, at);
          throw error;
        }
      }
      default:
        return this.fail(`unknown string encoding ${value}`);
    }
  }

  /** A string as a latin1 JS string (one character per byte), the keyspace's representation. */
  string(): string {
    const first = this.pos < this.end ? this.buf[this.pos]! : 0;
    if (first >> 6 !== 3) {
      const len = this.length();
      this.need(len);
      const text = this.buf.toString('latin1', this.pos, this.pos + len);
      this.pos += len;
      return text;
    }
    return this.stringBytes().toString('latin1');
  }

  /** `size` raw bytes (a view, not a copy). */
  raw(size: number): Buffer {
    this.need(size);
    const out = this.buf.subarray(this.pos, this.pos + size);
    this.pos += size;
    return out;
  }

  int64LE(): number {
    this.need(8);
    const value = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(value);
  }

  uint32LE(): number {
    this.need(4);
    const value = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  doubleLE(): number {
    this.need(8);
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /** ZSET (type 3) score: length byte then ASCII; 253 NaN, 254 +inf, 255 -inf. */
  textDouble(): number {
    const len = this.u8();
    if (len === 253) return NaN;
    if (len === 254) return Infinity;
    if (len === 255) return -Infinity;
    const text = this.raw(len).toString('latin1');
    const value = Number(text);
    if (Number.isNaN(value)) this.fail(`bad double '${text}'`);
    return value;
  }
}
