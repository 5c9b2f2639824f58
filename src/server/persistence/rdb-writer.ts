// Serialises keys into RDB bytes (protocol doc 4.1-4.7). We write only the plain value types that
// every Redis loads (0 string, 1 list, 2 set, 4 hash, 5 zset with binary doubles): a 7.0 loader
// re-encodes them into listpacks/intsets itself. Streams have no plain form: they go as 7.0's type 19
// (rdb-stream.ts). Strings use Redis's integer and LZF forms.

import { ListValue } from '../keyspace/list.js';
import type { Value } from '../keyspace/values.js';
import { lzfCompress } from './lzf.js';
import { ENC_INT16, ENC_INT32, ENC_INT8, ENC_LZF, OPCODE, RDB_MAGIC, RDB_VERSION, TYPE } from './rdb-format.js';
import { zsetEntries } from './value-build.js';
import { StreamValue } from '../keyspace/stream.js';
import { writeStream } from './rdb-stream.js';

const CANONICAL_INT = /^(?:0|-?[1-9][0-9]{0,10})$/;

/** An append-only byte buffer with RDB primitives; take() hands out what was written so far. */
export class RdbEncoder {
  private buf: Buffer;
  private pos = 0;

  constructor(
    private readonly compress: boolean,
    initialSize = 64 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written and not yet taken. */
  get pending(): number {
    return this.pos;
  }

  /** Returns a copy of the pending bytes and empties the buffer. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Length encoding (doc 4.2): 6-bit, 14-bit, 32-bit BE or 64-bit BE, smallest that fits. */
  length(n: number): void {
    this.ensure(9);
    if (n < 64) {
      this.buf[this.pos++] = n;
    } else if (n < 16384) {
      this.buf[this.pos++] = 0x40 | (n >> 8);
      this.buf[this.pos++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      this.buf[this.pos++] = 0x80;
      this.buf.writeUInt32BE(n, this.pos);
      this.pos += 4;
    } else {
      this.buf[this.pos++] = 0x81;
      this.buf.writeBigUInt64BE(BigInt(n), this.pos);
      this.pos += 8;
    }
  }

  /** A string whose characters are bytes (latin1), in Redis's int / LZF / raw forms. */
  string(text: string): void {
    if (text.length <= 11 && text.length > 0 && CANONICAL_INT.test(text)) {
      const n = Number(text);
      if (n >= -128 && n <= 127) {
        this.byte(0xc0 | ENC_INT8);
        this.byte(n & 0xff);
        return;
      }
      if (n >= -32768 && n <= 32767) {
        this.ensure(3);
        this.buf[this.pos++] = 0xc0 | ENC_INT16;
        this.buf.writeInt16LE(n, this.pos);
        this.pos += 2;
        return;
      }
      if (n >= -2147483648 && n <= 2147483647) {
        this.ensure(5);
        this.buf[this.pos++] = 0xc0 | ENC_INT32;
        this.buf.writeInt32LE(n, this.pos);
        this.pos += 4;
        return;
      }
    }
    if (this.compress && text.length > 20) {
      const raw = Buffer.from(text, 'latin1');
      const packed = lzfCompress(raw);
      if (packed) {
        this.byte(0xc0 | ENC_LZF);
        this.length(packed.length);
        this.length(raw.length);
        this.bytes(packed);
        return;
      }
      this.length(raw.length);
      this.bytes(raw);
      return;
    }
    this.length(text.length);
    this.ensure(text.length);
    this.pos += this.buf.write(text, this.pos, 'latin1');
  }

  /** 8-byte little-endian signed integer (expiry in ms). */
  int64(value: number): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(value), this.pos);
    this.pos += 8;
  }

  /** 8-byte IEEE-754 little-endian (ZSET_2 scores). */
  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }
}

/** "REDIS0010" and the aux fields, in the order given. */
export function writeHeader(enc: RdbEncoder, aux: [string, string][]): void {
  enc.bytes(Buffer.from(`${RDB_MAGIC}${String(RDB_VERSION).padStart(4, '0')}`, 'latin1'));
  for (const [key, value] of aux) {
    enc.byte(OPCODE.AUX);
    enc.string(key);
    enc.string(value);
  }
}

export function writeSelectDb(enc: RdbEncoder, db: number, size: number, expires: number): void {
  enc.byte(OPCODE.SELECTDB);
  enc.length(db);
  enc.byte(OPCODE.RESIZEDB);
  enc.length(size);
  enc.length(expires);
}

/**
 * A key's access stamp as an RDB record (Redis rdbSaveKeyValuePair): its idle seconds under an LRU
 * maxmemory-policy (RDB_OPCODE_IDLE), its LFU counter under an LFU one (RDB_OPCODE_FREQ).
 */
export type AccessRecord = { idleSeconds: number; freq?: undefined } | { freq: number; idleSeconds?: undefined };

/** One key: optional EXPIRETIME_MS, optional IDLE or FREQ, type byte, key, value. */
export function writeKeyValue(
  enc: RdbEncoder,
  key: string,
  value: Value,
  expireMs: number | undefined,
  access?: AccessRecord,
): void {
  if (expireMs !== undefined) {
    enc.byte(OPCODE.EXPIRETIME_MS);
    enc.int64(expireMs);
  }
  if (access !== undefined) {
    if (access.idleSeconds !== undefined) {
      enc.byte(OPCODE.IDLE);
      enc.length(access.idleSeconds);
    } else {
      enc.byte(OPCODE.FREQ);
      enc.byte(access.freq);
    }
  }
  enc.byte(valueType(value));
  enc.string(key);
  writeValueBody(enc, value);
}

export function valueType(value: Value): number {
  if (typeof value === 'string') return TYPE.STRING;
  if (value instanceof ListValue) return TYPE.LIST;
  if (value instanceof Set) return TYPE.SET;
  if (value instanceof Map) return TYPE.HASH;
  if (value instanceof StreamValue) return TYPE.STREAM_LISTPACKS_2;
  return TYPE.ZSET_2;
}

/** The value part only (also the body of a DUMP payload). */
export function writeValueBody(enc: RdbEncoder, value: Value): void {
  if (typeof value === 'string') {
    enc.string(value);
  } else if (value instanceof ListValue) {
    enc.length(value.length);
    for (const item of value) enc.string(item);
  } else if (value instanceof Set) {
    enc.length(value.size);
    for (const member of value) enc.string(member);
  } else if (value instanceof Map) {
    enc.length(value.size);
    for (const [field, fieldValue] of value) {
      enc.string(field);
      enc.string(fieldValue);
    }
  } else if (value instanceof StreamValue) {
    writeStream(enc, value);
  } else {
    enc.length(value.size);
    for (const [member, score] of zsetEntries(value)) {
      enc.string(member);
      enc.double(score);
    }
  }
}

/** EOF opcode; the caller appends the CRC of everything up to and including it. */
export function writeEof(enc: RdbEncoder): void {
  enc.byte(OPCODE.EOF);
}
