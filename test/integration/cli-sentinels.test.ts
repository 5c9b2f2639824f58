// clusterctl with real redis-sentinel processes (engine: redis): `up` waits until every sentinel
// sees the master, both replicas and the other sentinels; a killed master is failed over by them;
// `failover` goes through them; `down` leaves no process behind.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';
import { Sandbox, freePortRange, topology } from './cli-harness.js';

describe.skipIf(!hasRedis())('clusterctl with sentinels (engine redis)', () => {
  let box: Sandbox;
  let sentinelBase: number;

  beforeAll(async () => {
    sentinelBase = await freePortRange(3);
    const sentinels = 'sentinels:\n  count: 3\n  quorum: 2\n  down-after-milliseconds: 1000\n  failover-timeout: 5000\n';
    const topo = await topology('sen', 'redis', { m1: null, r1: 'm1', r2: 'm1' }, `ports: { sentinels: ${sentinelBase} }\n`);
    box = Sandbox.create(topo.yaml + sentinels);
  });

  afterAll(async () => {
    expect(await box.cleanup()).toEqual([]);
  });

  it('up: returns once the sentinels agree, with what a sentinel-aware client needs', async () => {
    const run = await box.run(['up', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json.started).toEqual(['m1', 'r1', 'r2', 's1', 's2', 's3']);
    expect(run.json.sentinel).toMatchObject({ name: 'mymaster', sentinels: [0, 1, 2].map((i) => ({ host: '127.0.0.1', port: sentinelBase + i })) });
    const status = await box.run(['status', '--json']);
    expect(status.json.sentinels.map((s: any) => [s.name, s.masterNode, s.replicas, s.otherSentinels, s.flags])).toEqual([
      ['s1', 'm1', 2, 2, 'master'],
      ['s2', 'm1', 2, 2, 'master'],
      ['s3', 'm1', 2, 2, 'master'],
    ]);
  });

  it('a killed master is failed over by the sentinels; status shows the new master', async () => {
    expect((await box.run(['kill', 'master', '--json'])).json).toMatchObject({ node: 'm1', signal: 'SIGKILL' });
    const status = await waitFor(
      async () => {
        const run = await box.run(['status', '--json']);
        const names = new Set(run.json.sentinels.map((s: any) => s.masterNode));
        return names.size === 1 && !names.has('m1') && !names.has(null) ? run.json : undefined;
      },
      { timeout: 30_000, interval: 200, message: 'the sentinels to fail over' },
    );
    const master = status.nodes.find((n: any) => n.role === 'master' && n.process === 'running');
    expect(status.sentinels[0].masterNode).toBe(master.name);
    expect((await box.run(['start', 'm1', '--json'])).json).toMatchObject({ node: 'm1', changed: true });
    expect((await box.run(['wait', '--for', 'synced', '--timeout', '40s', '--json'])).code).toBe(0);
  });

  it('failover goes through the sentinels', async () => {
    const before = (await box.run(['status', '--json'])).json.sentinels[0].masterNode;
    const run = await box.run(['failover', '--json']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json).toMatchObject({ via: 'sentinels', oldMaster: before, offset: null });
    expect(run.json.newMaster).not.toBe(before);
    const status = await box.run(['status', '--json']);
    expect(status.json.sentinels.every((s: any) => s.masterNode === run.json.newMaster)).toBe(true);
    expect(status.json.problems).toEqual([]);
  });
});
