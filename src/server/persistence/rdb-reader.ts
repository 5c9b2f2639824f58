// Reads a whole RDB (protocol doc 4.1, 4.4, 4.13): header and version, AUX fields, SELECTDB /
// RESIZEDB, expiry / LRU / LFU prefixes, keys, EOF and the CRC-64. Whatever a real 7.0 writes
// is understood; what we cannot honour (modules, function libraries, streams) fails clearly.

import type { Value } from '../keyspace/values.js';
import { crc64 } from './crc64.js';
import { RdbCursor } from './rdb-cursor.js';
import { OPCODE, RDB_MAGIC, RDB_VERSION, RdbError } from './rdb-format.js';
import { isSupportedType, printable, readValue, unsupportedType } from './rdb-values.js';
import { preGaPayload } from '../scripting/function-dump.js';

export interface RdbEntry {
  db: number;
  key: string;
  value: Value;
  /** Absolute unix time in ms, or undefined for no expiry. */
  expireMs: number | undefined;
  /** RDB_OPCODE_IDLE: seconds since the key was last used, or -1 (no record). */
  idleSeconds: number;
  /** RDB_OPCODE_FREQ: the key's LFU counter, or -1 (no record). */
  freq: number;
}

export interface RdbReadOptions {
  onEntry(entry: RdbEntry): void;
  /** Redis Functions libraries (0xF5): 'refuse' (default) fails the load, 'skip' drops them with a warning. */
  functions?: 'refuse' | 'skip';
  /** Receives each function library's code (0xF5, or a 7.0-rc 0xF6 record made into one); overrides `functions`. */
  onFunction?(code: string): void;
  warn?(message: string): void;
  /** SELECTDB must stay below this (the node's `databases`). */
  databases?: number;
  /** Verify the CRC-64 (default true; `rdbchecksum no` skips it). A stored 0 is never checked. */
  verifyChecksum?: boolean;
}

export interface RdbSummary {
  version: number;
  aux: Map<string, string>;
  keys: number;
  /** Empty collections found and skipped (Redis skips them too). */
  emptySkipped: number;
  /** Offset just past the CRC: anything after it is not part of the RDB. */
  end: number;
}

export function readRdb(buf: Buffer, options: RdbReadOptions): RdbSummary {
  const cur = new RdbCursor(buf);
  const version = readHeader(cur);
  const aux = new Map<string, string>();
  const warn = options.warn ?? (() => {});
  let db = 0;
  let keys = 0;
  let emptySkipped = 0;
  let expireMs: number | undefined;
  // rdbLoadRioWithLoadingCtx: the records before a key apply to that key only.
  let idleSeconds = -1;
  let freq = -1;
  for (;;) {
    const at = cur.pos;
    const type = cur.u8();
    switch (type) {
      case OPCODE.EOF: {
        const end = readChecksum(cur, version, at, options.verifyChecksum ?? true, warn);
        return { version, aux, keys, emptySkipped, end };
      }
      case OPCODE.SELECTDB:
        db = cur.length();
        if (options.databases !== undefined && db >= options.databases) {
          throw new RdbError(
            `the RDB has keys in db ${db} but this node has ${options.databases} databases (raise 'databases')`,
            at,
          );
        }
        continue;
      case OPCODE.RESIZEDB:
        cur.length();
        cur.length();
        continue;
      case OPCODE.EXPIRETIME_MS:
        expireMs = cur.int64LE();
        continue;
      case OPCODE.EXPIRETIME:
        expireMs = cur.uint32LE() * 1000;
        continue;
      case OPCODE.IDLE:
        idleSeconds = cur.length();
        continue;
      case OPCODE.FREQ:
        freq = cur.u8();
        continue;
      case OPCODE.AUX: {
        const key = cur.string();
        aux.set(key, cur.string());
        continue;
      }
      case OPCODE.MODULE_AUX:
        throw new RdbError(`the RDB holds data of Redis module '${moduleName(cur)}' (MODULE_AUX), which clusterctl-node cannot load`, at);
      case OPCODE.FUNCTION_PRE_GA:
        if (options.onFunction) {
          options.onFunction(preGaPayload(cur));
          continue;
        }
        throw new RdbError('the RDB holds a Redis Functions library in the 7.0-rc format, which clusterctl-node cannot load', at);
      case OPCODE.FUNCTION2: {
        const code = cur.string();
        if (options.onFunction) {
          options.onFunction(code);
          continue;
        }
        const name = libraryName(code);
        if ((options.functions ?? 'refuse') === 'refuse') {
          throw new RdbError(
            `the RDB holds Redis Functions library '${name}'; clusterctl-node cannot run functions (FUNCTION FLUSH on the source, or load with functions skipped)`,
            at,
          );
        }
        warn(`Skipping Redis Functions library '${name}' found in the RDB: functions are not supported`);
        continue;
      }
      default: {
        const key = cur.string();
        if (!isSupportedType(type)) throw new RdbError(unsupportedType(type, key).message, at);
        const value = readValue(cur, type, key);
        if (value === undefined) {
          emptySkipped++;
          warn(`Skipping empty key '${printable(key)}' (type ${type}) found in the RDB`);
        } else {
          options.onEntry({ db, key, value, expireMs, idleSeconds, freq });
          keys++;
        }
        expireMs = undefined;
        idleSeconds = -1;
        freq = -1;
      }
    }
  }
}

function readHeader(cur: RdbCursor): number {
  if (cur.remaining < 9) throw new RdbError('file too short to be an RDB', 0);
  const magic = cur.raw(5).toString('latin1');
  if (magic !== RDB_MAGIC) throw new RdbError(`wrong signature '${printable(magic)}' (not an RDB file)`, 0);
  const digits = cur.raw(4).toString('latin1');
  const version = /^\d{4}$/.test(digits) ? Number(digits) : NaN;
  if (!(version >= 1 && version <= RDB_VERSION)) {
    throw new RdbError(`can't handle RDB format version '${printable(digits)}' (Redis 7.0 reads 1 to ${RDB_VERSION})`, 5);
  }
  return version;
}

function readChecksum(cur: RdbCursor, version: number, eofAt: number, verify: boolean, warn: (m: string) => void): number {
  if (version < 5) return cur.pos;
  const stored = cur.raw(8);
  if (stored.every((b) => b === 0)) {
    warn('RDB file was saved with checksum disabled: no check performed.');
  } else if (verify) {
    const computed = crc64(cur.buf, 0, eofAt + 1);
    if (!computed.equals(stored)) {
      throw new RdbError(
        `wrong RDB checksum: stored ${hex64(stored)}, computed ${hex64(computed)} (the file is corrupt or truncated)`,
        eofAt + 1,
      );
    }
  }
  return cur.pos;
}

function hex64(le: Buffer): string {
  return le.readBigUInt64LE(0).toString(16).padStart(16, '0');
}

/** "#!lua name=mylib ..." -> "mylib". */
function libraryName(code: string): string {
  const match = /^#!\S+\s+name=(\S+)/.exec(code);
  return match ? printable(match[1]!) : '(unnamed)';
}

/** A module id is 9 characters of 6 bits each above a 10-bit encoding version (Redis module.c). */
function moduleName(cur: RdbCursor): string {
  const charset = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const first = cur.u8();
  let id: bigint;
  if (first === 0x81) id = cur.raw(8).readBigUInt64BE(0);
  else if (first === 0x80) id = BigInt(cur.raw(4).readUInt32BE(0));
  else return 'unknown';
  let name = '';
  for (let i = 0; i < 9; i++) name += charset[Number((id >> BigInt(10 + (8 - i) * 6)) & 63n)];
  return name;
}
