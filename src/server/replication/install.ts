// Sets up replication on a server: the stream and role control, the replication cron, the history
// our RDB files carry; then, once the request path is wired (main.ts), the role the node boots in.

import type { Server } from '../server.js';
import type { SnapshotProducer } from './full-sync.js';
import type { SnapshotLoader } from './master-link.js';
import { Replication } from './replication.js';
import { RoleControl } from './role.js';
import { CoordinatedFailover } from './failover.js';
import { lastLoadResult, setReplicationAuxProvider } from '../persistence/state.js';
import { clock } from '../base/clock.js';

export function installReplication(server: Server, producer: SnapshotProducer, loader: SnapshotLoader): Replication {
  const replication = new Replication(server, producer);
  replication.role = new RoleControl(server, replication, loader);
  replication.failover = new CoordinatedFailover(server, replication);
  server.replication = replication;

  let lastSecond = 0;
  let lastPing = clock.now();
  server.addCronTask((now) => {
    const secondElapsed = now - lastSecond >= 1000;
    if (secondElapsed) lastSecond = now;
    const pingDue = now - lastPing >= server.config.num('repl-ping-replica-period') * 1000;
    if (pingDue) lastPing = now;
    replication.cron(now, secondElapsed, pingDue);
    // Every tick while FAILOVER waits (Redis runs replicationCron every 100 ms then).
    if (replication.failover.state === 'waiting-for-sync') replication.failover.update(now);
    if (secondElapsed) replication.role.masterLink?.cron(now);
  });

  // RDB files we save carry our history (repl-id / repl-offset), so that after a restart we can
  // continue partially instead of copying everything again (Redis rdbPopulateSaveInfo).
  setReplicationAuxProvider(server, () => {
    const masterLink = replication.role.masterLink;
    if (!masterLink && !replication.backlog) return undefined;
    const streamDb = masterLink ? masterLink.masterClient.db : Math.max(0, replication.selectedDb);
    return { replStreamDb: streamDb, replId: replication.identity.replid, replOffset: replication.identity.masterReplOffset };
  });
  return replication;
}

/** Writes out the stream bytes queued for every replica (the request path's before-replies hook). */
export function flushReplicaLinks(replication: Replication): void {
  replication.drain();
  for (const link of replication.links) link.flush();
}

/**
 * The role at boot: the history restored from the RDB file, then `replicaof` from the config
 * (PSYNC with that history, so a restarted replica continues partially).
 */
export function startReplication(server: Server, replication: Replication): void {
  const loaded = lastLoadResult(server);
  const restored = loaded?.replId !== undefined && loaded.replOffset !== undefined && loaded.replId.length === 40;
  if (restored) {
    replication.identity.adopt(loaded.replId!, loaded.replOffset!);
    server.log.notice(`Restored replication ID ${loaded.replId} and offset ${loaded.replOffset} from the RDB file`);
  }
  const replicaof = server.config.list('replicaof');
  if (replicaof.length === 2) {
    replication.role.replicaOf(replicaof[0]!, Number(replicaof[1]), restored);
    if (restored && loaded.replStreamDb !== undefined) replication.role.masterLink!.masterClient.db = loaded.replStreamDb;
  } else if (restored) {
    replication.ensureBacklog(true);
  }
}
