// cluster_state as clusterUpdateState (cluster.c 7.0) decides it, on a fake clock: a master waits
// 2 s after the first evaluation, full coverage (unless cluster-require-full-coverage no), a slot of
// a FAIL node, the majority of slot-owning masters, the rejoin delay after being in the minority,
// and cluster_size.

import { describe, expect, it } from 'vitest';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import type { ClusterState } from '../../src/server/cluster/state/cluster-state.js';
import { newStateClock, updateClusterState, type StateSettings } from '../../src/server/cluster/state/update-state.js';
import { nid, THREE_SHARDS, viewOf } from '../helpers/cluster-world.js';

const SETTINGS: StateSettings = { requireFullCoverage: true, nodeTimeout: 3000 };
const T0 = 1_000_000;

function masterView(): ClusterState {
  const state = viewOf('m1', THREE_SHARDS);
  state.health = 'fail';
  state.size = 1;
  return state;
}

describe('clusterUpdateState', () => {
  it('a master stays fail for 2 s after the first evaluation, then turns ok with full coverage', () => {
    const state = masterView();
    const clock = newStateClock();
    expect(updateClusterState(state, clock, SETTINGS, T0)).toBeUndefined();
    expect(updateClusterState(state, clock, SETTINGS, T0 + 1999)).toBeUndefined();
    expect(state.health).toBe('fail');
    expect(updateClusterState(state, clock, SETTINGS, T0 + 2000)).toBe('ok');
    expect(state.size).toBe(3);
  });

  it('a replica does not wait', () => {
    const state = viewOf('r1', THREE_SHARDS);
    state.health = 'fail';
    expect(updateClusterState(state, newStateClock(), SETTINGS, T0)).toBe('ok');
  });

  it('an unbound slot fails the cluster unless full coverage is not required', () => {
    const state = viewOf('r1', THREE_SHARDS);
    state.slots.unassign(42);
    expect(updateClusterState(state, newStateClock(), SETTINGS, T0)).toBe('fail');
    expect(updateClusterState(state, newStateClock(), { ...SETTINGS, requireFullCoverage: false }, T0)).toBe('ok');
  });

  it('a slot served by a FAIL master fails the cluster; PFAIL alone does not', () => {
    const state = viewOf('r1', THREE_SHARDS);
    state.node(nid('m3'))!.flags |= NodeFlag.PFail;
    expect(updateClusterState(state, newStateClock(), SETTINGS, T0)).toBeUndefined();
    expect(state.health).toBe('ok');
    state.node(nid('m3'))!.flags |= NodeFlag.Fail;
    expect(updateClusterState(state, newStateClock(), SETTINGS, T0)).toBe('fail');
    // Without full coverage a FAIL shard's slots do not matter while a majority is reachable.
    expect(updateClusterState(state, newStateClock(), { ...SETTINGS, requireFullCoverage: false }, T0)).toBe('ok');
  });

  it('the minority side fails, and a master rejoins only after the rejoin delay', () => {
    const state = masterView();
    const clock = newStateClock();
    updateClusterState(state, clock, SETTINGS, T0);
    expect(updateClusterState(state, clock, SETTINGS, T0 + 2000)).toBe('ok');
    // Two of three masters unreachable: below size/2 + 1.
    state.node(nid('m2'))!.flags |= NodeFlag.PFail;
    state.node(nid('m3'))!.flags |= NodeFlag.PFail;
    expect(updateClusterState(state, clock, { ...SETTINGS, requireFullCoverage: false }, T0 + 3000)).toBe('fail');
    state.node(nid('m2'))!.flags &= ~NodeFlag.PFail;
    state.node(nid('m3'))!.flags &= ~NodeFlag.PFail;
    // The rejoin delay is node-timeout clamped to 500..5000 ms: 3000 here.
    expect(updateClusterState(state, clock, SETTINGS, T0 + 3000 + 2999)).toBeUndefined();
    expect(updateClusterState(state, clock, SETTINGS, T0 + 3000 + 3000)).toBe('ok');
  });

  it('the rejoin delay is at least 500 ms and at most 5000 ms', () => {
    for (const [nodeTimeout, delay] of [[100, 500], [60_000, 5000]] as const) {
      const state = masterView();
      const clock = newStateClock();
      updateClusterState(state, clock, { ...SETTINGS, nodeTimeout }, T0);
      state.node(nid('m2'))!.flags |= NodeFlag.PFail;
      state.node(nid('m3'))!.flags |= NodeFlag.PFail;
      updateClusterState(state, clock, { ...SETTINGS, nodeTimeout }, T0 + 2500);
      state.node(nid('m2'))!.flags &= ~NodeFlag.PFail;
      state.node(nid('m3'))!.flags &= ~NodeFlag.PFail;
      expect(updateClusterState(state, clock, { ...SETTINGS, nodeTimeout }, T0 + 2500 + delay - 1)).toBeUndefined();
      expect(updateClusterState(state, clock, { ...SETTINGS, nodeTimeout }, T0 + 2500 + delay)).toBe('ok');
    }
  });
});
