// clusterctl drill on engine redis (redis-server + redis-sentinel), the scenarios it supports: a
// kill-master drill that starts its own cluster, follows every write with WAIT 1 (Redis's own tool),
// reports consistently and stops what it started; a pause-master drill; partition-master refused;
// restart-master-empty shows the hazard of Redis's replication documentation: the master comes back
// empty, its replicas resync from it, and the drill reports the wipe.
// Not skipped when CLUSTERCTL_REQUIRE_REDIS=1 (hasRedis() then fails loudly without the binaries).

import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis } from '../helpers/processes.js';
import { Sandbox, isAlive } from './cli-harness.js';
import { expectConsistent, topology } from './drill-helpers.js';

describe.skipIf(!hasRedis())('clusterctl drill (engine redis, cluster started by the drill)', () => {
  let box: Sandbox;

  beforeAll(async () => {
    box = Sandbox.create(await topology('redis'));
  });

  afterAll(async () => {
    if (box) expect(await box.cleanup()).toEqual([]);
  });

  it('kill-master runs on redis-server + redis-sentinel with WAIT 1, reports consistently, and stops what it started', async () => {
    const run = await box.run(['drill', '--scenario', 'kill-master', '--duration', '6s', '--wait', '1', '--json'], 150_000);
    expectConsistent(run);
    // Whether writes were lost is what the drill measures on Redis, not what this test asserts:
    // WAIT 1 can be satisfied by a replica that a later failover does not promote.
    expect(run.json).toMatchObject({ engine: 'redis', startedCluster: true, waitReplicas: 1 });
    const state = box.state('drill-redis');
    expect([...state.nodes, ...state.sentinels].filter((p: any) => p.pid && isAlive(p.pid))).toEqual([]);
    expect(existsSync(box.stateFile('drill-redis'))).toBe(true);
  });

  it('pause-master runs on redis-server + redis-sentinel and reports consistently; partition is refused, saying what engine redis supports', async () => {
    const run = await box.run(['drill', '--scenario', 'pause-master', '--duration', '6s', '--json'], 150_000);
    expectConsistent(run);
    expect(run.json).toMatchObject({ engine: 'redis', scenario: 'pause-master' });
    expect(run.json.perFault[0].newMaster).not.toBe(run.json.master.before);
    const partition = await box.run(['drill', '--scenario', 'partition-master', '--json'], 60_000);
    expect(partition.code).toBe(2);
    expect(JSON.stringify(partition.json.error)).toMatch(/engine redis supports kill, stop, start, restart, pause, resume, crash, restart-empty and fill only/);
  });

  it('restart-master-empty: redis-server serves empty, its replicas resync from it, and the drill reports the wipe', async () => {
    const run = await box.run(['drill', '--scenario', 'restart-master-empty', '--duration', '7s', '--json'], 150_000);
    expectConsistent(run);
    expect(run.json.verdict).toBe('loss');
    expect(run.json.emptyRestarts).toEqual([{ node: run.json.master.before, refused: false, reply: expect.stringMatching(/^\d+$/) }]);
    // No failover: the master was back before the sentinels could see it down, and kept its role.
    expect(run.json.master.after).toBe(run.json.master.before);
    // Nearly every write acknowledged before the restart is gone from the master and its replicas.
    const fault = run.json.perFault[0];
    const ackedBefore = run.json.buckets.filter((b: any) => b.atMs + 100 <= fault.atMs).reduce((sum: number, b: any) => sum + b.ok, 0);
    expect(ackedBefore).toBeGreaterThan(0);
    expect(fault.lostBefore.count).toBeGreaterThanOrEqual(ackedBefore * 0.9);
    expect(run.json.replicas.every((r: any) => r.differing === 0)).toBe(true);
  });
});
