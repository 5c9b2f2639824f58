// cluster-fast-failover end to end, in a mixed cluster: five masters (A, B, C, D ours; E
// redis-server), our replica RA of A and a redis-server replica RB of B, cluster-node-timeout 60 s.
// Redis's rules cannot fail a master over before node-timeout, so a failover within the 30 s the
// test waits is the early path: a SIGKILLed A refuses connections, our masters B, C, D (3 of 5)
// report it at once and broadcast FAIL, and RA wins an election that redis-server E votes in too;
// a SIGKILLed B is replaced by RB, a redis-server replica following our FAIL broadcast with its own
// election. A SIGSTOPped master (its sockets still accept) is flagged only after node-timeout.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClient } from './cluster-engines.js';
import { nodesOf } from '../helpers/cluster-nodes.js';
import { startClusterNode } from '../helpers/cluster-ports.js';
import { hasRedis, type Engine, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);
const NODE_TIMEOUT = '60000';
/** Well under node-timeout: anything decided within it came from the death evidence. */
const EARLY = 30_000;

describe.skipIf(!hasRedis())('cluster-fast-failover: a killed master replaced before node-timeout, a paused one not', () => {
  const nodes: Record<string, NodeProcess> = {};
  const clients: Record<string, Redis> = {};
  const ids: Record<string, string> = {};

  const start = async (name: string, engine: Engine) => {
    nodes[name] = await startClusterNode(engine, { 'cluster-node-timeout': NODE_TIMEOUT });
    clients[name] = nodes[name]!.client({ maxRetriesPerRequest: 0, retryStrategy: () => null });
    clients[name]!.on('error', () => {});
    ids[name] = String(await clients[name]!.call('cluster', 'myid'));
  };

  /** The master id owning `slot` and the flags of `about`, as `viewer`'s CLUSTER NODES says. */
  const ownerOf = async (viewer: string, slot: number) => {
    for (const line of await nodesOf(clients[viewer]!)) {
      for (const range of line.slots) {
        const [a, b = a] = range.split('-').map(Number) as [number, number?];
        if (!range.startsWith('[') && slot >= a && slot <= b!) return line.id;
      }
    }
    return undefined;
  };
  const flagsOf = async (viewer: string, about: string) => (await nodesOf(clients[viewer]!)).find((l) => l.id === ids[about])?.flags ?? [];
  /** The first slot range `name` serves. */
  const rangeOf = async (name: string): Promise<[number, number]> => {
    const line = (await nodesOf(clients[name]!)).find((l) => l.id === ids[name])!;
    const [a, b = a] = line.slots[0]!.split('-').map(Number) as [number, number?];
    return [a, b!];
  };

  beforeAll(async () => {
    await Promise.all([
      ...['A', 'B', 'C', 'D', 'RA'].map((n) => start(n, 'builtin')),
      ...['E', 'RB'].map((n) => start(n, 'redis')),
    ]);
    const masters = ['A', 'B', 'C', 'D', 'E'].map((n) => `127.0.0.1:${nodes[n]!.port}`);
    await run('redis-cli', ['--cluster', 'create', ...masters, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 60_000 });
    for (const [replica, master] of [['RA', 'A'], ['RB', 'B']] as const) {
      await clients[replica]!.call('cluster', 'meet', '127.0.0.1', String(nodes[master]!.port));
      await waitFor(async () => (await nodesOf(clients[replica]!)).some((l) => l.id === ids[master]), { timeout: 30_000, message: `${replica} to know ${master}` });
      await clients[replica]!.call('cluster', 'replicate', ids[master]!);
    }
    await waitFor(
      async () => {
        for (const name of Object.keys(nodes)) {
          const info = String(await clients[name]!.call('cluster', 'info'));
          const lines = await nodesOf(clients[name]!);
          if (!info.includes('cluster_state:ok') || lines.length !== 7 || lines.some((l) => l.flags.some((f) => /fail|handshake/.test(f)))) return false;
        }
        const links = await Promise.all(['RA', 'RB'].map(async (n) => String(await clients[n]!.info('replication'))));
        return links.every((l) => l.includes('master_link_status:up'));
      },
      { timeout: 45_000, interval: 200, message: 'the mixed cluster of 7 to agree and both replicas to sync' },
    );
  }, 120_000);

  afterAll(async () => {
    for (const c of Object.values(clients)) c.disconnect();
    nodes.C?.kill('SIGCONT');
    await Promise.all(Object.values(nodes).map((n) => n.stop()));
  });

  it('a killed master of ours is replaced by our replica, with the vote of redis-server', async () => {
    const [slot, last] = await rangeOf('A');
    const key = await keyIn(clients.C!, slot, last);
    const app = clusterClient(nodes.C!.port);
    try {
      expect(await app.set(key, 'before')).toBe('OK');
      expect(await clients.A!.call('wait', '1', '5000')).toBe(1); // RA has it
      nodes.A!.kill('SIGKILL');
      await waitFor(async () => (await ownerOf('E', slot)) === ids.RA, { timeout: EARLY, interval: 100, message: 'redis-server E to see RA own A\'s slots' });
      const info = String(await clients.E!.call('cluster', 'info'));
      expect(Number(/cluster_stats_messages_auth-ack_sent:(\d+)/.exec(info)?.[1] ?? 0)).toBeGreaterThanOrEqual(1);
      expect(nodes.B!.log()).toMatch(new RegExp(`Node ${ids.A} refuses connections on its bus and client ports`));
      // A client of the cluster writes to A's former slots again, and reads what RA kept.
      await waitFor(async () => (await app.set(`${key}:after`, 'x')) === 'OK', { timeout: EARLY, message: "a write to A's slots" });
      expect(await app.get(key)).toBe('before');
    } finally {
      app.disconnect();
    }
  });

  it('a killed master of ours is replaced by its redis-server replica, on our FAIL broadcast', async () => {
    const [slot] = await rangeOf('B');
    nodes.B!.kill('SIGKILL');
    await waitFor(async () => (await ownerOf('D', slot)) === ids.RB, { timeout: EARLY, interval: 100, message: 'our D to see RB own B\'s slots' });
    expect(nodes.RB!.log()).toMatch(/Failover election won/);
    expect(nodes.RB!.log()).toMatch(new RegExp(`FAIL message received from \\w+ about ${ids.B}`));
  });

  it('a paused master is not flagged before node-timeout', async () => {
    const timeout = 3000;
    for (const n of ['C', 'D', 'E', 'RA', 'RB']) await clients[n]!.call('config', 'set', 'cluster-node-timeout', String(timeout));
    nodes.C!.kill('SIGSTOP');
    const pausedAt = Date.now();
    try {
      await waitFor(async () => (await flagsOf('D', 'C')).some((f) => f === 'fail?' || f === 'fail'), {
        timeout: 30_000,
        interval: 50,
        message: 'our D to flag the paused C after node-timeout',
      });
      // A lower bound: a slow machine only makes it later.
      expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(timeout);
      expect(nodes.D!.log()).not.toMatch(new RegExp(`Node ${ids.C} refuses connections`));
    } finally {
      nodes.C!.kill('SIGCONT');
    }
  });
});

/** A key whose slot is in [first, last] (CLUSTER KEYSLOT on candidates: a fifth of them fit). */
async function keyIn(client: Redis, first: number, last: number): Promise<string> {
  for (let i = 0; ; i++) {
    const slot = Number(await client.call('cluster', 'keyslot', `k${i}`));
    if (slot >= first && slot <= last) return `{k${i}}`;
  }
}
