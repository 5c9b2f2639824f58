// Interoperability: real redis-sentinel managing our nodes (our node must accept everything Sentinel
// sends, protocol doc 7.1 and 7.10), and a mixed group of clusterctl-sentinels and a redis-sentinel
// that discover each other, vote together and agree on the new master after a SIGKILL.

import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { masterAddress, sentinelMaster, startSentinel, type SentinelProcess } from '../helpers/sentinels.js';
import { waitFor } from '../helpers/wait-for.js';

const NAME = 'mymaster';

// down-after-milliseconds for every sentinel here. Not 1000: a redis-sentinel that learns the new
// master from a hello resets its master record (sentinelResetMaster: act_ping_time = now), but its
// reconnection stays throttled to one attempt per second counted from its last attempt at the dead
// master; with down-after 1000 it can declare the just-promoted master SDOWN before its first PING
// is even sent. The peers' "master is down" answers about the OLD master are kept for 5 s and count
// for the new one, so that SDOWN is at once ODOWN and, the failover cool-down being reset too, a
// second failover promotes the other replica (seen in about 1 run in 5 at 1000 ms, with
// redis-server nodes as well as ours). 2000 ms leaves that reconnection a second of slack.
const DOWN_AFTER_MS = 2000;

describe.skipIf(!hasRedis())('sentinel interoperability', () => {
  let nodes: NodeProcess[] = [];
  let sentinels: SentinelProcess[] = [];
  let clients: Redis[] = [];

  afterEach(async () => {
    for (const c of clients) c.disconnect();
    await Promise.all([...sentinels.map((s) => s.stop()), ...nodes.map((n) => n.stop())]);
    nodes = [];
    sentinels = [];
    clients = [];
  });

  /** Master + 2 replicas of `nodeEngine`, one sentinel per entry of `sentinelEngines`; then SIGKILL the master. */
  async function failover(nodeEngine: Engine, sentinelEngines: Engine[]): Promise<void> {
    const master = await startNode({ engine: nodeEngine });
    const replicas = await Promise.all([0, 1].map(() => startNode({ engine: nodeEngine, config: { replicaof: `127.0.0.1 ${master.port}` } })));
    nodes = [master, ...replicas];
    sentinels = await Promise.all(sentinelEngines.map((engine) => startSentinel({ engine, monitors: [{ name: NAME, port: master.port, quorum: 2, downAfterMs: DOWN_AFTER_MS }] })));
    clients = sentinels.map((s) => s.client());
    await waitFor(
      async () => {
        const views = await Promise.all(clients.map((c) => sentinelMaster(c, NAME)));
        return views.every((v) => v['num-slaves'] === '2' && v['num-other-sentinels'] === String(sentinels.length - 1));
      },
      { timeout: 15_000, message: 'every sentinel to see both replicas and the other sentinels' },
    );
    master.kill('SIGKILL');
    // The end state, judged as a whole each time: every sentinel names the same new master (one of
    // the replicas) and the other replica follows it. Whatever the sentinels did on the way (a
    // second failover can still happen on a loaded machine), that is what a client relies on.
    const replicaClients = new Map(replicas.map((r) => [r.port, r.client({ enableReadyCheck: false })]));
    try {
      await waitFor(
        async () => {
          const all = await Promise.all(clients.map((c) => masterAddress(c, NAME)));
          if (!all.every((a) => a === all[0]) || all[0] === null) return false;
          const newPort = Number(all[0].split(':')[1]);
          if (!replicaClients.has(newPort)) return false;
          const other = replicas.find((r) => r.port !== newPort)!;
          const role = (await replicaClients.get(other.port)!.call('ROLE')) as unknown[];
          return role[0] === 'slave' && role[2] === newPort && role[3] === 'connected';
        },
        // Room for one repair round (+fix-slave-config or +convert-to-slave, which redis-sentinel
        // sends 8-10 s after it sees a wrong role) and the full resync that follows it.
        { timeout: 40_000, message: 'all sentinels to agree on a new master and the other replica to follow it' },
      );
    } finally {
      for (const c of replicaClients.values()) c.disconnect();
    }
  }

  it('redis-sentinel fails our nodes over', async () => {
    await failover('builtin', ['redis', 'redis', 'redis']);
  }, 70_000);

  it('clusterctl-sentinels and a redis-sentinel form one group and fail over together', async () => {
    await failover('redis', ['builtin', 'builtin', 'redis']);
    const peers = (await clients[2]!.call('SENTINEL', 'SENTINELS', NAME)) as string[][];
    expect(peers).toHaveLength(2);
  }, 70_000);
});
