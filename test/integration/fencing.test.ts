// Self-fencing with real processes (our nodes, our sentinels, down-after 1000): a master stopped
// with SIGSTOP while a client writes must, once resumed, acknowledge no write before it is fenced
// or demoted — every write answered OK exists on the new master afterwards.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../helpers/processes.js';
import { masterAddress, startSentinelGroup, type SentinelGroup, type SentinelProcess } from '../helpers/sentinels.js';
import { waitFor } from '../helpers/wait-for.js';

const NAME = 'mymaster';

/** Writers through the sentinels; a write counts as acknowledged only on +OK (failed or unknown otherwise). */
function startWriters(sentinels: SentinelProcess[], options: { writers: number; commandTimeout: number; pauseMs: number }) {
  const app = new Redis({
    sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
    name: NAME,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeout,
  });
  app.on('error', () => {});
  const acknowledged: string[] = [];
  let stopped = false;
  const loops = Array.from({ length: options.writers }, async (_, w) => {
    for (let i = 0; !stopped; i++) {
      const key = `w${w}-${i}`;
      try {
        if ((await app.set(key, String(i))) === 'OK') acknowledged.push(key);
      } catch {
        // Failed or unknown outcome: never counted as acknowledged.
      }
      if (options.pauseMs > 0) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  });
  return {
    acknowledged,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      app.disconnect();
    },
  };
}

/** Waits until the sentinels name another master than `oldPort` and writes flow again there. */
async function failedOverAndWriting(sentinel: Redis, oldPort: number, acknowledged: string[]): Promise<void> {
  await waitFor(async () => (await masterAddress(sentinel, NAME)) !== `127.0.0.1:${oldPort}`, { timeout: 15_000, message: 'a replica promoted' });
  const countAtFailover = acknowledged.length;
  await waitFor(() => acknowledged.length > countAtFailover + 50, { timeout: 10_000, message: 'writes on the new master' });
}

/** The acknowledged keys the current master does not hold. */
async function missingOnMaster(sentinel: Redis, keys: string[]): Promise<string[]> {
  const address = (await masterAddress(sentinel, NAME))!;
  const master = new Redis({ host: '127.0.0.1', port: Number(address.split(':')[1]) });
  try {
    const values = await master.mget(...keys);
    return keys.filter((_, i) => values[i] === null);
  } finally {
    master.disconnect();
  }
}

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

  it('a write is answered once the sentinels confirm a round after it; a pipeline shares rounds and keeps its order', async () => {
    const c = master.client();
    try {
      const before = (await c.info('fencing')) as string;
      const pipeline = c.pipeline();
      for (let i = 0; i < 50; i++) pipeline.set(`p${i}`, String(i)).get(`p${i}`);
      const replies = (await pipeline.exec())!.map(([error, value]) => error?.message ?? value);
      expect(replies).toEqual(Array.from({ length: 50 }, (_, i) => ['OK', String(i)]).flat());
      const after = (await c.info('fencing')) as string;
      const delta = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(after)![1]) - Number(new RegExp(`${name}:(\\d+)`).exec(before)![1]);
      expect(after).toMatch(/fence_confirm_writes:1/);
      expect(delta('fence_held_replies')).toBe(50);
      // The 50 writes arrived together: a handful of rounds at most, not one each.
      expect(delta('fence_confirm_rounds')).toBeGreaterThan(0);
      expect(delta('fence_confirm_rounds')).toBeLessThan(10);
    } finally {
      c.disconnect();
    }
  });

  it('after SIGSTOP + SIGCONT the old master acknowledges nothing the new master lacks', async () => {
    const writes = startWriters(sentinels, { writers: 1, commandTimeout: 400, pauseMs: 2 });
    const { acknowledged } = writes;
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

    await failedOverAndWriting(sentinelClients[0]!, master.port, acknowledged);
    await writes.stop();
    expect(await missingOnMaster(sentinelClients[0]!, acknowledged)).toEqual([]);
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
    const writes = startWriters(sentinels, { writers: 4, commandTimeout: 1500, pauseMs: 0 });
    const { acknowledged } = writes;
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
    await failedOverAndWriting(sentinelClients[0]!, master.port, acknowledged);
    await writes.stop();
    expect(await missingOnMaster(sentinelClients[0]!, acknowledged)).toEqual([]);
  });
});
