// `status`: the cluster as it is now, from live probes: per node its process state, role, upstream,
// link, offset and how far behind its upstream it is, and memory; plus the problems an operator
// should know about (stopped or paused nodes, stale records, broken links, several masters).

import { emptyRestartText } from '../../cluster/empty-restart.js';
import type { RunState } from '../../state/run-state.js';
import { liveCluster, type LiveNode, type ProcessState } from '../../cluster/live.js';
import { describeProcess } from '../../proc/proc.js';
import { reconcileRoles } from '../../cluster/reconcile.js';
import { disagreement, viewSentinels, type SentinelView } from '../../cluster/sentinels.js';
import type { FenceDetail } from '../../probe/probe.js';

export interface NodeStatus {
  name: string;
  port: number;
  pid: number | null;
  process: ProcessState;
  reachable: boolean;
  role: 'master' | 'replica' | null;
  /** live: from the node's INFO; recorded: the node cannot tell (no INFO), so from the state file. */
  roleSource: 'live' | 'recorded' | null;
  upstream: string | null;
  link: 'up' | 'down' | null;
  offset: number | null;
  /** Bytes of replication stream the upstream has and this replica has not processed yet. */
  behind: number | null;
  memory: number | null;
  memoryHuman: string | null;
  connectedReplicas: number | null;
  /** A master refusing writes (self-fencing): the reason; null otherwise. */
  fenced: string | null;
  /** Why it is fenced, what lifts it, and the sentinels it waits for (null when not fenced). */
  fence: FenceDetail | null;
  /** A master that came back empty and refuses to act as one (clusterctl-node's empty-restart guard): why; else null. */
  emptyRestart: string | null;
}

export interface StatusResult {
  cluster: string;
  engine: RunState['engine'];
  stateFile: string;
  /** Every node running and answering. */
  healthy: boolean;
  /** Every replica linked and caught up (null when the nodes cannot report it). */
  synced: boolean | null;
  nodes: NodeStatus[];
  /** What each sentinel sees ([] without sentinels). */
  sentinels: SentinelView[];
  problems: string[];
}

export async function clusterStatus(state: RunState, stateFile: string): Promise<StatusResult> {
  const [live, sentinels] = await Promise.all([liveCluster(state), viewSentinels(state)]);
  // After a failover clusterctl did not run (the sentinels'), the live roles are the truth: judge
  // against them, not against records that `up`/`start`/`down` will update anyway.
  reconcileRoles(state, live);
  const nodes = live.map((node) => nodeStatus(node, live));
  const problems = live.flatMap((node) => nodeProblems(node));
  const masters = nodes.filter((node) => node.role === 'master' && node.roleSource === 'live' && node.process === 'running');
  if (masters.length > 1 && state.nodes.filter((n) => n.replicaof === null).length < masters.length) {
    problems.push(`${masters.length} masters (${masters.map((m) => m.name).join(', ')}): writes may go to different nodes`);
  }
  // A master the sentinels no longer follow (cut off, stalled, or not yet converted back): say
  // whether it still acknowledges writes that a failover has already left behind.
  const followed = sentinelsMaster(sentinels);
  let splitBrain = false;
  if (followed) {
    for (const node of masters) {
      if (node.name === followed) continue;
      splitBrain ||= node.fenced === null;
      problems.push(`${node.name}: a master the sentinels do not follow (they follow ${followed}); ${node.fenced ? `${fencedText(node)}` : 'it still accepts writes'}`);
    }
  }
  for (const node of nodes) {
    if (node.fenced && (node.name === followed || !followed)) problems.push(`${node.name}: ${fencedText(node)}`);
  }
  for (const view of sentinels) {
    const followedRecord = state.nodes.find((node) => node.name === followed);
    const problem = view.process === 'running' ? disagreement(state, view, followedRecord) : view.process === 'stale' ? 'stale record: its pid now belongs to another program' : view.process;
    if (problem) problems.push(`${view.name}: ${problem === 'stopped' ? 'not running' : problem}`);
  }
  const replicas = nodes.filter((node) => node.role === 'replica');
  const unknown = replicas.some((node) => node.roleSource !== 'live');
  return {
    cluster: state.name,
    engine: state.engine,
    stateFile,
    healthy: !splitBrain && nodes.every((node) => node.process === 'running' && node.reachable && node.fenced === null && node.emptyRestart === null) && sentinels.every((view) => view.reachable),
    synced: unknown ? null : replicas.every((node) => node.link === 'up' && node.behind === 0) && nodes.every((n) => n.process === 'running'),
    nodes,
    sentinels,
    problems,
  };
}

/** The node a majority of the running sentinels name as master, if any. */
function sentinelsMaster(views: SentinelView[]): string | null {
  const counts = new Map<string, number>();
  for (const view of views) if (view.reachable && view.masterNode) counts.set(view.masterNode, (counts.get(view.masterNode) ?? 0) + 1);
  for (const [name, count] of counts) if (count > views.length / 2) return name;
  return null;
}

function nodeStatus(node: LiveNode, all: LiveNode[]): NodeStatus {
  const probe = node.probe;
  const upstream = node.role === 'replica' ? all.find((other) => other.record.name === node.upstream) : undefined;
  const upstreamOffset = upstream?.probe?.streamOffset ?? null;
  const offset = probe?.offset ?? null;
  return {
    name: node.record.name,
    port: node.record.port,
    pid: node.process === 'stopped' ? null : node.record.pid,
    process: node.process,
    reachable: probe?.reachable ?? false,
    role: node.role,
    roleSource: node.role === null ? null : node.roleIsLive ? 'live' : 'recorded',
    upstream: node.role === 'replica' ? node.upstream : null,
    link: probe?.link ?? null,
    offset,
    behind: node.role === 'replica' && offset !== null && upstreamOffset !== null ? Math.max(0, upstreamOffset - offset) : null,
    memory: probe?.usedMemory ?? null,
    memoryHuman: probe?.usedMemoryHuman ?? null,
    connectedReplicas: probe?.connectedReplicas ?? null,
    fenced: probe?.fenced ?? null,
    fence: probe?.fence ?? null,
    emptyRestart: probe?.emptyRestart ?? null,
  };
}

/** `fenced (reason): why; writes refused until what lifts it (waiting for ids)`, as the node says it. */
function fencedText(node: NodeStatus): string {
  const fence = node.fence;
  if (!fence || fence.why === '') return `fenced (${node.fenced}): it refuses writes until its sentinels confirm it`;
  const waiting = fence.waitingFor.length > 0 ? ` (waiting for sentinels ${fence.waitingFor.join(', ')})` : '';
  return `fenced (${node.fenced}): ${fence.why}; writes refused until ${fence.liftedBy}${waiting}`;
}

function nodeProblems(node: LiveNode): string[] {
  const { record } = node;
  switch (node.process) {
    case 'stopped':
      return [`${record.name}: not running`];
    case 'paused':
      return [`${record.name}: paused (SIGSTOP); \`clusterctl resume ${record.name}\` continues it`];
    case 'stale': {
      const owner = record.pid === null ? undefined : describeProcess(record.pid);
      return [`${record.name}: stale record — pid ${record.pid} now belongs to another program${owner ? ` (${owner})` : ''}; the node is not running`];
    }
  }
  const problems: string[] = [];
  if (!node.probe?.reachable) problems.push(`${record.name}: running but not answering on port ${record.port} (${node.probe?.error ?? 'no reply'})`);
  if (node.probe?.emptyRestart) problems.push(`${record.name}: ${emptyRestartText(record.name, node.probe.emptyRestart)}`);
  if (node.role === 'replica' && node.probe?.link === 'down') problems.push(`${record.name}: replication link to ${node.upstream} is down`);
  if (node.roleIsLive && (node.upstream ?? null) !== record.replicaof) {
    problems.push(`${record.name}: ${node.upstream ? `replicates from ${node.upstream}` : 'is a master'}, the records say ${record.replicaof ? `replica of ${record.replicaof}` : 'master'}`);
  }
  return problems;
}
