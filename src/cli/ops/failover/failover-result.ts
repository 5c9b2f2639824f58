// What `clusterctl failover` returns (its --json output), whichever way it ran: coordinated by
// clusterctl itself (failover.ts) or by the cluster's sentinels (failover-sentinel.ts). Its own file so
// that the two ways depend on it, not on each other.

import type { SentinelEvent } from '../../cluster/sentinel-events.js';
import type { ClusterEvent } from '../../sharded/events.js';

export interface FailoverResult {
  cluster: string;
  oldMaster: string;
  newMaster: string;
  /** Nodes now replicating from the new master (the old master included). */
  repointed: string[];
  /** The replication offset at which the roles switched (null when the sentinels did it). */
  offset: number | null;
  /** How long writes were paused on the old master (null when the sentinels did it). */
  writesPausedMs: number | null;
  /** Who ran it: clusterctl itself (no sentinels), the cluster's sentinels, or a Redis Cluster's nodes (CLUSTER FAILOVER). */
  via: 'clusterctl' | 'sentinels' | 'cluster';
  durationMs: number;
  /** The sentinels' events while they failed over, merged across sentinels (null without sentinels). */
  events: SentinelEvent[] | null;
  /** mode: cluster only: the shard, how CLUSTER FAILOVER was sent, whether the cluster settled after. */
  shard?: number;
  mode?: 'default' | 'force' | 'takeover';
  settled?: boolean;
  /** mode: cluster only: what the nodes reported meanwhile (PFAIL/FAIL, roles, epochs, cluster_state). */
  clusterEvents?: ClusterEvent[];
}
