// The run-state file, .clusterctl/<cluster>/state.json: the resolved topology and, per node, its
// port, paths, current upstream and the process identity (pid + start time). Written atomically
// (temp file + rename) so a reader never sees half a file, even if clusterctl is killed mid-write.

import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import type { ClusterSpec, Engine, NodeSpec } from '../topology/types.js';

export const STATE_VERSION = 1;

export interface ProcessRecord {
  pid: number | null;
  /** /proc start time (clock ticks) of `pid`: detects a pid recycled by another program. */
  startTime: number | null;
  startedAt: string | null;
}

/** A process clusterctl runs: a node or a sentinel, each in its own folder. */
export interface ManagedRecord extends ProcessRecord {
  name: string;
  port: number;
  dir: string;
  configFile: string;
  logFile: string;
}

export interface NodeRecord extends ManagedRecord {
  /** Current upstream node (changes with failover); null for a master. */
  replicaof: string | null;
  /**
   * mode: cluster only: the shard this node is in now. Shard N is the replication group that began
   * as topology shard N, followed through failovers (a promoted replica keeps its number).
   */
  shard?: number;
  /** mode: cluster only: the node's cluster id (CLUSTER MYID), once `up` has seen it. */
  clusterId?: string;
}

/** A sentinel (s1, s2, ...). Its sentinel.conf is written once: the sentinel rewrites it itself. */
export type SentinelRecord = ManagedRecord;

export interface RunState {
  version: number;
  name: string;
  engine: Engine;
  /** Hash of the topology this cluster was created from: `up` with a changed file is refused. */
  specHash: string;
  spec: ClusterSpec;
  createdAt: string;
  updatedAt: string;
  nodes: NodeRecord[];
  sentinels: SentinelRecord[];
  /**
   * mode: cluster only: the number the next shard `add-shard` creates gets. Shard numbers are never
   * reused, so this only grows (a removed shard's number stays spent).
   */
  nextShard?: number;
  /**
   * mode: cluster only: `remove-shard` in progress — the shard and its nodes, fixed before its slots
   * move (a master that gives away its last slot becomes another shard's replica), so a removal cut
   * short after the last slot moved is finished by running it again.
   */
  removingShard?: { shard: number; nodes: string[] };
}

export interface ClusterPaths {
  /** The folder holding every cluster (.clusterctl). */
  root: string;
  cluster: string;
  stateFile: string;
  lockFile: string;
}

export function clusterPaths(root: string, name: string): ClusterPaths {
  const cluster = join(resolve(root), name);
  return { root: resolve(root), cluster, stateFile: join(cluster, 'state.json'), lockFile: join(cluster, 'lock') };
}

export function defaultRoot(dirFlag: string | undefined): string {
  return resolve(dirFlag ?? process.env.CLUSTERCTL_DIR ?? '.clusterctl');
}

/** Names of the clusters that have a state file under `root`. */
export function listClusters(root: string): string[] {
  try {
    return readdirSync(root).filter((name) => existsSync(join(root, name, 'state.json'))).sort();
  } catch {
    return [];
  }
}

export function readState(paths: ClusterPaths): RunState | undefined {
  let text: string;
  try {
    text = readFileSync(paths.stateFile, 'utf8');
  } catch {
    return undefined;
  }
  const state = JSON.parse(text) as RunState;
  if (state.version !== STATE_VERSION) {
    throw new Error(`${paths.stateFile}: state version ${state.version}, this clusterctl reads version ${STATE_VERSION}`);
  }
  state.sentinels ??= [];
  return state;
}

export function writeState(paths: ClusterPaths, state: RunState): void {
  mkdirSync(paths.cluster, { recursive: true });
  state.updatedAt = new Date().toISOString();
  const temp = `${paths.stateFile}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, paths.stateFile);
}

/** A node's record before its first start: its folder under the cluster's, no process yet. */
export function nodeRecord(paths: ClusterPaths, node: NodeSpec): NodeRecord {
  const dir = join(paths.cluster, node.name);
  return {
    name: node.name,
    port: node.port,
    replicaof: node.replicaof,
    dir,
    configFile: join(dir, 'node.conf'),
    logFile: join(dir, 'node.log'),
    pid: null,
    startTime: null,
    startedAt: null,
    ...(node.cluster ? { shard: node.cluster.shard } : {}),
  };
}

/** A stable hash of what defines the cluster's processes (not where the file came from). */
export function specHash(spec: ClusterSpec): string {
  const { source: _source, ...rest } = spec;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
}

/** A fresh state for `spec`: every node with its directory and no process yet. */
export function newState(paths: ClusterPaths, spec: ClusterSpec): RunState {
  const now = new Date().toISOString();
  return {
    version: STATE_VERSION,
    name: spec.name,
    engine: spec.engine,
    specHash: specHash(spec),
    spec,
    createdAt: now,
    updatedAt: now,
    nodes: spec.nodes.map((node) => nodeRecord(paths, node)),
    ...(spec.cluster ? { nextShard: Math.max(0, ...spec.cluster.shards.map((shard) => shard.shard)) + 1 } : {}),
    sentinels: (spec.sentinels?.ports ?? []).map((port, i) => {
      const dir = join(paths.cluster, `s${i + 1}`);
      return { name: `s${i + 1}`, port, dir, configFile: join(dir, 'sentinel.conf'), logFile: join(dir, 'sentinel.log'), pid: null, startTime: null, startedAt: null };
    }),
  };
}

/**
 * mode: cluster: the next free shard number, spent at once (numbers are never reused, not even the
 * number of a shard `remove-shard` removed). States written before `nextShard` existed start above
 * every shard they know.
 */
export function takeShardNumber(state: RunState): number {
  const next = spentShardNumbers(state);
  state.nextShard = next + 1;
  return next;
}

/** Fixes `nextShard` above every shard the state knows (before a shard's number disappears from it). */
export function spentShardNumbers(state: RunState): number {
  const known = [...(state.spec.cluster?.shards ?? []).map((shard) => shard.shard), ...state.nodes.map((node) => node.shard ?? 0)];
  state.nextShard = Math.max(state.nextShard ?? 1, Math.max(0, ...known) + 1);
  return state.nextShard;
}
