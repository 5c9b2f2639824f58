// The active expiry cycle: reclaims expired keys without any traffic, resumes where it stopped,
// respects its time budget, stays idle on a replica, and propagates each expiry as DEL.

import { beforeEach, describe, expect, it } from 'vitest';
import { ExpireCycle, installExpireCycle } from '../../src/server/keyspace/expire-cycle.js';
import { makeServer } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';

const T0 = 1_700_000_000_000;

let server: Server;
beforeEach(() => {
  server = makeServer();
});

/** Fills db `id` with `count` keys expiring at T0 + ttl, named prefix:i. */
function fill(id: number, count: number, ttl: number, prefix = 'k'): void {
  const db = server.db(id);
  for (let i = 0; i < count; i++) {
    db.set(`${prefix}:${i}`, 'v');
    db.setExpire(`${prefix}:${i}`, T0 + ttl);
  }
}

/** A clock that advances by `step` ms each time it is read: the budget runs out deterministically. */
function steppingClock(step: number): () => number {
  let now = 0;
  return () => (now += step);
}

describe('active expiry', () => {
  it('reclaims the memory of expired keys with no client traffic', () => {
    fill(0, 1000, 100);
    fill(3, 500, 100, 'other');
    server.db(0).set('persistent', 'v');
    fill(0, 10, 60_000, 'later');
    const cycle = new ExpireCycle(server, { clock: steppingClock(0) });
    expect(cycle.run(T0 + 50)).toBe(0);
    let expired = 0;
    for (let tick = 0; tick < 20 && expired < 1500; tick++) expired += cycle.run(T0 + 200);
    expect(expired).toBe(1500);
    expect(server.db(0).data.size).toBe(11);
    expect(server.db(0).expires.size).toBe(10);
    expect(server.db(3).data.size).toBe(0);
    expect(server.stats.expiredKeys).toBe(1500);
  });

  it('propagates each expiry as DEL (UNLINK with lazyfree-lazy-expire)', () => {
    fill(2, 3, 100);
    const sent: [number, string[]][] = [];
    server.requestPath.observe({ propagate: (db, cmds) => cmds.forEach((c) => sent.push([db, c])) });
    new ExpireCycle(server).run(T0 + 200);
    expect(sent).toEqual([
      [2, ['DEL', 'k:0']],
      [2, ['DEL', 'k:1']],
      [2, ['DEL', 'k:2']],
    ]);
  });

  it('stops within its time budget on a huge map, and the next tick resumes the work', () => {
    fill(0, 100_000, 100);
    // Every clock read advances 1ms; the budget at hz 10 is 25ms, read every 16 rounds of 20 keys.
    const cycle = new ExpireCycle(server, { clock: steppingClock(1) });
    expect(cycle.budgetMs()).toBe(25);
    const first = cycle.run(T0 + 200);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(100_000);
    expect(cycle.timeCapReached).toBe(1);
    const second = cycle.run(T0 + 200);
    expect(second).toBeGreaterThan(0);
    expect(server.db(0).data.size).toBe(100_000 - first - second);
  });

  it('stops repeating once few sampled keys are expired', () => {
    // One expired key among 1000 live ones: a round of 20 is mostly fresh, so one round suffices.
    fill(0, 1000, 60_000);
    fill(0, 1, 100, 'old');
    const cycle = new ExpireCycle(server, { clock: steppingClock(0) });
    cycle.run(T0 + 200);
    // The expired key sits last in the map: one round of 20 live keys did not walk that far.
    expect(server.db(0).data.has('old:0')).toBe(true);
    // The persistent walker reaches the old key within size / 20 ticks.
    for (let tick = 0; tick < 60; tick++) cycle.run(T0 + 200);
    expect(server.db(0).data.has('old:0')).toBe(false);
  });

  it('deletes nothing on a replica (the master sends DEL)', () => {
    fill(0, 100, 100);
    server.isReplica = true;
    const cycle = new ExpireCycle(server);
    expect(cycle.run(T0 + 200)).toBe(0);
    expect(server.db(0).data.size).toBe(100);
  });

  it('is installed once as a cron task', () => {
    const first = installExpireCycle(server);
    expect(installExpireCycle(server)).toBe(first);
  });
});
