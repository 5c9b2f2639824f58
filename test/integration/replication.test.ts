// Replication between our own nodes, observed as an operator would: INFO replication and stats,
// ROLE, and every key/value/TTL read back from each node.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startNode, type NodeProcess } from '../helpers/processes.js';
import { dumpDataset, diffDatasets } from '../helpers/dataset.js';
import { info, waitInSync } from '../helpers/info.js';
import { waitFor } from '../helpers/wait-for.js';

const FAST_SYNC = { 'repl-diskless-sync-delay': '0' };

describe('replication between clusterctl nodes', () => {
  const started: NodeProcess[] = [];
  const clients: { disconnect(): void }[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await Promise.all(started.splice(0).map((n) => n.stop()));
  });

  async function node(config: Record<string, string> = {}): Promise<NodeProcess> {
    const n = await startNode({ config: { ...FAST_SYNC, ...config } });
    started.push(n);
    return n;
  }
  function connect(n: NodeProcess) {
    const c = n.client();
    clients.push(c);
    return c;
  }

  it('a chain master -> r1 -> r2 ends identical, with the same history id and offsets', async () => {
    const master = await node();
    const m = connect(master);
    await m.set('before-sync', 'x');
    await m.rpush('list', 'a', 'b', 'c');
    const r1 = await node({ replicaof: `127.0.0.1 ${master.port}` });
    const r2 = await node({ replicaof: `127.0.0.1 ${r1.port}` });
    const c1 = connect(r1);
    const c2 = connect(r2);
    await m.hset('hash', 'f1', 'v1', 'f2', 'v2');
    await m.sadd('set', 'x', 'y');
    await m.zadd('zset', 1, 'one', 2.5, 'two');
    await m.set('ttl-key', 'v', 'EX', 500);
    await m.multi().incr('counter').incr('counter').exec();
    const db3 = master.client({ db: 3 });
    clients.push(db3);
    await db3.set('in-db-3', 'yes');
    await waitInSync(m, c1);
    await waitInSync(c1, c2);

    const [dm, d1, d2] = await Promise.all([dumpDataset(m), dumpDataset(c1), dumpDataset(c2)]);
    expect(dm.size).toBeGreaterThanOrEqual(7);
    expect(diffDatasets(dm, d1)).toEqual([]);
    expect(diffDatasets(dm, d2)).toEqual([]);
    const [im, i1, i2] = await Promise.all([info(m, 'replication'), info(c1, 'replication'), info(c2, 'replication')]);
    expect(i1.master_replid).toBe(im.master_replid);
    expect(i2.master_replid).toBe(im.master_replid);
    expect(i2.master_repl_offset).toBe(im.master_repl_offset);
    expect(await c2.role()).toEqual(['slave', '127.0.0.1', r1.port, 'connected', Number(im.master_repl_offset)]);
    await expect(c1.set('x', '1')).rejects.toThrow(/READONLY You can't write against a read only replica/);
  });

  it('continues partially after a dropped link, and copies everything when the backlog was overwritten', async () => {
    const master = await node({ 'repl-backlog-size': '16kb' });
    const replica = await node({ replicaof: `127.0.0.1 ${master.port}` });
    const m = connect(master);
    const r = connect(replica);
    await m.set('k', 'v');
    await waitInSync(m, r);
    const before = await info(m, 'stats');

    // A short outage: the backlog still holds what was missed.
    expect(await m.client('KILL', 'TYPE', 'replica')).toBe(1);
    await m.set('during-blip', '1');
    await waitInSync(m, r);
    const afterBlip = await info(m, 'stats');
    expect(Number(afterBlip.sync_partial_ok)).toBe(Number(before.sync_partial_ok) + 1);
    expect(afterBlip.sync_full).toBe(before.sync_full);

    // A long outage: more than the backlog was written while the replica was stopped.
    replica.kill('SIGSTOP');
    try {
      await m.client('KILL', 'TYPE', 'replica');
      for (let i = 0; i < 40; i++) await m.set(`big:${i}`, 'x'.repeat(1024));
    } finally {
      replica.kill('SIGCONT');
    }
    await waitFor(async () => Number((await info(m, 'stats')).sync_full) > Number(afterBlip.sync_full), {
      message: 'a full resync after the backlog was overwritten',
    });
    await waitInSync(m, r);
    expect(Number((await info(m, 'stats')).sync_partial_err)).toBeGreaterThan(Number(afterBlip.sync_partial_err));
    expect(diffDatasets(await dumpDataset(m), await dumpDataset(r))).toEqual([]);
  });

  it('after a promotion the other replica and the old master continue partially (PSYNC2)', async () => {
    const master = await node();
    const r1 = await node({ replicaof: `127.0.0.1 ${master.port}` });
    const r2 = await node({ replicaof: `127.0.0.1 ${master.port}` });
    const [m, c1, c2] = [connect(master), connect(r1), connect(r2)];
    for (let i = 0; i < 50; i++) await m.set(`key:${i}`, String(i));
    await waitInSync(m, c1);
    await waitInSync(m, c2);

    expect(await c1.replicaof('NO', 'ONE')).toBe('OK');
    const promoted = await info(c1, 'replication');
    expect(promoted.role).toBe('master');
    expect(promoted.master_replid2).toBe((await info(m, 'replication')).master_replid);
    expect(await c2.replicaof('127.0.0.1', String(r1.port))).toBe('OK');
    expect(await m.replicaof('127.0.0.1', String(r1.port))).toBe('OK');
    await c1.set('after-promotion', 'yes');
    await waitInSync(c1, c2);
    await waitInSync(c1, m);
    const stats = await info(c1, 'stats');
    expect(stats.sync_full).toBe('0');
    expect(stats.sync_partial_ok).toBe('2');
    expect(await c2.get('after-promotion')).toBe('yes');
    expect(await m.get('after-promotion')).toBe('yes');
  });

  it('drops a replica that cannot keep up (output-buffer limit), which then resyncs', async () => {
    const master = await node({ 'client-output-buffer-limit': 'replica 1mb 256kb 1', 'repl-backlog-size': '16kb' });
    const replica = await node({ replicaof: `127.0.0.1 ${master.port}` });
    const m = connect(master);
    const r = connect(replica);
    await waitInSync(m, r);
    const fullBefore = Number((await info(m, 'stats')).sync_full);
    replica.kill('SIGSTOP');
    try {
      const value = 'v'.repeat(64 * 1024);
      // Far more than the kernel's socket buffers and the 1 MB hard limit.
      for (let i = 0; i < 400; i++) await m.set(`fill:${i % 50}`, value);
      await waitFor(() => master.log().includes('overcoming of output buffer'), {
        message: 'the master to drop the slow replica',
      });
    } finally {
      replica.kill('SIGCONT');
    }
    await waitFor(async () => Number((await info(m, 'stats')).sync_full) > fullBefore, { message: 'a resync' });
    await waitInSync(m, r);
    expect(diffDatasets(await dumpDataset(m), await dumpDataset(r))).toEqual([]);
  });

  it('a restarted replica continues partially from the history saved in its RDB file', async () => {
    const master = await node();
    const dir = mkdtempSync(join(tmpdir(), 'clusterctl-restart-'));
    try {
      const config = { ...FAST_SYNC, replicaof: `127.0.0.1 ${master.port}`, save: '3600 1' };
      const first = await startNode({ dir, config });
      started.push(first);
      const m = connect(master);
      await m.set('before-restart', '1');
      const firstClient = first.client();
      await waitInSync(m, firstClient);
      firstClient.disconnect();
      await first.stop(); // SIGTERM: saves dump.rdb with repl-id / repl-offset
      await m.set('while-down', '2');
      const second = await startNode({ dir, port: first.port, config });
      started.push(second);
      const r = connect(second);
      await waitInSync(m, r);
      const stats = await info(m, 'stats');
      expect(stats.sync_full).toBe('1');
      expect(stats.sync_partial_ok).toBe('1');
      expect(await r.get('while-down')).toBe('2');
      expect(second.log()).toContain('Restored replication ID');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('WAIT counts acknowledging replicas; min-replicas-to-write refuses writes without enough', async () => {
    const master = await node({ 'min-replicas-max-lag': '10' });
    const replica = await node({ replicaof: `127.0.0.1 ${master.port}` });
    const m = connect(master);
    const r = connect(replica);
    await waitInSync(m, r);
    await m.set('acked', '1');
    expect(await m.wait(1, 2000)).toBe(1);
    expect(await m.wait(2, 200)).toBe(1);
    await m.config('SET', 'min-replicas-to-write', '2');
    await expect(m.set('refused', '1')).rejects.toThrow(/NOREPLICAS Not enough good replicas to write/);
    await m.config('SET', 'min-replicas-to-write', '1');
    expect(await m.set('allowed', '1')).toBe('OK');
    await expect(r.wait(1, 10)).rejects.toThrow(/WAIT cannot be used with replica instances/);
  });
});
