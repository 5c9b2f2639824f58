// Owns one node's record in this node's view of the cluster (clusterNode in cluster.h, 7.0): its
// identity and addresses, its flags, whom it replicates, its epoch and the bus timings that failure
// detection reads. Pure data plus small predicates; the slot table itself lives in SlotMap (one
// owner per slot), so a master's slots are always read from there, never kept twice.

import { randomBytes } from 'node:crypto';
import { NodeFlag } from '../bus/node-flags.js';

export interface ClusterNode {
  /** 40 lowercase hex characters; a node in handshake has a random id until its first PONG. */
  id: string;
  /** The address clients and peers use ('' until learned: a fresh node learns it from MEET). */
  ip: string;
  port: number;
  /** Cluster bus port (port + 10000 unless cluster-port / cluster-announce-bus-port). */
  cport: number;
  /** cluster-announce-hostname, carried in the hostname ping extension; '' when none. */
  hostname: string;
  /** NodeFlag bits. */
  flags: number;
  /** Id of the master this node replicates, or null for a master. */
  masterId: string | null;
  /** The configEpoch this node claims for its slots (a replica shows its master's in NODES). */
  configEpoch: number;
  /** Unix ms of the PING we sent and await a PONG for; 0 when none is pending. */
  pingSent: number;
  /** Unix ms of the last PONG received from it. */
  pongReceived: number;
  /** Unix ms of any bus data received from it (Redis counts data, not only PONGs, as liveness). */
  dataReceived: number;
  /** Unix ms it was flagged FAIL (0 when not). */
  failTime: number;
  /** Unix ms we last voted for a replica of this master (no second vote within 2 x node-timeout). */
  votedTime: number;
  /** Replication offset it last announced in a bus header. */
  replOffset: number;
  /** Unix ms since it has been a master with slots and no working replica (replica migration). */
  orphanedTime: number;
  /** Failure reports about this node: reporter id -> Unix ms of the latest report. */
  failReports: Map<string, number>;
  /** Whether our outbound bus link to it is connected (the `connected` column of NODES). */
  linkConnected: boolean;
}

/** A new random node id, as getRandomHexChars(CLUSTER_NAMELEN) makes one. */
export function newNodeId(): string {
  return randomBytes(20).toString('hex');
}

export function makeClusterNode(fields: Partial<ClusterNode> & { id: string }): ClusterNode {
  return {
    ip: '',
    port: 0,
    cport: 0,
    hostname: '',
    flags: 0,
    masterId: null,
    configEpoch: 0,
    pingSent: 0,
    pongReceived: 0,
    dataReceived: 0,
    failTime: 0,
    votedTime: 0,
    replOffset: 0,
    orphanedTime: 0,
    failReports: new Map(),
    linkConnected: false,
    ...fields,
  };
}

export const isMaster = (node: ClusterNode): boolean => (node.flags & NodeFlag.Master) !== 0;
export const isReplica = (node: ClusterNode): boolean => (node.flags & NodeFlag.Slave) !== 0;
export const isMyself = (node: ClusterNode): boolean => (node.flags & NodeFlag.Myself) !== 0;
export const isFailed = (node: ClusterNode): boolean => (node.flags & NodeFlag.Fail) !== 0;
export const isPFailed = (node: ClusterNode): boolean => (node.flags & NodeFlag.PFail) !== 0;
export const inHandshake = (node: ClusterNode): boolean => (node.flags & NodeFlag.Handshake) !== 0;
export const hasAddress = (node: ClusterNode): boolean => (node.flags & NodeFlag.NoAddr) === 0;
