// The cluster bus between whole nodes: three of ours joined by hand (ADDSLOTSRANGE, SET-CONFIG-EPOCH,
// MEET) until every CLUSTER NODES agrees; CLUSTER LINKS, FORGET and its blacklist, PUBLISH across
// nodes, FAULT PARTITION cutting bus traffic; `redis-cli --cluster create` + `check` over ours;
// mixed clusters with redis-server 7.0.15 both ways; a node restarted from nodes.conf rejoining.
// Every wait polls for the state expected, with generous deadlines.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startClusterNode } from '../helpers/cluster-ports.js';
import { hasRedis, type Engine, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';
import { nodesOf, type NodeLine } from '../helpers/cluster-nodes.js';

const run = promisify(execFile);
const TIMEOUT = 60_000;
const started: NodeProcess[] = [];
const clients: Redis[] = [];

async function clusterNode(engine: Engine, reuse?: NodeProcess): Promise<NodeProcess> {
  const node = await startClusterNode(engine, { 'cluster-node-timeout': '3000' }, reuse);
  started.push(node);
  return node;
}

function client(node: NodeProcess): Redis {
  const c = node.client();
  c.on('error', () => {});
  clients.push(c);
  return c;
}

function signature(lines: NodeLine[]): string {
  return lines.filter((l) => l.slots.length > 0).map((l) => `${l.id}:${l.slots.join(' ')}`).sort().join('|');
}

/** Every node lists `count` nodes, all connected, none in handshake or failing, with one signature. */
async function converged(cs: Redis[], count: number, message: string): Promise<void> {
  await waitFor(
    async () => {
      const views = await Promise.all(cs.map(nodesOf));
      const healthy = views.every((v) => v.length === count && v.every((l) => l.link === 'connected' && !l.flags.some((f) => ['handshake', 'fail', 'fail?', 'noaddr'].includes(f))));
      return healthy && new Set(views.map(signature)).size === 1;
    },
    { timeout: TIMEOUT, interval: 200, message },
  );
}

async function join(cs: Redis[], nodes: NodeProcess[]): Promise<void> {
  const ranges = [[0, 5460], [5461, 10922], [10923, 16383]];
  await Promise.all(cs.map((c, i) => c.call('cluster', 'addslotsrange', String(ranges[i]![0]), String(ranges[i]![1]))));
  await Promise.all(cs.map((c, i) => c.call('cluster', 'set-config-epoch', String(i + 1))));
  for (const node of nodes.slice(1)) expect(await cs[0]!.call('cluster', 'meet', '127.0.0.1', String(node.port))).toBe('OK');
}

async function published(subscriberNode: NodeProcess, publisher: Redis, channel: string): Promise<void> {
  const subscriber = client(subscriberNode);
  const got: string[] = [];
  subscriber.on('message', (ch: string, message: string) => got.push(`${ch}:${message}`));
  await subscriber.subscribe(channel);
  // The first PUBLISH may race the subscription's arrival: publish until one is seen.
  await waitFor(async () => {
    await publisher.publish(channel, 'hello');
    return got.includes(`${channel}:hello`);
  }, { timeout: TIMEOUT, interval: 300, message: `a subscriber on another node to get ${channel}` });
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await Promise.all(started.splice(0).map((n) => n.stop()));
});

afterAll(async () => {
  await Promise.all(started.map((n) => n.stop()));
});

describe('cluster bus between our nodes', () => {
  it('joins three nodes by hand, links them both ways, carries PUBLISH, FORGETs and partitions', async () => {
    const nodes = await Promise.all([clusterNode('builtin'), clusterNode('builtin'), clusterNode('builtin')]);
    const cs = nodes.map(client);
    await join(cs, nodes);
    await converged(cs, 3, 'three of our nodes to agree in CLUSTER NODES');
    const ids = await Promise.all(cs.map((c) => c.call('cluster', 'myid') as Promise<string>));

    const links = (await cs[0]!.call('cluster', 'links')) as unknown[][];
    const described = links.map((flat) => Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]])));
    expect(described.filter((l) => l.direction === 'to').map((l) => l.node).sort()).toEqual([ids[1], ids[2]].sort());
    expect(described.filter((l) => l.direction === 'from').map((l) => l.node).sort()).toEqual([ids[1], ids[2]].sort());

    await published(nodes[2]!, cs[0]!, 'across');

    expect(await cs[0]!.call('cluster', 'forget', ids[0]!).catch((e: Error) => e.message)).toBe("ERR I tried hard but I can't forget myself...");
    expect(await cs[0]!.call('cluster', 'forget', 'f'.repeat(40)).catch((e: Error) => e.message)).toBe(`ERR Unknown node ${'f'.repeat(40)}`);
    expect(await cs[0]!.call('cluster', 'meet', '127.0.0.1', 'x').catch((e: Error) => e.message)).toBe('ERR Invalid TCP base port specified: x');
    expect(await cs[0]!.call('cluster', 'meet', 'nohost', '7000').catch((e: Error) => e.message)).toBe('ERR Invalid node address specified: nohost:7000');
    expect(await cs[0]!.call('cluster', 'forget', ids[2]!)).toBe('OK');
    // Node 2 keeps gossiping about node 3; the blacklist keeps it out of node 1's table meanwhile.
    const pingsBefore = Number(/cluster_stats_messages_received:(\d+)/.exec((await cs[0]!.call('cluster', 'info')) as string)?.[1] ?? 0);
    await waitFor(async () => Number(/cluster_stats_messages_received:(\d+)/.exec((await cs[0]!.call('cluster', 'info')) as string)?.[1] ?? 0) > pingsBefore + 10, {
      timeout: TIMEOUT,
      message: 'more bus traffic after FORGET',
    });
    expect((await nodesOf(cs[0]!)).map((l) => l.id)).not.toContain(ids[2]);
  });

  it('drops a partitioned node\'s bus traffic and recovers on heal', async () => {
    const nodes = await Promise.all([clusterNode('builtin'), clusterNode('builtin'), clusterNode('builtin')]);
    const cs = nodes.map(client);
    await join(cs, nodes);
    await converged(cs, 3, 'three nodes to agree before the partition');
    const id1 = (await cs[1]!.call('cluster', 'myid')) as string;
    await cs[0]!.call('fault', 'partition', `127.0.0.1:${nodes[1]!.port}`);
    await waitFor(async () => (await nodesOf(cs[0]!)).find((l) => l.id === id1)!.flags.some((f) => f === 'fail?' || f === 'fail'), {
      timeout: TIMEOUT,
      message: 'node 1 to see the partitioned node 2 failing',
    });
    await cs[0]!.call('fault', 'heal');
    await converged(cs, 3, 'the nodes to agree again after healing');
  });
});

describe('redis-cli --cluster over our nodes', () => {
  it('creates a 3-master cluster that `--cluster check` accepts', async () => {
    const nodes = await Promise.all([clusterNode('builtin'), clusterNode('builtin'), clusterNode('builtin')]);
    const addrs = nodes.map((n) => `127.0.0.1:${n.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addrs, '--cluster-yes'], { timeout: TIMEOUT });
    const check = await run('redis-cli', ['--cluster', 'check', addrs[0]!], { timeout: TIMEOUT });
    expect(check.stdout).toContain('[OK] All nodes agree about slots configuration.');
    expect(check.stdout).toContain('[OK] All 16384 slots covered.');
  });
});

describe.skipIf(!hasRedis())('mixed clusters with redis-server 7.0.15', () => {
  for (const [label, engines] of [
    ['2 redis-server + 1 ours', ['redis', 'redis', 'builtin']],
    ['1 redis-server + 2 ours', ['builtin', 'builtin', 'redis']],
  ] as const) {
    it(`${label}: meet, agree on slots, PUBLISH crosses engines`, async () => {
      const nodes = await Promise.all(engines.map((e) => clusterNode(e)));
      const cs = nodes.map(client);
      await join(cs, nodes);
      await converged(cs, 3, `${label} to agree in CLUSTER NODES`);
      const ours = nodes.findIndex((n) => n.engine === 'builtin');
      const theirs = nodes.findIndex((n) => n.engine === 'redis');
      await published(nodes[ours]!, cs[theirs]!, 'to-ours');
      await published(nodes[theirs]!, cs[ours]!, 'to-theirs');
    });
  }
});

describe('a restarted node', () => {
  it('rejoins from its nodes.conf', async () => {
    const nodes = await Promise.all([clusterNode('builtin'), clusterNode('builtin'), clusterNode('builtin')]);
    const cs = nodes.map(client);
    await join(cs, nodes);
    await converged(cs, 3, 'three nodes before the restart');
    const id2 = (await cs[2]!.call('cluster', 'myid')) as string;
    cs[2]!.disconnect();
    // SIGTERM without stop(): stop() would remove the directory that holds its nodes.conf.
    nodes[2]!.kill('SIGTERM');
    await nodes[2]!.waitExit();
    const again = await clusterNode('builtin', nodes[2]);
    const c2 = client(again);
    expect(await c2.call('cluster', 'myid')).toBe(id2);
    await converged([cs[0]!, cs[1]!, c2], 3, 'the restarted node to rejoin');
  });
});
