// Scenario tests of the fence core (server/fencing/core) on a fake clock, continued: a restarted
// master waiting for its remembered authority, the min-replicas-to-write path without one, the
// authority's own arithmetic, and the same rules driven by a cluster-shaped authority.

import { describe, expect, it } from 'vitest';
import { Authority, majorityOf } from '../../src/server/fencing/core/authority.js';
import { ConfigEpochs } from '../../src/server/fencing/core/config-epochs.js';
import { FenceCore } from '../../src/server/fencing/core/fence-core.js';
import type { FenceAction, NodeView, TickObservation } from '../../src/server/fencing/core/types.js';

const IDS = ['aaaaaaaa', 'bbbbbbbb', 'cccccccc'];
const OLD = ['dddddddd', 'eeeeeeee', 'ffffffff'];
const T0 = 1_000_000;
const MASTER: NodeView = { isReplica: false, configuredLeaseMs: 2000, minReplicasToWrite: 0, heuristic: true };

/** A tick's observation: the given members active at `now`, the given replica ACK times. */
function seen(heard: readonly string[], now: number, replicaAckTimes: number[] = []): TickObservation {
  return { traffic: heard.map((id) => [id, now] as const), replicaAckTimes, linkOpen: () => true };
}

/** Cron ticks every 100 ms in (from, to], `heard` active and (if `hellos`) naming the master at each. */
function run(core: FenceCore, from: number, to: number, heard: readonly string[], hellos = false, node = MASTER): FenceAction[] {
  const actions: FenceAction[] = [];
  for (let t = from + 100; t <= to; t += 100) {
    if (hellos) for (const id of heard) core.announce({ from: id, epoch: 0, namesUs: true }, node, t);
    core.cron(node, seen(heard, t), t);
    actions.push(...core.drain());
  }
  return actions;
}

function booted(remembered: readonly string[], node = MASTER): FenceCore {
  const core = new FenceCore(T0);
  expect(core.boot(remembered, node, T0)).toBe(node.isReplica ? 0 : remembered.length);
  return core;
}

describe('fence core: after a restart', () => {
  it('begins fenced and waits until confirmations reach a majority of the group it remembers', () => {
    const core = booted(IDS);
    expect(core.reason).toBe('restart');
    expect(core.drain().map((a) => a.type)).toEqual(['log', 'changed', 'disconnect-clients']);
    const actions = run(core, T0, T0 + 1000, ['aaaaaaaa'], true);
    expect(core.reason).toBe('restart');
    // While a restart waits, the remembered group is not rewritten.
    expect(actions.filter((a) => a.type === 'remember')).toEqual([]);
    run(core, T0 + 1000, T0 + 1100, ['aaaaaaaa', 'bbbbbbbb'], true);
    expect(core.fenced).toBe(false);
    expect(core.authority.ids()).toEqual(['aaaaaaaa', 'bbbbbbbb']); // cccccccc never answered
    expect(run(core, T0 + 1100, T0 + 1200, [])).toContainEqual({ type: 'remember', ids: ['aaaaaaaa', 'bbbbbbbb'] });
  });

  it('when its group was replaced, a majority of them confirming forgets the absent ones at once', () => {
    const core = booted(OLD);
    const actions = run(core, T0, T0 + 500, IDS, true);
    expect(core.fenced).toBe(false);
    expect(core.authority.ids()).toEqual(IDS);
    expect(actions.map((a) => a.type)).toContain('forget-remembered');
  });

  it('stays fenced while none of its group comes back (dead or cut off, it cannot tell), naming those it waits for', () => {
    const core = booted(IDS);
    core.drain();
    run(core, T0, T0 + 60_000, []);
    expect(core.reason).toBe('restart');
    const explained = core.explain(MASTER, T0 + 60_000)!;
    expect(explained.waitingFor).toEqual(IDS);
    expect(explained.why).toBe('this master restarted, and the 3 sentinel(s) that monitored it may have promoted a replica meanwhile');
    expect(explained.liftedBy).toMatch(/^hellos naming this master from 2 of them, or their FENCING RELEASE/);
  });

  it('ends as soon as it is certain: the group releases it (SENTINEL REMOVE on them) or an operator forgets them', () => {
    const released = booted(IDS);
    released.release(IDS[0]!, MASTER, T0 + 100);
    expect(released.fenced).toBe(true);
    expect(released.explain(MASTER, T0 + 100)!.waitingFor).toEqual(IDS.slice(1));
    released.release(IDS[1]!, MASTER, T0 + 200);
    released.release(IDS[2]!, MASTER, T0 + 300, 'forgotten');
    expect(released.fenced).toBe(false);
    expect(released.active(MASTER)).toBe(false);
    const log = released.drain().flatMap((a) => (a.type === 'log' ? [a.message] : []));
    expect(log.at(-1)).toBe('Unfenced: no sentinel holds a lease on this master any more');
    expect(log).toContain('Sentinel cccccccc was forgotten (FENCING FORGET): 0 sentinel(s) can fence this master now');
  });

  it('newcomers too few to outvote the old group do not lift it (no blind grace period); forgetting the old group does', () => {
    const core = booted([...OLD, '11111111', '22222222', '33333333']);
    run(core, T0, T0 + 30_000, IDS, true);
    expect(core.reason).toBe('restart');
    for (const id of [...OLD, '11111111', '22222222', '33333333']) core.release(id, MASTER, T0 + 30_000, 'forgotten');
    run(core, T0 + 30_000, T0 + 30_300, IDS, true);
    expect(core.fenced).toBe(false);
    expect(core.authority.ids()).toEqual(IDS);
  });

  it('made a replica before being confirmed, it forgets the remembered members that never answered', () => {
    const core = booted(OLD);
    const replica = { ...MASTER, isReplica: true };
    run(core, T0, T0 + 300, IDS, false, replica);
    expect(core.fenced).toBe(false);
    expect(core.authority.ids()).toEqual(IDS);
    run(core, T0 + 300, T0 + 2000, IDS);
    expect(core.fenced).toBe(false);
  });

  it('boots unfenced, forgetting what it remembered, as a replica, with no lease, or with nothing remembered', () => {
    for (const [remembered, node] of [
      [IDS, { ...MASTER, isReplica: true }],
      [IDS, { ...MASTER, configuredLeaseMs: 0 }],
      [[], MASTER],
    ] as const) {
      const core = new FenceCore(T0);
      expect(core.boot(remembered, node, T0)).toBe(0);
      expect(core.fenced).toBe(false);
      expect(core.drain()).toEqual([{ type: 'forget-remembered' }]);
    }
  });
});

describe('fence core: without an authority (min-replicas-to-write)', () => {
  const node = { ...MASTER, minReplicasToWrite: 1 };

  it('never fences on the lease, fences on a stall, and is confirmed by a replica ACK from the second tick on', () => {
    const core = new FenceCore(T0);
    for (let t = T0 + 100; t <= T0 + 5000; t += 100) core.cron(node, seen([], t), t);
    expect(core.check(node, T0 + 5000)).toBeNull();
    expect(core.check(node, T0 + 7000)).toBe('stall');
    // ACKs that arrived before the second tick after the stall do not count.
    core.cron(node, seen([], T0 + 7100, [T0 + 7050]), T0 + 7100);
    core.cron(node, seen([], T0 + 7200, [T0 + 7150]), T0 + 7200);
    expect(core.fenced).toBe(true);
    core.cron(node, seen([], T0 + 7300, [T0 + 7250]), T0 + 7300);
    expect(core.fenced).toBe(false);
  });

  it('needs min-replicas-to-write fresh ACKs, not one', () => {
    const two = { ...node, minReplicasToWrite: 2 };
    const core = new FenceCore(T0);
    core.fence('stall', T0);
    for (let t = T0 + 100; t <= T0 + 500; t += 100) core.cron(two, seen([], t, [t, T0 - 1]), t);
    expect(core.fenced).toBe(true);
    core.cron(two, seen([], T0 + 600, [T0 + 600, T0 + 600]), T0 + 600);
    expect(core.fenced).toBe(false);
  });
});

describe('authority', () => {
  it('majority, freshness and the time a majority was heard', () => {
    expect([1, 2, 3, 4, 5].map(majorityOf)).toEqual([1, 2, 2, 3, 3]);
    const a = new Authority();
    a.setHeuristic(true);
    a.hear('x', 100);
    a.hear('y', 300);
    a.hear('z', 200);
    a.hear('y', 250); // never moves back
    expect(a.majorityHeardAt()).toBe(200);
    expect(a.freshCount(1200, 1000)).toBe(2);
    a.remember('w'); // four members: a majority is three
    expect(a.majorityHeardAt()).toBe(100);
    expect(a.forgetNeverHeard()).toBe(3);
    expect(a.describe(300)).toBe('x? 200 ms, y? 0 ms, z? 100 ms');
  });

  it('confirmations count from a time; a forgotten member takes its confirmation along', () => {
    const a = new Authority();
    a.setHeuristic(true);
    a.remember('x');
    a.hear('y', 10);
    a.confirm('x', 50);
    a.confirm('y', 40);
    expect(a.confirmations(45)).toBe(1);
    a.forgetNeverHeard();
    expect(a.confirmations(0)).toBe(1);
  });

  it('an acking member is heard only by confirmed send times, and stays acking once forgotten', () => {
    const a = new Authority();
    a.setHeuristic(true);
    a.remember('x');
    a.startAcking('x');
    a.hear('x', 500);
    expect(a.everHeard('x')).toBe(false);
    a.forgetNeverHeard();
    expect(a.isAcking('x')).toBe(true);
    expect(a.allAcking).toBe(false); // no members
    a.hearConfirmed('x', 400);
    expect(a.allAcking).toBe(true);
    expect(a.majorityHeardAt()).toBe(400);
  });
});

describe('config epochs', () => {
  it('confirms at the newest epoch, supersedes above the newest naming us or seen as a replica', () => {
    const e = new ConfigEpochs();
    expect(e.observe(0, true, false)).toBe('confirms');
    expect(e.observe(4, false, true)).toBe('none'); // as a replica: the baseline
    expect(e.observe(4, false, false)).toBe('none');
    expect(e.observe(3, true, false)).toBe('none'); // older than one naming another
    expect(e.observe(5, false, false)).toBe('supersedes');
    expect(e.observe(5, true, false)).toBe('confirms');
  });
});

describe('a cluster-shaped authority drives the same rules', () => {
  // Redis Cluster: the slot-owning masters (40-character node ids), heard by PONGs answering our
  // PINGs (acking: heard = when the answered PING was sent), configuration = their config epochs.
  const MASTERS = ['1'.repeat(40), '2'.repeat(40), '3'.repeat(40), '4'.repeat(40), '5'.repeat(40)];
  const CLUSTER: NodeView = { isReplica: false, configuredLeaseMs: 15_000, minReplicasToWrite: 0, heuristic: true };

  it('fences without a majority of PONGs within the lease and unfences on their newer announcements', () => {
    const core = new FenceCore(T0);
    const pong = (ids: string[], sentAt: number) => {
      for (const id of ids) {
        core.authority.startAcking(id);
        core.authority.hearConfirmed(id, sentAt);
      }
    };
    pong(MASTERS, T0);
    for (let t = T0 + 100; t <= T0 + 15_000; t += 100) {
      pong(MASTERS.slice(0, 2), t - 50);
      core.cron(CLUSTER, seen([], t), t);
    }
    expect(core.fenced).toBe(false);
    core.cron(CLUSTER, seen([], T0 + 15_100), T0 + 15_100);
    expect(core.reason).toBe('lease');
    for (let t = T0 + 15_200; t <= T0 + 15_500; t += 100) {
      pong(MASTERS.slice(0, 3), t - 50);
      MASTERS.slice(0, 3).forEach((id) => core.announce({ from: id, epoch: 7, namesUs: true }, CLUSTER, t));
      core.cron(CLUSTER, seen([], t), t);
    }
    expect(core.fenced).toBe(false);
    core.announce({ from: MASTERS[4]!, epoch: 8, namesUs: false }, CLUSTER, T0 + 15_600);
    expect(core.check(CLUSTER, T0 + 15_600)).toBe('config');
  });
});
