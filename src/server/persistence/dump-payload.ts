// DUMP / RESTORE payloads, byte-compatible with Redis (cluster.c createDumpPayload /
// verifyDumpPayload): <type byte> <value as in an RDB> <RDB version: u16 LE> <CRC-64 of all
// before it: 8 bytes LE>. A payload from redis-server 7.0's DUMP restores here and vice versa.

import type { Value } from '../keyspace/values.js';
import { crc64 } from './crc64.js';
import { RdbCursor } from './rdb-cursor.js';
import { RDB_VERSION, RdbError } from './rdb-format.js';
import { isSupportedType, readValue, unsupportedType } from './rdb-values.js';
import { RdbEncoder, valueType, writeValueBody } from './rdb-writer.js';

const FOOTER = 10;

export function createDumpPayload(value: Value, compress: boolean): Buffer {
  const enc = new RdbEncoder(compress, 256);
  enc.byte(valueType(value));
  writeValueBody(enc, value);
  enc.byte(RDB_VERSION & 0xff);
  enc.byte(RDB_VERSION >> 8);
  const body = enc.take();
  return Buffer.concat([body, crc64(body)]);
}

/**
 * Redis's check: long enough, RDB version not newer than ours, CRC-64 matches (a zero CRC too),
 * unless DEBUG SET-SKIP-CHECKSUM-VALIDATION turned the CRC check off (`skipChecksum`).
 */
export function verifyDumpPayload(payload: Buffer, skipChecksum = false): boolean {
  if (payload.length < FOOTER) return false;
  const version = payload.readUInt16LE(payload.length - FOOTER);
  if (version > RDB_VERSION) return false;
  if (skipChecksum) return true;
  return crc64(payload, 0, payload.length - 8).equals(payload.subarray(payload.length - 8));
}

/** Decodes a verified payload's value; throws RdbError when the value bytes are malformed. */
export function decodeDumpPayload(payload: Buffer, key: string): Value {
  const cur = new RdbCursor(payload, 0, payload.length - FOOTER);
  const type = cur.u8();
  if (!isSupportedType(type)) throw unsupportedType(type, key);
  const value = readValue(cur, type, key);
  if (value === undefined) throw new RdbError(`key '${key}' is an empty collection`);
  return value;
}
