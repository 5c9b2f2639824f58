// Owns what the cluster failover wiring needs from the node, as one interface (the replication
// offset and data age the election reads, promotion, the write pause of a manual failover, the
// failover directives), and its filling from the Server: REPLICAOF NO ONE is replication/role.ts
// promote(), the pause is request/client-pause.ts in WRITE mode (PAUSE_DURING_FAILOVER).

import type { Logger } from '../../../shared/log.js';
import { pauseClients, unpauseClients } from '../../request/client-pause.js';
import type { Server } from '../../server.js';
import { DEFAULT_FAILOVER_SETTINGS, type FailoverSettings } from '../core/view.js';

export interface FailoverHost {
  readonly log: Logger;
  settings(): FailoverSettings;
  /** replicationGetSlaveOffset on a replica, master_repl_offset on a master. */
  replicationOffset(): number;
  /** Ms since the master link last carried data, or since it went down, at 1 s resolution (cluster.c data_age). */
  dataAge(now: number): number;
  /** replicationUnsetMaster: REPLICAOF NO ONE. */
  promote(): void;
  pauseWrites(until: number): void;
  unpauseWrites(): void;
  /** Uniform in [0, 1) for the election's random delay. */
  random(): number;
}

/** A directive's value, or Redis's default while the cluster directives are not registered. */
function num(server: Server, name: string, fallback: number): number {
  const value = server.config.raw(name);
  return typeof value === 'number' ? value : fallback;
}

function bool(server: Server, name: string, fallback: boolean): boolean {
  const value = server.config.raw(name);
  return typeof value === 'boolean' ? value : fallback;
}

export function serverFailoverHost(server: Server): FailoverHost {
  const d = DEFAULT_FAILOVER_SETTINGS;
  return {
    log: server.log,
    settings: () => ({
      nodeTimeout: num(server, 'cluster-node-timeout', d.nodeTimeout),
      replicaValidityFactor: num(server, 'cluster-replica-validity-factor', d.replicaValidityFactor),
      replPingReplicaPeriod: num(server, 'repl-ping-replica-period', d.replPingReplicaPeriod),
      replicaNoFailover: bool(server, 'cluster-replica-no-failover', d.replicaNoFailover),
      migrationBarrier: num(server, 'cluster-migration-barrier', d.migrationBarrier),
      allowReplicaMigration: bool(server, 'cluster-allow-replica-migration', d.allowReplicaMigration),
      fastFailover: bool(server, 'cluster-fast-failover', true),
      confirmWrites: bool(server, 'cluster-confirm-writes', false),
    }),
    replicationOffset: () => server.replication?.identity.masterReplOffset ?? 0,
    dataAge: (now) => {
      const link = server.replication?.role.masterLink;
      // Never connected: Redis's repl_down_since is 0, so the age is the whole Unix time.
      const since = !link ? 0 : link.state === 'connected' ? link.lastIo : Math.max(link.downSince, 0);
      return (Math.floor(now / 1000) - Math.floor(since / 1000)) * 1000;
    },
    promote: () => server.replication?.role.promote(),
    pauseWrites: (until) => pauseClients(server, until, false, 'cluster-failover'),
    unpauseWrites: () => unpauseClients(server, 'cluster-failover'),
    random: () => Math.random(),
  };
}
