// No acknowledged write lost in cluster mode (cluster-confirm-writes, on by default): six of our
// nodes (3 masters x 1 replica, node-timeout 1 s) and an ioredis Cluster writer writing unique
// keys from four loops the whole time. One master is killed, another paused (SIGSTOP until its
// replica took over, then SIGCONT), the third cut off from the bus and its replica while clients
// still reach it. After each, every write the writer got an OK for is read back from its slot's
// current master. The cut-off master answers what it applied meanwhile -UNKNOWN, and once healed
// and made a replica of its successor it saves those writes to its lost-writes ledger.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster, type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterNode } from '../helpers/cluster-ports.js';
import { nodesOf, type NodeLine } from '../helpers/cluster-nodes.js';
import type { NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);
const TIMEOUT = 60_000;

const nodes: NodeProcess[] = [];
const admins = new Map<number, Redis>();

function admin(port: number): Redis {
  let c = admins.get(port);
  if (!c) {
    c = nodes.find((n) => n.port === port)!.client({ maxRetriesPerRequest: 0, retryStrategy: () => 200, connectTimeout: 2000 });
    c.on('error', () => {});
    admins.set(port, c);
  }
  return c;
}

const portOf = (line: NodeLine): number => Number(line.addr.split(':')[1]!.split('@')[0]);

/** Writes unique keys from four loops; remembers what was acknowledged and how each write failed. */
class Writer {
  readonly acked = new Map<string, string>();
  readonly errors = new Map<string, number>();
  private next = 0;
  private running = true;
  private readonly loops: Promise<void>[];
  readonly cluster: Cluster;

  constructor(seedPort: number) {
    this.cluster = new Cluster([{ host: '127.0.0.1', port: seedPort }], {
      redisOptions: { commandTimeout: 1500, connectTimeout: 1000, maxRetriesPerRequest: 0 },
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      slotsRefreshTimeout: 1000,
      clusterRetryStrategy: () => 200,
    });
    this.cluster.on('error', () => {});
    this.loops = Array.from({ length: 4 }, () => this.loop());
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const n = this.next++;
      const key = `w:${n}`;
      const value = `v:${n}`;
      try {
        if ((await this.cluster.set(key, value)) === 'OK') this.acked.set(key, value);
      } catch (error) {
        const kind = (error as Error).message.split(' ')[0]!;
        this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
        // A dead or silent master: do not spin on it.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  /** Waits until `count` more writes were acknowledged. */
  async progress(count: number, message: string): Promise<void> {
    const target = this.acked.size + count;
    await waitFor(() => this.acked.size >= target, { timeout: TIMEOUT, interval: 50, message });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.cluster.disconnect();
  }
}

let writer: Writer;

/** Every acknowledged write, read back through a fresh cluster client (from each slot's master): the ones missing. */
async function missingWrites(): Promise<string[]> {
  const seed = nodes.find((n) => n.running)!;
  const reader = new Cluster([{ host: '127.0.0.1', port: seed.port }], { redisOptions: { maxRetriesPerRequest: 3 } });
  reader.on('error', () => {});
  try {
    const entries = [...writer.acked];
    const missing: string[] = [];
    for (let i = 0; i < entries.length; i += 200) {
      const batch = entries.slice(i, i + 200);
      const values = await Promise.all(batch.map(([key]) => reader.get(key)));
      batch.forEach(([key, value], j) => {
        if (values[j] !== value) missing.push(`${key}=${String(values[j])}`);
      });
    }
    return missing;
  } finally {
    reader.disconnect();
  }
}

/** The masters serving slots and their replicas, as `viewer` sees them. */
async function shards(viewer: number): Promise<{ master: NodeLine; replica: NodeLine | undefined }[]> {
  const lines = await nodesOf(admin(viewer));
  return lines
    .filter((l) => l.flags.includes('master') && l.slots.length > 0)
    .map((master) => ({ master, replica: lines.find((l) => l.master === master.id && !l.flags.includes('fail')) }));
}

/**
 * Waits until every node in `live` says cluster_state:ok, `replicaId` serves `slots` in all their
 * views, and (when `demotedPort` is given) that node replicates the new master with its link up.
 */
async function failedOver(live: number[], replicaId: string, slots: string[], demotedPort?: number): Promise<void> {
  await waitFor(
    async () => {
      for (const port of live) {
        const info = String(await admin(port).call('cluster', 'info'));
        if (!info.includes('cluster_state:ok')) return false;
        const promoted = (await nodesOf(admin(port))).find((l) => l.id === replicaId);
        if (!promoted?.flags.includes('master') || promoted.slots.join(' ') !== slots.join(' ')) return false;
      }
      if (demotedPort !== undefined) {
        const replication = String(await admin(demotedPort).info('replication'));
        if (!replication.includes('role:slave') || !replication.includes('master_link_status:up')) return false;
      }
      return true;
    },
    { timeout: TIMEOUT, interval: 200, message: `${replicaId} to take over ${slots.join(' ')} everywhere` },
  );
}

async function infoField(port: number, section: string, field: string): Promise<number> {
  const match = new RegExp(`${field}:(\\d+)`).exec(String(await admin(port).info(section)));
  return Number(match?.[1] ?? NaN);
}

beforeAll(async () => {
  nodes.push(...(await Promise.all(Array.from({ length: 6 }, () => startClusterNode('builtin', { 'cluster-node-timeout': '1000', 'cluster-confirm-writes': process.env.CONFIRM ?? 'yes' })))));
  const addrs = nodes.map((n) => `127.0.0.1:${n.port}`);
  await run('redis-cli', ['--cluster', 'create', ...addrs, '--cluster-replicas', '1', '--cluster-yes'], { timeout: TIMEOUT });
  await waitFor(
    async () => {
      for (const node of nodes) if (!String(await admin(node.port).call('cluster', 'info')).includes('cluster_state:ok')) return false;
      // Every master's replica online: until then the master cannot acknowledge a write.
      for (const { master } of await shards(nodes[0]!.port)) {
        if (!String(await admin(portOf(master)).info('replication')).includes('state=online')) return false;
      }
      return true;
    },
    { timeout: TIMEOUT, interval: 200, message: 'the cluster to be ok with every replica online' },
  );
  writer = new Writer(nodes[0]!.port);
  await writer.progress(200, 'the first writes to be acknowledged');
}, 120_000);

afterAll(async () => {
  await writer?.stop();
  for (const c of admins.values()) c.disconnect();
  for (const node of nodes) node.kill('SIGCONT');
  await Promise.all(nodes.map((n) => n.stop(2000)));
});

describe('cluster-confirm-writes: no acknowledged write lost (3 masters x 1 replica of ours)', () => {
  it('a killed master: its replica takes over and every acknowledged write is there', async () => {
    const [victim] = await shards(nodes[0]!.port);
    const victimPort = portOf(victim!.master);
    const node = nodes.find((n) => n.port === victimPort)!;
    node.kill('SIGKILL');
    await node.waitExit();
    const live = nodes.filter((n) => n.running).map((n) => n.port);
    await failedOver(live, victim!.replica!.id, victim!.master.slots);
    await writer.progress(200, 'writes to go on after the failover');
    expect(await missingWrites()).toEqual([]);
  }, 120_000);

  it('a paused master (SIGCONT after its replica took over) comes back as a replica; every acknowledged write is there', async () => {
    const live = nodes.filter((n) => n.running).map((n) => n.port);
    const victim = (await shards(live[0]!)).find((s) => s.replica !== undefined)!;
    const victimPort = portOf(victim.master);
    const node = nodes.find((n) => n.port === victimPort)!;
    node.kill('SIGSTOP');
    const others = live.filter((p) => p !== victimPort);
    try {
      await failedOver(others, victim.replica!.id, victim.master.slots);
    } finally {
      node.kill('SIGCONT');
    }
    await failedOver(live, victim.replica!.id, victim.master.slots, victimPort);
    await writer.progress(200, 'writes to go on after the failover');
    expect(await missingWrites()).toEqual([]);
  }, 120_000);

  it('a master cut off from the bus and its replica answers its writes -UNKNOWN, and once made a replica saves them to its ledger', async () => {
    const live = nodes.filter((n) => n.running).map((n) => n.port);
    const victim = (await shards(live[0]!)).find((s) => s.replica !== undefined)!;
    const victimPort = portOf(victim.master);
    const unknownBefore = await infoField(victimPort, 'fencing', 'cluster_unknown_replies');
    // Clients still reach it (only its replica and the bus of every other node are cut).
    const peers = live.filter((p) => p !== victimPort).map((p) => `127.0.0.1:${p}`);
    await admin(victimPort).call('fault', 'partition', 'replicas', ...peers);
    try {
      await failedOver(live.filter((p) => p !== victimPort), victim.replica!.id, victim.master.slots);
    } finally {
      await admin(victimPort).call('fault', 'heal');
    }
    // The writer kept sending it the keys of its slots until its cluster_state went fail.
    expect(await infoField(victimPort, 'fencing', 'cluster_unknown_replies')).toBeGreaterThan(unknownBefore);
    await failedOver(live, victim.replica!.id, victim.master.slots, victimPort);
    await waitFor(async () => (await infoField(victimPort, 'lostwrites', 'lost_writes_events')) > 0, {
      timeout: TIMEOUT,
      message: 'the demoted master to save the writes its successor never had to its lost-writes ledger',
    });
    await writer.progress(200, 'writes to go on after the heal');
    expect(await missingWrites()).toEqual([]);
  }, 120_000);
});
