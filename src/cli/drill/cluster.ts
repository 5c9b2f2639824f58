// The cluster a drill runs on: the running one (the cluster the other commands address), or one it
// starts itself with `up` and stops again at the end (unless kept).

import { registerAuth } from '../auth.js';
import { CliError, EXIT } from '../errors.js';
import { isAlive, liveCluster } from '../cluster/live.js';
import { readState, type ClusterPaths, type RunState } from '../state/run-state.js';
import type { ClusterSpec } from '../topology/types.js';

export interface DrillCluster {
  state: RunState;
  paths: ClusterPaths;
  /** True when the drill started it (and stops it at the end unless kept). */
  started: boolean;
}

export async function openOrStart(paths: ClusterPaths, spec: () => ClusterSpec, json: boolean): Promise<DrillCluster> {
  const existing = readState(paths);
  if (existing && (await liveCluster(existing)).some(isAlive)) {
    registerAuth(existing);
    // A Redis Cluster elects its own failovers: no sentinels there.
    if (!existing.spec.cluster) requireSentinels(existing);
    return { state: existing, paths, started: false };
  }
  const topology = spec();
  if (!topology.sentinels && !topology.cluster) throw noSentinels(topology.name);
  const { up } = await import('../ops/up/up.js');
  await up({ spec: topology, paths, timeoutMs: 60_000, json });
  const state = readState(paths)!;
  registerAuth(state);
  return { state, paths, started: true };
}

export async function stopCluster(cluster: DrillCluster): Promise<void> {
  const { down } = await import('../ops/node-control/down.js');
  await down(cluster.state, cluster.paths, false);
}

function requireSentinels(state: RunState): void {
  if (!state.spec.sentinels || state.sentinels.length === 0) throw noSentinels(state.name);
}

function noSentinels(name: string): CliError {
  return new CliError(`cluster "${name}" has no sentinels: a drill's clients find the master through them`, {
    exit: EXIT.USAGE,
    code: 'NO_SENTINELS',
    suggestion: 'Use a topology with a sentinels: section (the built-in default has 3).',
  });
}
