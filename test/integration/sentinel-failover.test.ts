// Three clusterctl-sentinels, one master and two replicas (real redis-server, then our node): SIGKILL
// of the master -> a replica promoted, every sentinel agrees on the new address, the other replica
// follows it, an ioredis client in sentinel mode resumes writing on it, and the old master comes back
// as a replica when restarted.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { masterAddress, sentinelMaster, startSentinel, type SentinelProcess } from '../helpers/sentinels.js';
import { waitFor } from '../helpers/wait-for.js';

const NAME = 'mymaster';
const engines: Engine[] = hasRedis() ? ['redis', 'builtin'] : ['builtin'];

async function role(node: NodeProcess): Promise<unknown[]> {
  const client = node.client({ enableReadyCheck: false, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    return (await client.call('ROLE')) as unknown[];
  } finally {
    client.disconnect();
  }
}

describe.each(engines)('sentinels managing %s nodes', (engine) => {
  let master: NodeProcess;
  let replicas: NodeProcess[] = [];
  let sentinels: SentinelProcess[] = [];
  let clients: Redis[] = [];
  let newMasterPort = 0;

  beforeAll(async () => {
    master = await startNode({ engine });
    replicas = await Promise.all([0, 1].map(() => startNode({ engine, config: { replicaof: `127.0.0.1 ${master.port}` } })));
    sentinels = await Promise.all([0, 1, 2].map(() => startSentinel({ monitors: [{ name: NAME, port: master.port, quorum: 2 }] })));
    clients = sentinels.map((s) => s.client());
    // Ready when every sentinel knows both replicas and both other sentinels.
    await waitFor(
      async () => {
        const views = await Promise.all(clients.map((c) => sentinelMaster(c, NAME)));
        return views.every((v) => v['num-slaves'] === '2' && v['num-other-sentinels'] === '2');
      },
      { timeout: 15_000, message: 'sentinels to discover the replicas and each other' },
    );
    await waitFor(async () => (await role(replicas[0]!))[3] === 'connected' && (await role(replicas[1]!))[3] === 'connected', {
      timeout: 10_000,
      message: 'replicas in sync',
    });
  });

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await Promise.all([...sentinels.map((s) => s.stop()), master?.stop(), ...replicas.map((r) => r.stop())]);
  });

  it('fails over on SIGKILL of the master; an ioredis sentinel client resumes writing on the new master', async () => {
    const app = new Redis({
      sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      name: NAME,
      maxRetriesPerRequest: null,
    });
    app.on('error', () => {});
    await app.set('before', 'kill');
    const reader = replicas[0]!.client();
    await waitFor(async () => (await reader.get('before')) === 'kill', { message: 'replication of the first write' });
    reader.disconnect();
    let stop = false;
    let killedAt = 0;
    let firstWriteAfterKill = 0;
    let written = 0;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          await app.set(`k${i}`, String(i));
          written = i;
          if (killedAt && !firstWriteAfterKill) firstWriteAfterKill = Date.now();
        } catch {
          // Counted by the absence of progress; the loop keeps writing.
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await waitFor(() => written > 20, { message: 'writes flowing' });
    master.kill('SIGKILL');
    killedAt = Date.now();
    await waitFor(() => firstWriteAfterKill > 0, { timeout: 15_000, message: 'a successful write after the kill' });
    stop = true;
    await writer;
    console.log(`[${engine}] kill -> first successful write through ioredis sentinel mode: ${firstWriteAfterKill - killedAt} ms`);

    const addresses = await waitFor(
      async () => {
        const all = await Promise.all(clients.map((c) => masterAddress(c, NAME)));
        return all.every((a) => a === all[0]) && all[0] !== `127.0.0.1:${master.port}` ? all : null;
      },
      { timeout: 10_000, message: 'all sentinels to agree on a new master' },
    );
    newMasterPort = Number(addresses[0]!.split(':')[1]);
    const promoted = replicas.find((r) => r.port === newMasterPort)!;
    const other = replicas.find((r) => r.port !== newMasterPort)!;
    expect(promoted).toBeDefined();
    expect((await role(promoted))[0]).toBe('master');
    await waitFor(
      async () => {
        const r = await role(other);
        return r[0] === 'slave' && r[2] === newMasterPort && r[3] === 'connected';
      },
      { timeout: 10_000, message: 'the other replica to follow the new master' },
    );
    // The data written through the client is on the new master, old writes included.
    expect(await app.get('before')).toBe('kill');
    expect(await app.get(`k${written}`)).toBe(String(written));
    app.disconnect();
    // +switch-master is logged when the reconfiguration ends (leader) or the new config arrives (others).
    await waitFor(() => sentinels.every((s) => /\+switch-master mymaster 127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+/.test(s.log())), {
      timeout: 15_000,
      message: 'every sentinel to log +switch-master',
    });
  }, 30_000);

  it('a restarted sentinel keeps its view, epochs and peers from its rewritten config', async () => {
    expect(newMasterPort).toBeGreaterThan(0);
    const first = sentinels[0]!;
    expect(first.config()).toContain(`sentinel monitor ${NAME} 127.0.0.1 ${newMasterPort} 2`);
    expect(first.config()).toMatch(/sentinel config-epoch mymaster 1\n/);
    clients[0]!.disconnect();
    await first.stop(5000, true);
    sentinels[0] = await startSentinel({ monitors: [] }, { dir: first.dir, port: first.port });
    clients[0] = sentinels[0].client();
    // Straight from the file, before any INFO or hello could have told it.
    const view = await sentinelMaster(clients[0], NAME);
    expect(view).toMatchObject({ port: String(newMasterPort), 'config-epoch': '1', 'num-slaves': '2', 'num-other-sentinels': '2' });
    expect(await clients[0].call('SENTINEL', 'MYID')).toBe(first.config().match(/sentinel myid (\w+)/)![1]);
  });

  it('brings the restarted old master back as a replica of the new master', async () => {
    expect(newMasterPort).toBeGreaterThan(0);
    const oldPort = master.port;
    await master.stop();
    master = await startNode({ engine, port: oldPort });
    await waitFor(
      async () => {
        const r = await role(master);
        return r[0] === 'slave' && r[2] === newMasterPort && r[3] === 'connected';
      },
      { timeout: 20_000, message: 'the old master to be converted to a replica' },
    );
    expect(sentinels.some((s) => /\+convert-to-slave slave 127\.0\.0\.1:\d+/.test(s.log()))).toBe(true);
  }, 30_000);
});
