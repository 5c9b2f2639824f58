// Persistence bookkeeping per server that the core Server does not carry: the running BGSAVE,
// INFO persistence counters, the last load's results, and the replication module's aux provider.

import type { Server } from '../server.js';
import type { ReplicationAux } from './aux.js';
import type { LoadResult } from './load.js';
import type { SnapshotHandle } from './snapshot.js';

export interface BackgroundSave {
  handle: SnapshotHandle;
  startedAt: number;
  tempPath: string;
  /** server.dirty when the snapshot instant was fixed: the changes it covers. */
  dirtyAtStart: number;
  /** Stops the save and removes its temp file. */
  cancel(): void;
}

export interface PersistenceState {
  bgsave: BackgroundSave | null;
  lastBgsaveOk: boolean;
  lastBgsaveTimeSec: number;
  /** When the last automatic BGSAVE was tried (Redis retries a failed one after 5 s). */
  lastBgsaveTry: number;
  rdbSaves: number;
  /** BGSAVE SCHEDULE while an AOF rewrite ran: the cron starts it when none runs (rdb_bgsave_scheduled). */
  bgsaveScheduled: boolean;
  lastLoad: LoadResult | undefined;
  /** Set by the replication module: the repl-* aux fields for RDB files written to disk. */
  replicationAux: (() => ReplicationAux | undefined) | undefined;
  /** DEBUG SET-SKIP-CHECKSUM-VALIDATION 1: RDB loads and RESTORE payloads skip their CRC-64 check. */
  skipChecksumValidation: boolean;
}

const states = new WeakMap<Server, PersistenceState>();

export function persistenceState(server: Server): PersistenceState {
  let state = states.get(server);
  if (!state) {
    state = {
      bgsave: null,
      skipChecksumValidation: false,
      lastBgsaveOk: true,
      lastBgsaveTimeSec: -1,
      lastBgsaveTry: 0,
      rdbSaves: 0,
      bgsaveScheduled: false,
      lastLoad: undefined,
      replicationAux: undefined,
    };
    states.set(server, state);
  }
  return state;
}

/**
 * For the replication module: supplies repl-stream-db / repl-id / repl-offset for RDB files we
 * save (Redis stores them so a restarted node can PSYNC from where it was).
 */
export function setReplicationAuxProvider(server: Server, provider: () => ReplicationAux | undefined): void {
  persistenceState(server).replicationAux = provider;
}

/** What the last RDB load found (repl-id / repl-offset for a PSYNC after restart), if any. */
export function lastLoadResult(server: Server): LoadResult | undefined {
  return persistenceState(server).lastLoad;
}
