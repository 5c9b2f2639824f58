// The topology model: what a clusterctl.yaml describes once validated and resolved (ports allocated,
// directives merged). Everything downstream (up, status, failover) works from a ClusterSpec.

export type Engine = 'builtin' | 'redis';

/** One redis.conf line: name and its value words (written as in redis.conf). */
export interface DirectiveLine {
  name: string;
  value: string;
}

export interface NodeSpec {
  name: string;
  port: number;
  /** Name of the node it replicates from, as declared; null for a master. */
  replicaof: string | null;
  /** defaults, then the node's own directives (later lines win, as in redis.conf). */
  directives: DirectiveLine[];
  /** mode: cluster only (absent otherwise, so replication topologies keep their spec hash). */
  cluster?: ClusterNodeSpec;
}

/** What a node of a Redis Cluster topology adds: its shard, bus port, engine and announced address. */
export interface ClusterNodeSpec {
  /** The shard (replication group) it begins in: 1-based, as the topology numbers them. */
  shard: number;
  /** The cluster bus port (port + 10000 unless ports.bus or bus-port say otherwise). */
  busPort: number;
  /** The node's engine (a mixed cluster may run both); the topology's engine by default. */
  engine: Engine;
  /** cluster-announce-ip / cluster-announce-hostname when set: what clients are sent in MOVED. */
  announceIp: string | null;
  announceHostname: string | null;
}

/** A shard of a cluster topology: its master, its replicas and the slots it starts with. */
export interface ShardSpec {
  shard: number;
  master: string;
  replicas: string[];
  /** Inclusive slot ranges, as written or split evenly the way redis-cli does. */
  slots: { start: number; end: number }[];
}

/** `mode: cluster`: Redis Cluster instead of one replication group. */
export interface ClusterModeSpec {
  nodeTimeoutMs: number;
  shards: ShardSpec[];
}

export interface SentinelSpec {
  count: number;
  quorum: number;
  monitorName: string;
  master: string;
  downAfterMs: number;
  failoverTimeoutMs: number;
  ports: number[];
}

export interface ClusterSpec {
  name: string;
  engine: Engine;
  /** Where it came from: a file path, or "built-in default" / "template <name>". */
  source: string;
  binaries: { server: string; sentinel: string };
  nodes: NodeSpec[];
  sentinels: SentinelSpec | null;
  /** Present for `mode: cluster` only. */
  cluster?: ClusterModeSpec;
}

/** A validation problem, located in the source text. */
export interface TopologyIssue {
  file: string;
  line: number;
  col: number;
  /** Dotted field path, e.g. nodes.r2.replicaof. */
  path: string;
  message: string;
  hint?: string;
}

export const DEFAULT_PORT_BASE = 7000;
export const DEFAULT_SENTINEL_PORT_BASE = 26379;
export const DEFAULT_MONITOR_NAME = 'mymaster';
