// Owns the configEpoch rules outside elections (cluster.c 7.0): a new epoch taken without
// consensus (CLUSTER FAILOVER TAKEOVER, closing an imported slot) and the resolution of two
// masters claiming the same configEpoch, where the smaller node id moves on.

import { log, saveConfig, type ClusterAction } from './actions.js';
import { isMasterNode, type ClusterView, type NodeView } from './view.js';

/** clusterGetMaxEpoch: the largest configEpoch known, or currentEpoch when larger. */
export function maxEpochOf(view: ClusterView): number {
  let max = view.currentEpoch;
  for (const node of view.nodes.values()) max = Math.max(max, node.configEpoch);
  return max;
}

/**
 * clusterBumpConfigEpochWithoutConsensus: unless our configEpoch is already non-zero and the
 * largest, take currentEpoch + 1 as ours and save with fsync before anything is sent with it.
 * Returns no actions when nothing changed (BUMPEPOCH's `STILL`).
 */
export function bumpConfigEpochWithoutConsensus(view: ClusterView): ClusterAction[] {
  const myself = view.myself;
  if (myself.configEpoch !== 0 && myself.configEpoch === maxEpochOf(view)) return [];
  view.currentEpoch++;
  myself.configEpoch = view.currentEpoch;
  return [saveConfig(true), log('warning', `New configEpoch set to ${myself.configEpoch}`)];
}

/**
 * clusterHandleConfigEpochCollision: both of us masters with the same configEpoch; the node whose
 * id sorts first takes a new epoch, so among any number of colliding nodes the largest id keeps
 * its epoch and the rest end up distinct.
 */
export function handleConfigEpochCollision(view: ClusterView, sender: NodeView): ClusterAction[] {
  const myself = view.myself;
  if (sender.configEpoch !== myself.configEpoch || !isMasterNode(sender) || !isMasterNode(myself)) return [];
  if (sender.id <= myself.id) return [];
  view.currentEpoch++;
  myself.configEpoch = view.currentEpoch;
  return [
    saveConfig(true),
    log('verbose', `WARNING: configEpoch collision with node ${sender.id}. configEpoch set to ${myself.configEpoch}`),
  ];
}
