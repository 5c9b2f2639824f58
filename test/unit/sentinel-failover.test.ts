// Scenario tests of the sentinel decision core on a fake clock: discovery, the failover from SDOWN to
// +switch-master on every sentinel, and the safety rules (quorum, majority, priority 0, one leader).

import { describe, expect, it } from 'vitest';
import { Sim, type SimSentinel } from '../helpers/sentinel-sim.js';
import { startRank } from '../../src/sentinel/core/failover.js';

const M = 7000;
const R1 = 7001;
const R2 = 7002;
const S = [26001, 26002, 26003];

function world(options: { quorum?: number; r2Priority?: number; r1Priority?: number; sentinels?: number } = {}): Sim {
  const sim = new Sim();
  sim.addNode(M, 'master', null, 500);
  sim.addNode(R1, 'slave', M, 400, options.r1Priority ?? 100);
  sim.addNode(R2, 'slave', M, 500, options.r2Priority ?? 100);
  for (const port of S.slice(0, options.sentinels ?? 3)) sim.addSentinel(port, [{ name: 'mymaster', port: M, quorum: options.quorum ?? 2 }]);
  return sim;
}

function discovered(sim: Sim): boolean {
  return sim.sentinels.every((s) => {
    const master = s.core.masters.get('mymaster')!;
    return master.replicas.size === 2 && master.sentinels.size === sim.sentinels.length - 1;
  });
}

/** How many sentinels are past the election for this master at this moment. */
function leadersNow(sim: Sim): SimSentinel[] {
  return sim.sentinels.filter((s) => {
    const m = s.core.masters.get('mymaster')!;
    return m.failoverInProgress && m.failoverState !== 'wait_start';
  });
}

describe('sentinel core: discovery', () => {
  it('finds the replicas from INFO and the other sentinels from hellos', () => {
    const sim = world();
    expect(sim.runUntil(() => discovered(sim), 5000)).toBe(true);
    expect(sim.events('+slave').map((e) => e.message)).toContain('slave 127.0.0.1:7001 127.0.0.1 7001 @ mymaster 127.0.0.1 7000');
    expect(sim.events('+sentinel').length).toBe(6);
    // Nothing is down in a healthy world.
    sim.run(3000);
    expect(sim.events('+sdown')).toEqual([]);
  });
});

describe('sentinel core: failover', () => {
  it('kills the master: sdown, odown, one leader, best replica promoted, others repointed, all switch', () => {
    const sim = world();
    sim.runUntil(() => discovered(sim), 5000);
    sim.nodes.get(M)!.alive = false;
    const killedAt = sim.now;
    let maxLeaders = 0;
    const done = sim.runUntil(() => {
      maxLeaders = Math.max(maxLeaders, leadersNow(sim).length);
      return sim.sentinels.every((s) => s.core.masters.get('mymaster')!.port === R2);
    }, 10_000);
    expect(done).toBe(true);
    expect(maxLeaders).toBe(1);
    // R2 has the larger offset: it is the one promoted; R1 now replicates from it.
    expect(sim.nodes.get(R2)!.role).toBe('master');
    expect(sim.nodes.get(R1)!).toMatchObject({ role: 'slave', masterPort: R2 });
    const elected = sim.events('+elected-leader');
    expect(elected.length).toBe(1);
    expect(sim.events('+odown')[0]!.message).toMatch(/^master mymaster 127\.0\.0\.1 7000 #quorum \d\/2$/);
    expect(sim.events('+promoted-slave')[0]!.message).toBe('slave 127.0.0.1:7002 127.0.0.1 7002 @ mymaster 127.0.0.1 7000');
    expect(sim.events('+switch-master').map((e) => e.message)).toEqual(Array(3).fill('mymaster 127.0.0.1 7000 127.0.0.1 7002'));
    // The decision is quick once down-after has passed: promoted well before down-after + 1 s.
    expect(sim.events('+promoted-slave')[0]!.at - killedAt).toBeLessThan(1000 + 1000);
    // Every sentinel keeps the old master as a replica of the new one, and its epoch advanced.
    for (const s of sim.sentinels) {
      const master = s.core.masters.get('mymaster')!;
      expect([...master.replicas.keys()].sort()).toEqual(['127.0.0.1:7000', '127.0.0.1:7001']);
      expect(master.configEpoch).toBe(1);
      expect(s.core.currentEpoch).toBe(1);
    }
  });

  it('sentinels start their attempts in distinct slots by run id (no two collide), and one attempt wins', () => {
    const sim = world();
    sim.runUntil(() => discovered(sim), 5000);
    const byId = [...sim.sentinels].sort((a, b) => (a.core.myid < b.core.myid ? -1 : 1));
    expect(byId.map((s) => startRank(s.core, s.core.masters.get('mymaster')!))).toEqual([0, 1, 2]);
    sim.nodes.get(M)!.alive = false;
    sim.runUntil(() => sim.events('+switch-master').length === 3, 10_000);
    expect(sim.events('+try-failover').length).toBe(1);
    expect(sim.events('+elected-leader').length).toBe(1);
  });

  it('publishes the leader events in Redis order', () => {
    const sim = world();
    sim.runUntil(() => discovered(sim), 5000);
    sim.nodes.get(M)!.alive = false;
    sim.runUntil(() => sim.events('+switch-master').length === 3, 10_000);
    const leader = sim.sentinels.find((s) => s.events.some((e) => e.channel === '+elected-leader'))!;
    const order = leader.events.map((e) => e.channel).filter((c) => c.startsWith('+') && c !== '+slave' && c !== '+sentinel');
    const expected = [
      '+sdown', '+odown', '+new-epoch', '+try-failover', '+vote-for-leader', '+elected-leader', '+failover-state-select-slave',
      '+selected-slave', '+failover-state-send-slaveof-noone', '+failover-state-wait-promotion', '+promoted-slave',
      '+failover-state-reconf-slaves', '+slave-reconf-sent', '+slave-reconf-inprog', '+slave-reconf-done', '+failover-end', '+switch-master',
    ];
    expect(order.filter((c) => expected.includes(c))).toEqual(expected);
  });

  it('brings the old master back as a replica of the new one (+convert-to-slave)', () => {
    const sim = world();
    sim.runUntil(() => discovered(sim), 5000);
    const old = sim.nodes.get(M)!;
    old.alive = false;
    sim.runUntil(() => sim.events('+switch-master').length === 3, 10_000);
    old.alive = true; // restarted: an empty master again
    expect(sim.runUntil(() => old.role === 'slave' && old.masterPort === R2, 20_000)).toBe(true);
    expect(sim.events('+convert-to-slave').length).toBeGreaterThanOrEqual(1);
    expect(sim.events('+convert-to-slave')[0]!.message).toBe('slave 127.0.0.1:7000 127.0.0.1 7000 @ mymaster 127.0.0.1 7002');
  });

  it('never promotes a replica with priority 0', () => {
    const sim = world({ r2Priority: 0 });
    sim.runUntil(() => discovered(sim), 5000);
    sim.nodes.get(M)!.alive = false;
    expect(sim.runUntil(() => sim.events('+switch-master').length === 3, 10_000)).toBe(true);
    expect(sim.nodes.get(R1)!.role).toBe('master');
    expect(sim.nodes.get(R2)!).toMatchObject({ role: 'slave', masterPort: R1 });
  });

  it('aborts with no good replica when every replica has priority 0', () => {
    const sim = world({ r1Priority: 0, r2Priority: 0 });
    sim.runUntil(() => discovered(sim), 5000);
    sim.nodes.get(M)!.alive = false;
    sim.run(4000);
    expect(sim.events('-failover-abort-no-good-slave').length).toBeGreaterThanOrEqual(1);
    expect(sim.events('+promoted-slave')).toEqual([]);
    expect([...sim.nodes.values()].filter((n) => n.role === 'master').map((n) => n.port)).toEqual([M]);
  });
});

describe('sentinel core: no failover without agreement', () => {
  it('one sentinel cut from the master sees sdown but never odown (quorum 2)', () => {
    const sim = world();
    sim.runUntil(() => discovered(sim), 5000);
    sim.cut(S[0]!, M);
    sim.run(6000);
    expect(sim.sentinels[0]!.events.map((e) => e.channel)).toContain('+sdown');
    expect(sim.events('+odown')).toEqual([]);
    expect(sim.events('+try-failover')).toEqual([]);
    expect(sim.nodes.get(M)!.role).toBe('master');
  });

  it('a partitioned minority never fails over, even with quorum 1 (it cannot win a majority)', () => {
    const sim = world({ quorum: 1 });
    sim.runUntil(() => discovered(sim), 5000);
    sim.isolate(S[0]!);
    sim.run(8000);
    const isolated = sim.sentinels[0]!.events.map((e) => e.channel);
    expect(isolated).toContain('+odown');
    expect(isolated).toContain('-failover-abort-not-elected');
    expect(isolated).not.toContain('+elected-leader');
    expect(sim.events('+promoted-slave')).toEqual([]);
    expect(sim.nodes.get(R1)!.role).toBe('slave');
    expect(sim.nodes.get(R2)!.role).toBe('slave');
  });

  it('no quorum: with quorum 3 and one sentinel down, a dead master is never failed over', () => {
    const sim = world({ quorum: 3 });
    sim.runUntil(() => discovered(sim), 5000);
    sim.sentinels[2]!.alive = false;
    sim.nodes.get(M)!.alive = false;
    sim.run(6000);
    expect(sim.events('+sdown').some((e) => e.message.startsWith('master'))).toBe(true);
    expect(sim.events('+odown')).toEqual([]);
    expect(sim.events('+promoted-slave')).toEqual([]);
  });
});

describe('sentinel core: timeouts and repairs', () => {
  it('aborts a promotion that never happens, and only retries after twice the failover-timeout', () => {
    const sim = world();
    sim.runUntil(() => discovered(sim), 5000);
    sim.nodes.get(R2)!.ignoresSlaveOf = true; // the best replica never becomes a master
    sim.nodes.get(M)!.alive = false;
    expect(sim.runUntil(() => sim.events('-failover-abort-slave-timeout').length > 0, 10_000)).toBe(true);
    const abortedAt = sim.events('-failover-abort-slave-timeout')[0]!.at;
    // No second attempt overlaps: the next +try-failover comes after the 2 x 5000 ms cool-down.
    expect(sim.runUntil(() => sim.events('+try-failover').length > 1, 20_000)).toBe(true);
    const tries = sim.events('+try-failover').map((e) => e.at).sort((a, b) => a - b);
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(2 * 5000);
    expect(tries[1]!).toBeGreaterThan(abortedAt);
    expect(sim.nodes.get(R2)!.role).toBe('slave');
  });

  it('repoints a replica that follows the wrong master after failover-timeout (+fix-slave-config)', () => {
    const sim = world();
    sim.runUntil(() => discovered(sim), 5000);
    sim.addNode(7009, 'master', null); // a stray master
    sim.nodes.get(R1)!.masterPort = 7009;
    expect(sim.runUntil(() => sim.nodes.get(R1)!.masterPort === M, 30_000)).toBe(true);
    expect(sim.events('+fix-slave-config')[0]!.message).toBe('slave 127.0.0.1:7001 127.0.0.1 7001 @ mymaster 127.0.0.1 7000');
  });

  it('a sentinel cut off during the failover adopts the new master once it hears a hello', () => {
    const sim = world();
    sim.runUntil(() => discovered(sim), 5000);
    sim.isolate(S[2]!);
    sim.nodes.get(M)!.alive = false;
    sim.runUntil(() => sim.events('+switch-master').length === 2, 10_000);
    expect(sim.sentinels[2]!.core.masters.get('mymaster')!.port).toBe(M);
    sim.heal();
    sim.nodes.get(M)!.alive = false;
    expect(sim.runUntil(() => sim.sentinels[2]!.core.masters.get('mymaster')!.port === R2, 5000)).toBe(true);
    expect(sim.sentinels[2]!.events.some((e) => e.channel === '+config-update-from')).toBe(true);
  });
});

describe('sentinel core: several masters', () => {
  it('fails over only the master that died, each with its own epoch and replicas', () => {
    const sim = new Sim();
    sim.addNode(M, 'master', null, 10);
    sim.addNode(R1, 'slave', M, 10);
    sim.addNode(8000, 'master', null, 10);
    sim.addNode(8001, 'slave', 8000, 10);
    const monitors = [
      { name: 'alpha', port: M, quorum: 2 },
      { name: 'beta', port: 8000, quorum: 2 },
    ];
    for (const port of S) sim.addSentinel(port, monitors);
    sim.runUntil(() => sim.sentinels.every((s) => [...s.core.masters.values()].every((m) => m.replicas.size === 1 && m.sentinels.size === 2)), 5000);
    sim.nodes.get(8000)!.alive = false;
    expect(sim.runUntil(() => sim.sentinels.every((s) => s.core.masters.get('beta')!.port === 8001), 10_000)).toBe(true);
    sim.run(2000);
    for (const s of sim.sentinels) {
      expect(s.core.masters.get('alpha')!.port).toBe(M);
      expect(s.core.masters.get('alpha')!.configEpoch).toBe(0);
      expect(s.core.masters.get('beta')!.configEpoch).toBe(1);
    }
    expect(sim.events('+switch-master').map((e) => e.message)).toEqual(Array(3).fill('beta 127.0.0.1 8000 127.0.0.1 8001'));
    expect(sim.nodes.get(R1)!).toMatchObject({ role: 'slave', masterPort: M });
  });
});
