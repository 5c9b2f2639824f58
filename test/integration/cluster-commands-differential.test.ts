// Differential test of the CLUSTER command family, SELECT / MOVE / SWAPDB / COPY and the cluster
// directives: the same commands on a fresh redis-server 7.0.15 in cluster mode and on our node in
// cluster mode, replies and errors compared word for word (each node's own id, ports and the
// other node's id masked); outside cluster mode both refuse CLUSTER the same way.

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterNode } from '../helpers/cluster-ports.js';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

type Outcome = { ok: unknown } | { err: string };

class Side {
  id = '';
  constructor(
    readonly node: NodeProcess,
    readonly client: Redis,
  ) {}

  async run(args: (string | number)[]): Promise<Outcome> {
    try {
      return { ok: this.mask(await this.client.call(String(args[0]), ...args.slice(1).map(String))) };
    } catch (error) {
      return { err: this.maskText((error as Error).message) };
    }
  }

  maskText(text: string): string {
    let out = text.split(this.id).join('<myid>');
    out = out.split(`${this.node.port + 10000}`).join('<cport>');
    return out.split(`${this.node.port}`).join('<port>');
  }

  mask(value: unknown): unknown {
    if (typeof value === 'string') return this.maskText(value);
    if (Buffer.isBuffer(value)) return this.maskText(value.toString());
    if (typeof value === 'number') return value === this.node.port ? '<port>' : value;
    if (Array.isArray(value)) return value.map((item) => this.mask(item));
    return value;
  }
}

describe.skipIf(!hasRedis())('CLUSTER commands: our node vs redis-server 7.0.15, both in cluster mode', () => {
  let ours: Side;
  let theirs: Side;
  const nodes: NodeProcess[] = [];
  const clients: Redis[] = [];

  beforeAll(async () => {
    const [a, b] = await Promise.all([startClusterNode('builtin'), startClusterNode('redis')]);
    nodes.push(a!, b!);
    ours = new Side(a!, a!.client());
    theirs = new Side(b!, b!.client());
    clients.push(ours.client, theirs.client);
    for (const side of [ours, theirs]) side.id = String(await side.client.call('CLUSTER', 'MYID'));
    // Past the 2 s a master waits before its first real state evaluation (cluster_size 1 -> 0).
    await waitFor(async () => (await Promise.all([ours, theirs].map((s) => s.client.call('CLUSTER', 'INFO')))).every((t) => String(t).includes('cluster_size:0')), {
      timeout: 10_000,
      message: 'both nodes past their first state evaluation',
    });
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(nodes.map((node) => node.stop()));
  });

  async function same(...commands: (string | number)[][]): Promise<void> {
    for (const args of commands) {
      const [mine, real] = [await ours.run(args), await theirs.run(args)];
      expect(mine, args.join(' ')).toEqual(real);
    }
  }

  it('a fresh node: INFO, NODES, SLOTS, SHARDS, MYID shape, INFO cluster_enabled', async () => {
    await same(['CLUSTER', 'INFO'], ['CLUSTER', 'NODES'], ['CLUSTER', 'SLOTS'], ['CLUSTER', 'SHARDS'], ['CLUSTER', 'LINKS']);
    expect(ours.id).toMatch(/^[0-9a-f]{40}$/);
    expect(String(await ours.client.call('INFO', 'cluster'))).toContain('cluster_enabled:1');
  });

  it('KEYSLOT, HELP, unknown subcommands and arity errors', async () => {
    await same(
      ['CLUSTER', 'KEYSLOT', 'foo'],
      ['CLUSTER', 'KEYSLOT', '{user1000}.following'],
      ['CLUSTER', 'KEYSLOT', 'a{}{b}'],
      ['CLUSTER', 'KEYSLOT', ''],
      ['CLUSTER', 'HELP'],
      ['CLUSTER', 'NOPE'],
      ['CLUSTER', 'INFO', 'extra'],
      ['CLUSTER', 'ADDSLOTS'],
      ['CLUSTER', 'RESET', 'a', 'b'],
      ['CLUSTER', 'FAILOVER', 'a', 'b'],
      ['CLUSTER', 'MEET', '127.0.0.1'],
      ['CLUSTER', 'MEET', 'x', 'y', 'z', 'w'],
    );
  });

  it('ADDSLOTS / ADDSLOTSRANGE / DELSLOTS / DELSLOTSRANGE / FLUSHSLOTS and their errors', async () => {
    await same(
      ['CLUSTER', 'ADDSLOTS', 'abc'],
      ['CLUSTER', 'ADDSLOTS', '-1'],
      ['CLUSTER', 'ADDSLOTS', '16384'],
      ['CLUSTER', 'ADDSLOTS', '1', '2', '1'],
      ['CLUSTER', 'ADDSLOTS', '1', '2', '3'],
      ['CLUSTER', 'ADDSLOTS', '3'],
      ['CLUSTER', 'ADDSLOTSRANGE', '10', '20', '30'],
      ['CLUSTER', 'ADDSLOTSRANGE', '20', '10'],
      ['CLUSTER', 'ADDSLOTSRANGE', '10', '20', '15', '25'],
      ['CLUSTER', 'ADDSLOTSRANGE', '10', '20', '100', '200', '16383', '16383'],
      ['CLUSTER', 'DELSLOTS', '5'],
      ['CLUSTER', 'DELSLOTS', '2'],
      ['CLUSTER', 'DELSLOTSRANGE', '150', '160'],
      ['CLUSTER', 'DELSLOTSRANGE', '150', '160'],
      ['CLUSTER', 'NODES'],
      ['CLUSTER', 'SLOTS'],
      ['CLUSTER', 'SHARDS'],
      ['CLUSTER', 'COUNTKEYSINSLOT', '1'],
    );
    await same(['SET', 'foo', 'bar'], ['CLUSTER', 'FLUSHSLOTS']);
    await same(['DEL', 'foo'], ['CLUSTER', 'FLUSHSLOTS'], ['CLUSTER', 'NODES'], ['CLUSTER', 'ADDSLOTSRANGE', '0', '16383']);
  });

  it('keys of a slot: COUNTKEYSINSLOT and GETKEYSINSLOT with their errors', async () => {
    await same(
      ['SET', '{t}a', '1'],
      ['SET', '{t}b', '2'],
      ['SET', '{t}c', '3'],
      ['CLUSTER', 'KEYSLOT', '{t}a'],
      ['CLUSTER', 'COUNTKEYSINSLOT', '15891'],
      ['CLUSTER', 'COUNTKEYSINSLOT', 'x'],
      ['CLUSTER', 'COUNTKEYSINSLOT', '16384'],
      ['CLUSTER', 'GETKEYSINSLOT', '15891', '2'],
      ['CLUSTER', 'GETKEYSINSLOT', '15891', '10'],
      ['CLUSTER', 'GETKEYSINSLOT', '15891', '-1'],
      ['CLUSTER', 'GETKEYSINSLOT', 'x', '1'],
      ['CLUSTER', 'GETKEYSINSLOT', '1', 'x'],
      ['CLUSTER', 'GETKEYSINSLOT', '16384', '1'],
    );
  });

  it('SETSLOT, REPLICATE, FORGET, REPLICAS, COUNT-FAILURE-REPORTS, FAILOVER, RESET errors', async () => {
    // A well-formed id neither node knows.
    const unknown = 'f'.repeat(40);
    await same(
      ['CLUSTER', 'SETSLOT', '100', 'MIGRATING', unknown],
      ['CLUSTER', 'SETSLOT', '100', 'IMPORTING', unknown],
      ['CLUSTER', 'SETSLOT', '100', 'NODE', unknown],
      ['CLUSTER', 'SETSLOT', '100', 'BOGUS'],
      ['CLUSTER', 'SETSLOT', '100', 'STABLE', 'x'],
      ['CLUSTER', 'SETSLOT', 'abc', 'STABLE'],
      ['CLUSTER', 'SETSLOT', '15891', 'NODE', 'short'],
      ['CLUSTER', 'REPLICATE', unknown],
      ['CLUSTER', 'FORGET', unknown],
      ['CLUSTER', 'REPLICAS', unknown],
      ['CLUSTER', 'SLAVES', unknown],
      ['CLUSTER', 'COUNT-FAILURE-REPORTS', unknown],
      ['CLUSTER', 'FAILOVER'],
      ['CLUSTER', 'FAILOVER', 'FORCE'],
      ['CLUSTER', 'FAILOVER', 'BOGUS'],
      ['CLUSTER', 'RESET', 'BOGUS'],
      ['CLUSTER', 'RESET'],
    );
    const mine = async (...args: string[]) => [await ours.run(args.map((a) => a.replace('<me>', ours.id))), await theirs.run(args.map((a) => a.replace('<me>', theirs.id)))];
    for (const args of [
      ['CLUSTER', 'REPLICATE', '<me>'],
      ['CLUSTER', 'FORGET', '<me>'],
      ['CLUSTER', 'REPLICAS', '<me>'],
      ['CLUSTER', 'COUNT-FAILURE-REPORTS', '<me>'],
      ['CLUSTER', 'SETSLOT', '15891', 'MIGRATING', '<me>'],
      ['CLUSTER', 'SETSLOT', '15891', 'IMPORTING', '<me>'],
      ['CLUSTER', 'SETSLOT', '15891', 'STABLE'],
      ['CLUSTER', 'NODES'],
      ['CLUSTER', 'SETSLOT', '15891', 'NODE', '<me>'],
    ]) {
      const [a, b] = await mine(...args);
      expect(a, args.join(' ')).toEqual(b);
    }
  });

  it('epochs: SET-CONFIG-EPOCH and BUMPEPOCH', async () => {
    await same(
      ['CLUSTER', 'SET-CONFIG-EPOCH', 'x'],
      ['CLUSTER', 'SET-CONFIG-EPOCH', '-3'],
      ['CLUSTER', 'SET-CONFIG-EPOCH', '5'],
      ['CLUSTER', 'SET-CONFIG-EPOCH', '6'],
      ['CLUSTER', 'INFO'],
      ['CLUSTER', 'BUMPEPOCH'],
      ['CLUSTER', 'BUMPEPOCH'],
      ['CLUSTER', 'SAVECONFIG'],
    );
  });

  it('db 0 only and no REPLICAOF: SELECT, MOVE, SWAPDB, COPY ... DB', async () => {
    await same(['REPLICAOF', '127.0.0.1', '1'], ['SLAVEOF', 'NO', 'ONE'], ['SELECT', '1'], ['SELECT', '0'], ['SELECT', 'x'], ['MOVE', '{t}a', '1'], ['SWAPDB', '0', '1'], ['COPY', '{t}a', '{t}z', 'DB', '1'], ['COPY', '{t}a', '{t}z', 'DB', '0']);
  });

  it('MEET argument errors', async () => {
    await same(['CLUSTER', 'MEET', '127.0.0.1', 'x'], ['CLUSTER', 'MEET', '127.0.0.1', '7000', 'x'], ['CLUSTER', 'MEET', 'not-an-ip', '7000']);
  });

  it('the cluster directives: CONFIG GET cluster-* and CONFIG SET errors', async () => {
    const read = async (side: Side) => {
      const flat = (await side.client.call('CONFIG', 'GET', 'cluster-*')) as string[];
      const map = new Map<string, string>();
      for (let i = 0; i < flat.length; i += 2) map.set(flat[i]!, flat[i + 1]!);
      // Each node was started with its own nodes-<port>.conf.
      map.delete('cluster-config-file');
      return map;
    };
    const mine = await read(ours);
    // Ours only (README, Cluster mode): listed by our node, on by default, unknown to redis-server.
    expect([mine.get('cluster-confirm-writes'), mine.get('cluster-fast-failover')]).toEqual(['yes', 'yes']);
    mine.delete('cluster-confirm-writes');
    mine.delete('cluster-fast-failover');
    expect([...mine].sort()).toEqual([...(await read(theirs))].sort());
    await same(
      ['CONFIG', 'SET', 'cluster-enabled', 'no'],
      ['CONFIG', 'SET', 'cluster-config-file', 'x.conf'],
      ['CONFIG', 'SET', 'cluster-port', '7000'],
      ['CONFIG', 'SET', 'cluster-node-timeout', '-1'],
      ['CONFIG', 'SET', 'cluster-node-timeout', 'abc'],
      ['CONFIG', 'SET', 'cluster-announce-hostname', 'bad_name'],
      ['CONFIG', 'SET', 'cluster-announce-hostname', 'good-name.example'],
      ['CONFIG', 'SET', 'cluster-preferred-endpoint-type', 'nope'],
      ['CONFIG', 'SET', 'cluster-migration-barrier', '-1'],
      ['CONFIG', 'SET', 'cluster-announce-port', '70000'],
      ['CONFIG', 'SET', 'cluster-replica-validity-factor', '0'],
      ['CONFIG', 'SET', 'cluster-slave-no-failover', 'yes'],
      ['CONFIG', 'GET', 'cluster-replica-no-failover'],
      ['CONFIG', 'SET', 'cluster-link-sendbuf-limit', '1mb'],
      ['CONFIG', 'GET', 'cluster-link-sendbuf-limit'],
      ['CONFIG', 'SET', 'cluster-allow-reads-when-down', 'maybe'],
    );
    // The hostname and nofailover now show in CLUSTER NODES as on redis-server.
    await same(['CLUSTER', 'NODES'], ['CLUSTER', 'SHARDS'], ['CLUSTER', 'SLOTS']);
    await same(['CONFIG', 'SET', 'cluster-preferred-endpoint-type', 'hostname'], ['CLUSTER', 'SLOTS'], ['CLUSTER', 'SHARDS']);
    await same(['CONFIG', 'SET', 'cluster-preferred-endpoint-type', 'unknown-endpoint'], ['CLUSTER', 'SLOTS'], ['CLUSTER', 'SHARDS']);
    await same(['CONFIG', 'SET', 'cluster-preferred-endpoint-type', 'ip']);
  });

  it('RESET HARD of an empty master: a new id, epochs back to 0', async () => {
    const before = [ours.id, theirs.id];
    await same(['FLUSHALL'], ['CLUSTER', 'RESET', 'HARD']);
    for (const side of [ours, theirs]) side.id = String(await side.client.call('CLUSTER', 'MYID'));
    expect(ours.id).not.toBe(before[0]);
    expect(theirs.id).not.toBe(before[1]);
    await same(['CLUSTER', 'NODES'], ['CLUSTER', 'INFO']);
  });
});

describe.skipIf(!hasRedis())('CLUSTER outside cluster mode', () => {
  let nodes: NodeProcess[] = [];
  let clients: Redis[] = [];
  beforeAll(async () => {
    nodes = await Promise.all([startNode(), startNode({ engine: 'redis' })]);
    clients = nodes.map((node) => node.client());
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(nodes.map((node) => node.stop()));
  });

  it('every subcommand is refused with redis-server words, after the arity check', async () => {
    for (const args of [['INFO'], ['NODES'], ['HELP'], ['MYID'], ['KEYSLOT', 'x'], ['MEET', '127.0.0.1', '1'], ['INFO', 'x'], ['NOPE'], ['LINKS']]) {
      const outcomes = await Promise.all(clients.map((c) => c.call('CLUSTER', ...args).then((ok) => ({ ok }), (e: Error) => ({ err: e.message }))));
      expect(outcomes[0], args.join(' ')).toEqual(outcomes[1]);
    }
    const infos = await Promise.all(clients.map((c) => c.call('INFO', 'cluster')));
    expect(String(infos[0])).toBe(String(infos[1]));
    expect(await clients[0]!.call('SELECT', '1')).toBe('OK');
  });
});
