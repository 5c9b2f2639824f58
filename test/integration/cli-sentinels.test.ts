// clusterctl with sentinels, on both engines (builtin: clusterctl-sentinel; redis: redis-sentinel),
// on the shape of the built-in default topology (1 master, 2 replicas, 3 sentinels, quorum 2) moved
// to free ports: `up` waits until every sentinel sees the master, both replicas and the other
// sentinels; a killed master is failed over by them; `failover` goes through them; `down` leaves no
// process behind, sentinels included. One cluster per engine serves every step.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOPOLOGY_YAML } from '../../src/cli/topology/load.js';
import { hasRedis } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';
import { Sandbox, freePortRange, isAlive } from './cli-harness.js';

/** The built-in default topology, with its engine and name changed and its ports moved to free ones. */
async function defaultTopology(engine: 'builtin' | 'redis'): Promise<{ yaml: string; nodeBase: number; sentinelBase: number }> {
  const nodeBase = await freePortRange(3);
  let sentinelBase = await freePortRange(3);
  while (Math.abs(sentinelBase - nodeBase) < 3) sentinelBase = await freePortRange(3);
  const yaml = DEFAULT_TOPOLOGY_YAML.replace(/^ports: .*$/m, `ports: { base: ${nodeBase}, sentinels: ${sentinelBase} }`)
    .replace(/^engine: .*$/m, `engine: ${engine}`)
    .replace(/^name: .*$/m, `name: sen-${engine}`);
  return { yaml, nodeBase, sentinelBase };
}

describe.each(['builtin', 'redis'] as const)('clusterctl with sentinels (engine %s)', (engine) => {
  let box: Sandbox;
  let sentinelBase: number;
  let sentinelPids: number[] = [];

  beforeAll(async () => {
    const topo = await defaultTopology(engine);
    sentinelBase = topo.sentinelBase;
    box = Sandbox.create(topo.yaml);
  });

  afterAll(async () => {
    if (box) expect(await box.cleanup()).toEqual([]);
  });

  const skip = engine === 'redis' && !hasRedis();

  it.skipIf(skip)('up: returns once the sentinels agree, with what a sentinel-aware client needs', async () => {
    const run = await box.run(['up', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json.started).toEqual(['m1', 'r1', 'r2', 's1', 's2', 's3']);
    expect(run.json.sentinel).toMatchObject({ name: 'mymaster', sentinels: [0, 1, 2].map((i) => ({ host: '127.0.0.1', port: sentinelBase + i })) });
    sentinelPids = run.json.sentinel.sentinels.map((s: any) => s.pid);
    expect(sentinelPids.every((pid) => typeof pid === 'number' && isAlive(pid))).toBe(true);
    const status = await box.run(['status', '--json']);
    expect(status.json.sentinels.map((s: any) => [s.name, s.process, s.masterNode, s.replicas, s.otherSentinels, s.flags])).toEqual([
      ['s1', 'running', 'm1', 2, 2, 'master'],
      ['s2', 'running', 'm1', 2, 2, 'master'],
      ['s3', 'running', 'm1', 2, 2, 'master'],
    ]);
    expect(status.json.problems).toEqual([]);
  });

  it.skipIf(skip)('a killed master is failed over by the sentinels to one of the replicas; status shows it', async () => {
    expect((await box.run(['kill', 'master', '--json'])).json).toMatchObject({ node: 'm1', signal: 'SIGKILL' });
    const status = await waitFor(
      async () => {
        const run = await box.run(['status', '--json']);
        const names = new Set(run.json.sentinels.map((s: any) => s.masterNode));
        return names.size === 1 && !names.has('m1') && !names.has(null) ? run.json : undefined;
      },
      { timeout: 30_000, interval: 200, message: 'the sentinels to fail over' },
    );
    const promoted = status.sentinels[0].masterNode;
    expect(['r1', 'r2']).toContain(promoted);
    expect(status.nodes.find((n: any) => n.name === promoted)).toMatchObject({ role: 'master', process: 'running' });
    expect((await box.run(['start', 'm1', '--json'])).json).toMatchObject({ node: 'm1', changed: true });
    expect((await box.run(['wait', '--for', 'synced', '--timeout', '40s', '--json'])).code).toBe(0);
  });

  it.skipIf(skip)('failover goes through the sentinels and reports their events (builtin: --to by priorities)', async () => {
    const status = (await box.run(['status', '--json'])).json;
    const before = status.sentinels[0].masterNode;
    // --to waits for the sentinels to read the new replica priorities (INFO every 10 s): one engine suffices.
    const target = engine === 'builtin' ? status.nodes.filter((n: any) => n.upstream === before).at(-1).name : undefined;
    const run = await box.run(['failover', ...(target ? ['--to', target] : []), '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json).toMatchObject({ via: 'sentinels', oldMaster: before, offset: null });
    expect(run.json.newMaster).not.toBe(before);
    if (target) expect(run.json.newMaster).toBe(target);
    expect(run.json.events.find((e: any) => e.event === '+switch-master')).toMatchObject({ sentinels: expect.arrayContaining(['s1', 's2', 's3']) });
    const after = await box.run(['status', '--json']);
    expect(after.json.sentinels.every((s: any) => s.masterNode === run.json.newMaster)).toBe(true);
    expect(after.json.problems).toEqual([]);
  });

  it.skipIf(skip)('down stops every node and every sentinel', async () => {
    const nodePids = (await box.run(['status', '--json'])).json.nodes.map((n: any) => n.pid);
    const down = await box.run(['down', '--json']);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(down.json.stopped.map((s: any) => s.name).sort()).toEqual(['m1', 'r1', 'r2', 's1', 's2', 's3']);
    expect([...nodePids, ...sentinelPids].filter((pid) => isAlive(pid))).toEqual([]);
  });

  it.skipIf(skip)('up again: the sentinels start afresh under the same ids, and a failover after it takes writes', async () => {
    const myids = async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const client = new Redis({ port: sentinelBase + i, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
        try {
          ids.push(String(await client.call('SENTINEL', 'MYID')));
        } finally {
          client.disconnect();
        }
      }
      return ids;
    };
    expect((await box.run(['up', '--json'])).code).toBe(0);
    const before = await myids();
    expect((await box.run(['down', '--json'])).code).toBe(0);
    const up = await box.run(['up', '--json']);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    // Nodes know their sentinels by id (fencing): new ids would count the old ones against them.
    expect(await myids()).toEqual(before);
    const failover = await box.run(['failover', '--json']);
    expect(failover.code, failover.stdout + failover.stderr).toBe(0);
    const master = (await box.run(['status', '--json'])).json.nodes.find((n: any) => n.name === failover.json.newMaster);
    const client = new Redis({ port: master.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
    try {
      await waitFor(async () => (await client.set('after-restart', '1').catch(() => null)) === 'OK', { timeout: 10_000, interval: 100, message: 'the new master to take a write' });
    } finally {
      client.disconnect();
    }
    expect((await box.run(['down', '--json'])).code).toBe(0);
  });
});
