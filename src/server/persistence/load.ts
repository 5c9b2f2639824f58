// Loads an RDB into the server's databases (Redis rdbLoad): parse everything first, then apply, so
// a corrupt payload leaves the keyspace untouched. A master loading from disk drops keys already
// expired; a replica loading its master's snapshot keeps them (the master will send DEL), doc 4.14.

import type { Server } from '../server.js';
import { RdbError } from './rdb-format.js';
import { readRdb, type RdbEntry } from './rdb-reader.js';
import { printable } from './rdb-values.js';
import { clock } from '../base/clock.js';
import { persistenceState } from './state.js';
import { loadLibraries } from '../scripting/function-dump.js';

export interface LoadOptions {
  /** Keep keys whose expiry is already past (replica loading from its master). */
  keepExpired: boolean;
  /** See RdbReadOptions.functions (default 'refuse'). */
  functions?: 'refuse' | 'skip';
  /** Clock for the expiry check (default clock.now()). */
  now?: number;
  /** A key already in the dataset is replaced (DEBUG RELOAD MERGE: RDBFLAGS_ALLOW_DUP) instead of refused. */
  replaceExisting?: boolean;
}

export interface LoadResult {
  version: number;
  aux: Map<string, string>;
  keysLoaded: number;
  keysExpired: number;
  /** The aux fields replication needs, when present. */
  replStreamDb: number | undefined;
  replId: string | undefined;
  replOffset: number | undefined;
  /** Offset just past the RDB's checksum (an AOF base may go on with commands after it). */
  end: number;
}

/**
 * Parses `rdb` and adds its keys to the (normally empty) databases through the keyspace funnel.
 * Throws RdbError, with nothing applied, when the payload is malformed or unsupported; throws
 * RdbError for a key that already exists (Redis panics on duplicate keys), after applying the
 * keys before it. Leaves server.dirty as it was: loading is not a change to persist.
 */
export function loadRdbBuffer(server: Server, rdb: Buffer, options: LoadOptions): LoadResult {
  const entries: RdbEntry[] = [];
  const libraries: string[] = [];
  const summary = readRdb(rdb, {
    onEntry: (entry) => entries.push(entry),
    onFunction: options.functions === 'skip' ? undefined : (code) => libraries.push(code),
    functions: options.functions,
    warn: (message) => server.log.warning(message),
    databases: server.dbs.length,
    verifyChecksum: server.config.bool('rdbchecksum') && !persistenceState(server).skipChecksumValidation,
  });
  // Libraries are compiled before any key is applied: one that fails fails the load (rdbFunctionLoad).
  const error = loadLibraries(server, libraries);
  if (error !== undefined) throw new RdbError(`Failed loading library, ${error}`);
  const now = options.now ?? clock.now();
  const dirtyBefore = server.dirty;
  // Redis loads keys with dbAddRDBLoad, which raises no `new` event (a replica's full sync included).
  const keyspaceEvents = server.pubsub.keyspaceEvents;
  server.pubsub.keyspaceEvents = 0;
  let keysLoaded = 0;
  let keysExpired = 0;
  try {
    for (const { db: dbId, key, value, expireMs, idleSeconds, freq } of entries) {
      if (!options.keepExpired && expireMs !== undefined && expireMs < now) {
        keysExpired++;
        continue;
      }
      const db = server.db(dbId);
      if (db.data.has(key)) {
        if (!options.replaceExisting) throw new RdbError(`duplicate key '${printable(key)}' in db ${dbId}`);
        db.remove(key);
      }
      db.set(key, value);
      if (expireMs !== undefined) db.setExpire(key, expireMs);
      // objectSetLRUOrLFU: the IDLE / FREQ record applies when it fits the policy in force.
      if (idleSeconds >= 0 || freq >= 0) {
        const stamp = server.accessClock.restored(freq, idleSeconds);
        if (stamp !== undefined) db.access.set(key, stamp);
      }
      keysLoaded++;
    }
  } finally {
    server.dirty = dirtyBefore;
    server.pubsub.keyspaceEvents = keyspaceEvents;
  }
  const aux = summary.aux;
  const streamDb = aux.get('repl-stream-db');
  const offset = aux.get('repl-offset');
  return {
    version: summary.version,
    aux,
    keysLoaded,
    keysExpired,
    replStreamDb: streamDb !== undefined && /^\d+$/.test(streamDb) ? Number(streamDb) : undefined,
    replId: aux.get('repl-id'),
    replOffset: offset !== undefined && /^-?\d+$/.test(offset) ? Number(offset) : undefined,
    end: summary.end,
  };
}
