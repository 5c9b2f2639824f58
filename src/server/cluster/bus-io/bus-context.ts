// Owns what the cluster bus needs from the rest of the node, as one interface: the cluster state,
// the settings it reads (node-timeout, announce-*, ports, cluster-link-sendbuf-limit), and the few
// actions a message can ask of the node (become a replica, drop keys of a lost slot, deliver a
// PUBLISH, ask the faults whether a peer is partitioned). The composition (bus-install.ts) fills it
// from the Server; tests can fill it by hand.

import type { Logger } from '../../../shared/log.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { ClusterNode } from '../state/cluster-node.js';

/** Settings read at each use, so CONFIG SET takes effect at once (as Redis reads server.*). */
export interface BusSettings {
  /** cluster-node-timeout, ms. */
  nodeTimeout: number;
  /** cluster-announce-ip, '' when unset. */
  announceIp: string;
  /** cluster-announce-hostname, '' when unset. */
  announceHostname: string;
  /** The ports we announce (deriveAnnouncedPorts): client port, plaintext port (TLS only), bus port. */
  port: number;
  pport: number;
  cport: number;
  /** cluster-link-sendbuf-limit in bytes; 0 = no limit. */
  sendbufLimit: number;
  /** cluster-allow-replica-migration. */
  allowReplicaMigration: boolean;
}

export interface PartitionVerdict {
  in: boolean;
  out: boolean;
}

export interface BusContext {
  readonly state: ClusterState;
  readonly log: Logger;
  settings(): BusSettings;
  /** Our replication offset for the header: master_repl_offset, or a replica's processed offset. */
  replicationOffset(): bigint;
  /** True while we are a master paused for a manual failover (mflags PAUSED). */
  manualFailoverPaused(): boolean;
  /** clusterSetMaster: make this node a replica of `master` (slots, flags and replication). */
  becomeReplicaOf(master: ClusterNode): void;
  /** Our master's address changed: repoint replication (replicationSetMaster). */
  masterAddressChanged(master: ClusterNode): void;
  countKeysInSlot(slot: number): number;
  deleteKeysInSlot(slot: number): void;
  /** pubsubPublishMessage for a PUBLISH / PUBLISHSHARD received over the bus. */
  deliverPublish(channel: string, message: string, sharded: boolean): void;
  /** FAULT PARTITION: whether traffic with the node at ip:port (bus port cport) is cut. */
  partitioned(ip: string, port: number, cport: number): PartitionVerdict;
}
