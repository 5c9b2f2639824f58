// FUNCTION DUMP / RESTORE payloads and the RDB's function records (Redis functions.c
// functionDumpCommand / functionRestoreCommand, rdb.c rdbSaveFunctions / rdbFunctionLoad): each
// library is RDB_OPCODE_FUNCTION2 (0xF5) then its whole code as an RDB string; a DUMP payload
// ends with the RDB version (u16 LE) and the CRC-64 of everything before it.

import { crc64 } from '../persistence/crc64.js';
import { verifyDumpPayload } from '../persistence/dump-payload.js';
import { RdbCursor } from '../persistence/rdb-cursor.js';
import { OPCODE, RDB_VERSION } from '../persistence/rdb-format.js';
import { RdbEncoder } from '../persistence/rdb-writer.js';
import type { Server } from '../server.js';
import { createLibrary, currentLibraries, discardLibraries, type LibraryCtx, newLibraryCtx, swapLibraries } from './functions.js';

/** Appends one FUNCTION2 record per library (rdbSaveFunctions). */
export function writeFunctionRecords(enc: RdbEncoder, codes: Iterable<string>): void {
  for (const code of codes) {
    enc.byte(OPCODE.FUNCTION2);
    enc.string(code);
  }
}

/** The code of every current library, for an RDB or a DUMP. */
export function libraryCodes(server: Server): string[] {
  return [...currentLibraries(server).libraries.values()].map((library) => library.code);
}

export function functionDump(server: Server): string {
  const enc = new RdbEncoder(server.config.bool('rdbcompression'), 1024);
  writeFunctionRecords(enc, libraryCodes(server));
  enc.byte(RDB_VERSION & 0xff);
  enc.byte(RDB_VERSION >> 8);
  const body = enc.take();
  return Buffer.concat([body, crc64(body)]).toString('latin1');
}

/**
 * Reads a DUMP payload's libraries into `ctx` (functionRestoreCommand's loop); Redis's error text
 * when the payload is damaged or a library does not load. Loading from a payload has no time budget.
 */
export function restorePayload(server: Server, payload: string, ctx: LibraryCtx): string | undefined {
  const bytes = Buffer.from(payload, 'latin1');
  if (!verifyDumpPayload(bytes)) return 'DUMP payload version or checksum are wrong';
  const cur = new RdbCursor(bytes, 0, bytes.length - 10);
  try {
    while (cur.remaining > 0) {
      const type = cur.u8();
      if (type !== OPCODE.FUNCTION2 && type !== OPCODE.FUNCTION_PRE_GA) return 'given type is not a function';
      const code = type === OPCODE.FUNCTION2 ? cur.string() : preGaPayload(cur);
      const loaded = createLibrary(server, ctx, code, false, 0);
      if (typeof loaded !== 'string') return loaded.error;
    }
  } catch {
    return 'failed loading the given functions payload';
  }
  return undefined;
}

/** The 7.0-rc record (name, engine, optional description, body) as a 7.0 payload (rdbFunctionLoad). */
export function preGaPayload(cur: RdbCursor): string {
  const name = cur.string();
  const engine = cur.string();
  if (cur.length() !== 0) cur.string();
  const body = cur.string();
  return `#!${engine} name=${name}\n${body}`;
}

/**
 * The libraries of a loaded RDB replace the current ones (a full resync carries the master's
 * functions; an RDB without any leaves none). Redis's error text when one does not load.
 */
export function loadLibraries(server: Server, codes: readonly string[]): string | undefined {
  const ctx = newLibraryCtx();
  for (const code of codes) {
    const loaded = createLibrary(server, ctx, code, false, 0);
    if (typeof loaded !== 'string') {
      discardLibraries(server, ctx);
      return loaded.error;
    }
  }
  swapLibraries(server, ctx);
  return undefined;
}
