// Short descriptions shared by command outputs: a topology in one line, and each node's summary
// (the typed per-node part of `up`'s JSON result).

import type { RunState } from '../state/run-state.js';
import type { ClusterSpec } from '../topology/types.js';

export interface NodeSummary {
  name: string;
  role: 'master' | 'replica';
  port: number;
  pid: number | null;
  /** Upstream node name (null for a master). */
  replicaof: string | null;
  dir: string;
  logFile: string;
  /** mode: cluster only: the node's shard and cluster id. */
  shard?: number;
  clusterId?: string;
}

export function describeTopology(spec: ClusterSpec): string {
  if (spec.cluster) {
    const replicas = spec.nodes.length - spec.cluster.shards.length;
    const parts = [plural(spec.cluster.shards.length, 'shard'), plural(replicas, 'replica')];
    return `${spec.source} (Redis Cluster: ${parts.join(', ')}, node-timeout ${spec.cluster.nodeTimeoutMs} ms) — name "${spec.name}", engine ${spec.engine}`;
  }
  const masters = spec.nodes.filter((node) => node.replicaof === null).length;
  const replicas = spec.nodes.length - masters;
  const parts = [plural(masters, 'master')];
  if (replicas > 0) parts.push(plural(replicas, 'replica'));
  if (spec.sentinels) parts.push(plural(spec.sentinels.count, 'sentinel'));
  return `${spec.source} (${parts.join(', ')}) — name "${spec.name}", engine ${spec.engine}`;
}

export function nodeSummaries(state: RunState): NodeSummary[] {
  return state.nodes.map((record) => ({
    name: record.name,
    role: record.replicaof ? 'replica' : 'master',
    port: record.port,
    pid: record.pid,
    replicaof: record.replicaof,
    dir: record.dir,
    logFile: record.logFile,
    ...(record.shard !== undefined ? { shard: record.shard } : {}),
    ...(record.clusterId !== undefined ? { clusterId: record.clusterId } : {}),
  }));
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
