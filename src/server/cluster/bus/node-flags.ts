// Owns the node flag bits of the cluster bus (header `flags`, gossip entries' `flags`) and the
// message flags of mflags[0], with the names CLUSTER NODES prints for them (cluster.h, 7.0).

/** clusterNode.flags bits (CLUSTER_NODE_*); sent in network byte order as a u16. */
export const NodeFlag = {
  Master: 1,
  Slave: 2,
  /** Possibly failing: no PONG within node-timeout (shown `fail?`). */
  PFail: 4,
  Fail: 8,
  Myself: 16,
  Handshake: 32,
  NoAddr: 64,
  /** Send a MEET, not a PING, on the next connection (never shown). */
  Meet: 128,
  /** Master eligible for replica migration (never shown). */
  MigrateTo: 256,
  NoFailover: 512,
} as const;

/** mflags[0] bits (CLUSTERMSG_FLAG0_*). */
export const MessageFlag = {
  /** The sending master is paused for a manual failover; its offset is final. */
  Paused: 1,
  /** FAILOVER_AUTH_REQUEST of a manual failover: vote even though the master is up. */
  ForceAck: 2,
  /** Ping extensions follow the gossip section. */
  ExtData: 4,
} as const;

/** Cluster state byte of the header (CLUSTER_OK / CLUSTER_FAIL). */
export const ClusterStateByte = { Ok: 0, Fail: 1 } as const;

/** Flag names in the order representClusterNodeFlags prints them. */
const SHOWN: [number, string][] = [
  [NodeFlag.Myself, 'myself'],
  [NodeFlag.Master, 'master'],
  [NodeFlag.Slave, 'slave'],
  [NodeFlag.PFail, 'fail?'],
  [NodeFlag.Fail, 'fail'],
  [NodeFlag.Handshake, 'handshake'],
  [NodeFlag.NoAddr, 'noaddr'],
  [NodeFlag.NoFailover, 'nofailover'],
];

/** The flags column of CLUSTER NODES: `myself,master`, ..., or `noflags` when none is shown. */
export function formatNodeFlags(flags: number): string {
  const names = SHOWN.filter(([bit]) => flags & bit).map(([, name]) => name);
  return names.length === 0 ? 'noflags' : names.join(',');
}
