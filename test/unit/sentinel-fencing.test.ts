// The sentinel side of self-fencing and sync-replicas, on the fake clock: no promotion before the
// old master's lease (learnt from its INFO) has run out, and with sync-replicas only a replica that
// holds every acknowledged write is promoted.

import { describe, expect, it } from 'vitest';
import { Sim } from '../helpers/sentinel-sim.js';

const M = 7000;
const R1 = 7001;
const R2 = 7002;

function world(masterInfo: string[], r1Priority = 100): Sim {
  const sim = new Sim();
  sim.addNode(M, 'master', null, 500).extraInfo = masterInfo;
  sim.addNode(R1, 'slave', M, 400, r1Priority);
  sim.addNode(R2, 'slave', M, 500);
  for (const port of [26001, 26002, 26003]) sim.addSentinel(port, [{ name: 'mymaster', port: M, quorum: 2, downAfterMs: 1000 }]);
  sim.runUntil(
    () => sim.sentinels.every((s) => s.core.masters.get('mymaster')!.replicas.size === 2 && s.core.masters.get('mymaster')!.sentinels.size === 2),
    5000,
  );
  return sim;
}

function lastReachable(sim: Sim): number {
  return Math.max(...sim.sentinels.map((s) => s.core.masters.get('mymaster')!.link.lastAvailTime));
}

describe('sentinels and self-fencing masters', () => {
  it('promote only after the master fence lease + margin since it was last reachable', () => {
    const sim = world(['fence_lease_ms:2000', 'sync_replicas:0', 'sync_acked_offset:0']);
    sim.nodes.get(M)!.alive = false;
    const reachable = lastReachable(sim);
    expect(sim.runUntil(() => sim.events('+promoted-slave').length > 0, 15_000)).toBe(true);
    const promotionSent = sim.events('+failover-state-wait-promotion')[0]!.at;
    expect(promotionSent).toBeGreaterThanOrEqual(reachable + 2250);
    // Without a lease (a Redis master) the same failover goes sooner.
    const plain = world([]);
    plain.nodes.get(M)!.alive = false;
    const plainReachable = lastReachable(plain);
    plain.runUntil(() => plain.events('+promoted-slave').length > 0, 15_000);
    expect(plain.events('+failover-state-wait-promotion')[0]!.at).toBeLessThan(plainReachable + 2250);
  });

  it('a lease granted on request (down-after - margin) costs nothing beyond down-after, and is kept by pinging often', () => {
    // INFO read before the grant still says 2000: the grant on the link is what bounds the lease.
    const sim = world(['fence_lease_ms:2000', 'sync_replicas:0', 'sync_acked_offset:0']);
    sim.nodes.get(M)!.fenceLeaseMs = 2000;
    // Reconnect every link so the handshake's FENCING LEASE is answered.
    for (const port of [M, R1, R2]) sim.nodes.get(port)!.alive = false;
    sim.run(100);
    for (const port of [M, R1, R2]) sim.nodes.get(port)!.alive = true;
    sim.runUntil(() => sim.sentinels.every((s) => s.core.masters.get('mymaster')!.link.grantedLeaseMs === 750), 5000);
    const master = sim.sentinels[0]!.core.masters.get('mymaster')!;
    // Eight PINGs per lease: a healthy master hears a majority of its sentinels every ~94 ms.
    const before = master.link.lastPingTime;
    sim.run(1000);
    expect(master.link.lastPingTime).toBeGreaterThan(before);
    expect(master.link.lastAvailTime).toBeGreaterThanOrEqual(sim.now - 100);

    sim.nodes.get(M)!.alive = false;
    const reachable = lastReachable(sim);
    expect(sim.runUntil(() => sim.events('+promoted-slave').length > 0, 15_000)).toBe(true);
    const promotionSent = sim.events('+failover-state-wait-promotion')[0]!.at;
    // Never before the granted lease + margin has passed; and not held back beyond that.
    expect(promotionSent).toBeGreaterThanOrEqual(reachable + 1000);
    expect(promotionSent).toBeLessThan(reachable + 2250);
    expect(sim.events('-failover-abort-master-reachable')).toEqual([]);
  });

  it('with sync-replicas, promote the replica holding every acknowledged write, whatever the priorities', () => {
    // R1 has the better priority but misses acknowledged writes (offset 400 < 450).
    const sim = world(['fence_lease_ms:0', 'sync_replicas:1', 'sync_acked_offset:450'], 10);
    sim.nodes.get(M)!.alive = false;
    expect(sim.runUntil(() => sim.events('+promoted-slave').length > 0, 15_000)).toBe(true);
    expect(sim.events('+promoted-slave')[0]!.message).toContain(`${R2}`);

    // Without sync-replicas the priority wins, as in Redis.
    const plain = world([], 10);
    plain.nodes.get(M)!.alive = false;
    plain.runUntil(() => plain.events('+promoted-slave').length > 0, 15_000);
    expect(plain.events('+promoted-slave')[0]!.message).toContain(`${R1}`);
  });

  it('with sync-replicas, promote nobody when no replica reaches the acknowledged offset', () => {
    const sim = world(['fence_lease_ms:0', 'sync_replicas:1', 'sync_acked_offset:900']);
    sim.nodes.get(M)!.alive = false;
    expect(sim.runUntil(() => sim.events('-failover-abort-no-good-slave').length > 0, 15_000)).toBe(true);
    expect(sim.events('+promoted-slave')).toEqual([]);
  });
});
