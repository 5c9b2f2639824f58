// After a failover clusterctl did not run, the live roles win over the records, so a node started
// again gets the right `replicaof`; an old master that is down comes back as a replica.

import { describe, expect, it } from 'vitest';
import type { LiveNode } from '../../src/cli/cluster/live.js';
import { reconcileRoles } from '../../src/cli/cluster/reconcile.js';
import type { NodeRecord, RunState } from '../../src/cli/state/run-state.js';

function cluster(): RunState {
  const record = (name: string, replicaof: string | null): NodeRecord => ({ name, port: 0, replicaof, dir: '', configFile: '', logFile: '', pid: 1, startTime: 1, startedAt: null });
  return { name: 'demo', nodes: [record('m1', null), record('r1', 'm1'), record('r2', 'm1')] } as unknown as RunState;
}

function live(state: RunState, view: Record<string, string | null | 'down'>): LiveNode[] {
  return state.nodes.map((record) => {
    const v = view[record.name];
    const down = v === 'down';
    return { record, process: down ? 'stopped' : 'running', probe: null, role: down ? null : v ? 'replica' : 'master', upstream: down ? record.replicaof : (v ?? null), roleIsLive: !down };
  });
}

describe('reconcileRoles', () => {
  it('takes the live upstreams, and turns a downed old master into a replica of the new one', () => {
    const state = cluster();
    const changed = reconcileRoles(state, live(state, { m1: 'down', r1: null, r2: 'r1' }));
    expect(changed.sort()).toEqual(['m1', 'r1', 'r2']);
    expect(state.nodes.map((n) => [n.name, n.replicaof])).toEqual([
      ['m1', 'r1'],
      ['r1', null],
      ['r2', 'r1'],
    ]);
  });

  it('changes nothing when the cluster matches its records', () => {
    const state = cluster();
    expect(reconcileRoles(state, live(state, { m1: null, r1: 'm1', r2: 'm1' }))).toEqual([]);
  });

  it('leaves a downed master alone when no other master has taken over', () => {
    const state = cluster();
    expect(reconcileRoles(state, live(state, { m1: 'down', r1: 'm1', r2: 'm1' }))).toEqual([]);
  });

  it('right after a promotion, before the other replica is repointed, the downed master follows the promoted one', () => {
    const state = cluster();
    reconcileRoles(state, live(state, { m1: 'down', r1: null, r2: 'm1' }));
    expect(state.nodes.map((n) => [n.name, n.replicaof])).toEqual([
      ['m1', 'r1'],
      ['r1', null],
      ['r2', 'm1'],
    ]);
  });
});
