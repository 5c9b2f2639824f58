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
}

export function describeTopology(spec: ClusterSpec): string {
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
  }));
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
