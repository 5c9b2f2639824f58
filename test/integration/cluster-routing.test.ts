// Cluster routing live: two 3-master clusters built by `redis-cli --cluster create`, one of our
// nodes and one of redis-server 7.0.15, run the same scripts and must answer alike (node addresses
// masked as n0 / n1 / n2): MOVED, CROSSSLOT, MULTI/EXEC and scripts, ASKING / READONLY; a slot
// moved by SETSLOT IMPORTING / MIGRATING + MIGRATE gives ASK, TRYAGAIN, then MOVED; a client
// blocked on a key whose slot moves away is redirected. Then real clients on our cluster: ioredis
// Cluster and `redis-cli -c` follow MOVED and ASK.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeClusterPort } from '../helpers/cluster-ports.js';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { RawClient, resp } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);
const SLOT = 3443; // {user1000}, on the first master after `--cluster create`

async function startClusterNode(engine: Engine): Promise<NodeProcess> {
  for (let attempt = 0; ; attempt++) {
    const port = await freeClusterPort();
    try {
      return await startNode({ engine, port, config: { 'cluster-enabled': 'yes', 'cluster-config-file': `nodes-${port}.conf` } });
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}

class TestCluster {
  readonly clients: Redis[] = [];
  ids: string[] = [];
  constructor(readonly nodes: NodeProcess[]) {}

  static async start(engine: Engine): Promise<TestCluster> {
    const nodes: NodeProcess[] = [];
    for (let i = 0; i < 3; i++) nodes.push(await startClusterNode(engine));
    const cluster = new TestCluster(nodes);
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-yes'], { timeout: 60_000 });
    for (const node of nodes) cluster.clients.push(node.client());
    await waitFor(async () => (await Promise.all(cluster.clients.map((c) => c.call('CLUSTER', 'INFO')))).every((t) => String(t).includes('cluster_state:ok')), {
      timeout: 30_000,
      message: `${engine} cluster ok on every node`,
    });
    cluster.ids = await Promise.all(cluster.clients.map(async (c) => String(await c.call('CLUSTER', 'MYID'))));
    return cluster;
  }

  /** n0 / n1 / n2 for the nodes' addresses and ids, so both clusters' answers compare. */
  mask(text: string): string {
    let out = text;
    this.nodes.forEach((node, i) => (out = out.split(`127.0.0.1:${node.port}`).join(`n${i}`)));
    this.ids.forEach((id, i) => (out = out.split(id).join(`id${i}`)));
    return out;
  }

  async cmd(node: number | Redis, ...args: (string | number)[]): Promise<unknown> {
    const client = typeof node === 'number' ? this.clients[node]! : node;
    try {
      const reply = await client.call(String(args[0]), ...args.slice(1).map(String));
      return typeof reply === 'string' ? this.mask(reply) : reply;
    } catch (error) {
      return `ERR! ${this.mask((error as Error).message)}`;
    }
  }

  /** A new plain connection to node i (no redirections followed). */
  connect(i: number): Redis {
    const client = this.nodes[i]!.client();
    this.clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    await Promise.all(this.nodes.map((node) => node.stop()));
  }
}

describe.skipIf(!hasRedis())('cluster routing: our 3-master cluster vs redis-server\'s', () => {
  let ours: TestCluster;
  let theirs: TestCluster;

  beforeAll(async () => {
    [ours, theirs] = await Promise.all([TestCluster.start('builtin'), TestCluster.start('redis')]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([ours?.stop(), theirs?.stop()]);
  });

  /** Runs the same script on both clusters and compares every answer. */
  async function same(script: (c: TestCluster) => Promise<unknown[]>): Promise<unknown[]> {
    const [a, b] = await Promise.all([script(ours), script(theirs)]);
    expect(a).toEqual(b);
    return a;
  }

  it('the first master holds the test slot', async () => {
    await same(async (c) => [await c.cmd(0, 'CLUSTER', 'KEYSLOT', '{user1000}'), String(await c.cmd(0, 'CLUSTER', 'SLOTS')).length > 0]);
  });

  it('MOVED, CROSSSLOT, CLUSTERDOWN-free reads and writes, shard channels', async () => {
    const replies = await same(async (c) => [
      await c.cmd(0, 'SET', '{user1000}a', '1'),
      await c.cmd(0, 'GET', 'foo'),
      await c.cmd(0, 'SET', 'foo', 'x'),
      await c.cmd(1, 'GET', '{user1000}a'),
      await c.cmd(0, 'MSET', 'a', '1', 'b', '2'),
      await c.cmd(0, 'MGET', '{user1000}a', '{user1000}b'),
      await c.cmd(0, 'DEL', '{user1000}a', 'foo'),
      await c.cmd(0, 'SPUBLISH', 'foo', 'm'),
      await c.cmd(0, 'SPUBLISH', '{user1000}', 'm'),
      await c.cmd(0, 'PUBSUB', 'SHARDNUMSUB', 'foo'),
      await c.cmd(0, 'EXISTS', 'nope{user1000}'),
      await c.cmd(0, 'PING'),
      await c.cmd(0, 'READONLY'),
      await c.cmd(0, 'READWRITE'),
      await c.cmd(0, 'ASKING'),
      await c.cmd(0, 'GET', 'foo'),
    ]);
    expect(replies[1]).toBe('ERR! MOVED 12182 n2');
  });

  it('MULTI/EXEC and scripts are routed by all their keys', async () => {
    await same(async (c) => {
      const x = c.connect(0);
      return [
        await c.cmd(x, 'MULTI'),
        await c.cmd(x, 'SET', '{user1000}t', '1'),
        await c.cmd(x, 'SET', 'b', '2'), // slot 3300, also on n0: CROSSSLOT only at EXEC
        await c.cmd(x, 'EXEC'),
        await c.cmd(x, 'MULTI'),
        await c.cmd(x, 'GET', 'foo'),
        await c.cmd(x, 'EXEC'),
        await c.cmd(x, 'MULTI'),
        await c.cmd(x, 'SET', '{user1000}t', '1'),
        await c.cmd(x, 'GET', '{user1000}t'),
        await c.cmd(x, 'EXEC'),
        await c.cmd(x, 'EVAL', "return redis.call('GET', KEYS[1])", 1, 'foo'),
        await c.cmd(x, 'EVAL', 'return 1', 2, '{user1000}t', 'b'),
        await c.cmd(x, 'EVAL', "return redis.call('GET', KEYS[1])", 1, '{user1000}t'),
        await c.cmd(x, 'EVAL', 'return 7', 0),
        await c.cmd(x, 'FCALL', 'nosuch', 1, 'foo'),
        // Keys a script touches without declaring them (script.c scriptVerifyClusterState).
        await c.cmd(x, 'EVAL', "return redis.call('GET', 'foo')", 0),
        await c.cmd(x, 'EVAL', "return redis.pcall('GET', 'foo')", 0),
        await c.cmd(x, 'EVAL', "redis.call('GET', 'b'); return redis.call('GET', '{user1000}t')", 0),
        await c.cmd(x, 'EVAL', "#!lua\nredis.call('GET', 'b'); return redis.call('GET', '{user1000}t')", 0),
        await c.cmd(x, 'EVAL', "#!lua\nreturn redis.call('GET', 'b')", 1, '{user1000}t'),
        await c.cmd(x, 'EVAL', "#!lua flags=allow-cross-slot-keys\nreturn redis.call('GET', 'b')", 1, '{user1000}t'),
        await c.cmd(x, 'EVAL', "#!lua\nreturn redis.call('GET', KEYS[1])", 1, '{user1000}t'),
      ];
    });
  });

  it('a slot moved with SETSLOT IMPORTING / MIGRATING + MIGRATE: ASK, TRYAGAIN, then MOVED', async () => {
    const replies = await same(async (c) => {
      const out: unknown[] = [];
      const src = c.connect(0);
      const dst = c.connect(1);
      // Only the keys moved below in the slot: SETSLOT NODE on the source must not race gossip.
      out.push(await c.cmd(src, 'DEL', '{user1000}a', '{user1000}t'));
      out.push(await c.cmd(src, 'SET', '{user1000}k1', 'v1'));
      out.push(await c.cmd(src, 'RPUSH', '{user1000}k2', 'a', 'b'));
      out.push(await c.cmd(dst, 'CLUSTER', 'SETSLOT', SLOT, 'IMPORTING', c.ids[0]!));
      out.push(await c.cmd(src, 'CLUSTER', 'SETSLOT', SLOT, 'MIGRATING', c.ids[1]!));
      out.push(await c.cmd(src, 'GET', '{user1000}k1'));
      out.push(await c.cmd(src, 'GET', '{user1000}missing'));
      out.push(await c.cmd(src, 'SET', '{user1000}new', 'x'));
      out.push(await c.cmd(src, 'MGET', '{user1000}k1', '{user1000}missing'));
      out.push(await c.cmd(src, 'MIGRATE', '127.0.0.1', c.nodes[1]!.port, '', 0, 5000, 'KEYS', '{user1000}k1'));
      out.push(await c.cmd(src, 'GET', '{user1000}k1'));
      out.push(await c.cmd(src, 'MGET', '{user1000}k1', '{user1000}k2'));
      out.push(await c.cmd(dst, 'GET', '{user1000}k1'));
      out.push(await c.cmd(dst, 'ASKING'));
      out.push(await c.cmd(dst, 'GET', '{user1000}k1'));
      // ASKING is good for one command only.
      out.push(await c.cmd(dst, 'GET', '{user1000}k1'));
      out.push(await c.cmd(dst, 'ASKING'));
      out.push(await c.cmd(dst, 'MGET', '{user1000}k1', '{user1000}k2'));
      out.push(await c.cmd(dst, 'ASKING'));
      out.push(await c.cmd(dst, 'MGET', '{user1000}k1', '{user1000}nope'));
      out.push(await c.cmd(dst, 'RESTORE-ASKING', '{user1000}k9', 0, 'garbage'));
      // ASKING lasts through a whole transaction.
      for (const cmd of [['ASKING'], ['MULTI'], ['GET', '{user1000}k1'], ['EXEC'], ['GET', '{user1000}k1']]) out.push(await c.cmd(dst, ...cmd));
      out.push(await c.cmd(src, 'MIGRATE', '127.0.0.1', c.nodes[1]!.port, '{user1000}k2', 0, 5000));
      out.push(await c.cmd(src, 'CLUSTER', 'COUNTKEYSINSLOT', SLOT));
      for (const i of [1, 0, 2]) out.push(await c.cmd(i, 'CLUSTER', 'SETSLOT', SLOT, 'NODE', c.ids[1]!));
      out.push(await c.cmd(src, 'GET', '{user1000}k1'));
      out.push(await c.cmd(dst, 'LRANGE', '{user1000}k2', 0, -1));
      out.push(await c.cmd(dst, 'GET', '{user1000}k1'));
      return out;
    });
    expect(replies[6]).toBe(`ERR! ASK ${SLOT} n1`);
    expect(replies[8]).toBe('ERR! TRYAGAIN Multiple keys request during rehashing of slot');
    expect(replies.at(-3)).toBe(`ERR! MOVED ${SLOT} n1`);
  });

  it('a client blocked on a key whose slot moves away is redirected', async () => {
    const replies = await same(async (c) => {
      // The slot is on n1 now (previous test); empty it (SETSLOT NODE refuses to give away a slot
      // with keys), block there, then hand it back to n0.
      await c.cmd(1, 'DEL', '{user1000}k1', '{user1000}k2');
      const blocked = c.connect(1);
      const waiting = c.cmd(blocked, 'BLPOP', '{user1000}q', 0);
      await waitFor(async () => String(await c.cmd(1, 'CLIENT', 'LIST')).includes('cmd=blpop'), { timeout: 5000, message: 'BLPOP parked' });
      const moved = await c.cmd(1, 'CLUSTER', 'SETSLOT', SLOT, 'NODE', c.ids[0]!);
      for (const i of [0, 2]) await c.cmd(i, 'CLUSTER', 'SETSLOT', SLOT, 'NODE', c.ids[0]!);
      return [moved, await waiting];
    });
    expect(replies).toEqual(['OK', `ERR! MOVED ${SLOT} n0`]);
  });

  it('shard channels route by slot; SSUBSCRIBE / SPUBLISH on the owner', async () => {
    await same(async (c) => {
      const sub = await RawClient.open(c.nodes[0]!.port);
      try {
        await sub.send(resp('SSUBSCRIBE', '{user1000}ch'));
        await sub.waitFor('ssubscribe confirmation', (t) => t.includes(':1\r\n'));
        await sub.send(resp('SSUBSCRIBE', 'foo'));
        await sub.waitFor('MOVED', (t) => t.includes('MOVED'));
        const published = await c.cmd(0, 'SPUBLISH', '{user1000}ch', 'hello');
        await sub.waitFor('smessage', (t) => t.includes('hello'));
        return [published, c.mask(sub.text()), await c.cmd(0, 'PUBSUB', 'SHARDNUMSUB', '{user1000}ch'), await c.cmd(2, 'SPUBLISH', '{user1000}ch', 'x')];
      } finally {
        sub.destroy();
      }
    });
  });

  it('READONLY clients read the master\'s slots on a replica; writes and other slots are MOVED', async () => {
    await same(async (c) => {
      const node = await startClusterNode(c.nodes[0]!.engine);
      c.nodes.push(node);
      await run('redis-cli', ['--cluster', 'add-node', `127.0.0.1:${node.port}`, `127.0.0.1:${c.nodes[0]!.port}`, '--cluster-slave', '--cluster-master-id', c.ids[0]!], { timeout: 60_000 });
      const replica = c.connect(3);
      await c.cmd(0, 'SET', '{user1000}r', 'v');
      await waitFor(async () => (await replica.call('CLUSTER', 'NODES') as string).includes('myself,slave') && (await replica.info('replication')).includes('master_link_status:up'), {
        timeout: 30_000,
        message: 'the new node to replicate the first master',
      });
      await waitFor(async () => (await c.cmd(replica, 'READONLY')) === 'OK' && (await c.cmd(replica, 'GET', '{user1000}r')) === 'v', { timeout: 10_000, message: 'the key replicated' });
      const other = c.connect(3);
      return [
        await c.cmd(other, 'GET', '{user1000}r'),
        await c.cmd(other, 'READONLY'),
        await c.cmd(other, 'GET', '{user1000}r'),
        await c.cmd(other, 'SET', '{user1000}r', 'w'),
        await c.cmd(other, 'GET', 'foo'),
        await c.cmd(other, 'MULTI'),
        await c.cmd(other, 'GET', '{user1000}r'),
        await c.cmd(other, 'EXEC'),
        await c.cmd(other, 'READWRITE'),
        await c.cmd(other, 'GET', '{user1000}r'),
      ];
    });
  });

  it('ioredis Cluster follows MOVED and ASK on our cluster', async () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: ours.nodes[0]!.port }], { redisOptions: { maxRetriesPerRequest: 3 } });
    try {
      for (let i = 0; i < 50; i++) await cluster.set(`key:${i}`, `v${i}`);
      for (let i = 0; i < 50; i++) expect(await cluster.get(`key:${i}`)).toBe(`v${i}`);
      await cluster.set('{user1000}io', 'before');
      // Move the slot under the client's feet: it learns of it from ASK, then MOVED.
      const [src, dst] = [ours.clients[0]!, ours.clients[1]!];
      await dst.call('CLUSTER', 'SETSLOT', SLOT, 'IMPORTING', ours.ids[0]!);
      await src.call('CLUSTER', 'SETSLOT', SLOT, 'MIGRATING', ours.ids[1]!);
      await src.call('MIGRATE', '127.0.0.1', ours.nodes[1]!.port, '', 0, 5000, 'KEYS', ...((await src.call('CLUSTER', 'GETKEYSINSLOT', SLOT, 100)) as string[]));
      expect(await cluster.get('{user1000}io')).toBe('before');
      await cluster.set('{user1000}io2', 'during');
      for (const client of [dst, src, ours.clients[2]!]) await client.call('CLUSTER', 'SETSLOT', SLOT, 'NODE', ours.ids[1]!);
      expect(await cluster.get('{user1000}io')).toBe('before');
      expect(await cluster.get('{user1000}io2')).toBe('during');
      expect(await ours.clients[1]!.call('GET', '{user1000}io2')).toBe('during');
    } finally {
      cluster.disconnect();
    }
  });

  it('redis-cli -c follows MOVED on our cluster', async () => {
    const port = String(ours.nodes[0]!.port);
    await run('redis-cli', ['-c', '-p', port, 'SET', 'foo', 'from-cli']);
    const { stdout } = await run('redis-cli', ['-c', '-p', port, 'GET', 'foo']);
    expect(stdout.trim()).toBe('from-cli');
    expect(await ours.clients[2]!.call('GET', 'foo')).toBe('from-cli');
  });
});
