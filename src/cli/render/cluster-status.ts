// The text form of `status` on a Redis Cluster: one table of shards (slots, master, replicas,
// keys), one of nodes (role, cluster_state, epochs, bus links, replication link, offsets), then
// the verdict and the problems.

import type { ClusterStatusResult } from '../ops/status/cluster-status.js';
import { dash, table } from './table.js';

export function renderClusterStatus(result: ClusterStatusResult): string {
  const shardRows = result.shards.map((shard) => [
    String(shard.shard),
    dash(shard.master),
    shard.replicas.join(',') || '-',
    shard.slots,
    String(shard.slotCount),
    dash(shard.keys),
  ]);
  const nodeRows = result.nodes.map((node) => [
    node.name,
    node.shard === null ? '-' : String(node.shard),
    node.role ?? '-',
    dash(node.upstream),
    `${node.port}/${node.busPort}`,
    dash(node.pid),
    node.process,
    dash(node.clusterState),
    node.configEpoch === null ? '-' : `${node.configEpoch}/${dash(node.currentEpoch)}`,
    node.busLinks ? `${node.busLinks.connected}/${node.busLinks.known}` : '-',
    node.flags.join(',') || '-',
    dash(node.link),
    dash(node.offset),
    node.behind === null ? '-' : `${node.behind} B`,
    dash(node.memoryHuman),
  ]);
  const lines = [
    table(['SHARD', 'MASTER', 'REPLICAS', 'SLOTS', 'COUNT', 'KEYS'], shardRows),
    '',
    table(['NODE', 'SHARD', 'ROLE', 'MASTER', 'PORT/BUS', 'PID', 'PROCESS', 'STATE', 'EPOCH', 'LINKS', 'FLAGS', 'LINK', 'OFFSET', 'BEHIND', 'MEM'], nodeRows),
  ];
  const verdict = result.healthy ? (result.synced ? 'healthy' : 'healthy, not settled') : 'NOT healthy';
  lines.push(`Redis Cluster "${result.cluster}" (${result.engine}): ${verdict}.  (EPOCH = config/current; LINKS = bus links connected/known)`);
  for (const problem of result.problems) lines.push(`  ! ${problem}`);
  return lines.join('\n');
}
