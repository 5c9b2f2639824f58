// Fencing keeps its promise and nothing more, with real processes (our nodes): under sentinels that
// stop watching a master (SENTINEL REMOVE, then restarted and re-added) every write is accepted, with
// our sentinels (they give their leases back) and with redis-sentinel (it never held one); sentinels
// that vanish without a word fence it, and the node says whom it waits for; SENTINEL FAILOVER makes
// the healthy old master step aside before the replica takes writes.

import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { probeNode } from '../../src/cli/probe/probe.js';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { masterAddress, sentinelMaster, startSentinel, type SentinelProcess } from '../helpers/sentinels.js';
import { waitFor } from '../helpers/wait-for.js';

const NAME = 'mymaster';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One client writing to `port` every few ms; every reply that is not OK is kept. */
function writer(port: number) {
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 20 });
  client.on('error', () => {});
  const failures: string[] = [];
  let ok = 0;
  let stopped = false;
  const loop = (async () => {
    await new Promise((resolve) => client.once('ready', resolve));
    for (let i = 0; !stopped; i++) {
      try {
        if ((await client.set(`k${i}`, String(i))) === 'OK') ok++;
        else failures.push('not OK');
      } catch (error) {
        failures.push((error as Error).message);
      }
      await sleep(5);
    }
  })();
  return {
    failures,
    get ok() {
      return ok;
    },
    async stop() {
      stopped = true;
      await loop;
      client.disconnect();
    },
  };
}

async function fencing(port: number): Promise<Record<string, string>> {
  const c = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
  try {
    const text = (await c.info('fencing')) as string;
    return Object.fromEntries(text.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
  } finally {
    c.disconnect();
  }
}

describe('fencing under sentinels that stop watching, or vanish', () => {
  let nodes: NodeProcess[] = [];
  let sentinels: SentinelProcess[] = [];
  const clients: Redis[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const n of nodes) n.kill('SIGCONT');
    await Promise.all([...sentinels.map((s) => s.stop()), ...nodes.map((n) => n.stop())]);
    nodes = [];
    sentinels = [];
  });

  async function group(engine: Engine): Promise<{ master: NodeProcess; replica: NodeProcess }> {
    const master = await startNode({ config: { 'repl-diskless-sync-delay': '0' } });
    const replica = await startNode({ config: { replicaof: `127.0.0.1 ${master.port}` } });
    nodes.push(master, replica);
    sentinels = await Promise.all([0, 1, 2].map(() => startSentinel({ engine, monitors: [{ name: NAME, port: master.port, quorum: 2, downAfterMs: 1000 }] })));
    clients.push(...sentinels.map((s) => s.client()));
    await agreed(3);
    return { master, replica };
  }

  async function agreed(count: number): Promise<void> {
    await waitFor(
      async () => {
        const views = await Promise.all(clients.slice(-count).map((c) => sentinelMaster(c, NAME)));
        return views.every((v) => v['num-slaves'] === '1' && v['num-other-sentinels'] === String(count - 1));
      },
      { timeout: 20_000, message: 'the sentinels to see the replica and each other' },
    );
  }

  for (const engine of ['builtin', 'redis'] as const) {
    it.skipIf(engine === 'redis' && !hasRedis())(`SENTINEL REMOVE, then sentinels restarted and re-added: every write accepted (${engine} sentinels)`, async () => {
      const { master } = await group(engine);
      const members = engine === 'builtin' ? 3 : 0;
      await waitFor(async () => (await fencing(master.port)).fence_members.split(',').filter(Boolean).length === members, { message: `${members} members` });
      const writes = writer(master.port);
      await sleep(500);
      for (const c of clients) expect(await c.call('SENTINEL', 'REMOVE', NAME)).toBe('OK');
      // Our sentinels gave their leases back: nobody can fence it now.
      await waitFor(async () => (await fencing(master.port)).fence_members === '', { message: 'leases released' });
      await sleep(3000); // longer than fence-lease-ms and any lease: nothing fences
      for (const c of clients.splice(0)) c.disconnect();
      const restarted: SentinelProcess[] = [];
      for (const s of sentinels) {
        await s.stop(5000, true);
        restarted.push(await startSentinel({ engine, monitors: [] }, { dir: s.dir, port: s.port }));
      }
      sentinels = restarted;
      clients.push(...sentinels.map((s) => s.client()));
      for (const c of clients) {
        expect(await c.call('SENTINEL', 'MONITOR', NAME, '127.0.0.1', String(master.port), '2')).toBe('OK');
        expect(await c.call('SENTINEL', 'SET', NAME, 'down-after-milliseconds', '1000')).toBe('OK');
      }
      await agreed(3);
      await sleep(1500);
      await writes.stop();
      expect(writes.failures).toEqual([]);
      expect(writes.ok).toBeGreaterThan(300);
      const state = await fencing(master.port);
      expect([state.fenced, state.fence_heuristic]).toEqual(['0', '0']);
      expect(state.fence_members.split(',').filter(Boolean)).toHaveLength(members);
    }, 90_000);
  }

  it('our sentinels shut down (SIGTERM): they give their leases back first, and the master keeps taking writes', async () => {
    const { master } = await group('builtin');
    await waitFor(async () => (await fencing(master.port)).fence_members.split(',').length === 3, { message: 'three members' });
    const writes = writer(master.port);
    await sleep(300);
    for (const c of clients.splice(0)) c.disconnect();
    await Promise.all(sentinels.map((s) => s.stop(5000, true)));
    expect((await fencing(master.port)).fence_members).toBe('');
    await sleep(2000);
    await writes.stop();
    expect(writes.failures).toEqual([]);
    expect((await fencing(master.port)).fenced).toBe('0');
  }, 60_000);

  it('our sentinels killed without a word: it fences on the lease, names the three it waits for, and FENCING FORGET * lifts it', async () => {
    const { master } = await group('builtin');
    await waitFor(async () => (await fencing(master.port)).fence_members.split(',').length === 3, { message: 'three members' });
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of sentinels) s.kill('SIGKILL');
    const c = master.client({ maxRetriesPerRequest: 0 });
    clients.push(c);
    c.on('error', () => {});
    const refused = await waitFor(async () => (await c.set('x', '1').catch((e: Error) => e.message)).toString().match(/^FENCED.*/)?.[0], {
      timeout: 5000,
      message: 'writes refused',
    });
    expect(refused).toMatch(/^FENCED \(lease\) it has not heard from 2 of its 3 sentinel\(s\) within the 750 ms lease.*\(waiting for [0-9a-f]{8}, [0-9a-f]{8}, [0-9a-f]{8}\)$/);
    const probe = await probeNode(master.port);
    expect(probe.fenced).toBe('lease');
    expect(probe.fence!.waitingFor).toHaveLength(3);
    expect(probe.fence!.liftedBy).toContain('FENCING FORGET');
    expect(await c.call('FENCING', 'FORGET', '*')).toBe(3);
    expect(await c.set('x', '2')).toBe('OK');
  }, 60_000);

  it('SENTINEL FAILOVER: the healthy old master refuses writes before the replica takes any', async () => {
    const { master, replica } = await group('builtin');
    await waitFor(async () => (await fencing(master.port)).fence_members.split(',').length === 3, { message: 'three members' });
    const old = master.client({ maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 10 });
    const fresh = replica.client({ maxRetriesPerRequest: 0, retryStrategy: () => 10 });
    fresh.on('error', () => {});
    old.on('error', () => {});
    clients.push(old, fresh);
    expect(await clients[0]!.call('SENTINEL', 'FAILOVER', NAME)).toBe('OK');
    let promoted = false;
    const afterPromotion: string[] = [];
    const deadline = Date.now() + 15_000;
    while (afterPromotion.length < 50 && Date.now() < deadline) {
      // The replica first: once it is a master, every later write to the old one must fail.
      // (The promotion's CLIENT KILL drops this connection once: ioredis reconnects.)
      if (!promoted) promoted = ((await fresh.call('ROLE').catch(() => ['?'])) as string[])[0] === 'master';
      const reply = await old.set('probe', '1').then(String, (e: Error) => e.message);
      if (promoted) afterPromotion.push(reply);
      await sleep(2);
    }
    expect(promoted).toBe(true);
    expect(afterPromotion.filter((r) => r === 'OK')).toEqual([]);
    expect(afterPromotion.some((r) => r.startsWith('FENCED'))).toBe(true);
    await waitFor(async () => (await masterAddress(clients[1]!, NAME)) === `127.0.0.1:${replica.port}`, { timeout: 15_000, message: 'the switch' });
    // The old master is made a replica of the new one in the end (+convert-to-slave), fence lifted.
    await waitFor(async () => ((await old.call('ROLE').catch(() => ['?'])) as string[])[0] === 'slave', { timeout: 30_000, message: 'the old master converted' });
    expect((await fencing(master.port)).fenced).toBe('0');
  }, 60_000);
});
