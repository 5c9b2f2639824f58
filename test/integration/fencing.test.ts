// Self-fencing with real processes (our nodes, our sentinels, down-after 1000): a master stopped
// with SIGSTOP while a client writes must, once resumed, acknowledge no write before it is fenced
// or demoted — every write answered OK exists on the new master afterwards.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../helpers/processes.js';
import { masterAddress, startSentinelGroup, type SentinelGroup, type SentinelProcess } from '../helpers/sentinels.js';
import { waitFor } from '../helpers/wait-for.js';

const NAME = 'mymaster';

describe('self-fencing under sentinels', () => {
  let group: SentinelGroup;
  let master: NodeProcess;
  let sentinels: SentinelProcess[] = [];
  let sentinelClients: Redis[] = [];

  beforeAll(async () => {
    group = await startSentinelGroup({ 'fence-lease-ms': process.env.LEASE ?? '2000' }, NAME);
    ({ master, sentinels, sentinelClients } = group);
  });

  afterAll(async () => {
    await group?.stop();
  });

  it('the master knows its sentinels, takes the lease they request and holds it while they are there', async () => {
    const c = master.client();
    try {
      await waitFor(async () => /fence_known_sentinels:3/.test((await c.info('fencing')) as string), { message: 'three sentinels known' });
      const text = (await c.info('fencing')) as string;
      // Our sentinels asked for down-after (1000) - margin (250): shorter than fence-lease-ms.
      expect(text).toMatch(/fence_lease_config_ms:2000/);
      expect(text).toMatch(/fence_lease_ms:750\r\n/);
      expect(text).toMatch(/fence_lease_requests:3/);
      expect(text).toMatch(/fenced:0/);
      expect(await c.set('healthy', '1')).toBe('OK');
    } finally {
      c.disconnect();
    }
  });

  it('after SIGSTOP + SIGCONT the old master acknowledges nothing the new master lacks', async () => {
    const app = new Redis({
      sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      name: NAME,
      maxRetriesPerRequest: 1,
      commandTimeout: 400,
    });
    app.on('error', () => {});
    const acknowledged: string[] = [];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          if ((await app.set(`w${i}`, String(i))) === 'OK') acknowledged.push(`w${i}`);
        } catch {
          // Failed or unknown outcome: never counted as acknowledged.
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await waitFor(() => acknowledged.length > 50, { message: 'writes flowing' });
    master.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 3000));
    master.kill('SIGCONT');
    // Right after the resume, a write sent straight to the old master is refused (FENCED, or its
    // connection dropped by the fence: never an OK).
    const direct = master.client({ maxRetriesPerRequest: 0 });
    direct.on('error', () => {});
    const directReply = await direct.set('direct-after-resume', '1').then(
      (r) => String(r),
      (e: Error) => e.message,
    );
    direct.disconnect();
    expect(directReply).not.toBe('OK');

    await waitFor(async () => (await masterAddress(sentinelClients[0]!, NAME)) !== `127.0.0.1:${master.port}`, {
      timeout: 15_000,
      message: 'a replica promoted',
    });
    const countAtFailover = acknowledged.length;
    await waitFor(() => acknowledged.length > countAtFailover + 50, { timeout: 10_000, message: 'writes on the new master' });
    stop = true;
    await writer;
    app.disconnect();

    const address = (await masterAddress(sentinelClients[0]!, NAME))!;
    const newMaster = new Redis({ host: '127.0.0.1', port: Number(address.split(':')[1]) });
    try {
      const values = await newMaster.mget(...acknowledged);
      const lost = acknowledged.filter((_, i) => values[i] === null);
      expect(lost).toEqual([]);
    } finally {
      newMaster.disconnect();
    }
  });
});

describe('sync-replicas 1 under sentinels', () => {
  let group: SentinelGroup | undefined;

  afterAll(async () => {
    await group?.stop();
  });

  it('loses no acknowledged write when the replicas stall and the master is killed', async () => {
    group = await startSentinelGroup({ 'sync-replicas': '1', 'sync-replicas-timeout': '1000' }, NAME);
    const { master, replicas, sentinels, sentinelClients } = group;
    const app = new Redis({
      sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      name: NAME,
      maxRetriesPerRequest: 1,
      commandTimeout: 1500,
    });
    app.on('error', () => {});
    const acknowledged: string[] = [];
    let stop = false;
    const writers = [0, 1, 2, 3].map(async (w) => {
      for (let i = 0; !stop; i++) {
        try {
          if ((await app.set(`s${w}-${i}`, String(i))) === 'OK') acknowledged.push(`s${w}-${i}`);
        } catch {
          // Failed or unknown outcome.
        }
      }
    });
    await waitFor(() => acknowledged.length > 200, { message: 'writes flowing' });
    // The replicas stall, then the master dies: with asynchronous replication the writes answered
    // meanwhile exist nowhere else; with sync-replicas 1 none of them was answered OK.
    for (const r of replicas) r.kill('SIGSTOP');
    // What the kernel already holds for a replica survives the master's death: cut the links too.
    const admin = master.client();
    await admin.client('KILL', 'TYPE', 'replica');
    admin.disconnect();
    const beforeStall = acknowledged.length;
    await new Promise((r) => setTimeout(r, 300));
    master.kill('SIGKILL');
    for (const r of replicas) r.kill('SIGCONT');
    expect(acknowledged.length).toBe(beforeStall);
    await waitFor(async () => (await masterAddress(sentinelClients[0]!, NAME)) !== `127.0.0.1:${master.port}`, {
      timeout: 15_000,
      message: 'a replica promoted',
    });
    const countAtFailover = acknowledged.length;
    await waitFor(() => acknowledged.length > countAtFailover + 50, { timeout: 10_000, message: 'writes on the new master' });
    stop = true;
    await Promise.all(writers);
    app.disconnect();
    const address = (await masterAddress(sentinelClients[0]!, NAME))!;
    const newMaster = new Redis({ host: '127.0.0.1', port: Number(address.split(':')[1]) });
    try {
      const values = await newMaster.mget(...acknowledged);
      expect(acknowledged.filter((_, i) => values[i] === null)).toEqual([]);
    } finally {
      newMaster.disconnect();
    }
  });
});
