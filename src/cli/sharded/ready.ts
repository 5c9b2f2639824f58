// Waiting for a Redis Cluster to be usable — every node at cluster_state:ok, all reporting the same
// slot map and the same replica -> master pairs, no node flagged, every replica caught up — and
// keeping the records true to it (who replicates whom, which shard each node is in, its cluster id).

import { CliError, EXIT } from '../errors.js';
import { processState } from '../cluster/live.js';
import type { NodeRecord, RunState } from '../state/run-state.js';
import { sleep } from '../util/sleep.js';
import { analyzeCluster, type ClusterAnalysis } from './analyze.js';
import { probeClusterNode, type ClusterProbe } from './cluster-probe.js';

const POLL_MS = 100;

/** Probes the running nodes (a stopped or paused one is reported unreachable without a connection attempt). */
export async function probeCluster(state: RunState, timeoutMs = 500): Promise<ClusterProbe[]> {
  return Promise.all(
    state.nodes.map((record) => {
      const process = processState(record);
      if (process === 'running') return probeClusterNode(record, timeoutMs);
      return Promise.resolve(unreachable(record, process === 'stopped' ? 'not running' : process));
    }),
  );
}

export async function analyzeLive(state: RunState): Promise<{ analysis: ClusterAnalysis; probes: ClusterProbe[] }> {
  const probes = await probeCluster(state);
  return { analysis: analyzeCluster(state.nodes, probes, state.spec.cluster), probes };
}

/** One line of progress: how far the cluster is from ready. */
export function readiness(analysis: ClusterAnalysis, total: number): string {
  const parts = [`${analysis.stateOk}/${total} cluster_state:ok`, analysis.agree ? 'slot maps agree' : 'slot maps differ'];
  if (analysis.replicaCount > 0) parts.push(`${analysis.replicasSynced}/${analysis.replicaCount} replicas in sync`);
  return parts.join(', ');
}

/** What stands between the cluster and ready; `tolerateLag`: replicas a few bytes behind do not count (clients are writing). */
export function blocking(analysis: ClusterAnalysis, tolerateLag = false): string[] {
  return tolerateLag ? analysis.notReady.filter((line) => !analysis.lagging.includes(line)) : analysis.notReady;
}

export async function waitClusterReady(state: RunState, deadline: number, progress: (text: string) => void, tolerateLag = false): Promise<ClusterAnalysis> {
  for (;;) {
    const { analysis } = await analyzeLive(state);
    if (blocking(analysis, tolerateLag).length === 0) {
      reconcileCluster(state, analysis);
      return analysis;
    }
    progress(readiness(analysis, state.nodes.length));
    if (Date.now() >= deadline) {
      throw new CliError(`cluster "${state.name}" is not ready (${readiness(analysis, state.nodes.length)})`, {
        exit: EXIT.TIMEOUT,
        code: 'CLUSTER_NOT_READY',
        details: analysis.notReady.slice(0, 12).map((line) => `  ${line}`),
        suggestion: '`clusterctl status` shows every node; `clusterctl logs NODE` its log.',
        data: { problems: analysis.notReady },
      });
    }
    await sleep(POLL_MS);
  }
}

/**
 * The live answers win over the records: a replica's master (after a failover, or replica
 * migration), the shard it is in, its cluster id. Returns the names whose record changed.
 */
export function reconcileCluster(state: RunState, analysis: ClusterAnalysis): string[] {
  const changed: string[] = [];
  for (const node of analysis.nodes) {
    const record = state.nodes.find((candidate) => candidate.name === node.name) as NodeRecord;
    if (node.role === null) continue;
    const upstream = node.role === 'replica' ? node.masterOf : null;
    const known = upstream === null || state.nodes.some((candidate) => candidate.name === upstream);
    const before = JSON.stringify([record.replicaof, record.shard, record.clusterId]);
    if (known) record.replicaof = upstream;
    if (node.shard !== null) record.shard = node.shard;
    if (node.clusterId) record.clusterId = node.clusterId;
    if (JSON.stringify([record.replicaof, record.shard, record.clusterId]) !== before) changed.push(record.name);
  }
  return changed;
}

function unreachable(record: NodeRecord, why: string): ClusterProbe {
  return { name: record.name, port: record.port, reachable: false, error: why, self: null, view: [], info: {}, replication: null, keys: null };
}
