// The live view of a cluster: for every recorded node, is its process still ours (running, paused,
// stopped, or a stale record whose pid now belongs to another program), and what does it say about
// itself (INFO). Selectors, status, waits and failover decide from this, never from records alone.

import { liveness } from '../proc/proc.js';
import { probeNode, type NodeProbe } from '../probe/probe.js';
import type { NodeRecord, ProcessRecord, RunState } from '../state/run-state.js';

export type ProcessState = 'running' | 'paused' | 'stopped' | 'stale';

export interface LiveNode {
  record: NodeRecord;
  process: ProcessState;
  /** Null when the process is not running (or paused: a stopped process cannot answer). */
  probe: NodeProbe | null;
  /** Live role; falls back to the recorded one when the node cannot tell (no INFO yet). */
  role: 'master' | 'replica' | null;
  /** Name of the node it replicates from (live when known), null for a master. */
  upstream: string | null;
  /** True when role/upstream come from the node itself, false when from the records. */
  roleIsLive: boolean;
}

export function processState(record: ProcessRecord): ProcessState {
  const state = liveness(record.pid, record.startTime);
  if (state === 'gone') return 'stopped';
  if (state === 'recycled') return 'stale';
  return state;
}

export async function liveNode(state: RunState, record: NodeRecord, timeoutMs = 500): Promise<LiveNode> {
  const process = processState(record);
  const probe = process === 'running' ? await probeNode(record.port, timeoutMs) : null;
  if (probe?.info && probe.role) {
    const upstream = probe.role === 'replica' ? (state.nodes.find((node) => node.port === probe.masterPort)?.name ?? `127.0.0.1:${probe.masterPort}`) : null;
    return { record, process, probe, role: probe.role, upstream, roleIsLive: true };
  }
  const role = process === 'running' || process === 'paused' ? (record.replicaof ? 'replica' : 'master') : null;
  return { record, process, probe, role, upstream: record.replicaof, roleIsLive: false };
}

export function liveCluster(state: RunState, timeoutMs = 500): Promise<LiveNode[]> {
  return Promise.all(state.nodes.map((record) => liveNode(state, record, timeoutMs)));
}

export function isAlive(node: LiveNode): boolean {
  return node.process === 'running' || node.process === 'paused';
}
