// Whole-cluster scenarios of the failover cores on one fake clock (test/helpers/cluster-failover-sim.ts):
// a killed master replaced by its replica through PFAIL, FAIL, the election and the votes; the
// better-offset replica winning; no failover without a majority of masters; a manual failover.

import { describe, expect, it } from 'vitest';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import { ClusterSim } from '../helpers/cluster-failover-sim.js';
import { nid, settings, THREE_SHARDS } from '../helpers/cluster-world.js';

const T = 1000;

describe('automatic failover', () => {
  it('a killed master is replaced by its replica: PFAIL after node-timeout, FAIL by majority, one election at epoch 4', () => {
    const sim = new ClusterSim(THREE_SHARDS, settings({ nodeTimeout: T }), () => 0.5);
    sim.runFor(1000);
    const killedAt = sim.now;
    sim.node('m3').alive = false;
    expect(sim.runFor(10_000, () => sim.promotions().length > 0)).toBe(true);
    const [promotion] = sim.promotions();
    expect(promotion).toMatchObject({ node: 'r3', epoch: 4 });
    const failAt = sim.events.find((e) => e.action.kind === 'broadcast-fail')!.at;
    // FAIL needs the PING outstanding for longer than node-timeout (the first tick past 1000 ms).
    expect(failAt - killedAt).toBeGreaterThan(T);
    expect(failAt - killedAt).toBeLessThanOrEqual(T + 300);
    // Then 500 + 250 (random 0.5) + rank 0, on 100 ms ticks.
    expect(promotion!.at - failAt).toBeGreaterThanOrEqual(750);
    expect(promotion!.at - failAt).toBeLessThanOrEqual(1000);
    for (const voter of ['m1', 'm2']) expect(sim.node(voter).state.lastVoteEpoch).toBe(4);
    sim.runFor(3000);
    expect(sim.promotions()).toHaveLength(1);
    for (const name of ['m1', 'm2', 'r1', 'r2']) {
      const view = sim.node(name).state;
      expect(view.slots.owner(16383), name).toBe(nid('r3'));
      expect(view.node(nid('m3'))!.flags & NodeFlag.Fail, name).toBe(NodeFlag.Fail);
    }
  });

  it('of two replicas, the one with the larger offset wins; the other follows the new master', () => {
    const layout = THREE_SHARDS.map((m) => (m.name === 'm3' ? { ...m, replicas: ['r3', 'r3b'] } : m));
    const sim = new ClusterSim(layout, settings({ nodeTimeout: T }), () => 0);
    sim.node('r3').offset = 900;
    sim.node('r3b').offset = 1000;
    sim.runFor(1000);
    sim.node('m3').alive = false;
    sim.runFor(8000);
    expect(sim.promotions().map((p) => p.node)).toEqual(['r3b']);
    expect(sim.node('r3').state.myself.masterId).toBe(nid('r3b'));
    const r3Requests = sim.events.filter((e) => e.node === 'r3' && e.action.kind === 'send-auth-request');
    expect(r3Requests).toEqual([]);
  });

  it('with two of three masters dead there is no majority: no FAIL and no failover', () => {
    const sim = new ClusterSim(THREE_SHARDS, settings({ nodeTimeout: T }));
    sim.runFor(1000);
    sim.node('m2').alive = false;
    sim.node('m3').alive = false;
    sim.runFor(10_000);
    expect(sim.events.filter((e) => e.action.kind === 'broadcast-fail')).toEqual([]);
    expect(sim.promotions()).toEqual([]);
    expect(sim.node('r3').state.node(nid('m3'))!.flags & NodeFlag.PFail).toBe(NodeFlag.PFail);
  });

  it('cluster-replica-no-failover on the only replica: the master goes FAIL but nobody is promoted', () => {
    const sim = new ClusterSim(THREE_SHARDS, settings({ nodeTimeout: T, replicaNoFailover: true }));
    sim.runFor(1000);
    sim.node('m3').alive = false;
    sim.runFor(10_000);
    expect(sim.events.some((e) => e.action.kind === 'broadcast-fail')).toBe(true);
    expect(sim.promotions()).toEqual([]);
  });
});

describe('manual failover', () => {
  it('CLUSTER FAILOVER on r3 with everyone up: the master pauses, r3 wins at once with FORCEACK votes', () => {
    const sim = new ClusterSim(THREE_SHARDS, settings({ nodeTimeout: T }));
    sim.runFor(1000);
    expect(sim.failoverCommand('r3', 'default')).toBeNull();
    expect(sim.node('m3').pausedUntil).toBe(sim.now + 10_000);
    const from = sim.now;
    expect(sim.runFor(1000, () => sim.promotions().length > 0)).toBe(true);
    expect(sim.promotions()[0]).toMatchObject({ node: 'r3', epoch: 4 });
    expect(sim.promotions()[0]!.at - from).toBeLessThanOrEqual(200);
    expect(sim.events.find((e) => e.action.kind === 'send-auth-request')!.action).toEqual({ kind: 'send-auth-request', epoch: 4, forceAck: true });
    // The voters granted it with m3 up in their views.
    for (const voter of ['m1', 'm2']) expect(sim.node(voter).state.node(nid('m3'))!.flags & NodeFlag.Fail).toBe(0);
    expect(sim.node('m1').state.lastVoteEpoch).toBe(4);
  });

  it('CLUSTER FAILOVER times out after 5 s when the master never answers; no election follows', () => {
    const sim = new ClusterSim(THREE_SHARDS, settings({ nodeTimeout: 60_000 }));
    sim.runFor(1000);
    // m3 is up (node-timeout 60 s keeps it from PFAIL) but drops MFSTART: simulate by killing it after the command.
    expect(sim.failoverCommand('r1', 'default')).toBeNull();
    expect(sim.node('m1').pausedUntil).toBeGreaterThan(0);
    sim.node('m1').alive = false;
    sim.runFor(4900);
    expect(sim.node('r1').core.manual.inProgress).toBe(true);
    sim.runFor(200);
    expect(sim.node('r1').core.manual.inProgress).toBe(false);
    expect(sim.events.some((e) => e.action.kind === 'log' && e.action.message === 'Manual failover timed out.')).toBe(true);
    sim.runFor(5000);
    expect(sim.promotions()).toEqual([]);
  });
});
