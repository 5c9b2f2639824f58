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
