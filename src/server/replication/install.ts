// Wires replication into a server: the stream as a propagation sink, role control, the
// min-replicas write gate, the replication cron, and the `replicaof` directive at boot.

import type { Server } from '../server.js';
import { ERR_NOREPLICAS } from '../base/errors.js';
import type { SnapshotProducer } from './full-sync.js';
import type { SnapshotLoader } from './master-link.js';
import { Replication } from './replication.js';
import { RoleControl } from './role.js';
import { installSyncAck } from '../fencing/sync-ack.js';
import { Fence } from '../fencing/fence.js';
import { ConfirmHold } from '../fencing/confirm-hold.js';
import { ConfirmRounds } from '../fencing/confirm-rounds.js';
import { lastLoadResult, setReplicationAuxProvider } from '../persistence/state.js';
import { clock } from '../base/clock.js';

export function installReplication(server: Server, producer: SnapshotProducer, loader: SnapshotLoader): Replication {
  const replication = new Replication(server, producer);
  replication.role = new RoleControl(server, replication, loader);
  server.replication = replication;
  server.propagationSinks.push(replication);
  installSyncAck(server, replication);
  server.beforeReplies = () => {
    for (const link of replication.links) link.flush();
  };

  // Self-fencing (fence.ts) goes first: a fenced master refuses every write whatever else holds.
  const fence = new Fence(server);
  replication.fence = fence;
  // Write replies wait for sync-replicas ACKs when configured, else for the sentinels to confirm
  // they heard this master after the write (confirm-hold.ts).
  const confirmRounds = new ConfirmRounds(server, fence);
  replication.confirmRounds = confirmRounds;
  const confirmHold = new ConfirmHold(server, fence, confirmRounds);
  replication.confirmHold = confirmHold;
  const syncHold = server.replyHold!;
  server.replyHold = (client, reply) => {
    // A sentinel's hello PUBLISH is propagated like a write, but holding its reply would hold the
    // heartbeats it pipelined behind it: the very confirmations the hold waits for.
    if (client.isMaster || client.isReplica || client.name.startsWith('sentinel-')) return reply;
    return server.config.num('sync-replicas') > 0 ? syncHold(client, reply) : confirmHold.hold(client, reply);
  };
  const publish = server.commands.get('publish');
  if (publish) {
    const handler = publish.handler;
    server.commands.set('publish', {
      ...publish,
      handler: (ctx, args) => {
        if (args[1] === '__sentinel__:hello') fence.onHello(args[2]!, clock.now());
        return handler(ctx, args);
      },
    });
  }

  // min-replicas-to-write / min-replicas-max-lag (protocol doc 5.2): only on a master, only when both set.
  const previousGate = server.writeGate;
  server.writeGate = (client) => {
    const fenced = fence.check();
    if (fenced) return fenced;
    const config = server.config;
    const min = config.num('min-replicas-to-write');
    if (!server.isReplica && min > 0 && config.num('min-replicas-max-lag') > 0 && replication.goodReplicas() < min) {
      return ERR_NOREPLICAS;
    }
    return previousGate?.(client);
  };

  let lastSecond = 0;
  let lastPing = clock.now();
  server.addCronTask((now) => {
    const secondElapsed = now - lastSecond >= 1000;
    if (secondElapsed) lastSecond = now;
    const pingDue = now - lastPing >= server.config.num('repl-ping-replica-period') * 1000;
    if (pingDue) lastPing = now;
    replication.cron(now, secondElapsed, pingDue);
    fence.cron(now);
    confirmHold.release();
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
  // main.ts has chdir'ed into `dir`, as Redis does: the node's own folder. After `replicaof`: a
  // node that boots as a replica has nothing to fence.
  const remembered = fence.boot(process.cwd());
  if (fence.fenced) server.log.warning(`Monitored by ${remembered} sentinel(s) before this restart: writes wait until a majority of them confirm this master`);
  return replication;
}
