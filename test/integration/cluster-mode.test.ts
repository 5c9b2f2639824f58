// Our node in cluster mode, end to end with redis-cli and redis-server 7.0.15: six of ours made a
// cluster by `redis-cli --cluster create --cluster-replicas 1`, accepted by `--cluster check`, keys
// written through `redis-cli -c` landing on their slot's master and its replica, CLUSTER NODES /
// SLOTS / SHARDS telling the same story on every node, `--cluster reshard`, a manual CLUSTER
// FAILOVER, a master restarted from nodes.conf keeping its id, slots and epoch, and a killed
// master replaced by its replica; then a mixed cluster (three
// of ours, three redis-server) where every node reaches cluster_state:ok, gossips every peer, and a
// killed master of each kind is replaced by its replica of the other kind.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startClusterNode } from '../helpers/cluster-ports.js';
import { hasRedis, type Engine, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';
import { nodesOf, type NodeLine } from '../helpers/cluster-nodes.js';

const run = promisify(execFile);
const TIMEOUT = 60_000;
const NODE_TIMEOUT = '3000';

/** Every process and client this file starts, stopped after it (restarted processes first). */
const started: NodeProcess[] = [];
const clients: Redis[] = [];

afterAll(async () => {
  for (const c of clients) c.disconnect();
  for (const node of started) await node.stop();
});

async function clusterNode(engine: Engine, reuse?: NodeProcess): Promise<NodeProcess> {
  const node = await startClusterNode(engine, { 'cluster-node-timeout': NODE_TIMEOUT }, reuse);
  if (reuse) started.unshift(node);
  else started.push(node);
  return node;
}

function client(node: NodeProcess): Redis {
  const c = node.client({ maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => {});
  clients.push(c);
  return c;
}

/** What every node must agree on about every node: address, role, master, epoch, slots. */
async function topologyOf(c: Redis): Promise<string[]> {
  const lines = await nodesOf(c);
  return lines
    .map((l) => `${l.id} ${l.addr} ${l.flags.filter((f) => f !== 'myself').join(',')} ${l.master} ${l.epoch} ${l.slots.filter((s) => !s.startsWith('[')).join(' ')}`)
    .sort();
}

async function slotsOf(c: Redis): Promise<string> {
  const slots = (await c.call('cluster', 'slots')) as [number, number, ...[string, number, string][]][];
  return JSON.stringify(
    slots.map(([start, end, master, ...replicas]) => [start, end, master[2], replicas.map((r) => r[2]).sort()]).sort((a, b) => (a[0] as number) - (b[0] as number)),
  );
}

async function shardsOf(c: Redis): Promise<string> {
  const shards = (await c.call('cluster', 'shards')) as unknown[][];
  const described = shards.map((shard) => {
    const map = new Map<string, unknown>();
    for (let i = 0; i < shard.length; i += 2) map.set(String(shard[i]), shard[i + 1]);
    const members = (map.get('nodes') as unknown[][]).map((node) => {
      const fields = new Map<string, unknown>();
      for (let i = 0; i < node.length; i += 2) fields.set(String(node[i]), node[i + 1]);
      return `${fields.get('id')}:${fields.get('role')}:${fields.get('port')}`;
    });
    return `${JSON.stringify(map.get('slots'))} ${members.sort().join(' ')}`;
  });
  return described.sort().join('\n');
}

async function stateOf(c: Redis): Promise<string> {
  return /cluster_state:(\w+)/.exec(String(await c.call('cluster', 'info')))![1]!;
}

/** Waits until every node says cluster_state:ok and all views of the topology are the same. */
async function converged(cs: Redis[], knownNodes: number, message: string): Promise<void> {
  await waitFor(
    async () => {
      const states = await Promise.all(cs.map(stateOf));
      if (states.some((s) => s !== 'ok')) return false;
      const views = await Promise.all(cs.map(topologyOf));
      if (views.some((v) => v.length !== knownNodes || JSON.stringify(v) !== JSON.stringify(views[0]))) return false;
      const slots = await Promise.all(cs.map(slotsOf));
      const shards = await Promise.all(cs.map(shardsOf));
      return slots.every((s) => s === slots[0]) && shards.every((s) => s === shards[0]);
    },
    { timeout: TIMEOUT, interval: 200, message },
  );
}

async function create(nodes: NodeProcess[]): Promise<void> {
  const addrs = nodes.map((n) => `127.0.0.1:${n.port}`);
  const created = await run('redis-cli', ['--cluster', 'create', ...addrs, '--cluster-replicas', '1', '--cluster-yes'], { timeout: TIMEOUT });
  expect(created.stdout).toContain('[OK] All 16384 slots covered.');
}

async function check(node: NodeProcess): Promise<void> {
  const checked = await run('redis-cli', ['--cluster', 'check', `127.0.0.1:${node.port}`], { timeout: TIMEOUT });
  expect(checked.stdout).toContain('[OK] All nodes agree about slots configuration.');
  expect(checked.stdout).toContain('[OK] All 16384 slots covered.');
}

/** The master a slot belongs to, as a node's CLUSTER NODES says. */
async function ownerOf(c: Redis, slot: number): Promise<NodeLine> {
  for (const line of await nodesOf(c)) {
    for (const range of line.slots) {
      if (range.startsWith('[')) continue;
      const [start, end = start] = range.split('-').map(Number) as [number, number?];
      if (slot >= start && slot <= end!) return line;
    }
  }
  throw new Error(`no owner for slot ${slot}`);
}

const portOf = (line: NodeLine): number => Number(line.addr.split(':')[1]!.split('@')[0]);

describe('six of our nodes made a cluster by redis-cli', () => {
  let nodes: NodeProcess[] = [];
  let cs: Redis[] = [];
  /** The master restarted below: without persistence (`save ""`) its shard comes back empty. */
  let restartedId = '';
  const byPort = (port: number) => cs[nodes.findIndex((n) => n.port === port)]!;

  it('redis-cli --cluster create (3 masters x 1 replica), then --cluster check', async () => {
    nodes = await Promise.all(Array.from({ length: 6 }, () => clusterNode('builtin')));
    cs = nodes.map(client);
    await create(nodes);
    await converged(cs, 6, 'all six nodes ok and agreeing');
    await check(nodes[0]!);
    const lines = await nodesOf(cs[0]!);
    expect(lines.filter((l) => l.flags.includes('master') && l.slots.length > 0)).toHaveLength(3);
    expect(lines.filter((l) => l.flags.includes('slave'))).toHaveLength(3);
    expect(lines.every((l) => l.link === 'connected')).toBe(true);
    expect(String(await cs[0]!.call('info', 'cluster'))).toContain('cluster_enabled:1');
  }, 120_000);

  it('keys written with redis-cli -c land on their slot master (others answer MOVED) and reach its replica', async () => {
    const port = nodes[0]!.port;
    for (let i = 0; i < 12; i++) {
      const { stdout } = await run('redis-cli', ['-c', '-p', String(port), 'SET', `key:${i}`, `value:${i}`], { timeout: TIMEOUT });
      expect(stdout.trim()).toBe('OK');
    }
    for (let i = 0; i < 12; i++) {
      const slot = Number(await cs[0]!.call('cluster', 'keyslot', `key:${i}`));
      const owner = await ownerOf(cs[0]!, slot);
      const master = byPort(portOf(owner));
      expect(await master.call('get', `key:${i}`)).toBe(`value:${i}`);
      expect(await master.call('cluster', 'countkeysinslot', String(slot))).toBe(1);
      for (const other of nodes.filter((n) => n.port !== portOf(owner))) {
        const line = (await nodesOf(byPort(other.port))).find((l) => l.flags.includes('myself'))!;
        if (line.flags.includes('slave')) continue;
        expect(await byPort(other.port).call('cluster', 'countkeysinslot', String(slot))).toBe(0);
        const refused = await byPort(other.port).call('get', `key:${i}`).catch((e: Error) => e.message);
        expect(refused).toBe(`MOVED ${slot} 127.0.0.1:${portOf(owner)}`);
      }
      const replica = (await nodesOf(cs[0]!)).find((l) => l.master === owner.id)!;
      await waitFor(async () => (await byPort(portOf(replica)).call('cluster', 'countkeysinslot', String(slot))) === 1, {
        timeout: TIMEOUT,
        message: `key:${i} on the replica of its master`,
      });
    }
  }, 120_000);

  it('redis-cli --cluster reshard moves slots and their keys; the importing node takes a new configEpoch', async () => {
    const masters = (await nodesOf(cs[0]!)).filter((l) => l.flags.includes('master') && l.slots.length > 0);
    const [from, to] = [masters[0]!, masters[1]!];
    const maxBefore = Math.max(...(await nodesOf(cs[0]!)).map((l) => Number(l.epoch)));
    await run(
      'redis-cli',
      ['--cluster', 'reshard', `127.0.0.1:${nodes[0]!.port}`, '--cluster-from', from.id, '--cluster-to', to.id, '--cluster-slots', '200', '--cluster-yes'],
      { timeout: TIMEOUT },
    );
    await converged(cs, 6, 'every node to agree on the resharded slots');
    await check(nodes[0]!);
    const after = await nodesOf(cs[0]!);
    const target = after.find((l) => l.id === to.id)!;
    expect(Number(target.epoch)).toBeGreaterThan(maxBefore);
    expect(after.find((l) => l.id === from.id)!.slots).not.toEqual(from.slots);
    for (let i = 0; i < 12; i++) {
      const { stdout } = await run('redis-cli', ['-c', '-p', String(nodes[0]!.port), 'GET', `key:${i}`], { timeout: TIMEOUT });
      expect(stdout.trim()).toBe(`value:${i}`);
    }
  }, 120_000);

  it('CLUSTER FAILOVER on a replica swaps it with its master (the offset handshake), keys kept', async () => {
    const view = await nodesOf(cs[0]!);
    const replica = view.find((l) => l.flags.includes('slave'))!;
    const master = view.find((l) => l.id === replica.master)!;
    expect(await byPort(portOf(replica)).call('cluster', 'failover')).toBe('OK');
    await waitFor(
      async () => {
        for (const c of cs) {
          const lines = await nodesOf(c);
          const r = lines.find((l) => l.id === replica.id)!;
          const m = lines.find((l) => l.id === master.id)!;
          if (!r.flags.includes('master') || r.slots.join(' ') !== master.slots.join(' ') || m.master !== replica.id) return false;
        }
        return true;
      },
      { timeout: TIMEOUT, interval: 200, message: 'every node to see the replica as the new master' },
    );
    await converged(cs, 6, 'the cluster to settle after the manual failover');
    expect(await byPort(portOf(master)).call('role').then((r) => (r as string[])[0])).toBe('slave');
    for (let i = 0; i < 12; i++) {
      const { stdout } = await run('redis-cli', ['-c', '-p', String(portOf(replica)), 'GET', `key:${i}`], { timeout: TIMEOUT });
      expect(stdout.trim()).toBe(`value:${i}`);
    }
  }, 120_000);

  it('a master restarted from nodes.conf keeps its id, slots and configEpoch, and the cluster is ok again', async () => {
    const masterIndex = await (async () => {
      for (let i = 0; i < nodes.length; i++) {
        const me = (await nodesOf(cs[i]!)).find((l) => l.flags.includes('myself'))!;
        if (me.flags.includes('master')) return i;
      }
      throw new Error('no master');
    })();
    const before = (await nodesOf(cs[masterIndex]!)).find((l) => l.flags.includes('myself'))!;
    restartedId = before.id;
    // Its replica must not take over while it is down for the restart.
    const replica = (await nodesOf(cs[0]!)).find((l) => l.master === before.id)!;
    await byPort(portOf(replica)).call('config', 'set', 'cluster-replica-no-failover', 'yes');
    cs[masterIndex]!.disconnect();
    // SIGTERM without stop(): stop() would remove the directory that holds its nodes.conf.
    nodes[masterIndex]!.kill('SIGTERM');
    await nodes[masterIndex]!.waitExit();
    const again = await clusterNode('builtin', nodes[masterIndex]);
    nodes[masterIndex] = again;
    cs[masterIndex] = client(again);
    expect(await cs[masterIndex]!.call('cluster', 'myid')).toBe(before.id);
    const after = (await nodesOf(cs[masterIndex]!)).find((l) => l.flags.includes('myself'))!;
    expect(after.slots).toEqual(before.slots);
    expect(after.epoch).toBe(before.epoch);
    expect(after.flags).toEqual(before.flags);
    await converged(cs, 6, 'the restarted master to rejoin');
    await byPort(portOf(replica)).call('config', 'set', 'cluster-replica-no-failover', 'no');
  }, 120_000);

  it('a killed master is replaced by its replica (failover through the bus) and its keys stay readable', async () => {
    const lines = await nodesOf(cs[0]!);
    const victim = lines.find((l) => l.flags.includes('master') && l.slots.length > 0 && !l.flags.includes('myself') && l.id !== restartedId)!;
    const replica = lines.find((l) => l.master === victim.id)!;
    const victimIndex = nodes.findIndex((n) => n.port === portOf(victim));
    // The keys of the victim's shard.
    const victimKeys: number[] = [];
    for (let i = 0; i < 12; i++) {
      const slot = Number(await cs[0]!.call('cluster', 'keyslot', `key:${i}`));
      if ((await ownerOf(cs[0]!, slot)).id === victim.id) victimKeys.push(i);
    }
    expect(victimKeys.length).toBeGreaterThan(0);
    nodes[victimIndex]!.kill('SIGKILL');
    await nodes[victimIndex]!.waitExit();
    const survivors = cs.filter((_, i) => i !== victimIndex);
    await waitFor(
      async () => {
        for (const c of survivors) {
          const view = await nodesOf(c);
          const promoted = view.find((l) => l.id === replica.id)!;
          if (!promoted.flags.includes('master') || promoted.slots.join(' ') !== victim.slots.join(' ')) return false;
          if ((await stateOf(c)) !== 'ok') return false;
        }
        return true;
      },
      { timeout: TIMEOUT, interval: 200, message: 'the replica to take over the killed master everywhere' },
    );
    expect(await byPort(portOf(replica)).call('role').then((r) => (r as string[])[0])).toBe('master');
    for (const i of victimKeys) {
      const { stdout } = await run('redis-cli', ['-c', '-p', String(portOf(replica)), 'GET', `key:${i}`], { timeout: TIMEOUT });
      expect(stdout.trim()).toBe(`value:${i}`);
    }
  }, 120_000);
});

describe.skipIf(!hasRedis())('a mixed cluster: three of ours and three redis-server 7.0.15', () => {
  let nodes: NodeProcess[] = [];
  let cs: Redis[] = [];
  const engineOf = (id: string, ids: string[]) => nodes[ids.indexOf(id)]!.engine;

  async function idsOf(): Promise<string[]> {
    return Promise.all(cs.map(async (c) => String(await c.call('cluster', 'myid'))));
  }

  /** Makes `replicaId` (a replica) follow `masterId`, and waits until every node agrees. */
  async function repoint(ids: string[], replicaId: string, masterId: string): Promise<void> {
    await cs[ids.indexOf(replicaId)]!.call('cluster', 'replicate', masterId);
    await waitFor(async () => (await Promise.all(cs.filter((_, i) => nodes[i]!.running).map(nodesOf))).every((v) => v.find((l) => l.id === replicaId)?.master === masterId), {
      timeout: TIMEOUT,
      interval: 200,
      message: `every node to see ${replicaId} replicating ${masterId}`,
    });
  }

  /** Kills a master and waits for `replicaId` to serve its slots in every surviving node's view. */
  async function killAndWait(ids: string[], masterId: string, replicaId: string, slots: string[]): Promise<void> {
    const index = ids.indexOf(masterId);
    nodes[index]!.kill('SIGKILL');
    await nodes[index]!.waitExit();
    await waitFor(
      async () => {
        for (let i = 0; i < nodes.length; i++) {
          if (!nodes[i]!.running) continue;
          const line = (await nodesOf(cs[i]!)).find((l) => l.id === replicaId)!;
          if (!line.flags.includes('master') || line.slots.join(' ') !== slots.join(' ')) return false;
          if ((await stateOf(cs[i]!)) !== 'ok') return false;
        }
        return true;
      },
      { timeout: TIMEOUT, interval: 200, message: `${replicaId} (${engineOf(replicaId, ids)}) to replace ${masterId} (${engineOf(masterId, ids)})` },
    );
  }

  it('redis-cli --cluster create over ours and redis-server: ok everywhere, one view, every peer gossiped', async () => {
    const engines: Engine[] = ['builtin', 'redis', 'builtin', 'redis', 'builtin', 'redis'];
    nodes = await Promise.all(engines.map((e) => clusterNode(e)));
    cs = nodes.map(client);
    await create(nodes);
    await converged(cs, 6, 'the mixed cluster to be ok and agree');
    await check(nodes[1]!);
    for (const c of cs) expect((await nodesOf(c)).every((l) => l.link === 'connected')).toBe(true);
    for (let i = 0; i < 12; i++) {
      const { stdout } = await run('redis-cli', ['-c', '-p', String(nodes[i % 6]!.port), 'SET', `mixed:${i}`, `v${i}`], { timeout: TIMEOUT });
      expect(stdout.trim()).toBe('OK');
    }
  }, 120_000);

  it('a killed master of ours is replaced by a redis-server replica, a killed redis-server master by one of ours', async () => {
    const ids = await idsOf();
    let view = await nodesOf(cs[0]!);
    const masters = view.filter((l) => l.flags.includes('master') && l.slots.length > 0);
    const replicas = view.filter((l) => l.flags.includes('slave'));
    const ourMaster = masters.find((l) => engineOf(l.id, ids) === 'builtin')!;
    const redisMaster = masters.find((l) => engineOf(l.id, ids) === 'redis')!;
    const redisReplica = replicas.find((l) => engineOf(l.id, ids) === 'redis')!;
    const ourReplica = replicas.find((l) => engineOf(l.id, ids) === 'builtin')!;
    // Each master of one kind gets a replica of the other kind, and only that one may take over.
    if (redisReplica.master !== ourMaster.id) await repoint(ids, redisReplica.id, ourMaster.id);
    if (ourReplica.master !== redisMaster.id) await repoint(ids, ourReplica.id, redisMaster.id);
    view = await nodesOf(cs[0]!);
    for (const line of view.filter((l) => l.flags.includes('slave') && l.id !== redisReplica.id && l.id !== ourReplica.id)) {
      await cs[ids.indexOf(line.id)]!.call('config', 'set', 'cluster-replica-no-failover', 'yes');
    }
    // The replicas' data must be in sync before the kill (a replica at offset 0 cannot be elected).
    await waitFor(async () => (await cs[ids.indexOf(redisReplica.id)]!.call('info', 'replication')).toString().includes('master_link_status:up'), {
      timeout: TIMEOUT,
      message: 'the redis-server replica linked to our master',
    });
    await waitFor(async () => (await cs[ids.indexOf(ourReplica.id)]!.call('info', 'replication')).toString().includes('master_link_status:up'), {
      timeout: TIMEOUT,
      message: 'our replica linked to the redis-server master',
    });

    await killAndWait(ids, ourMaster.id, redisReplica.id, ourMaster.slots);
    await killAndWait(ids, redisMaster.id, ourReplica.id, redisMaster.slots);
    for (let i = 0; i < 12; i++) {
      const alive = nodes.find((n) => n.running)!;
      const { stdout } = await run('redis-cli', ['-c', '-p', String(alive.port), 'GET', `mixed:${i}`], { timeout: TIMEOUT });
      expect(stdout.trim()).toBe(`v${i}`);
    }
  }, 180_000);
});
