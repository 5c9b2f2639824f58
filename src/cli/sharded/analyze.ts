// Judging a Redis Cluster from its nodes' own words (one ClusterProbe per node): which shard each
// node is in now, who masters it and which slots it owns, and everything that keeps the cluster
// from being "ready" — a node not at cluster_state:ok, nodes disagreeing on the slot map or on who
// replicates whom, PFAIL/FAIL/handshake flags, unowned or open slots, replicas not caught up.
// Pure (no I/O): `up` waits on it, `status` and `wait` print it.

import { formatSlotSpan, HASH_SLOTS, type SlotSpan } from '../../shared/slot-split.js';
import type { NodeRecord } from '../state/run-state.js';
import type { ClusterModeSpec } from '../topology/types.js';
import type { ClusterProbe } from './cluster-probe.js';
import type { ClusterNodeLine } from './nodes-reply.js';
import { slotSignature } from './nodes-reply.js';

export interface ShardView {
  /** Shard N: the replication group that began as topology shard N, followed through failovers. */
  shard: number;
  /** The node serving its slots now (null when no running node does). */
  master: string | null;
  replicas: string[];
  slots: SlotSpan[];
  slotCount: number;
  /** Keys on its master (db 0). */
  keys: number | null;
}

export interface NodeView {
  name: string;
  /** The shard it belongs to now: a master's own, a replica's master's. */
  shard: number | null;
  role: 'master' | 'replica' | null;
  /** For a replica: the node it replicates (by name when it is one of ours). */
  masterOf: string | null;
  clusterId: string | null;
  clusterState: string | null;
  configEpoch: number | null;
  currentEpoch: number | null;
  /** Flags the other reachable nodes give it (fail, pfail, handshake, noaddr), deduplicated. */
  flagsSeen: string[];
  /** Slots it owns by its own account. */
  slots: SlotSpan[];
  keys: number | null;
  /** Replicas: master_link_status; masters: null. */
  link: 'up' | 'down' | null;
  offset: number | null;
  /** Replicas: bytes behind their master's master_repl_offset (null when unknown). */
  behind: number | null;
  /** Nodes it knows, itself included, and how many of their bus links are connected. */
  knows: number;
  connectedLinks: number;
}

export interface ClusterAnalysis {
  nodes: NodeView[];
  shards: ShardView[];
  /** Every reachable node reports the same slot owners and the same replica -> master pairs. */
  agree: boolean;
  stateOk: number;
  reachable: number;
  replicasSynced: number;
  replicaCount: number;
  /** What keeps the cluster from being ready (empty = ready): `up` and `wait` wait for none. */
  notReady: string[];
  /**
   * The part of notReady that is only replicas behind their master's offset (or not comparable
   * yet): normal for a moment while clients write, so membership changes tolerate it.
   */
  lagging: string[];
  /** What an operator should know (notReady plus open slots, masters without replicas, ...). */
  problems: string[];
}

const BAD_FLAGS = ['fail', 'fail?', 'handshake', 'noaddr'];

export function analyzeCluster(records: NodeRecord[], probes: ClusterProbe[], spec: ClusterModeSpec | undefined): ClusterAnalysis {
  const byPort = new Map(records.map((record) => [record.port, record]));
  const nameOf = (line: ClusterNodeLine | undefined) => (line ? (byPort.get(line.port)?.name ?? `${line.host}:${line.port}`) : null);
  const live = probes.filter((probe) => probe.reachable && probe.self);
  const notReady: string[] = [];
  const problems: string[] = [];

  // Agreement: the slot owners and the replication pairs each node reports.
  const signatures = new Map<string, string[]>();
  for (const probe of live) {
    const signature = `${slotSignature(probe.view)}#${roleSignature(probe.view)}`;
    signatures.set(signature, [...(signatures.get(signature) ?? []), probe.name]);
  }
  const agree = signatures.size <= 1;
  if (!agree) {
    const groups = [...signatures.values()].sort((a, b) => b.length - a.length).map((names) => names.join(', '));
    notReady.push(`nodes disagree on the slot map or on who replicates whom: {${groups.join('} vs {')}}`);
  }

  // The reference view: the largest group's first node (all of them when they agree).
  const reference = live.find((probe) => [...signatures.values()].sort((a, b) => b.length - a.length)[0]?.includes(probe.name));
  const idToName = new Map<string, string>();
  for (const probe of live) for (const line of probe.view) idToName.set(line.id, nameOf(line)!);

  const nodes: NodeView[] = records.map((record) => {
    const probe = probes.find((candidate) => candidate.name === record.name);
    const self = probe?.self ?? null;
    const flagsSeen = new Set<string>();
    for (const other of live) {
      if (other.name === record.name) continue;
      const line = other.view.find((candidate) => candidate.port === record.port);
      for (const flag of line?.flags ?? []) if (BAD_FLAGS.includes(flag)) flagsSeen.add(flag === 'fail?' ? 'pfail' : flag);
    }
    const role = self ? (self.masterId ? 'replica' : 'master') : null;
    return {
      name: record.name,
      shard: null,
      role,
      masterOf: self?.masterId ? (idToName.get(self.masterId) ?? self.masterId.slice(0, 8)) : null,
      clusterId: self?.id ?? record.clusterId ?? null,
      clusterState: probe?.info.cluster_state ?? null,
      configEpoch: self ? self.configEpoch : null,
      currentEpoch: probe?.reachable ? num(probe.info.cluster_current_epoch) : null,
      flagsSeen: [...flagsSeen].sort(),
      slots: self?.slots ?? [],
      keys: probe?.keys ?? null,
      link: role === 'replica' ? (probe?.replication?.link ?? null) : null,
      offset: probe?.replication?.offset ?? null,
      behind: null,
      knows: probe?.view.length ?? 0,
      connectedLinks: probe?.view.filter((line) => !line.flags.includes('myself') && line.connected).length ?? 0,
    };
  });
  const view = (name: string | null) => nodes.find((node) => node.name === name);

  // Shards: a master keeps its recorded number; a replica is in its master's shard.
  for (const node of nodes) {
    const record = records.find((r) => r.name === node.name)!;
    if (node.role === 'master' || node.role === null) node.shard = record.shard ?? null;
  }
  for (const node of nodes) {
    if (node.role !== 'replica') continue;
    node.shard = view(node.masterOf)?.shard ?? records.find((r) => r.name === node.name)!.shard ?? null;
  }

  // Replicas in sync: link up and offset caught up with their master's stream.
  const lagging: string[] = [];
  let replicaCount = 0;
  let replicasSynced = 0;
  for (const node of nodes) {
    if (node.role !== 'replica') continue;
    replicaCount++;
    const master = probes.find((probe) => probe.name === node.masterOf);
    const masterOffset = master?.replication?.streamOffset ?? null;
    if (node.offset !== null && masterOffset !== null) node.behind = Math.max(0, masterOffset - node.offset);
    if (node.link !== 'up') notReady.push(`${node.name}: replication link to ${node.masterOf} is ${node.link ?? 'unknown'}`);
    else if (node.behind === null) lagging.push(`${node.name}: cannot compare its offset with ${node.masterOf}'s`);
    else if (node.behind > 0) lagging.push(`${node.name}: ${node.behind} bytes behind ${node.masterOf}`);
    else replicasSynced++;
  }
  notReady.push(...lagging);

  for (const probe of probes) {
    if (!probe.reachable) notReady.push(`${probe.name}: not answering (${probe.error ?? 'no reply'})`);
    else if (probe.info.cluster_state !== 'ok') notReady.push(`${probe.name}: cluster_state:${probe.info.cluster_state ?? '?'}`);
  }
  for (const node of nodes) {
    if (node.flagsSeen.length > 0) notReady.push(`${node.name}: flagged ${node.flagsSeen.join(',')} by other nodes`);
    if (node.role !== null && node.knows < records.length) notReady.push(`${node.name}: knows ${node.knows} of ${records.length} nodes`);
  }

  const shards = shardViews(nodes, reference, nameOf, spec);
  const owned = shards.reduce((sum, shard) => sum + shard.slotCount, 0);
  if (reference && owned < HASH_SLOTS) notReady.push(`${HASH_SLOTS - owned} slots are owned by no node`);
  problems.push(...notReady);
  for (const probe of live) {
    for (const open of probe.self!.migrating) problems.push(`slot ${open.slot} is open: ${probe.name} is MIGRATING it to ${idToName.get(open.to) ?? open.to} (clusterctl reshard --fix)`);
    for (const open of probe.self!.importing) problems.push(`slot ${open.slot} is open: ${probe.name} is IMPORTING it from ${idToName.get(open.from) ?? open.from} (clusterctl reshard --fix)`);
  }
  for (const shard of shards) {
    const wanted = spec?.shards.find((s) => s.shard === shard.shard)?.replicas.length ?? 0;
    if (shard.master && shard.replicas.length === 0 && wanted > 0) problems.push(`shard ${shard.shard}: master ${shard.master} has no replica (the topology gives it ${wanted})`);
  }
  return {
    nodes,
    shards,
    agree,
    stateOk: probes.filter((probe) => probe.info.cluster_state === 'ok').length,
    reachable: live.length,
    replicasSynced,
    replicaCount,
    notReady: dedupe(notReady),
    lagging,
    problems: dedupe(problems),
  };
}

/** The shards as the reference node sees them: masters with slots (or recorded shards), their replicas. */
function shardViews(nodes: NodeView[], reference: ClusterProbe | undefined, nameOf: (line: ClusterNodeLine | undefined) => string | null, spec: ClusterModeSpec | undefined): ShardView[] {
  const shards = new Map<number, ShardView>();
  const get = (shard: number) => {
    let view = shards.get(shard);
    if (!view) shards.set(shard, (view = { shard, master: null, replicas: [], slots: [], slotCount: 0, keys: null }));
    return view;
  };
  for (const shard of spec?.shards ?? []) get(shard.shard);
  for (const node of nodes) {
    if (node.shard === null) continue;
    const shard = get(node.shard);
    if (node.role === 'replica') shard.replicas.push(node.name);
    else if (node.role === 'master' && shard.master === null) {
      shard.master = node.name;
      shard.keys = node.keys;
    }
  }
  // Slots from the reference view (what the cluster agrees on), not each master's own claim.
  for (const line of reference?.view ?? []) {
    if (line.slots.length === 0) continue;
    const node = nodes.find((candidate) => candidate.name === nameOf(line));
    if (node?.shard == null) continue;
    const shard = get(node.shard);
    shard.slots.push(...line.slots);
    shard.slotCount += line.slots.reduce((sum, span) => sum + span.end - span.start + 1, 0);
  }
  return [...shards.values()].sort((a, b) => a.shard - b.shard);
}

/** Who replicates whom, as one string to compare across nodes. */
function roleSignature(lines: ClusterNodeLine[]): string {
  return lines
    .filter((line) => line.masterId !== null)
    .map((line) => `${line.id}>${line.masterId}`)
    .sort()
    .join('|');
}

export function formatSlots(spans: SlotSpan[]): string {
  return spans.length === 0 ? '-' : spans.map(formatSlotSpan).join(',');
}

function num(value: string | undefined): number | null {
  return value === undefined || value === '' ? null : Number(value);
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}
