// The replica's election (cluster.c 7.0 clusterHandleSlaveFailover), scripted on a fake clock:
// the 500 + random(0..500) + rank x 1000 ms delay, re-ranking while waiting, the data-age
// validity, currentEpoch + 1 and the vote request, size/2 + 1 votes within the auth timeout,
// expiry and retry, cluster-replica-no-failover.

import { describe, expect, it } from 'vitest';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import type { ClusterAction } from '../../src/server/cluster/core/actions.js';
import { FailoverCore } from '../../src/server/cluster/core/failover-core.js';
import { replicaRank } from '../../src/server/cluster/core/election.js';
import type { FailoverSettings } from '../../src/server/cluster/core/view.js';
import { makeClusterNode } from '../../src/server/cluster/state/cluster-node.js';
import { nid, settings, THREE_SHARDS, viewOf } from '../helpers/cluster-world.js';


/** r3 of the three shards, its master m3 FAIL since `failAt`; ticks every 100 ms like clusterCron. */
function scenario(options: { random?: number; offset?: number; dataAge?: number; settings?: Partial<FailoverSettings> } = {}) {
  const view = viewOf('r3', THREE_SHARDS);
  const node = (name: string) => view.node(nid(name))!;
  const core = new FailoverCore();
  const s = settings(options.settings);
  let now = 100_000;
  const failAt = now;
  node('m3').flags |= NodeFlag.Fail;
  node('m3').failTime = failAt;
  const input = () => ({ now, random: () => options.random ?? 0, myOffset: options.offset ?? 1000, dataAge: options.dataAge ?? 1000, settings: s });
  const log: { at: number; action: ClusterAction }[] = [];
  const record = (actions: ClusterAction[]) => {
    for (const action of actions) if (action.kind !== 'log') log.push({ at: now - failAt, action });
    return actions;
  };
  return {
    view, node, core, log,
    get now() { return now; },
    tick(ms = 100) {
      now += ms;
      return record(core.cron(view, input()));
    },
    /** Votes arrive from these masters; the core runs before sleeping, as clusterBeforeSleep does. */
    votes(...from: string[]) {
      for (const name of from) core.onAuthAck(view, node(name), view.currentEpoch);
      return record(core.hasPending ? core.beforeSleep(view, input()) : []);
    },
    untilKind(kind: ClusterAction['kind'], limitMs = 10_000) {
      for (let spent = 0; spent < limitMs; spent += 100) {
        const found = this.tick().find((a) => a.kind === kind);
        if (found) return found;
      }
      return undefined;
    },
    at(kind: ClusterAction['kind']) {
      return log.find((entry) => entry.action.kind === kind)?.at;
    },
  };
}

describe('the election of a replica whose master is FAIL', () => {
  it('rank 0: waits 500 + random ms, asks for votes at currentEpoch + 1, wins with 2 of 3 masters and promotes itself', () => {
    const sim = scenario({ random: 0.5 });
    const epochBefore = sim.view.currentEpoch;
    expect(sim.tick()).toContainEqual({ kind: 'broadcast-pong', to: 'local-replicas' });
    expect(sim.core.election.authTime - sim.now).toBe(750);
    const request = sim.untilKind('send-auth-request');
    expect(request).toEqual({ kind: 'send-auth-request', epoch: epochBefore + 1, forceAck: false });
    expect(sim.at('send-auth-request')! - sim.at('broadcast-pong')!).toBe(800); // first tick at or past 750
    expect(sim.log.map((e) => e.action)).toContainEqual({ kind: 'save-config', fsync: true });
    expect(sim.votes('m1')).toEqual([]); // 1 of 2 needed
    const won = sim.votes('m2');
    expect(won).toContainEqual({ kind: 'promote-self', epoch: epochBefore + 1, oldMasterId: nid('m3') });
    expect(sim.view.myself.configEpoch).toBe(epochBefore + 1);
  });

  it('rank 1 (a sibling has a larger offset) waits 1000 ms more', () => {
    const sim = scenario({ random: 0, offset: 1000 });
    sim.view.addNode(makeClusterNode({ id: nid('r3b'), flags: NodeFlag.Slave, masterId: nid('m3'), replOffset: 1200 }));
    expect(replicaRank(sim.view, 1000)).toBe(1);
    sim.tick();
    expect(sim.core.election.authRank).toBe(1);
    expect(sim.core.election.authTime - sim.now).toBe(1500);
    sim.untilKind('send-auth-request');
    expect(sim.at('send-auth-request')! - sim.at('broadcast-pong')!).toBe(1500);
  });

  it('siblings that cannot fail over, or hold less data, do not count for the rank', () => {
    const sim = scenario({ offset: 1000 });
    sim.view.addNode(makeClusterNode({ id: nid('r3b'), flags: NodeFlag.Slave | NodeFlag.NoFailover, masterId: nid('m3'), replOffset: 5000 }));
    sim.view.addNode(makeClusterNode({ id: nid('r3c'), flags: NodeFlag.Slave, masterId: nid('m3'), replOffset: 900 }));
    expect(replicaRank(sim.view, 1000)).toBe(0);
  });

  it('re-ranks while waiting: a sibling announcing a better offset adds 1000 ms', () => {
    const sim = scenario({ random: 0 });
    sim.tick();
    const first = sim.core.election.authTime;
    sim.view.addNode(makeClusterNode({ id: nid('r3b'), flags: NodeFlag.Slave, masterId: nid('m3'), replOffset: 99_999 }));
    sim.tick();
    expect(sim.core.election.authRank).toBe(1);
    expect(sim.core.election.authTime).toBe(first + 1000);
  });

  it('a minority of votes does not make a master; the round expires after the auth timeout and is retried after twice that', () => {
    const sim = scenario({ random: 0 });
    sim.untilKind('send-auth-request');
    const firstEpoch = sim.core.election.authEpoch;
    const start = sim.core.election.authTime;
    sim.votes('m1');
    const pongs = () => sim.log.filter((e) => e.action.kind === 'broadcast-pong').length;
    for (let i = 0; i < 60 && pongs() < 2; i++) expect(sim.tick().some((a) => a.kind === 'promote-self')).toBe(false);
    expect(sim.core.election.cantFailoverReason).toBe('expired');
    // Auth timeout max(2 x 1000, 2000) = 2000; retry after 4000 ms from the scheduled start.
    const retried = sim.log.filter((e) => e.action.kind === 'broadcast-pong');
    expect(retried.length).toBe(2);
    expect(retried[1]!.at - (start - 100_000)).toBe(4100);
    const second = sim.untilKind('send-auth-request');
    expect(second).toMatchObject({ epoch: firstEpoch + 1 });
    expect(sim.core.election.authCount).toBe(0);
  });

  it('votes from replicas, from masters without slots, or for an older epoch are not counted', () => {
    const sim = scenario();
    sim.untilKind('send-auth-request');
    expect(sim.core.onAuthAck(sim.view, sim.node('r1'), sim.view.currentEpoch)).toBe(false);
    sim.view.slots.unassignNode(nid('m2'));
    expect(sim.core.onAuthAck(sim.view, sim.node('m2'), sim.view.currentEpoch)).toBe(false);
    expect(sim.core.onAuthAck(sim.view, sim.node('m1'), sim.core.election.authEpoch - 1)).toBe(false);
    expect(sim.core.election.authCount).toBe(0);
  });

  it('data older than repl-ping-period x 1000 + node-timeout x validity-factor (beyond the first node-timeout) forbids the election', () => {
    // 10 s + 1 s x 10 = 20 s allowed, plus the free node-timeout: 21 s is fine, 21.001 s is not.
    const fresh = scenario({ dataAge: 21_000 });
    expect(fresh.untilKind('send-auth-request')).toBeDefined();
    const stale = scenario({ dataAge: 21_001 });
    expect(stale.untilKind('send-auth-request', 5000)).toBeUndefined();
    expect(stale.core.election.cantFailoverReason).toBe('data-age');
    // Factor 0: any age may fail over.
    expect(scenario({ dataAge: 10_000_000, settings: { replicaValidityFactor: 0 } }).untilKind('send-auth-request')).toBeDefined();
  });

  it('cluster-replica-no-failover keeps it from running, as does a master that is not FAIL or has no slots', () => {
    expect(scenario({ settings: { replicaNoFailover: true } }).untilKind('send-auth-request', 5000)).toBeUndefined();
    const up = scenario();
    up.node('m3').flags &= ~NodeFlag.Fail;
    expect(up.untilKind('send-auth-request', 5000)).toBeUndefined();
    const slotless = scenario();
    slotless.view.slots.unassignNode(nid('m3'));
    expect(slotless.untilKind('send-auth-request', 5000)).toBeUndefined();
  });

  it('logs why it cannot fail over only once the master has been FAIL for node-timeout + 5 s, then not again for 5 minutes', () => {
    const sim = scenario({ dataAge: 1_000_000 });
    const logs: ClusterAction[] = [];
    for (let i = 0; i < 100; i++) logs.push(...sim.tick().filter((a) => a.kind === 'log'));
    expect(logs).toEqual([
      { kind: 'log', level: 'warning', message: "Currently unable to failover: Disconnected from master for longer than allowed. Please check the 'cluster-replica-validity-factor' configuration option." },
    ]);
  });
});
