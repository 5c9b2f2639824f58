// Owns replica migration (clusterCron's orphan census + clusterHandleSlaveMigration, cluster.c
// 7.0): a replica of one of the best-covered masters moves to a master left with no working
// replica, if its own master keeps more than cluster-migration-barrier working replicas, the
// cluster is ok, the orphan stayed orphaned for 5 s, and it is the smallest id among the
// candidates (so only one moves). Only masters that had replicas (MIGRATE_TO) count as orphans.

import { log, type ClusterAction } from './actions.js';
import {
  Bit, has, isFailedNode, isMasterNode, isReplicaNode, isTimedOutNode, REPLICA_MIGRATION_DELAY,
  type ClusterView, type FailoverSettings, type NodeView,
} from './view.js';

/** clusterCountNonFailingSlaves. */
function workingReplicas(view: ClusterView, master: NodeView): number {
  return view.replicasOf(master.id).filter((node) => !isFailedNode(node)).length;
}

interface Census {
  orphanedMasters: number;
  maxReplicas: number;
  myMasterReplicas: number;
}

/** The cron's census, as a replica sees the masters that are not FAIL. */
function census(view: ClusterView): Census {
  const result: Census = { orphanedMasters: 0, maxReplicas: 0, myMasterReplicas: 0 };
  for (const node of view.nodes.values()) {
    if (has(node, Bit.Myself | Bit.NoAddr | Bit.Handshake)) continue;
    if (!isMasterNode(node) || isFailedNode(node)) continue;
    const ok = workingReplicas(view, node);
    if (ok === 0 && view.slots.countOf(node.id) > 0 && has(node, Bit.MigrateTo)) result.orphanedMasters++;
    result.maxReplicas = Math.max(result.maxReplicas, ok);
    if (view.myself.masterId === node.id) result.myMasterReplicas = ok;
  }
  return result;
}

/** Called on every cron tick of a replica: may ask to replicate an orphaned master. */
export function replicaMigration(view: ClusterView, now: number, settings: FailoverSettings): ClusterAction[] {
  if (!isReplicaNode(view.myself) || !settings.allowReplicaMigration) return [];
  const { orphanedMasters, maxReplicas, myMasterReplicas } = census(view);
  // Moving makes sense only from a master with at least two working replicas, and among those
  // only from the best covered.
  if (orphanedMasters === 0 || maxReplicas < 2 || myMasterReplicas !== maxReplicas) return [];
  return handleMigration(view, now, settings, maxReplicas);
}

function handleMigration(view: ClusterView, now: number, settings: FailoverSettings, maxReplicas: number): ClusterAction[] {
  if (view.health !== 'ok' || view.myself.masterId === null) return [];
  const myMaster = view.nodes.get(view.myself.masterId);
  if (!myMaster) return [];
  const staying = view.replicasOf(myMaster.id).filter((node) => !isFailedNode(node) && !isTimedOutNode(node)).length;
  if (staying <= settings.migrationBarrier) return [];
  let target: NodeView | undefined;
  let candidate: NodeView = view.myself;
  for (const node of view.nodes.values()) {
    const ok = isMasterNode(node) ? workingReplicas(view, node) : 0;
    const orphaned = !isReplicaNode(node) && !isFailedNode(node) && has(node, Bit.MigrateTo) && ok === 0;
    if (orphaned) {
      if (!target && view.slots.countOf(node.id) > 0) target = node;
      if (!node.orphanedTime) node.orphanedTime = now;
    } else {
      node.orphanedTime = 0;
    }
    if (ok === maxReplicas) {
      for (const replica of view.replicasOf(node.id)) if (replica.id < candidate.id) candidate = replica;
    }
  }
  // Waiting lets the replicas of a just-failed-over master announce their new master first.
  if (!target || candidate !== view.myself || now - target.orphanedTime <= REPLICA_MIGRATION_DELAY) return [];
  return [log('warning', `Migrating to orphaned master ${target.id}`), { kind: 'replicate', masterId: target.id }];
}
