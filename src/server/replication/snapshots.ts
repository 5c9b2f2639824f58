// Connects replication to persistence: full resyncs are served from the point-in-time snapshot
// producer, and a replica loads its master's payload with the RDB loader, keeping keys that are
// already expired (the master's DEL will remove them: protocol doc 4.14).

import { startSnapshot } from '../persistence/snapshot.js';
import { loadRdbBuffer } from '../persistence/load.js';
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
    const result = loadRdbBuffer(server, rdb, { keepExpired: true });
    return { replStreamDb: result.replStreamDb };
  };
}
