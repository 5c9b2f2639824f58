// clusterctl on a Redis Cluster topology (mode: cluster, 3 shards x 1 replica), as a user runs it:
// `up` forms the cluster and returns only once it is usable, `status --json` shows shards, slots
// and roles, a client (ioredis Cluster) writes across every shard, `failover --shard`, `kill
// shardN:master` and the cluster's own failover, `down` then `up` again from nodes.conf, Ctrl-C
// during `up`, and no process left behind. On engine redis, and on builtin once our node runs
// in cluster mode (probed, so the suite follows the node's progress).

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { clusterClient, clusterEngines, clusterPorts } from './cluster-engines.js';
import { keySlot } from '../../src/shared/key-slot.js';
import { isAlive, Sandbox } from './cli-harness.js';

const NAMES = ['m1', 'm2', 'm3', 'r1', 'r2', 'r3'];

async function clusterTopology(name: string, engine: string): Promise<{ yaml: string; ports: Record<string, number> }> {
  const free = await clusterPorts(NAMES.length);
  const ports = Object.fromEntries(NAMES.map((n, i) => [n, free[i]!]));
  const line = (n: string) => `  ${n}: { port: ${ports[n]}${n.startsWith('r') ? `, replicaof: m${n.slice(1)}` : ''} }`;
  const yaml = `name: ${name}\nmode: cluster\nengine: ${engine}\ncluster: { node-timeout: 1000 }\nnodes:\n${NAMES.map(line).join('\n')}\n`;
  return { yaml, ports };
}

const engines = await clusterEngines();

describe.each(engines)('clusterctl on a Redis Cluster (engine %s)', (engine) => {
  const name = `shop-${engine}`;
  let box: Sandbox;
  let ports: Record<string, number>;

  beforeAll(async () => {
    const topo = await clusterTopology(name, engine);
    ports = topo.ports;
    box = Sandbox.create(topo.yaml);
  });

  afterAll(async () => {
    expect(await box.cleanup()).toEqual([]);
  });

  it('up: starts six nodes, forms 3 shards, returns once every node is at cluster_state:ok', async () => {
    const run = await box.run(['up', '--json']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.json).toMatchObject({ cluster: name, engine, changed: true, started: NAMES, master: null, sentinel: null });
    expect(run.json.shards).toEqual([
      { shard: 1, master: 'm1', port: ports.m1, replicas: ['r1'], slots: '0-5460' },
      { shard: 2, master: 'm2', port: ports.m2, replicas: ['r2'], slots: '5461-10922' },
      { shard: 3, master: 'm3', port: ports.m3, replicas: ['r3'], slots: '10923-16383' },
    ]);
    expect(run.json.connect.redisCli).toBe(`redis-cli -c -p ${ports.m1}`);
    expect(run.json.connect.seeds).toEqual([ports.m1, ports.m2, ports.m3].map((port) => ({ host: '127.0.0.1', port })));
    expect(run.json.nodes.every((n: any) => isAlive(n.pid) && /^[0-9a-f]{40}$/.test(n.clusterId))).toBe(true);
    // Every node says so itself, right when up returns.
    for (const node of NAMES) {
      const client = new Redis({ port: ports[node], host: '127.0.0.1', lazyConnect: true });
      await client.connect();
      expect(await client.call('CLUSTER', 'INFO')).toMatch(/cluster_state:ok/);
      client.disconnect();
    }
  });

  it('up again: changes nothing', async () => {
    const before = box.state(name).nodes.map((n: any) => n.pid);
    const run = await box.run(['up', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ changed: false, started: [] });
    expect(box.state(name).nodes.map((n: any) => n.pid)).toEqual(before);
  });

  it('status --json: shards with slots, roles, links, cluster_state, no problem', async () => {
    const run = await box.run(['status', '--json']);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ cluster: name, mode: 'cluster', healthy: true, synced: true, problems: [], sentinels: [] });
    expect(run.json.shards.map((s: any) => [s.shard, s.master, s.replicas, s.slots, s.slotCount])).toEqual([
      [1, 'm1', ['r1'], '0-5460', 5461],
      [2, 'm2', ['r2'], '5461-10922', 5462],
      [3, 'm3', ['r3'], '10923-16383', 5461],
    ]);
    expect(run.json.nodes.map((n: any) => [n.name, n.shard, n.role, n.upstream, n.clusterState, n.link, n.behind])).toEqual([
      ['m1', 1, 'master', null, 'ok', null, null],
      ['m2', 2, 'master', null, 'ok', null, null],
      ['m3', 3, 'master', null, 'ok', null, null],
      ['r1', 1, 'replica', 'm1', 'ok', 'up', 0],
      ['r2', 2, 'replica', 'm2', 'ok', 'up', 0],
      ['r3', 3, 'replica', 'm3', 'ok', 'up', 0],
    ]);
    expect(run.json.nodes.every((n: any) => n.busLinks.connected === 5 && n.busLinks.known === 5 && n.flags.length === 0)).toBe(true);
    const text = await box.run(['status']);
    expect(text.stdout).toMatch(/^1 +m1 +r1 +0-5460 +5461/m);
    expect(text.stdout).toContain(`Redis Cluster "${name}" (${engine}): healthy.`);
  });

  it('a cluster client writes keys over every shard; each shard holds its share', async () => {
    const client = clusterClient(ports.m1, { scaleReads: 'master' });
    try {
      for (let i = 0; i < 300; i++) await client.set(`key:${i}`, `value:${i}`);
      for (let i = 0; i < 300; i += 37) expect(await client.get(`key:${i}`)).toBe(`value:${i}`);
    } finally {
      client.disconnect();
    }
    expect((await box.run(['wait', '--for', 'synced', '--json'])).code).toBe(0);
    const status = (await box.run(['status', '--json'])).json;
    const keys = status.shards.map((s: any) => s.keys);
    expect(keys.reduce((a: number, b: number) => a + b, 0)).toBe(300);
    expect(keys.every((k: number) => k > 50)).toBe(true);
    expect(status.nodes.find((n: any) => n.name === 'r2').keys).toBe(keys[1]);
  });

  it('failover --shard 2: CLUSTER FAILOVER on r2, with the nodes\' timeline', async () => {
    const run = await box.run(['failover', '--shard', '2', '--json']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.json).toMatchObject({ shard: 2, oldMaster: 'm2', newMaster: 'r2', via: 'cluster', mode: 'default', repointed: ['m2'], settled: true });
    expect(run.json.clusterEvents.some((e: any) => e.node === 'r2' && e.event === '+master')).toBe(true);
    const status = (await box.run(['status', '--json'])).json;
    expect(status.shards[1]).toMatchObject({ shard: 2, master: 'r2', replicas: ['m2'], slots: '5461-10922' });
    expect(box.state(name).nodes.find((n: any) => n.name === 'm2').replicaof).toBe('r2');
  });

  it('reshard 100 slots from shard 1 to shard 3 while a client writes: every acknowledged write reads back', async () => {
    const client = clusterClient(ports.m1);
    const acked: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        try {
          await client.set(`live:${i}`, `v${i}`);
          acked.push(`live:${i}`);
        } catch {
          // Not acknowledged: not counted.
        }
      }
    })();
    try {
      const run = await box.run(['reshard', '--slots', '100', '--from', '1', '--to', '3', '--pipeline', '7', '--json']);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.json).toMatchObject({ from: { shard: 1, node: 'm1' }, to: { shard: 3, node: 'm3' }, moved: ['0-99'], slotCount: 100, complete: true, settled: true });
      expect(run.json.keysMoved).toBeGreaterThan(0);
      writing = false;
      await writer;
      expect(acked.length).toBeGreaterThan(10);
      const values = await Promise.all(acked.map((key) => client.get(key)));
      expect(values.filter((value, i) => value !== `v${acked[i]!.slice(5)}`)).toEqual([]);
      for (let i = 0; i < 300; i += 7) expect(await client.get(`key:${i}`)).toBe(`value:${i}`);
    } finally {
      writing = false;
      await writer;
      client.disconnect();
    }
    const status = (await box.run(['status', '--json'])).json;
    expect(status.shards.map((s: any) => [s.shard, s.slots, s.slotCount])).toEqual([
      [1, '100-5460', 5361],
      [2, '5461-10922', 5462],
      [3, '0-99,10923-16383', 5561],
    ]);
    expect(status.problems).toEqual([]);
  });

  it('reshard --fix: an open slot with no key on the importing side is set STABLE; one with a key there is finished', async () => {
    const connect = async (port: number) => {
      const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
      await client.connect();
      return client;
    };
    // Shard 2 is mastered by r2 since the failover above.
    const [m1, r2] = [await connect(ports.m1), await connect(ports.r2)];
    try {
      const [id1, id2] = [(await m1.call('CLUSTER', 'MYID')) as string, (await r2.call('CLUSTER', 'MYID')) as string];
      for (const slot of ['200', '300']) {
        await r2.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', id1);
        await m1.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', id2);
      }
      // A key of slot 300 already on the importing side, as a client following ASK writes it.
      let tag = 0;
      while (keySlot(`t${tag}`) !== 300) tag++;
      await r2.call('ASKING');
      expect(await r2.call('SET', `{t${tag}}:moved`, 'x')).toBe('OK');
      const status = (await box.run(['status', '--json'])).json;
      expect(status.problems).toContain('slot 200 is open: m1 is MIGRATING it to r2 (clusterctl reshard --fix)');
      expect(status.problems).toContain('slot 300 is open: r2 is IMPORTING it from m1 (clusterctl reshard --fix)');
      const run = await box.run(['reshard', '--fix', '--json']);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.json.fixed.map((f: any) => [f.slot, f.action, f.owner])).toEqual([
        [200, 'stable', 'm1'],
        [300, 'finished', 'r2'],
      ]);
      const after = (await box.run(['status', '--json'])).json;
      expect(after.problems).toEqual([]);
      expect(after.shards[1].slots).toBe('300,5461-10922');
      const client = clusterClient(ports.m1);
      try {
        expect(await client.get(`{t${tag}}:moved`)).toBe('x');
      } finally {
        client.disconnect();
      }
    } finally {
      m1.disconnect();
      r2.disconnect();
    }
  });

  it('rebalance: the most loaded masters give their lowest slots to the least loaded, to 16384/3 each', async () => {
    const balanced = await box.run(['rebalance', '--json']);
    expect(balanced.code, balanced.stderr + balanced.stdout).toBe(0);
    expect(balanced.json).toMatchObject({ changed: false, moves: [] }); // all within redis-cli's 2 %
    const run = await box.run(['rebalance', '--threshold', '1', '--json']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.json).toMatchObject({
      before: { m1: 5360, m3: 5561, r2: 5463 },
      after: { m1: 5462, m3: 5461, r2: 5461 },
      moves: [
        { from: 'm3', to: 'm1', slots: ['0-99'], slotCount: 100 },
        { from: 'r2', to: 'm1', slots: ['300', '5461'], slotCount: 2 },
      ],
      changed: true,
      complete: true,
      settled: true,
    });
    const status = (await box.run(['status', '--json'])).json;
    expect(status.shards.map((s: any) => [s.master, s.slots])).toEqual([
      ['m1', '0-5461'],
      ['r2', '5462-10922'],
      ['m3', '10923-16383'],
    ]);
    expect(status.problems).toEqual([]);
    const client = clusterClient(ports.m2);
    try {
      for (let i = 0; i < 300; i += 11) expect(await client.get(`key:${i}`)).toBe(`value:${i}`);
    } finally {
      client.disconnect();
    }
  });

  it('kill shard1:master: the cluster promotes r1 on its own; m1 comes back as its replica', async () => {
    const killed = await box.run(['kill', 'shard1:master', '--json']);
    expect(killed.json).toMatchObject({ node: 'm1', selectedAs: 'shard 1: the master', action: 'kill', changed: true });
    await waitFor(
      async () => {
        const status = (await box.run(['status', '--json'])).json;
        return status.shards[0].master === 'r1' && status.nodes.filter((n: any) => n.name !== 'm1').every((n: any) => n.clusterState === 'ok');
      },
      { timeout: 30_000, interval: 250, message: 'r1 to take over shard 1' },
    );
    const status = (await box.run(['status', '--json'])).json;
    expect(status.problems).toContain('m1: not running');
    expect(status.problems.some((p: string) => /m1: flagged .*fail/.test(p))).toBe(true);
    expect((await box.run(['start', 'm1', '--json'])).code).toBe(0);
    expect((await box.run(['wait', '--for', 'synced', '--timeout', '30s', '--json'])).code).toBe(0);
    const after = (await box.run(['status', '--json'])).json;
    expect(after.shards[0]).toMatchObject({ master: 'r1', replicas: ['m1'] });
    expect(after.problems).toEqual([]);
  });

  it('down leaves no process; up again restores the cluster from nodes.conf with its keys', async () => {
    const pids = box.state(name).nodes.map((n: any) => n.pid);
    const down = await box.run(['down', '--json']);
    expect(down.code).toBe(0);
    expect(pids.filter((pid: number) => isAlive(pid))).toEqual([]);
    const up = await box.run(['up', '--json']);
    expect(up.code, up.stderr + up.stdout).toBe(0);
    expect(up.json.shards.map((s: any) => [s.master, s.slots])).toEqual([
      ['r1', '0-5461'],
      ['r2', '5462-10922'],
      ['m3', '10923-16383'],
    ]);
    const client = clusterClient(ports.m3);
    try {
      expect(await client.get('key:299')).toBe('value:299');
    } finally {
      client.disconnect();
    }
    const again = await box.run(['down', '--purge', '--json']);
    expect(again.code).toBe(0);
    expect(box.alive()).toEqual([]);
  });
});

describe.each(engines)('Ctrl-C during a cluster up (engine %s)', (engine) => {
  it('stops every node it started (exit 130); the next up finishes the half-formed cluster', async () => {
    const name = `int-${engine}`;
    const topo = await clusterTopology(name, engine);
    const box = Sandbox.create(topo.yaml);
    try {
      // The signal goes in once every node has started, while the cluster forms. An `up` that
      // finished before the signal reached it proves nothing: purge and try again (a few times).
      let outcome: { code: number | null; output: string } | undefined;
      for (let attempt = 0; attempt < 4 && outcome === undefined; attempt++) {
        const { code, output } = await box.interrupt(['up'], (text) => box.pids.size >= 6 && /Started m1/.test(text), 'up to start all six nodes');
        if (code === 0 && !/Interrupted/.test(output)) {
          expect((await box.run(['down', '--purge', '--json'])).code).toBe(0);
          continue;
        }
        outcome = { code, output };
      }
      expect(outcome, 'up finished before the signal in every attempt').toBeDefined();
      expect(outcome!.code, outcome!.output).toBe(130);
      expect(outcome!.output).toMatch(/Interrupted \(SIGINT\): stopping m1, m2, m3, r1, r2, r3/);
      expect(box.alive()).toEqual([]);
      expect(box.state(name).nodes.map((n: any) => n.pid)).toEqual([null, null, null, null, null, null]);
      const up = await box.run(['up', '--json']);
      expect(up.code, up.stderr + up.stdout).toBe(0);
      expect(up.json.shards.map((s: any) => [s.master, s.replicas])).toEqual([
        ['m1', ['r1']],
        ['m2', ['r2']],
        ['m3', ['r3']],
      ]);
    } finally {
      expect(await box.cleanup()).toEqual([]);
    }
  });
});

describe('a Redis Cluster topology with mistakes', () => {
  it('up refuses it before starting anything: exit 2, every issue at file:line:col', async () => {
    const yaml = 'name: bad\nmode: cluster\nnodes:\n  a: { port: 7000, slots: 0-9000 }\n  b: { port: 17000, slots: 8000-16383 }\n  c: { replicaof: a, shard: 2 }\n';
    const box = Sandbox.create(yaml);
    try {
      const run = await box.run(['up', '--json']);
      expect(run.code).toBe(2);
      expect(run.json.error.code).toBe('INVALID_TOPOLOGY');
      expect(run.json.error.issues.map((i: any) => `${i.line}:${i.col} ${i.path}`)).toEqual(['4:14 nodes.a.port', '5:28 nodes.b.slots', '6:29 nodes.c.shard']);
      const text = await box.run(['up']);
      expect(text.stderr).toContain('clusterctl.yaml:4:14  nodes.a.port: port 17000 of a (cluster bus) is also the port of b. Its bus port is its port + 10000');
      expect(text.stderr).toContain('clusterctl.yaml:5:28  nodes.b.slots: slots 8000-9000 of b are also written for a. Each slot belongs to one shard.');
      expect(box.state('bad')).toBeUndefined();
    } finally {
      expect(await box.cleanup()).toEqual([]);
    }
  });
});
