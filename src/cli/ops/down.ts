// `down`: stop every process of the cluster — replicas before their upstreams, so a master never
// waits (shutdown-timeout) for replicas to catch up — gracefully, then harder; keep the data unless
// purging, in which case the cluster's whole directory goes.

import { rmSync } from 'node:fs';
import type { ClusterPaths, RunState } from '../state/run-state.js';
import { acquireLock } from '../state/lock.js';
import { Supervisor } from '../supervisor/supervisor.js';
import type { StopOutcome } from '../supervisor/stop.js';
import { depthOf } from '../topology/nodes.js';

export interface DownResult {
  cluster: string;
  stopped: { name: string; pid: number | null; outcome: StopOutcome }[];
  purged: boolean;
  durationMs: number;
}

export async function down(state: RunState, paths: ClusterPaths, purge: boolean): Promise<DownResult> {
  const begin = Date.now();
  const release = acquireLock(paths.lockFile, state.name);
  const supervisor = new Supervisor(state, paths);
  const stopped: DownResult['stopped'] = [];
  try {
    const levels: (typeof state.nodes)[] = [];
    for (const record of state.nodes) (levels[depthOf(state.nodes, record.name)] ??= []).push(record);
    for (const level of levels.filter(Boolean).reverse()) {
      await Promise.all(
        level.map(async (record) => {
          const pid = record.pid;
          stopped.push({ name: record.name, pid, outcome: await supervisor.stop(record) });
        }),
      );
    }
  } finally {
    release();
  }
  if (purge) rmSync(paths.cluster, { recursive: true, force: true });
  stopped.sort((a, b) => state.nodes.findIndex((n) => n.name === a.name) - state.nodes.findIndex((n) => n.name === b.name));
  return { cluster: state.name, stopped, purged: purge, durationMs: Date.now() - begin };
}
