// Owns this node's whole view of the cluster (clusterState in cluster.h, 7.0): myself, every known
// node, the epochs, the slot table with its migrating / importing marks, and the state
// (ok / fail) last decided. Pure: no sockets, no files, no timers. The bus, the CLUSTER commands and
// nodes.conf change it through these methods and then call `changed()` with what must follow,
// which the owner turns into work before the event loop sleeps, as clusterDoBeforeSleep does
// (save the config, fsync it, recompute the state).

import { NodeFlag } from '../bus/node-flags.js';
import { SlotMap } from '../slot-map.js';
import { makeClusterNode, newNodeId, isMaster, type ClusterNode } from './cluster-node.js';

/** What a change requires before the next sleep (CLUSTER_TODO_* in cluster.c). */
export interface ClusterTodo {
  saveConfig?: boolean;
  fsyncConfig?: boolean;
  updateState?: boolean;
}

export type ClusterHealth = 'ok' | 'fail';

export class ClusterState {
  readonly nodes = new Map<string, ClusterNode>();
  readonly slots = new SlotMap();
  myself: ClusterNode;
  currentEpoch = 0;
  lastVoteEpoch = 0;
  /** cluster_state as last decided by the state update (cluster.c clusterUpdateState). */
  health: ClusterHealth = 'fail';
  /**
   * Number of masters serving at least one slot (cluster_size), as of the last state update
   * (state/update-state.ts). 1 until the first update, as clusterInit sets it.
   */
  size = 1;
  /** Told whenever `changed()` adds work, so the owner can drain it before the loop sleeps. */
  onChanged: (() => void) | undefined;
  /** Work asked for by changes since the owner last drained it. */
  private todo: ClusterTodo = {};

  constructor(myId: string = newNodeId()) {
    this.myself = makeClusterNode({ id: myId, flags: NodeFlag.Myself | NodeFlag.Master });
    this.nodes.set(myId, this.myself);
  }

  node(id: string): ClusterNode | undefined {
    return this.nodes.get(id);
  }

  /** Adds a node record (a MEET target, a node learned through gossip, a nodes.conf line). */
  addNode(node: ClusterNode): void {
    this.nodes.set(node.id, node);
  }

  /**
   * Forgets a node (clusterDelNode): its slots become unassigned, migrating / importing marks naming
   * it are cleared, and its failure reports about others are dropped.
   */
  deleteNode(id: string): void {
    const node = this.nodes.get(id);
    if (!node || node === this.myself) return;
    this.slots.unassignNode(id);
    for (const [slot, target] of this.slots.openSlots().migrating) if (target === id) this.slots.setStable(slot);
    for (const [slot, source] of this.slots.openSlots().importing) if (source === id) this.slots.setStable(slot);
    for (const other of this.nodes.values()) other.failReports.delete(id);
    for (const other of this.nodes.values()) if (other.masterId === id) other.masterId = null;
    this.nodes.delete(id);
  }

  /** A handshake node got its real id from its first PONG (clusterRenameNode). */
  renameNode(oldId: string, newId: string): void {
    const node = this.nodes.get(oldId);
    if (!node) return;
    this.nodes.delete(oldId);
    node.id = newId;
    this.nodes.set(newId, node);
  }

  /** The replicas the given master has, as this node knows them. */
  replicasOf(masterId: string): ClusterNode[] {
    return [...this.nodes.values()].filter((node) => node.masterId === masterId);
  }

  /** The master a node replicates (itself for a master), or undefined when unknown. */
  masterOf(node: ClusterNode): ClusterNode | undefined {
    return node.masterId === null ? node : this.nodes.get(node.masterId);
  }

  /** Masters that serve at least one slot: the voters for FAIL and elections. */
  slotOwningMasters(): ClusterNode[] {
    return [...this.nodes.values()].filter((node) => isMaster(node) && this.slots.countOf(node.id) > 0);
  }

  /** The largest configEpoch any node claims (clusterGetMaxEpoch also counts currentEpoch). */
  maxEpoch(): number {
    let max = this.currentEpoch;
    for (const node of this.nodes.values()) max = Math.max(max, node.configEpoch);
    return max;
  }

  changed(todo: ClusterTodo): void {
    this.todo = {
      saveConfig: this.todo.saveConfig || todo.saveConfig,
      fsyncConfig: this.todo.fsyncConfig || todo.fsyncConfig,
      updateState: this.todo.updateState || todo.updateState,
    };
    this.onChanged?.();
  }

  /** Hands the pending work to the owner and clears it. */
  drainTodo(): ClusterTodo {
    const todo = this.todo;
    this.todo = {};
    return todo;
  }
}
