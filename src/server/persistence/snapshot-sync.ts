// The synchronous snapshot: the whole keyspace serialised in one go, for SAVE, SHUTDOWN and DEBUG
// RELOAD (Redis rdbSave blocks the same way). Nothing can change meanwhile, so no copy-on-write.

import type { Server } from '../server.js';
import { libraryCodes, writeFunctionRecords } from '../scripting/function-dump.js';
import { buildAux, type ReplicationAux } from './aux.js';
import { Crc64 } from './crc64.js';
import { accessRecorder } from './access-records.js';
import { RdbEncoder, writeEof, writeHeader, writeKeyValue, writeSelectDb } from './rdb-writer.js';

const CHUNK_BYTES = 1024 * 1024;

/** Writes an RDB of every db to `sink` in chunks; returns the key and byte counts. */
export function writeRdbSync(
  server: Server,
  sink: (chunk: Buffer) => void,
  aux?: ReplicationAux,
  /** An AOF base file: aof-base 1 in the aux fields (rdbSaveRio with RDBFLAGS_AOF_PREAMBLE). */
  aofBase = false,
): { keys: number; bytes: number } {
  const enc = new RdbEncoder(server.config.bool('rdbcompression'));
  const crc = new Crc64();
  let bytes = 0;
  const flush = (): void => {
    const chunk = enc.take();
    crc.update(chunk);
    bytes += chunk.length;
    sink(chunk);
  };
  writeHeader(enc, buildAux(aux, undefined, aofBase));
  writeFunctionRecords(enc, libraryCodes(server));
  const access = accessRecorder(server);
  let keys = 0;
  for (const db of server.dbs) {
    if (db.data.size === 0) continue;
    writeSelectDb(enc, db.id, db.data.size, db.expires.size);
    for (const [key, value] of db.data) {
      writeKeyValue(enc, key, value, db.expires.get(key), access?.(db, key));
      keys++;
      if (enc.pending >= CHUNK_BYTES) flush();
    }
  }
  writeEof(enc);
  flush();
  const tail = server.config.bool('rdbchecksum') ? crc.digest() : Buffer.alloc(8);
  bytes += tail.length;
  sink(tail);
  return { keys, bytes };
}

/** The whole RDB in one buffer (DEBUG, tests, small datasets). */
export function serializeRdb(server: Server, aux?: ReplicationAux): Buffer {
  const parts: Buffer[] = [];
  writeRdbSync(server, (chunk) => parts.push(chunk), aux);
  return Buffer.concat(parts);
}
