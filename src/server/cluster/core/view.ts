// Owns what the cluster failover cores read and write: small structural views over the cluster
// state (state/cluster-state.ts and state/cluster-node.ts satisfy them as they are), the flag bits
// the cores test, Redis's timing constants (cluster.h, 7.0) and the settings they take. The cores
// may import nothing but their own folder and shared, so the bits are restated here and a unit
// test checks they agree with bus/node-flags.ts.

/** The clusterNode flag bits the cores read or change (same values as bus/node-flags.ts NodeFlag). */
export const Bit = { Master: 1, Slave: 2, PFail: 4, Fail: 8, Myself: 16, Handshake: 32, NoAddr: 64, MigrateTo: 256, NoFailover: 512 } as const;

/** mflags[0] bits the cores read (same values as bus/node-flags.ts MessageFlag). */
export const MsgBit = { Paused: 1, ForceAck: 2 } as const;

/** A failure report stays valid for node-timeout x this (CLUSTER_FAIL_REPORT_VALIDITY_MULT). */
export const FAIL_REPORT_VALIDITY_MULT = 2;
/** A master with slots, reachable again, loses FAIL after node-timeout x this (CLUSTER_FAIL_UNDO_TIME_MULT). */
export const FAIL_UNDO_TIME_MULT = 2;
/** A manual failover must finish within this many ms (CLUSTER_MF_TIMEOUT). */
export const MF_TIMEOUT = 5000;
/** The master pauses writes for MF_TIMEOUT x this (CLUSTER_MF_PAUSE_MULT). */
export const MF_PAUSE_MULT = 2;
/** An orphaned master must stay orphaned this long before a replica migrates (CLUSTER_SLAVE_MIGRATION_DELAY). */
export const REPLICA_MIGRATION_DELAY = 5000;
/** The same reason for not failing over is logged again only after this many s (CLUSTER_CANT_FAILOVER_RELOG_PERIOD). */
export const CANT_FAILOVER_RELOG_SECONDS = 300;

/** One node's record as the cores see it (a subset of ClusterNode). */
export interface NodeView {
  readonly id: string;
  flags: number;
  readonly masterId: string | null;
  configEpoch: number;
  /** Unix ms of the PING awaiting its PONG, 0 when none. */
  pingSent: number;
  /** Unix ms of the last bus data received from it. */
  dataReceived: number;
  failTime: number;
  votedTime: number;
  replOffset: number;
  orphanedTime: number;
  /** Reporter id -> Unix ms of its latest report that this node is failing. */
  readonly failReports: Map<string, number>;
  readonly linkConnected: boolean;
}

export interface SlotsView {
  owner(slot: number): string | null;
  countOf(nodeId: string): number;
}

/** This node's view of the cluster as the cores see it (a subset of ClusterState). */
export interface ClusterView {
  readonly myself: NodeView;
  readonly nodes: ReadonlyMap<string, NodeView>;
  readonly slots: SlotsView;
  currentEpoch: number;
  lastVoteEpoch: number;
  /** cluster_size as of the last state update: masters serving at least one slot. */
  readonly size: number;
  readonly health: 'ok' | 'fail';
  replicasOf(masterId: string): NodeView[];
}

/** The directives the cores obey. */
export interface FailoverSettings {
  /** cluster-node-timeout, ms. */
  nodeTimeout: number;
  /** cluster-replica-validity-factor (0: any data age may fail over). */
  replicaValidityFactor: number;
  /** repl-ping-replica-period, seconds. */
  replPingReplicaPeriod: number;
  /** cluster-replica-no-failover. */
  replicaNoFailover: boolean;
  /** cluster-migration-barrier. */
  migrationBarrier: number;
  /** cluster-allow-replica-migration. */
  allowReplicaMigration: boolean;
  /**
   * cluster-fast-failover (ours): PFAIL on evidence of a dead process (death-evidence.ts) and the
   * shorter election delay with a FAIL relay (fast-election.ts). Off here: the cores follow Redis
   * unless told; the node's directive defaults to yes.
   */
  fastFailover: boolean;
  /** cluster-confirm-writes (ours): only a replica at its shard's highest offset stands (acked-candidate.ts). */
  confirmWrites?: boolean;
}

export const DEFAULT_FAILOVER_SETTINGS: FailoverSettings = {
  nodeTimeout: 15000,
  replicaValidityFactor: 10,
  replPingReplicaPeriod: 10,
  replicaNoFailover: false,
  migrationBarrier: 1,
  allowReplicaMigration: true,
  fastFailover: false,
};

export const has = (node: NodeView, bit: number): boolean => (node.flags & bit) !== 0;
export const isMasterNode = (node: NodeView): boolean => has(node, Bit.Master);
export const isReplicaNode = (node: NodeView): boolean => has(node, Bit.Slave);
export const isFailedNode = (node: NodeView): boolean => has(node, Bit.Fail);
/** nodeTimedOut in cluster.c: the node is in PFAIL. */
export const isTimedOutNode = (node: NodeView): boolean => has(node, Bit.PFail);

/** The master a replica follows, when known. */
export function masterOfNode(view: ClusterView, node: NodeView): NodeView | undefined {
  return node.masterId === null ? undefined : view.nodes.get(node.masterId);
}

/** How many of `size` voters make a majority (needed_quorum in cluster.c: size/2 + 1). */
export function quorumOf(size: number): number {
  return Math.floor(size / 2) + 1;
}
