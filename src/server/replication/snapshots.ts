// Connects replication to persistence: full resyncs are served from the point-in-time snapshot
// producer, and a replica loads its master's payload with the RDB loader, keeping keys that are
// already expired (the master's DEL will remove them: protocol doc 4.14).

import { startSnapshot } from '../persistence/snapshot.js';
import { loadRdbBuffer } from '../persistence/load.js';
import { aofState } from '../persistence/aof/state.js';
import { startAppendOnly, stopAppendOnly } from '../persistence/aof/lifecycle.js';
import type { Server } from '../server.js';
import type { SnapshotProducer } from './full-sync.js';
import type { SnapshotLoader } from './master-link.js';

export function snapshotProducer(server: Server): SnapshotProducer {
  return (aux, sink) =>
    startSnapshot(server, {
      aux: { replStreamDb: aux.replStreamDb, replId: aux.replId, replOffset: aux.replOffset },
      onChunk: (chunk) => sink.chunk(chunk),
      onDone: () => sink.done(),
      onError: (error) => sink.error(error),
    });
}

export function snapshotLoader(server: Server): SnapshotLoader {
  return (rdb) => {
    // The AOF stops before the master's dataset loads and starts again after it, its first base
    // written by a rewrite of the new dataset (Redis readSyncBulkPayload + restartAOFAfterSYNC):
    // a load is not propagated, so the old files would otherwise miss it.
    if (aofState(server).status !== 'off') stopAppendOnly(server);
    try {
      const result = loadRdbBuffer(server, rdb, { keepExpired: true });
      return { replStreamDb: result.replStreamDb };
    } finally {
      if (server.config.bool('appendonly') && aofState(server).status === 'off' && !startAppendOnly(server)) {
        server.log.warning('Failed enabling the AOF after successful master synchronization!');
      }
    }
  };
}
