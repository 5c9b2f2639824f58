// The clusterctl-node program: `clusterctl-node [config-file] [--directive value ...]`, started the
// same way as redis-server. Loads config, opens listeners, logs "Ready to accept connections",
// and stops cleanly on SIGTERM/SIGINT or SHUTDOWN (saving first when save points are set).

import { unlinkSync, writeFileSync } from 'node:fs';
import type { Server as NetServer } from 'node:net';
import { Logger, type LogLevel } from '../shared/log.js';
import { ConfigLoadError, loadConfig } from './config/load.js';
import { listen, ListenError } from './net/listener.js';
import { installPersistence, loadDataOnStartup, saveBeforeShutdown } from './persistence/install.js';
import { savePoints } from './persistence/background-save.js';
import { aofObserver, flushAofBeforeReplies } from './persistence/aof/feed.js';
import { diskErrorCheck } from './persistence/disk-error-check.js';
import { Server } from './server.js';
import { installExpireCycle } from './keyspace/expire-cycle.js';
import { installKeyspaceEvents } from './keyspace/keyspace-events.js';
import { flushReplicaLinks, installReplication, startReplication } from './replication/install.js';
import { minReplicasCheck } from './replication/min-replicas.js';
import type { Replication } from './replication/replication.js';
import { snapshotLoader, snapshotProducer } from './replication/snapshots.js';
import { EmptyRestartGuard } from './replication/empty-restart/guard.js';
import { bootWriteSafety, installWriteSafety, type WriteSafety } from './fencing/install.js';
import { confirmedRepliesPolicy, fencingCheck } from './fencing/request-steps.js';
import { syncReplicasPolicy } from './fencing/sync-ack.js';
import { faultsOf } from './faults/faults.js';
import { parseHello } from './faults/endpoint.js';
import { helloObserver } from './request/hello-observer.js';
import { busyScriptCheck } from './scripting/busy.js';
import { maxmemoryCronTask, oomCheck } from './maxmemory/oom-check.js';
import { monitorObserver, replicaKeyspaceCheck } from './request/monitor-feed.js';
import { commandLatencyObserver, slowlogObserver } from './request/slowlog.js';
import { buildCommandTable } from './commands/registry.js';
import { ClusterBootError, loadClusterMode, startClusterMode, type ClusterRuntime } from './cluster/cluster-mode.js';
import type { ClusterState } from './cluster/state/cluster-state.js';
import { clusterSlotCheck } from './cluster/routing/slot-check.js';
import { clusterConfirmPolicy } from './cluster/confirm-writes.js';
import { installBlockedRedirect } from './cluster/routing/blocked-redirect.js';
import { REDIS_COMPAT_VERSION } from './base/version.js';
import { loadUsersAtStartup } from './acl/startup.js';
import { clock } from './base/clock.js';
import { ErrorReply } from '../shared/resp/reply.js';

export async function main(argv: string[]): Promise<void> {
  let server: Server;
  try {
    const config = loadConfig(argv);
    const logfile = config.str('logfile');
    const log = new Logger(logfile === '' ? undefined : logfile, config.str('loglevel') as LogLevel);
    server = new Server(config, log, buildCommandTable());
  } catch (error) {
    if (error instanceof ConfigLoadError) {
      process.stderr.write(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { log, config } = server;
  log.warning(`clusterctl-node is starting (Redis ${REDIS_COMPAT_VERSION} compatible), pid=${process.pid}`);
  if (config.file) log.warning(`Configuration loaded from ${config.file}`);
  try {
    process.chdir(config.str('dir'));
  } catch (error) {
    log.warning(`Can't chdir to '${config.str('dir')}': ${(error as Error).message}`);
    process.exit(1);
  }

  // ACL users from `user` lines or the aclfile, before any data or client (ACLLoadUsersAtStartup).
  const aclError = loadUsersAtStartup(server);
  if (aclError !== undefined) {
    log.warning(aclError);
    process.stderr.write(`${aclError}\n`);
    process.exit(1);
  }

  // Cluster mode: nodes.conf locked and loaded (or created) before the data, as clusterInit runs.
  let clusterState: ClusterState | undefined;
  try {
    clusterState = loadClusterMode(server);
  } catch (error) {
    if (!(error instanceof ClusterBootError)) throw error;
    log.warning(error.message);
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }

  let listeners: NetServer[];
  try {
    await loadDataOnStartup(server);
    listeners = await listen(server);
  } catch (error) {
    if (error instanceof ListenError) {
      log.warning(error.message);
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    log.warning(`Fatal error loading the data: ${(error as Error).message}`);
    process.stderr.write(`Fatal error loading the data: ${(error as Error).message}\n`);
    process.exit(1);
  }

  const pidfile = config.str('pidfile');
  if (pidfile !== '') writeFileSync(pidfile, `${process.pid}\n`);
  installPersistence(server);
  installExpireCycle(server);
  installKeyspaceEvents(config, server.pubsub);
  const replication = installReplication(server, snapshotProducer(server), snapshotLoader(server));
  const safety = installWriteSafety(server, replication);
  // main.ts has chdir'ed into `dir`: the history file lives in the node's own folder.
  const emptyRestart = new EmptyRestartGuard(server, replication, process.cwd());
  replication.emptyRestart = emptyRestart;
  wireRequestPath(server, replication, safety, emptyRestart, clusterState !== undefined);
  startReplication(server, replication);
  // The role and the data are known now: may this node act as a master (empty-restart/)?
  if (!clusterState) emptyRestart.boot();
  bootWriteSafety(server, safety);
  server.startCron();
  let cluster: ClusterRuntime | undefined;
  if (clusterState) {
    try {
      cluster = await startClusterMode(server, clusterState);
    } catch (error) {
      if (!(error instanceof ClusterBootError)) throw error;
      log.warning(error.message);
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
  }
  log.notice(`Running mode=${cluster ? 'cluster' : 'standalone'}, port=${server.port}.`);
  log.notice('Ready to accept connections');

  let stopping = false;
  const shutdown = async (save: boolean | undefined): Promise<ErrorReply | undefined> => {
    if (stopping) return undefined;
    stopping = true;
    log.warning('User requested shutdown...');
    const saved = await saveBeforeShutdown(server, save);
    if (!saved) {
      stopping = false;
      log.warning('Error trying to save the DB, can\'t exit.');
      return new ErrorReply('ERR Errors trying to SHUTDOWN. Check logs.');
    }
    // Will the next start load this data (an AOF, or the RDB just saved)? (empty-restart/guard.ts)
    emptyRestart.onShutdown(config.bool('appendonly') || (save !== false && (save === true || savePoints(server).length > 0)));
    server.stopCron();
    if (cluster) {
      // Our last view of the cluster goes to nodes.conf before the bus closes.
      cluster.drain();
      cluster.stop();
    }
    for (const listener of listeners) listener.close();
    for (const client of server.clients.values()) client.sink.close('shutdown');
    if (pidfile !== '') {
      try {
        unlinkSync(pidfile);
      } catch {
        // Already gone: nothing to clean.
      }
    }
    log.warning('Redis is now ready to exit, bye bye...');
    process.exit(0);
  };
  server.shutdownHandler = shutdown;
  process.on('SIGTERM', () => {
    log.warning('Received SIGTERM scheduling shutdown...');
    void shutdown(undefined);
  });
  process.on('SIGINT', () => {
    log.warning('Received SIGINT scheduling shutdown...');
    void shutdown(undefined);
  });
}

/**
 * What each feature adds to the request path, in one place (the order of the checks and of the
 * reply policies is the path's own: request/request-path.ts). The request room's own checks
 * (NOAUTH, READONLY, pub/sub context, stale data, loading, CLIENT PAUSE) are registered by Server.
 */
function wireRequestPath(server: Server, replication: Replication, safety: WriteSafety, emptyRestart: EmptyRestartGuard, clusterMode: boolean): void {
  const faults = faultsOf(server);
  if (clusterMode) {
    // MOVED / ASK / CROSSSLOT / TRYAGAIN / CLUSTERDOWN before anything else runs (cluster/routing),
    // and clients blocked on keys whose slot moved away are redirected from the cron.
    server.requestPath.check('cluster-redirect', clusterSlotCheck(server));
    // cluster-confirm-writes: a write's reply waits for its replicas' ACKs and a majority of the
    // masters (cluster/confirm-writes.ts); it also counts sync-replicas N, so it comes first.
    server.requestPath.replyPolicy('cluster-confirm', clusterConfirmPolicy(server));
    installBlockedRedirect(server);
  }
  // The history the empty-restart guard remembers: on role changes and once a second.
  server.addCronTask((now) => emptyRestart.cron(now));
  // maxmemory: evict before each command, -OOM for denyoom ones when nothing is left to evict.
  server.addCronTask(maxmemoryCronTask(server));
  server.requestPath
    .check('oom', oomCheck(server))
    // -MISCONF while the RDB or the AOF cannot be written (persistence/disk-error-check.ts).
    .check('misconf', diskErrorCheck(server))
    .check('fencing', fencingCheck(safety.fence), { writes: true })
    .check('min-replicas', minReplicasCheck(server, replication), { writes: true })
    // A script past busy-reply-threshold yields between slices (scripting/script-runner.ts): the
    // sockets are read then, and every command but the allow_busy ones is answered -BUSY here.
    .check('busy-script', busyScriptCheck)
    // Replicas and monitors may not touch the keyspace (processCommand, before CLIENT PAUSE).
    .check('replica-keyspace', replicaKeyspaceCheck)
    // A master restarted empty after serving data refuses to act as one (-EMPTYRESTART) until a
    // failover, REPLICAOF or CONFIG SET empty-restart-guard no (replication/empty-restart/guard.ts).
    .check('empty-restart', emptyRestart.check)
    .replyPolicy('sync-replicas', syncReplicasPolicy(server, replication))
    .replyPolicy('confirmed-replies', confirmedRepliesPolicy(safety.confirmHold, server))
    // The replication stream first: a write's bytes are queued for replicas before anything else.
    .observe(replication)
    // The AOF (persistence/aof/feed.ts) gets the same units, reusing the stream's encoding.
    .observe(aofObserver(server))
    // Hellos tell the fence who monitors this node and whom they name master (fence.ts), and the
    // faults where each sentinel listens, so FAULT PARTITION can name one.
    .observe(
      helloObserver(
        (payload) => safety.fence.onHello(payload, clock.now()),
        (payload) => {
          const hello = parseHello(payload);
          if (hello) faults.onHello(hello.id, hello.host, hello.port);
        },
        // A hello naming another master tells a refused empty master that it was failed over.
        (payload) => emptyRestart.onHello(payload),
      ),
    )
    // What call() ran: the latency monitor, the slow log, then MONITOR's lines (Redis call() order).
    .observeCalls(commandLatencyObserver(server))
    .observeCalls(slowlogObserver(server))
    .observeCalls(monitorObserver(server))
    // Replicas get a write's stream bytes before its client gets the OK (a master stopped right
    // after cannot hold it alone).
    // The AOF is written (and, under appendfsync always, fsynced) before any reply goes out, as
    // Redis's beforeSleep flushes it before handleClientsWithPendingWrites.
    .beforeReply(() => flushAofBeforeReplies(server))
    .beforeReply(() => flushReplicaLinks(replication))
    // Client-side caching: a client's invalidations of its own writes follow its reply.
    .afterReply((client, args) => server.tracking.afterReply(client, args));
  // tracking-table-max-keys is enforced while idle too (serverCron -> trackingLimitUsedSlots).
  server.addCronTask(() => {
    if (server.tracking.clientCount > 0) server.tracking.limitUsedSlots();
  });
}
