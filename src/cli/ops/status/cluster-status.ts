// `status` for a Redis Cluster topology (mode: cluster): from live probes of every node (CLUSTER
// NODES, CLUSTER INFO, INFO), the shards with their slot ranges, master, replicas and keys, and per
// node its role, cluster_state, epochs, bus links, replication link and offsets; plus the problems
// (unowned or open slots, nodes disagreeing on the map, PFAIL/FAIL flags, a master without replicas).

import type { RunState } from '../../state/run-state.js';
import { processState, type ProcessState } from '../../cluster/live.js';
import { formatSlots, type ClusterAnalysis, type ShardView } from '../../sharded/analyze.js';
import { analyzeLive, reconcileCluster } from '../../sharded/ready.js';

export interface ClusterNodeStatus {
  name: string;
  shard: number | null;
  role: 'master' | 'replica' | null;
  /** For a replica: the node it replicates. */
  upstream: string | null;
  port: number;
  busPort: number;
  pid: number | null;
  process: ProcessState;
  reachable: boolean;
  clusterId: string | null;
  /** cluster_state as this node reports it (ok / fail), null when it does not answer. */
  clusterState: string | null;
  configEpoch: number | null;
  currentEpoch: number | null;
  /** PFAIL / FAIL / handshake as other nodes flag it. */
  flags: string[];
  slots: string;
  slotCount: number;
  keys: number | null;
  /** Bus links to the other nodes that are connected, out of how many it knows. */
  busLinks: { connected: number; known: number } | null;
  link: 'up' | 'down' | null;
  offset: number | null;
  behind: number | null;
  memoryHuman: string | null;
}

export interface ClusterShardStatus {
  shard: number;
  master: string | null;
  replicas: string[];
  slots: string;
  slotCount: number;
  keys: number | null;
}

export interface ClusterStatusResult {
  cluster: string;
  mode: 'cluster';
  engine: RunState['engine'];
  stateFile: string;
  /** Every node running, answering and at cluster_state:ok. */
  healthy: boolean;
  /** Also: one slot map everywhere, no flagged node, every replica caught up (what `up` waits for). */
  synced: boolean;
  shards: ClusterShardStatus[];
  nodes: ClusterNodeStatus[];
  /** Always [] (a Redis Cluster has no sentinels); kept so scripts read both kinds alike. */
  sentinels: [];
  problems: string[];
}

export async function clusterModeStatus(state: RunState, stateFile: string): Promise<ClusterStatusResult> {
  const { analysis, probes } = await analyzeLive(state);
  reconcileCluster(state, analysis);
  const nodes = state.nodes.map((record, i): ClusterNodeStatus => {
    const view = analysis.nodes[i]!;
    const probe = probes[i]!;
    const process = processState(record);
    const count = view.slots.reduce((sum, span) => sum + span.end - span.start + 1, 0);
    return {
      name: record.name,
      shard: view.shard,
      role: view.role,
      upstream: view.masterOf,
      port: record.port,
      busPort: state.spec.nodes.find((node) => node.name === record.name)?.cluster?.busPort ?? record.port + 10000,
      pid: process === 'stopped' ? null : record.pid,
      process,
      reachable: probe.reachable,
      clusterId: view.clusterId,
      clusterState: view.clusterState,
      configEpoch: view.configEpoch,
      currentEpoch: view.currentEpoch,
      flags: view.flagsSeen,
      slots: formatSlots(view.slots),
      slotCount: count,
      keys: view.keys,
      busLinks: probe.reachable ? { connected: view.connectedLinks, known: view.knows - 1 } : null,
      link: view.link,
      offset: view.offset,
      behind: view.behind,
      memoryHuman: probe.replication?.usedMemoryHuman ?? null,
    };
  });
  const problems = [...nodeProblems(nodes), ...analysis.problems.filter((p) => !nodes.some((n) => p.startsWith(`${n.name}: not answering`)))];
  return {
    cluster: state.name,
    mode: 'cluster',
    engine: state.engine,
    stateFile,
    healthy: nodes.every((node) => node.process === 'running' && node.reachable && node.clusterState === 'ok'),
    synced: analysis.notReady.length === 0,
    shards: analysis.shards.map(shardStatus),
    nodes,
    sentinels: [],
    problems: [...new Set(problems)],
  };
}

function shardStatus(shard: ShardView): ClusterShardStatus {
  return { shard: shard.shard, master: shard.master, replicas: shard.replicas, slots: formatSlots(shard.slots), slotCount: shard.slotCount, keys: shard.keys };
}

function nodeProblems(nodes: ClusterNodeStatus[]): string[] {
  return nodes.flatMap((node) => {
    if (node.process === 'stopped') return [`${node.name}: not running`];
    if (node.process === 'paused') return [`${node.name}: paused (SIGSTOP); \`clusterctl resume ${node.name}\` continues it`];
    if (node.process === 'stale') return [`${node.name}: stale record — its pid now belongs to another program; the node is not running`];
    return node.reachable ? [] : [`${node.name}: running but not answering on port ${node.port}`];
  });
}

export type { ClusterAnalysis };
