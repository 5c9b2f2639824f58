// Owns the one-line-per-node text of CLUSTER NODES, CLUSTER REPLICAS and nodes.conf (cluster.c
// 7.0 clusterGenNodeDescription / clusterGenNodesDescription): id, ip:port@cport[,hostname], the
// flags, the master's id or '-', ping-sent, pong-received, configEpoch (a replica shows its
// master's), connected / disconnected, the slot ranges, and on the myself line the open slots as
// [slot->-id] (migrating) and [slot-<-id] (importing). Pure: reads a ClusterState only.

import { formatNodeFlags, NodeFlag } from '../bus/node-flags.js';
import { formatRange, type SlotRange } from '../slot-range.js';
import { isReplica, type ClusterNode } from '../state/cluster-node.js';
import type { ClusterState } from '../state/cluster-state.js';

/** Each node's slot ranges, found in one pass over the slot table (clusterGenNodesSlotsInfo). */
function rangesByNode(state: ClusterState): Map<string, SlotRange[]> {
  const byNode = new Map<string, SlotRange[]>();
  for (const range of state.slots.ranges()) {
    let list = byNode.get(range.owner);
    if (!list) byNode.set(range.owner, (list = []));
    list.push({ start: range.start, end: range.end });
  }
  return byNode;
}

/** The configEpoch a node's line shows: its master's for a replica whose master is known. */
export function shownEpoch(state: ClusterState, node: ClusterNode): number {
  if (isReplica(node) && node.masterId !== null) {
    const master = state.node(node.masterId);
    if (master) return master.configEpoch;
  }
  return node.configEpoch;
}

/** One node's line, without the trailing newline. */
export function describeNode(state: ClusterState, node: ClusterNode, ranges?: readonly SlotRange[]): string {
  const address = `${node.ip}:${node.port}@${node.cport}${node.hostname !== '' ? `,${node.hostname}` : ''}`;
  const myself = node === state.myself;
  const connected = node.linkConnected || myself ? 'connected' : 'disconnected';
  const parts = [
    node.id,
    address,
    formatNodeFlags(node.flags),
    node.masterId ?? '-',
    String(node.pingSent),
    String(node.pongReceived),
    String(shownEpoch(state, node)),
    connected,
  ];
  for (const range of ranges ?? state.slots.rangesOf(node.id)) parts.push(formatRange(range));
  if (myself) {
    // Redis prints one mark per slot, migrating before importing when a slot has both.
    const { migrating, importing } = state.slots.openSlots();
    const marks = new Map<number, string>();
    for (const [slot, source] of importing) marks.set(slot, `[${slot}-<-${source}]`);
    for (const [slot, target] of migrating) marks.set(slot, `[${slot}->-${target}]`);
    for (const slot of [...marks.keys()].sort((a, b) => a - b)) parts.push(marks.get(slot)!);
  }
  return parts.join(' ');
}

/**
 * Every node's line, each ending in "\n", leaving out nodes with any of the `exclude` flags
 * (nodes.conf leaves out nodes in handshake).
 */
export function describeNodes(state: ClusterState, exclude = 0): string {
  const ranges = rangesByNode(state);
  let text = '';
  for (const node of state.nodes.values()) {
    if (node.flags & exclude) continue;
    text += `${describeNode(state, node, ranges.get(node.id) ?? [])}\n`;
  }
  return text;
}

/** nodes.conf: the node lines but those in handshake, then the `vars` line (clusterSaveConfig). */
export function serializeNodesConf(state: ClusterState): string {
  return `${describeNodes(state, NodeFlag.Handshake)}vars currentEpoch ${state.currentEpoch} lastVoteEpoch ${state.lastVoteEpoch}\n`;
}
