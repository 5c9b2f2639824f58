// `down`: stop every process of the cluster — sentinels first (so none starts a failover while the
// nodes go), then replicas before their upstreams (so a master never waits, shutdown-timeout, for
// replicas to catch up) — gracefully, then harder; keep the data unless purging, in which case the
// cluster's whole directory goes.

import { rmdirSync, rmSync } from 'node:fs';
import type { ClusterPaths, ManagedRecord, RunState } from '../../state/run-state.js';
import { acquireLock } from '../../state/lock.js';
import { Supervisor } from '../../supervisor/supervisor.js';
import type { StopOutcome } from '../../supervisor/stop.js';
import { depthOf } from '../../topology/nodes.js';
import { liveCluster } from '../../cluster/live.js';
import { reconcileRoles } from '../../cluster/reconcile.js';

export interface DownResult {
  cluster: string;
  /** Every node and sentinel, in topology order, with what stopping it took. */
  stopped: { name: string; pid: number | null; outcome: StopOutcome }[];
  purged: boolean;
  durationMs: number;
}

export async function down(state: RunState, paths: ClusterPaths, purge: boolean): Promise<DownResult> {
  const begin = Date.now();
  const release = acquireLock(paths.lockFile, state.name);
  const supervisor = new Supervisor(state, paths);
  const stopped: DownResult['stopped'] = [];
  const stopAll = (records: ManagedRecord[]) =>
    Promise.all(
      records.map(async (record) => {
        const pid = record.pid;
        stopped.push({ name: record.name, pid, outcome: await supervisor.stop(record) });
      }),
    );
  try {
    // Remember who replicates from whom right now (a failover may have changed it), for the next up.
    reconcileRoles(state, await liveCluster(state));
    await stopAll(state.sentinels);
    const levels: (typeof state.nodes)[] = [];
    for (const record of state.nodes) (levels[depthOf(state.nodes, record.name)] ??= []).push(record);
    for (const level of levels.filter(Boolean).reverse()) await stopAll(level);
  } finally {
    release();
  }
  if (purge) {
    rmSync(paths.cluster, { recursive: true, force: true });
    try {
      rmdirSync(paths.root); // Only when no other cluster lives there.
    } catch {
      // Not empty: other clusters.
    }
  }
  const order = [...state.nodes, ...state.sentinels].map((record) => record.name);
  stopped.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return { cluster: state.name, stopped, purged: purge, durationMs: Date.now() - begin };
}
