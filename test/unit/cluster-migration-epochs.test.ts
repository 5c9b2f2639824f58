// Replica migration (cluster.c 7.0 clusterHandleSlaveMigration with clusterCron's census) and
// configEpoch collisions (clusterHandleConfigEpochCollision), scripted on a fake clock.

import { describe, expect, it } from 'vitest';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import { bumpConfigEpochWithoutConsensus, handleConfigEpochCollision } from '../../src/server/cluster/core/epochs.js';
import { FailoverCore } from '../../src/server/cluster/core/failover-core.js';
import { replicaMigration } from '../../src/server/cluster/core/migration.js';
import { nid, settings, viewOf } from '../helpers/cluster-world.js';

/** m1 has two working replicas (r1, r1b), m3 lost its only replica r3: an orphan. */
function orphanWorld(me = 'r1') {
  const view = viewOf(me, [
    { name: 'm1', slots: [0, 5460], replicas: ['r1', 'r1b'] },
    { name: 'm2', slots: [5461, 10922], replicas: ['r2'] },
    { name: 'm3', slots: [10923, 16383], replicas: ['r3'] },
  ]);
  view.node(nid('r3'))!.flags |= NodeFlag.Fail;
  return view;
}

describe('replica migration', () => {
  it('the smallest-id replica of the best-covered master moves to the orphan after it stayed orphaned for more than 5 s', () => {
    const view = orphanWorld('r1');
    const s = settings();
    expect(replicaMigration(view, 10_000, s)).toEqual([]);
    expect(view.node(nid('m3'))!.orphanedTime).toBe(10_000);
    expect(replicaMigration(view, 15_000, s)).toEqual([]);
    expect(replicaMigration(view, 15_001, s)).toContainEqual({ kind: 'replicate', masterId: nid('m3') });
  });

  it('the other replica of that master stays', () => {
    const view = orphanWorld('r1b');
    replicaMigration(view, 10_000, settings());
    expect(replicaMigration(view, 20_000, settings())).toEqual([]);
  });

  it('the orphan clock is kept while no orphan exists: Redis resets it only when its census finds some orphan', () => {
    const view = orphanWorld('r1');
    replicaMigration(view, 10_000, settings());
    view.node(nid('r3'))!.flags &= ~NodeFlag.Fail;
    expect(replicaMigration(view, 12_000, settings())).toEqual([]);
    expect(view.node(nid('m3'))!.orphanedTime).toBe(10_000);
    view.node(nid('r3'))!.flags |= NodeFlag.Fail;
    expect(replicaMigration(view, 14_000, settings())).toEqual([]);
    expect(replicaMigration(view, 15_001, settings())).toContainEqual({ kind: 'replicate', masterId: nid('m3') });
  });

  it('a master that is not an orphan has its clock reset when the handler runs', () => {
    const view = orphanWorld('r1');
    view.node(nid('m2'))!.orphanedTime = 1234;
    replicaMigration(view, 10_000, settings());
    expect(view.node(nid('m2'))!.orphanedTime).toBe(0);
  });

  it('refuses: migration barrier not kept, replica migration disallowed, cluster down, master that never had replicas', () => {
    const barrier = orphanWorld();
    replicaMigration(barrier, 10_000, settings({ migrationBarrier: 2 }));
    expect(replicaMigration(barrier, 20_000, settings({ migrationBarrier: 2 }))).toEqual([]);

    const disallowed = orphanWorld();
    replicaMigration(disallowed, 10_000, settings({ allowReplicaMigration: false }));
    expect(replicaMigration(disallowed, 20_000, settings({ allowReplicaMigration: false }))).toEqual([]);

    const down = orphanWorld();
    down.health = 'fail';
    replicaMigration(down, 10_000, settings());
    expect(replicaMigration(down, 20_000, settings())).toEqual([]);

    const never = orphanWorld();
    never.node(nid('m3'))!.flags &= ~NodeFlag.MigrateTo;
    replicaMigration(never, 10_000, settings());
    expect(replicaMigration(never, 20_000, settings())).toEqual([]);
  });

  it('a sibling in PFAIL does not count toward the barrier', () => {
    const view = orphanWorld('r1');
    view.node(nid('r1b'))!.flags |= NodeFlag.PFail;
    replicaMigration(view, 10_000, settings());
    expect(replicaMigration(view, 20_000, settings())).toEqual([]);
  });

  it('runs from the cron of a replica', () => {
    const view = orphanWorld('r1');
    const core = new FailoverCore();
    const input = (now: number) => ({ now, random: () => 0, myOffset: 0, dataAge: 0, settings: settings() });
    core.cron(view, input(10_000));
    expect(core.cron(view, input(16_000))).toContainEqual({ kind: 'replicate', masterId: nid('m3') });
  });
});

describe('configEpoch collisions', () => {
  const three = [
    { name: 'm1', slots: [0, 5460] as [number, number], configEpoch: 5 },
    { name: 'm2', slots: [5461, 10922] as [number, number], configEpoch: 5 },
    { name: 'm3', slots: [10923, 16383] as [number, number], configEpoch: 2 },
  ];

  it('of two masters with the same configEpoch, the smaller id takes currentEpoch + 1 and saves with fsync', () => {
    const view = viewOf('m1', three);
    expect(handleConfigEpochCollision(view, view.node(nid('m2'))!)).toContainEqual({ kind: 'save-config', fsync: true });
    expect(view.myself.configEpoch).toBe(6);
    expect(view.currentEpoch).toBe(6);
  });

  it('the larger id keeps its epoch; different epochs or a replica are no collision', () => {
    const larger = viewOf('m2', three);
    expect(handleConfigEpochCollision(larger, larger.node(nid('m1'))!)).toEqual([]);
    expect(larger.myself.configEpoch).toBe(5);
    const other = viewOf('m1', three);
    expect(handleConfigEpochCollision(other, other.node(nid('m3'))!)).toEqual([]);
    other.node(nid('m2'))!.flags = NodeFlag.Slave;
    expect(handleConfigEpochCollision(other, other.node(nid('m2'))!)).toEqual([]);
  });

  it('the core checks a PING/PONG/MEET header for it, not other messages', () => {
    const view = viewOf('m1', three);
    const core = new FailoverCore();
    expect(core.onHeader(view, view.node(nid('m2'))!, { configEpoch: 5, mflags: 0 }, false)).toEqual([]);
    expect(core.onHeader(view, view.node(nid('m2'))!, { configEpoch: 5, mflags: 0 }, true)).toContainEqual({ kind: 'save-config', fsync: true });
  });

  it('bumping without consensus takes a new epoch only when ours is 0 or not the largest', () => {
    const view = viewOf('m3', three);
    expect(bumpConfigEpochWithoutConsensus(view)).toContainEqual({ kind: 'log', level: 'warning', message: 'New configEpoch set to 6' });
    expect(view.myself.configEpoch).toBe(6);
    expect(bumpConfigEpochWithoutConsensus(view)).toEqual([]);
    expect(view.myself.configEpoch).toBe(6);
  });
});
