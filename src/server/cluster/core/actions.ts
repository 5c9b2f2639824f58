// Owns the actions the cluster failover cores ask the I/O layer to carry out. A core decides and
// changes the in-memory view; everything that touches a socket, a file, the replication link or
// the clients is one of these, executed in the order given.

export type ClusterAction =
  /** Tell every node that `nodeId` is FAIL (clusterSendFail). */
  | { kind: 'broadcast-fail'; nodeId: string }
  /** Broadcast FAILOVER_AUTH_REQUEST at `epoch` (clusterRequestFailoverAuth); FORCEACK for a manual failover. */
  | { kind: 'send-auth-request'; epoch: number; forceAck: boolean }
  /** Vote: FAILOVER_AUTH_ACK to the requesting replica (clusterSendFailoverAuth). */
  | { kind: 'send-auth-ack'; to: string }
  /**
   * clusterFailoverReplaceYourMaster: become a master (REPLICAOF NO ONE), take every slot of
   * `oldMasterId`, update the state, save nodes.conf with fsync, PONG every node. Our configEpoch is
   * already `epoch`; the core has already reset its manual-failover state.
   */
  | { kind: 'promote-self'; epoch: number; oldMasterId: string }
  /** PONG to our master's other replicas (or every node) so they learn our offset / new role. */
  | { kind: 'broadcast-pong'; to: 'local-replicas' | 'all' }
  /** A PING to one node now (a master pings its manual-failover replica every cron tick). */
  | { kind: 'ping'; to: string }
  /** MFSTART to our master (clusterSendMFStart). */
  | { kind: 'send-mfstart'; to: string }
  /** Pause client writes until Unix ms `until` (PAUSE_DURING_FAILOVER, CLIENT_PAUSE_WRITE). */
  | { kind: 'pause-clients'; until: number }
  | { kind: 'unpause-clients' }
  /** Become a replica of `masterId` (clusterSetMaster: replica migration). */
  | { kind: 'replicate'; masterId: string }
  /** Save nodes.conf before the next sleep (CLUSTER_TODO_SAVE_CONFIG, with FSYNC when `fsync`). */
  | { kind: 'save-config'; fsync: boolean }
  /** Recompute cluster_state before the next sleep (CLUSTER_TODO_UPDATE_STATE). */
  | { kind: 'update-state' }
  /** A line for the server log, worded as redis-server logs it. */
  | { kind: 'log'; level: 'verbose' | 'notice' | 'warning'; message: string };

export const saveConfig = (fsync: boolean): ClusterAction => ({ kind: 'save-config', fsync });
export const updateState = (): ClusterAction => ({ kind: 'update-state' });
export const log = (level: 'verbose' | 'notice' | 'warning', message: string): ClusterAction => ({ kind: 'log', level, message });
