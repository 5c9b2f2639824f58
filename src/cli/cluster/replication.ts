// Wiring and checking replication: point each replica at its upstream (REPLICAOF, masters first,
// then each level of a chain once the level above is linked) and decide when a replica is in sync:
// master_link_status:up, replicating from the right port, and slave_repl_offset at least the
// upstream's master_repl_offset as read just before (no write is lost in between on a quiet cluster).

import { CliError, EXIT } from '../errors.js';
import { call } from '../probe/client.js';
import { probeNode, type NodeProbe } from '../probe/probe.js';
import type { NodeRecord, RunState } from '../state/run-state.js';
import { depthOf } from '../topology/nodes.js';
import { sleep } from '../util/sleep.js';

const POLL_MS = 20;

export interface SyncReport {
  node: string;
  upstream: string;
  linked: boolean;
  /** The replica's offset and the upstream's, as last seen. */
  offset: number | null;
  upstreamOffset: number | null;
  /** Why it is not in sync yet (null when it is). */
  problem: string | null;
}

/** Checks one replica against its recorded upstream, from fresh probes (upstream first). */
export async function syncOf(state: RunState, record: NodeRecord): Promise<SyncReport> {
  const upstream = state.nodes.find((node) => node.name === record.replicaof)!;
  const up = await probeNode(upstream.port);
  const probe = await probeNode(record.port);
  const report = { node: record.name, upstream: upstream.name, offset: probe.offset, upstreamOffset: up.streamOffset };
  const problem = syncProblem(probe, up, upstream.port);
  return { ...report, linked: probe.link === 'up', problem };
}

function syncProblem(probe: NodeProbe, upstream: NodeProbe, upstreamPort: number): string | null {
  if (!probe.reachable) return `not answering (${probe.error})`;
  if (!probe.info) return 'does not report INFO replication (this clusterctl-node has no INFO yet)';
  if (probe.role !== 'replica') return 'is a master, not replicating';
  if (probe.masterPort !== upstreamPort) return `replicates from port ${probe.masterPort}, not ${upstreamPort}`;
  if (probe.link !== 'up' && upstream.emptyRestart) return `master_link_status is down: its upstream refuses to act as a master (${upstream.emptyRestart})`;
  if (probe.link !== 'up') return 'master_link_status is down';
  if (!upstream.reachable || upstream.streamOffset === null) return 'its upstream is not answering';
  if ((probe.offset ?? -1) < upstream.streamOffset) return `offset ${probe.offset} behind ${upstream.streamOffset}`;
  // Offsets compare only within one history: a demoted master mid-resync can be "ahead" on its own.
  if (probe.replid && upstream.replid && probe.replid !== upstream.replid) return `on another history (replid ${probe.replid.slice(0, 8)}…) than its upstream (${upstream.replid.slice(0, 8)}…)`;
  return null;
}

/** Replicas of the cluster, masters' direct replicas first, then deeper levels. */
export function replicasByDepth(state: RunState): NodeRecord[][] {
  const levels: NodeRecord[][] = [];
  for (const record of state.nodes) {
    if (!record.replicaof) continue;
    const depth = depthOf(state.nodes, record.name);
    (levels[depth - 1] ??= []).push(record);
  }
  return levels.filter(Boolean);
}

/** REPLICAOF 127.0.0.1 <upstream port> unless the node already replicates from there. */
export async function pointAt(state: RunState, record: NodeRecord): Promise<void> {
  const upstream = state.nodes.find((node) => node.name === record.replicaof)!;
  const probe = await probeNode(record.port);
  if (probe.role === 'replica' && probe.masterPort === upstream.port) return;
  try {
    await call(record.port, ['REPLICAOF', '127.0.0.1', String(upstream.port)]);
  } catch (error) {
    const message = (error as Error).message;
    if (/unknown command/i.test(message)) {
      throw new CliError(`node ${record.name} does not support REPLICAOF yet (${message})`, {
        code: 'NO_REPLICATION',
        suggestion: state.engine === 'builtin' ? 'clusterctl-node has no replication yet: use engine: redis, or a single-node topology.' : undefined,
        data: { node: record.name },
      });
    }
    throw new CliError(`REPLICAOF on ${record.name} failed: ${message}`, { data: { node: record.name } });
  }
}

/** Waits until `record` is in sync with its upstream; throws with the last problem at the deadline. */
export async function waitSynced(state: RunState, record: NodeRecord, deadline: number): Promise<SyncReport> {
  for (;;) {
    const report = await syncOf(state, record);
    if (report.problem === null) return report;
    if (report.problem.includes('no INFO')) {
      throw new CliError(`cannot tell whether ${record.name} is in sync: it ${report.problem}`, { code: 'NO_INFO', data: { node: record.name } });
    }
    if (Date.now() >= deadline) {
      throw new CliError(`replica ${record.name} is not in sync with ${report.upstream}: ${report.problem}`, {
        exit: EXIT.TIMEOUT,
        code: 'NOT_SYNCED',
        data: { node: record.name },
      });
    }
    await sleep(POLL_MS);
  }
}

/** Wires every replica level by level and waits for each level to be in sync. */
export async function wireAll(state: RunState, deadline: number, onSynced: (report: SyncReport) => void): Promise<SyncReport[]> {
  const reports: SyncReport[] = [];
  for (const level of replicasByDepth(state)) {
    await Promise.all(level.map((record) => pointAt(state, record)));
    const synced = await Promise.all(level.map((record) => waitSynced(state, record, deadline)));
    synced.forEach(onSynced);
    reports.push(...synced);
  }
  return reports;
}
