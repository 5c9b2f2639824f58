// `wait`: block until the cluster is healthy (every node running and answering) or synced (also
// every replica linked to its upstream and caught up), for CI scripts; fail with what is still wrong.

import { CliError, EXIT } from '../../errors.js';
import type { RunState } from '../../state/run-state.js';
import { sleep } from '../../util/sleep.js';
import { liveCluster } from '../../cluster/live.js';
import { reconcileRoles } from '../../cluster/reconcile.js';
import { syncOf, type SyncReport } from '../../cluster/replication.js';
import { disagreement, viewSentinels } from '../../cluster/sentinels.js';
import { analyzeLive, reconcileCluster } from '../../sharded/ready.js';

export type WaitFor = 'healthy' | 'synced';

export interface WaitResult {
  cluster: string;
  for: WaitFor;
  waitedMs: number;
  replicas: SyncReport[];
}

const POLL_MS = 50;

export async function waitFor(state: RunState, condition: WaitFor, timeoutMs: number): Promise<WaitResult> {
  const begin = Date.now();
  for (;;) {
    const problems = state.spec.cluster ? await clusterNotReady(state, condition) : await unhealthy(state);
    let replicas: SyncReport[] = [];
    if (problems.length === 0 && condition === 'synced' && !state.spec.cluster) problems.push(...(await severalMasters(state)));
    if (problems.length === 0 && condition === 'synced' && !state.spec.cluster) {
      replicas = await Promise.all(state.nodes.filter((node) => node.replicaof).map((node) => syncOf(state, node)));
      const noInfo = replicas.find((report) => report.problem?.includes('no INFO'));
      if (noInfo) throw new CliError(`cannot tell whether ${noInfo.node} is in sync: it ${noInfo.problem}`, { code: 'NO_INFO' });
      problems.push(...replicas.filter((r) => r.problem).map((r) => `${r.node}: ${r.problem}`));
      if (problems.length === 0) problems.push(...(await sentinelsBehind(state)));
    }
    if (problems.length === 0) return { cluster: state.name, for: condition, waitedMs: Date.now() - begin, replicas };
    if (Date.now() - begin >= timeoutMs) {
      throw new CliError(`cluster "${state.name}" is not ${condition} after ${timeoutMs} ms`, {
        exit: EXIT.TIMEOUT,
        code: 'TIMEOUT',
        details: problems.map((problem) => `  ${problem}`),
        suggestion: '`clusterctl status` shows every node; `clusterctl logs NODE` its log.',
        data: { problems },
      });
    }
    await sleep(POLL_MS);
  }
}

/**
 * A Redis Cluster: healthy = every node running, answering and at cluster_state:ok; synced = what
 * `up` waits for (one slot map everywhere, no node flagged, every replica caught up).
 */
async function clusterNotReady(state: RunState, condition: WaitFor): Promise<string[]> {
  const { analysis, probes } = await analyzeLive(state);
  if (condition === 'synced') {
    if (analysis.notReady.length === 0) reconcileCluster(state, analysis);
    return analysis.notReady;
  }
  return probes.flatMap((probe) => {
    if (!probe.reachable) return [`${probe.name}: not answering (${probe.error ?? 'no reply'})`];
    return probe.info.cluster_state === 'ok' ? [] : [`${probe.name}: cluster_state:${probe.info.cluster_state ?? '?'}`];
  });
}

async function unhealthy(state: RunState): Promise<string[]> {
  const [live, sentinels] = await Promise.all([liveCluster(state), viewSentinels(state)]);
  // Judge replication against the live roles (a sentinel failover may have moved the master).
  reconcileRoles(state, live);
  const nodes = live.flatMap((node) => {
    if (node.process !== 'running') return [`${node.record.name}: ${node.process}`];
    if (!node.probe?.reachable) return [`${node.record.name}: not answering (${node.probe?.error ?? 'no reply'})`];
    return [];
  });
  return [...nodes, ...sentinels.filter((view) => !view.reachable).map((view) => `${view.name}: ${view.process === 'running' ? `not answering (${view.error})` : view.process}`)];
}

/**
 * Under sentinels there is one master: a second one is a demoted master not yet converted (or one
 * cut off from them), and the cluster has not settled.
 */
async function severalMasters(state: RunState): Promise<string[]> {
  if (!state.spec.sentinels) return [];
  const masters = (await liveCluster(state)).filter((node) => node.process === 'running' && node.roleIsLive && node.role === 'master');
  return masters.length > 1 ? [`${masters.length} nodes answer as master (${masters.map((m) => m.record.name).join(', ')}): the sentinels have not converted the old one yet`] : [];
}

/** Sentinels that do not yet see the current master, its replicas and each other. */
async function sentinelsBehind(state: RunState): Promise<string[]> {
  const views = await viewSentinels(state);
  return views.flatMap((view) => {
    const problem = disagreement(state, view);
    return problem ? [`${view.name}: ${problem}`] : [];
  });
}
