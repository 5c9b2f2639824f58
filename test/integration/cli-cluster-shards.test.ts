// clusterctl add-shard / remove-shard on a running Redis Cluster, as a user runs them, on both
// engines: a 2-shard cluster grows a third shard while an ioredis Cluster client writes (every
// acknowledged write reads back, the new shard owns a third of the slots, status shows shard 3),
// then loses shard 1 (its slots go to the others, its processes are gone, no remaining node lists
// it, every key still reads back). A one-shard cluster shows the refusals (the last shard, a shard
// that does not exist), an empty shard's removal, numbers never reused, and Ctrl-C during
// add-shard taking the new nodes out again.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { isAlive, Sandbox } from './cli-harness.js';
import { clusterClient, clusterEngines, clusterPorts } from './cluster-engines.js';

const engines = await clusterEngines();
/** Membership changes move thousands of slots on a loaded machine: minutes, not seconds. */
const LONG = 600_000;

async function clusterTopology(name: string, engine: string, shards: number): Promise<{ yaml: string; ports: Record<string, number> }> {
  const names = [...Array.from({ length: shards }, (_, i) => `m${i + 1}`), ...Array.from({ length: shards }, (_, i) => `r${i + 1}`)];
  const free = await clusterPorts(names.length);
  const ports = Object.fromEntries(names.map((n, i) => [n, free[i]!]));
  const line = (n: string) => `  ${n}: { port: ${ports[n]}${n.startsWith('r') ? `, replicaof: m${n.slice(1)}` : ''} }`;
  return { yaml: `name: ${name}\nmode: cluster\nengine: ${engine}\ncluster: { node-timeout: 1000 }\nnodes:\n${names.map(line).join('\n')}\n`, ports };
}

/** A sandbox running a `shards` x 1 cluster (`up` done). */
async function upCluster(name: string, engine: string, shards: number): Promise<{ box: Sandbox; ports: Record<string, number> }> {
  const topo = await clusterTopology(name, engine, shards);
  const box = Sandbox.create(topo.yaml);
  const up = await box.run(['up', '--json']);
  expect(up.code, up.stderr + up.stdout).toBe(0);
  return { box, ports: topo.ports };
}

async function clusterNodes(port: number): Promise<string> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  await client.connect();
  try {
    return (await client.call('CLUSTER', 'NODES')) as string;
  } finally {
    client.disconnect();
  }
}

/**
 * Writes new keys <tag>:<i> until stopped; remembers what was acknowledged. New keys: on engine
 * builtin a key overwritten while MIGRATE carries it stays on the source and stops the move with
 * BUSYKEY (the node's MIGRATE does not block the server; src/server/migrate/migrate-run.ts).
 */
function writer(port: number, tag: string): { acked: string[]; stop: () => Promise<void> } {
  const client = clusterClient(port);
  const acked: string[] = [];
  let writing = true;
  const loop = (async () => {
    for (let i = 0; writing; i++) {
      try {
        await client.set(`${tag}:${i}`, `v${i}`);
        acked.push(`${tag}:${i}`);
      } catch {
        // Not acknowledged: not counted.
      }
    }
  })();
  return {
    acked,
    stop: async () => {
      writing = false;
      await loop;
      client.disconnect();
    },
  };
}

/** Every acknowledged key reads back with its value, through a client seeded at `port`. */
async function readBack(port: number, keys: string[]): Promise<string[]> {
  const client = clusterClient(port);
  try {
    const values = await Promise.all(keys.map((key) => client.get(key)));
    return keys.filter((key, i) => values[i] !== `v${key.slice(key.lastIndexOf(':') + 1)}`);
  } finally {
    client.disconnect();
  }
}

describe.each(engines)('add-shard and remove-shard (engine %s)', (engine) => {
  const name = `grow-${engine}`;
  let box: Sandbox;
  let ports: Record<string, number>;
  const written: string[] = [];

  beforeAll(async () => {
    ({ box, ports } = await upCluster(name, engine, 2));
    const client = clusterClient(ports.m1!);
    try {
      for (let i = 0; i < 200; i++) {
        await client.set(`seed:${i}`, `v${i}`);
        written.push(`seed:${i}`);
      }
    } finally {
      client.disconnect();
    }
  }, 120_000);

  afterAll(async () => {
    expect(await box.cleanup()).toEqual([]);
  }, 120_000);

  it('add-shard while a client writes: shard 3 joins and owns a third of the slots; every acknowledged write reads back', async () => {
    const load = writer(ports.m2!, 'during-add');
    let run;
    try {
      run = await box.run(['add-shard', '--json'], LONG);
    } finally {
      await load.stop();
    }
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.json).toMatchObject({ cluster: name, shard: 3, master: 'm3', replicas: ['r3'], complete: true });
    expect(run.json.slotCount).toBeGreaterThanOrEqual(5461);
    expect(run.json.slotCount).toBeLessThanOrEqual(5462);
    expect(run.json.rebalance.keysMoved).toBeGreaterThan(0);
    for (const node of run.json.nodes) expect(isAlive(node.pid)).toBe(true);
    // Its ports are free ones, bus ports included, none of the cluster's.
    const used = Object.values(ports).flatMap((p) => [p, p + 10000]);
    for (const node of run.json.nodes) expect(used).not.toContain(node.port);
    expect(load.acked.length).toBeGreaterThan(10);
    written.push(...load.acked);
    expect(await readBack(ports.m1!, written)).toEqual([]);

    const status = (await box.run(['status', '--json'])).json;
    expect(status).toMatchObject({ healthy: true, problems: [] });
    expect(status.shards.map((s: any) => [s.shard, s.master, s.replicas])).toEqual([
      [1, 'm1', ['r1']],
      [2, 'm2', ['r2']],
      [3, 'm3', ['r3']],
    ]);
    for (const shard of status.shards) expect(Math.abs(shard.slotCount - 16384 / 3)).toBeLessThan(2);
    expect(status.shards[2].keys).toBeGreaterThan(0);
    const text = await box.run(['status']);
    expect(text.stdout).toMatch(/^3 +m3 +r3 /m);
    // Selectors know the new shard.
    const kill = await box.run(['kill', 'shard3:replica', '--json']);
    expect(kill.code, kill.stderr + kill.stdout).toBe(0);
    expect((await box.run(['start', 'r3', '--json'])).code).toBe(0);
    expect((await box.run(['wait', '--for', 'synced', '--timeout', '60s', '--json'])).code).toBe(0);
  }, LONG);

  it('remove-shard 1 while a client writes: its slots go to the others, its processes are gone, no node lists it, every key reads back', async () => {
    const before = box.state(name).nodes;
    const leaving = before.filter((n: any) => n.shard === 1);
    expect(leaving.map((n: any) => n.name).sort()).toEqual(['m1', 'r1']);
    const load = writer(ports.m2!, 'during-remove');
    let run;
    try {
      run = await box.run(['remove-shard', '1', '--json'], LONG);
    } finally {
      await load.stop();
    }
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.json).toMatchObject({ cluster: name, shard: 1, complete: true, settled: true });
    expect(run.json.nodes.map((n: any) => n.name).sort()).toEqual(['m1', 'r1']);
    expect(run.json.slotsMoved).toBeGreaterThanOrEqual(5461);
    expect(run.json.moves.map((m: any) => m.to).sort()).toEqual(['m2', 'm3']);
    await waitFor(() => leaving.every((n: any) => !isAlive(n.pid)), { timeout: 30_000, message: 'shard 1 processes to exit' });

    written.push(...load.acked);
    expect(await readBack(ports.m2!, written)).toEqual([]);

    const state = box.state(name);
    expect(state.nodes.map((n: any) => n.name).sort()).toEqual(['m2', 'm3', 'r2', 'r3']);
    const status = (await box.run(['status', '--json'])).json;
    expect(status).toMatchObject({ healthy: true, problems: [] });
    expect(status.shards.map((s: any) => [s.shard, s.master])).toEqual([
      [2, 'm2'],
      [3, 'm3'],
    ]);
    expect(status.shards.reduce((sum: number, s: any) => sum + s.slotCount, 0)).toBe(16384);
    expect(Math.abs(status.shards[0].slotCount - status.shards[1].slotCount)).toBeLessThan(2);
    const removedIds = leaving.map((n: any) => n.clusterId);
    for (const node of state.nodes) {
      const nodes = await clusterNodes(node.port);
      for (const id of removedIds) expect(nodes).not.toContain(id);
    }
  }, LONG);
});

describe.each(engines)('add-shard and remove-shard on a one-shard cluster (engine %s)', (engine) => {
  const name = `one-${engine}`;
  let box: Sandbox;
  let ports: Record<string, number>;

  beforeAll(async () => {
    ({ box, ports } = await upCluster(name, engine, 1));
  }, 120_000);

  afterAll(async () => {
    expect(await box.cleanup()).toEqual([]);
  }, 120_000);

  it('refuses to remove the last shard, or a shard that does not exist (exit 2), and changes nothing', async () => {
    const last = await box.run(['remove-shard', '1', '--json']);
    expect(last.code).toBe(2);
    expect(last.json.error).toMatchObject({ code: 'LAST_SHARD' });
    expect(last.json.error.message).toMatch(/shard 1 is the last shard/);
    const unknown = await box.run(['remove-shard', '7']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/has no shard 7 \(shards: 1\)/);
    const status = (await box.run(['status', '--json'])).json;
    expect(status).toMatchObject({ healthy: true });
    expect(status.nodes.map((n: any) => n.name)).toEqual(['m1', 'r1']);
  });

  it('Ctrl-C during add-shard takes the new nodes out again: exit 130, no process left, the others forget them', async () => {
    const { code, output } = await box.interrupt(['add-shard', '--replicas', '0'], (text) => /Started m2/.test(text), 'add-shard to start m2');
    expect(code, output).toBe(130);
    expect(output).toMatch(/Interrupted \(SIGINT\): taking the new nodes out again/);
    expect(box.alive().length).toBe(2);
    expect(box.state(name).nodes.map((n: any) => n.name)).toEqual(['m1', 'r1']);
    await waitFor(async () => (await clusterNodes(ports.m1!)).trim().split('\n').length === 2, { timeout: 30_000, message: 'm1 to know only m1 and r1' });
    expect((await box.run(['wait', '--for', 'healthy', '--timeout', '30s', '--json'])).code).toBe(0);
  }, LONG);

  it('add-shard --no-rebalance joins an empty master; remove-shard takes it out; the next shard gets a new number', async () => {
    const add = await box.run(['add-shard', '--no-rebalance', '--replicas', '0', '--json'], LONG);
    expect(add.code, add.stderr + add.stdout).toBe(0);
    expect(add.json).toMatchObject({ shard: 2, master: 'm2', replicas: [], slots: '-', slotCount: 0, rebalance: null, complete: true });
    const status = (await box.run(['status', '--json'])).json;
    expect(status.shards.map((s: any) => [s.shard, s.master, s.slotCount])).toEqual([
      [1, 'm1', 16384],
      [2, 'm2', 0],
    ]);
    const remove = await box.run(['remove-shard', '2', '--json'], LONG);
    expect(remove.code, remove.stderr + remove.stdout).toBe(0);
    expect(remove.json).toMatchObject({ shard: 2, slotsMoved: 0, complete: true });
    expect(isAlive(add.json.nodes[0].pid)).toBe(false);
    const again = await box.run(['add-shard', '--no-rebalance', '--replicas', '0', '--json'], LONG);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(again.json).toMatchObject({ shard: 3, master: 'm3' });
    expect((await box.run(['remove-shard', '2'])).code).toBe(2);
  }, LONG);
});
