// Keys moving between our nodes and redis-server in one cluster: two of our masters and one
// redis-server master formed by `redis-cli --cluster create`, then `redis-cli --cluster reshard`
// moves slots redis -> ours, ours -> redis and ours -> ours (SETSLOT IMPORTING / MIGRATING,
// GETKEYSINSLOT, MIGRATE ... KEYS through our MIGRATE and RESTORE-ASKING, SETSLOT NODE) while an
// ioredis Cluster client keeps writing: every key and every acknowledged write is read back after,
// and `redis-cli --cluster check` finds the cluster consistent.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster, type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeClusterPort } from '../helpers/cluster-ports.js';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);

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

describe.skipIf(!hasRedis())('reshard across our nodes and redis-server under writes', () => {
  const nodes: NodeProcess[] = [];
  const clients: Redis[] = [];
  let ids: string[] = [];

  beforeAll(async () => {
    for (const engine of ['builtin', 'builtin', 'redis'] as const) nodes.push(await startClusterNode(engine));
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-yes'], { timeout: 60_000 });
    for (const node of nodes) clients.push(node.client());
    await waitFor(async () => (await Promise.all(clients.map((c) => c.call('CLUSTER', 'INFO')))).every((t) => String(t).includes('cluster_state:ok')), {
      timeout: 30_000,
      message: 'the mixed cluster ok on every node',
    });
    ids = await Promise.all(clients.map(async (c) => String(await c.call('CLUSTER', 'MYID'))));
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(nodes.map((node) => node.stop()));
  });

  it('moves slots both ways with no key and no acknowledged write lost', async () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: nodes[0]!.port }], {
      redisOptions: { maxRetriesPerRequest: 20 },
      retryDelayOnTryAgain: 50,
    });
    try {
      for (let i = 0; i < 600; i++) await cluster.set(`k:${i}`, `v${i}`);
      for (let i = 0; i < 100; i++) await cluster.rpush(`l:${i}`, 'a', String(i));
      await cluster.hset('{tag}h', 'f', '1');
      await cluster.zadd('{tag}z', 1, 'a', 2, 'b');

      // A writer that goes on while slots move; it remembers what was acknowledged.
      const acked = new Map<string, string>();
      let writing = true;
      const writer = (async () => {
        for (let n = 0; writing; n++) {
          const key = `w:${n % 400}`;
          const value = String(n);
          await cluster.set(key, value);
          acked.set(key, value);
        }
      })();

      const host = (i: number) => `127.0.0.1:${nodes[i]!.port}`;
      const reshard = (from: number, to: number, slots: number) =>
        run(
          'redis-cli',
          ['--cluster', 'reshard', host(0), '--cluster-from', ids[from]!, '--cluster-to', ids[to]!, '--cluster-slots', String(slots), '--cluster-yes', '--cluster-pipeline', '20'],
          { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
        );
      await reshard(2, 0, 300); // redis -> ours
      await reshard(0, 2, 600); // ours -> redis
      await reshard(1, 0, 200); // ours -> ours
      writing = false;
      await writer;

      for (let i = 0; i < 600; i++) expect(await cluster.get(`k:${i}`)).toBe(`v${i}`);
      for (let i = 0; i < 100; i++) expect(await cluster.lrange(`l:${i}`, 0, -1)).toEqual(['a', String(i)]);
      expect(await cluster.hget('{tag}h', 'f')).toBe('1');
      expect(await cluster.zrange('{tag}z', 0, -1)).toEqual(['a', 'b']);
      expect(acked.size).toBeGreaterThan(0);
      for (const [key, value] of acked) expect(await cluster.get(key)).toBe(value);

      const { stdout } = await run('redis-cli', ['--cluster', 'check', host(0)], { timeout: 60_000 });
      expect(stdout).toContain('[OK] All nodes agree about slots configuration.');
      expect(stdout).toContain('[OK] All 16384 slots covered.');
      expect(stdout).not.toContain('[WARNING]');
    } finally {
      cluster.disconnect();
    }
  }, 300_000);
});
