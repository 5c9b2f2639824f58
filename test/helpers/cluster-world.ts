// Builds cluster views for the failover cores' tests: one node's ClusterState from a layout of
// masters (with slot ranges) and replicas, and FailoverSettings with small timeouts.

import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import { DEFAULT_FAILOVER_SETTINGS, type FailoverSettings } from '../../src/server/cluster/core/view.js';
import { makeClusterNode } from '../../src/server/cluster/state/cluster-node.js';
import { ClusterState } from '../../src/server/cluster/state/cluster-state.js';

/** A readable 40-character node id that sorts by its name ('m1' < 'm2' < 'r1' ...). */
export const nid = (name: string): string => name.padEnd(40, '0');

export interface MasterLayout {
  name: string;
  slots: [number, number];
  replicas?: string[];
  configEpoch?: number;
}

export const settings = (overrides: Partial<FailoverSettings> = {}): FailoverSettings => ({
  ...DEFAULT_FAILOVER_SETTINGS,
  nodeTimeout: 1000,
  ...overrides,
});

/** The state `me` holds of a cluster laid out as `masters`: everyone known, linked, healthy. */
export function viewOf(me: string, masters: MasterLayout[]): ClusterState {
  const state = new ClusterState(nid(me));
  state.myself.flags = NodeFlag.Myself;
  masters.forEach((layout, i) => {
    const epoch = layout.configEpoch ?? i + 1;
    add(state, layout.name, NodeFlag.Master, null, epoch);
    state.slots.assignRange(layout.slots[0], layout.slots[1], nid(layout.name));
    for (const replica of layout.replicas ?? []) add(state, replica, NodeFlag.Slave, nid(layout.name), epoch);
    // A master that has replicas may be an orphan later (clusterNodeAddSlave sets MIGRATE_TO).
    if ((layout.replicas ?? []).length > 0) state.node(nid(layout.name))!.flags |= NodeFlag.MigrateTo;
  });
  state.currentEpoch = state.maxEpoch();
  state.size = state.slotOwningMasters().length;
  state.health = 'ok';
  return state;
}

function add(state: ClusterState, name: string, role: number, masterId: string | null, epoch: number): void {
  const id = nid(name);
  const existing = state.node(id);
  if (existing) {
    // Our own record: a replica that never was a master has configEpoch 0 (others see its
    // master's, which is what its headers carry).
    existing.flags |= role;
    existing.masterId = masterId;
    existing.configEpoch = masterId === null ? epoch : 0;
    existing.linkConnected = true;
    return;
  }
  state.addNode(makeClusterNode({ id, flags: role, masterId, configEpoch: epoch, linkConnected: true }));
}

export const THREE_SHARDS: MasterLayout[] = [
  { name: 'm1', slots: [0, 5460], replicas: ['r1'] },
  { name: 'm2', slots: [5461, 10922], replicas: ['r2'] },
  { name: 'm3', slots: [10923, 16383], replicas: ['r3'] },
];
