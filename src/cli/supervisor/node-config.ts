// The node.conf clusterctl writes for every node before each start: the directives it manages
// (port, bind, dir, logfile), its speed defaults, the user's directives, and the node's current
// upstream. Same file for clusterctl-node and redis-server: they read redis.conf the same way.

import { writeFileSync, mkdirSync } from 'node:fs';
import type { NodeRecord, RunState } from '../state/run-state.js';
import type { DirectiveLine } from '../topology/types.js';
import { authDirectives } from '../auth.js';

/**
 * Defaults clusterctl sets before the user's directives (which may override them):
 * - repl-diskless-sync-delay 0: Redis waits 5 s for more replicas before a diskless full sync;
 *   on one machine every replica is already there, and the wait would dominate `up`.
 */
export const CLUSTERCTL_DEFAULTS: DirectiveLine[] = [{ name: 'repl-diskless-sync-delay', value: '0' }];

export interface RenderOptions {
  clusterName: string;
  directives: DirectiveLine[];
  /** Port of the node's upstream, when it starts as a replica (ignored in cluster mode). */
  upstreamPort: number | null;
  /** mode: cluster: the node runs with cluster-enabled, its bus port and the topology's node timeout. */
  cluster?: { busPort: number; nodeTimeoutMs: number };
}

/** The cluster part of a node's RenderOptions (undefined outside mode: cluster). */
export function clusterRenderOptions(state: RunState, name: string): RenderOptions['cluster'] {
  const node = state.spec.nodes.find((candidate) => candidate.name === name);
  if (!node?.cluster || !state.spec.cluster) return undefined;
  return { busPort: node.cluster.busPort, nodeTimeoutMs: state.spec.cluster.nodeTimeoutMs };
}

export function renderNodeConfig(record: NodeRecord, options: RenderOptions): string {
  const lines = [
    `# Written by clusterctl for node ${record.name} of cluster ${options.clusterName}; rewritten at every start.`,
    `# Change the topology (clusterctl.yaml), not this file.`,
    `port ${record.port}`,
    'bind 127.0.0.1',
    `dir ${quote(record.dir)}`,
    `logfile ${quote(record.logFile)}`,
    'daemonize no',
    ...[...CLUSTERCTL_DEFAULTS, ...options.directives, ...authDirectives(options.directives)].map((line) => `${line.name} ${line.value === '' ? '""' : line.value}`),
  ];
  if (options.cluster) {
    // A cluster node learns its replicas' and masters' roles from nodes.conf and the bus: Redis
    // refuses a replicaof line in cluster mode, so none is written.
    const { busPort, nodeTimeoutMs } = options.cluster;
    lines.push('cluster-enabled yes', 'cluster-config-file nodes.conf', `cluster-port ${busPort}`, `cluster-node-timeout ${nodeTimeoutMs}`);
  } else if (options.upstreamPort !== null) lines.push(`replicaof 127.0.0.1 ${options.upstreamPort}`);
  return `${lines.join('\n')}\n`;
}

export function writeNodeConfig(record: NodeRecord, options: RenderOptions): void {
  mkdirSync(record.dir, { recursive: true });
  writeFileSync(record.configFile, renderNodeConfig(record, options));
}

/** redis.conf quoting: double quotes with backslash escapes, so paths with spaces survive. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
