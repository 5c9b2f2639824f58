// `mode:` — replication (one master and its replicas, the default) or cluster (Redis Cluster: shards,
// each a master owning slots with its replicas) — and the resolved cluster part of a ClusterSpec.

import type { Entry, Reader } from './reader.js';
import type { RawNode } from './nodes.js';
import { resolveShards, type ClusterSection } from './cluster-shards.js';
import type { ClusterModeSpec, ClusterNodeSpec, DirectiveLine, Engine } from './types.js';

const MODES = ['replication', 'cluster'] as const;

/** True for mode: cluster; reports an unknown mode, and a cluster: section without mode: cluster. */
export function readMode(reader: Reader, top: Map<string, Entry>): boolean {
  const entry = top.get('mode');
  let cluster = false;
  if (entry) {
    const value = reader.string(entry);
    if (value === 'cluster') cluster = true;
    else if (value !== undefined && value !== 'replication') {
      reader.report(entry.value, 'mode', `unknown mode "${value}"`, `Use ${MODES.join(' or ')}.`);
    }
  }
  const section = top.get('cluster');
  if (section && !cluster && !(entry && reader.issues.some((issue) => issue.path === 'mode'))) {
    reader.report(section.keyNode, 'cluster', 'cluster: applies to mode: cluster only', 'Add mode: cluster at the top of the file.');
  }
  return cluster;
}

export interface ResolvedCluster {
  spec: ClusterModeSpec;
  nodeSpec(node: RawNode, busPort: number, directives: DirectiveLine[]): ClusterNodeSpec;
}

export function clusterModeSpec(reader: Reader, nodes: RawNode[], section: ClusterSection, engine: Engine): ResolvedCluster {
  const shards = resolveShards(reader, nodes);
  return {
    spec: { nodeTimeoutMs: section.nodeTimeoutMs, shards },
    nodeSpec: (node, busPort, directives) => ({
      shard: node.cluster?.shard ?? 0,
      busPort,
      engine: node.cluster?.engine ?? engine,
      announceIp: lastValue(directives, 'cluster-announce-ip'),
      announceHostname: lastValue(directives, 'cluster-announce-hostname'),
    }),
  };
}

/** The value a node will use for a directive (the last line wins, as in redis.conf). */
function lastValue(directives: DirectiveLine[], name: string): string | null {
  const lines = directives.filter((line) => line.name === name);
  return lines.length > 0 ? lines[lines.length - 1]!.value : null;
}
