// What the replication module uses from persistence: a snapshot producer for full resyncs
// (master side) and the loader for a snapshot received from a master (replica side).

import type { Server } from '../server.js';
import type { ReplicationAux } from './aux.js';
import { loadRdbBuffer, type LoadResult } from './load.js';
import { startSnapshot, type SnapshotHandle } from './snapshot.js';

export interface SnapshotSink {
  chunk(data: Buffer): void;
  done(): void;
  error(error: Error): void;
}

/**
 * Returns a producer that, when called, fixes the snapshot instant at once (read the replication
 * offset in the same synchronous block) and streams the RDB to `sink` in slices.
 */
export function rdbSnapshotProducer(server: Server): (aux: ReplicationAux, sink: SnapshotSink) => SnapshotHandle {
  return (aux, sink) =>
    startSnapshot(server, {
      aux,
      onChunk: (chunk) => sink.chunk(chunk),
      onDone: () => sink.done(),
      onError: (error) => sink.error(error),
    });
}

/**
 * Loads a snapshot received from our master into the (already flushed) keyspace. Expired keys are
 * kept: the master sends their DELs. Throws RdbError (nothing applied) on a bad payload.
 */
export function loadReplicationSnapshot(server: Server, rdb: Buffer): LoadResult {
  return loadRdbBuffer(server, rdb, { keepExpired: true });
}
