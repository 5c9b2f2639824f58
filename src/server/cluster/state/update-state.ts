// Owns deciding cluster_state (cluster.c 7.0 clusterUpdateState): ok unless a slot is unbound or
// served by a FAIL node (when cluster-require-full-coverage is yes) or fewer than size/2 + 1 of the
// slot-owning masters are reachable (neither PFAIL nor FAIL). A master waits 2 s after the first
// evaluation before it may leave fail (it gives the cluster a chance to reconfigure it after a
// restart), and a master that was in the minority waits the rejoin delay (node-timeout clamped to
// 500..5000 ms) before it turns ok again. Also computes cluster_size. Pure: the caller passes the
// time and keeps the two timestamps in a StateClock.

import { NodeFlag } from '../bus/node-flags.js';
import { CLUSTER_SLOTS } from '../../../shared/key-slot.js';
import { isMaster, isMyself } from './cluster-node.js';
import type { ClusterHealth, ClusterState } from './cluster-state.js';

/** CLUSTER_WRITABLE_DELAY. */
export const WRITABLE_DELAY = 2000;
/** CLUSTER_MIN_REJOIN_DELAY / CLUSTER_MAX_REJOIN_DELAY. */
export const MIN_REJOIN_DELAY = 500;
export const MAX_REJOIN_DELAY = 5000;

/** The two static timestamps of clusterUpdateState. */
export interface StateClock {
  firstCallTime: number;
  amongMinorityTime: number;
}

export function newStateClock(): StateClock {
  return { firstCallTime: 0, amongMinorityTime: 0 };
}

export interface StateSettings {
  requireFullCoverage: boolean;
  nodeTimeout: number;
}

/**
 * Re-evaluates state.health and state.size at `now`. Returns the new health when it changed (the
 * caller logs "Cluster state changed: ok|fail"), else undefined.
 */
export function updateClusterState(state: ClusterState, clock: StateClock, settings: StateSettings, now: number): ClusterHealth | undefined {
  if (clock.firstCallTime === 0) clock.firstCallTime = now;
  const myselfMaster = isMaster(state.myself);
  if (myselfMaster && state.health === 'fail' && now - clock.firstCallTime < WRITABLE_DELAY) return undefined;

  let next: ClusterHealth = 'ok';
  if (settings.requireFullCoverage) {
    for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
      const owner = state.slots.owner(slot);
      const node = owner === null ? undefined : state.node(owner);
      if (!node || node.flags & NodeFlag.Fail) {
        next = 'fail';
        break;
      }
    }
  }

  const counts = new Map<string, number>();
  for (const range of state.slots.ranges()) counts.set(range.owner, (counts.get(range.owner) ?? 0) + range.end - range.start + 1);
  let size = 0;
  let reachable = 0;
  for (const node of state.nodes.values()) {
    if (!isMaster(node) || !counts.get(node.id)) continue;
    size++;
    if ((node.flags & (NodeFlag.Fail | NodeFlag.PFail)) === 0) reachable++;
  }
  state.size = size;
  if (reachable < Math.floor(size / 2) + 1) {
    next = 'fail';
    clock.amongMinorityTime = now;
  }

  if (next === state.health) return undefined;
  const rejoinDelay = Math.min(MAX_REJOIN_DELAY, Math.max(MIN_REJOIN_DELAY, settings.nodeTimeout));
  if (next === 'ok' && myselfMaster && isMyself(state.myself) && now - clock.amongMinorityTime < rejoinDelay) return undefined;
  state.health = next;
  return next;
}
