// Taking nodes out of a Redis Cluster the way `redis-cli --cluster del-node` does
// (redis-cli.c clusterManagerCommandDeleteNode): a staying node that replicates a leaving one first
// replicates the staying master with the fewest replicas (a node refuses to FORGET its own master),
// then every staying node is sent CLUSTER FORGET for each leaving node. FORGET also bans the id for
// 60 s (cluster.c clusterBlacklistAddNode), so gossip from a node that has not forgotten it yet
// cannot bring it back meanwhile; the caller stops the leaving processes within that window.

import { call } from '../probe/client.js';
import type { ClusterProbe } from './cluster-probe.js';
import type { ClusterNodeLine } from './nodes-reply.js';

export interface ForgetReport {
  /** Staying nodes that were repointed: node name -> new master's name. */
  repointed: { node: string; master: string }[];
  /** FORGET commands sent (one per staying node and leaving node it knew). */
  forgets: number;
}

/**
 * `staying`: fresh probes of the nodes that stay; `leaving(line)`: whether a CLUSTER NODES line is a
 * node to forget (by id, or by port for nodes whose id was never learned). A node that does not know
 * a leaving node (never met, or forgotten already) is skipped; any other refusal throws.
 */
export async function forgetNodes(staying: ClusterProbe[], leaving: (line: ClusterNodeLine) => boolean): Promise<ForgetReport> {
  const report: ForgetReport = { repointed: [], forgets: 0 };
  const live = staying.filter((probe) => probe.reachable && probe.self);
  const leavingIds = new Set(live.flatMap((probe) => probe.view.filter((line) => !line.flags.includes('myself') && leaving(line)).map((line) => line.id)));
  if (leavingIds.size === 0) return report;
  const masters = live.filter((probe) => probe.self!.masterId === null && probe.self!.slots.length > 0);
  const replicasOf = (id: string) => live.filter((probe) => probe.self!.masterId === id).length;
  for (const probe of live) {
    if (!probe.self!.masterId || !leavingIds.has(probe.self!.masterId)) continue;
    const master = [...masters].sort((a, b) => replicasOf(a.self!.id) - replicasOf(b.self!.id))[0];
    if (!master) continue;
    await call(probe.port, ['CLUSTER', 'REPLICATE', master.self!.id]);
    probe.self!.masterId = master.self!.id;
    report.repointed.push({ node: probe.name, master: master.name });
  }
  await Promise.all(
    live.flatMap((probe) =>
      [...leavingIds]
        .filter((id) => probe.view.some((line) => line.id === id))
        .map(async (id) => {
          try {
            await call(probe.port, ['CLUSTER', 'FORGET', id]);
            report.forgets++;
          } catch (error) {
            if (!/unknown node/i.test((error as Error).message)) throw new Error(`CLUSTER FORGET ${id.slice(0, 8)} on ${probe.name}: ${(error as Error).message}`);
          }
        }),
    ),
  );
  return report;
}
