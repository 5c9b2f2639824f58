// The replication stream written once per event-loop turn (net/reply-batch.ts, the stream's
// pending text in replication/replication.ts) must look exactly as when every write went out on
// its own: a pipelined burst from several clients moves master_repl_offset by the same bytes as on
// redis-server, INFO read in the middle of a pipeline sees a backlog holding every counted byte,
// and a replica and a sub-replica end identical with the same offsets.

import { afterEach, describe, expect, it } from 'vitest';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { dumpDataset, diffDatasets } from '../helpers/dataset.js';
import { info, waitInSync } from '../helpers/info.js';

const FAST_SYNC = { 'repl-diskless-sync-delay': '0' };
const CLIENTS = 8;
const PER_CLIENT = 300;

describe.skipIf(!hasRedis())('the replication stream, batched per turn', () => {
  const started: NodeProcess[] = [];
  const clients: { disconnect(): void }[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await Promise.all(started.splice(0).map((n) => n.stop()));
  });

  async function node(engine: Engine, config: Record<string, string> = {}): Promise<NodeProcess> {
    const n = await startNode({ engine, config: { ...FAST_SYNC, ...config } });
    started.push(n);
    return n;
  }
  function connect(n: NodeProcess, db = 0) {
    const c = n.client({ db });
    clients.push(c);
    return c;
  }

  /**
   * Several clients pipelining writes (a transaction, an expiry) at once in one db, so that their
   * interleaving cannot change the stream's length, then a write in another db; the offset moved.
   */
  async function burst(master: NodeProcess): Promise<{ moved: number; mid: Record<string, string> }> {
    const m = connect(master);
    const before = Number((await info(m, 'replication')).master_repl_offset);
    let mid: Record<string, string> = {};
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const client = connect(master);
        const pipeline = client.pipeline();
        for (let i = 0; i < PER_CLIENT; i++) {
          pipeline.set(`k:${c}:${i}`, `value-${i}`);
          if (i % 50 === 0) pipeline.incr(`counter:${c}`);
        }
        pipeline.multi().rpush(`list:${c}`, 'a', 'b').set(`px:${c}`, 'v', 'PX', 100_000).exec();
        if (c === 0) pipeline.info('replication');
        const results = await pipeline.exec();
        for (const [error] of results!) expect(error).toBeNull();
        if (c === 0) {
          const text = results!.at(-1)![1] as string;
          mid = Object.fromEntries(text.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
        }
      }),
    );
    await connect(master, 1).set('in-db-1', 'yes');
    const after = Number((await info(m, 'replication')).master_repl_offset);
    return { moved: after - before, mid };
  }

  it('moves the offset as redis-server does, keeps the backlog whole mid-pipeline, and replicas end identical', async () => {
    const moved: Record<string, number> = {};
    for (const engine of ['redis', 'builtin'] as const) {
      const master = await node(engine);
      const replica = await node(engine, { replicaof: `127.0.0.1 ${master.port}` });
      const sub = await node(engine, { replicaof: `127.0.0.1 ${replica.port}` });
      const [m, r, s] = [connect(master), connect(replica), connect(sub)];
      await waitInSync(m, r);
      await waitInSync(r, s);
      // Both engines start the burst with a SELECT pending (a fresh stream after the sync).
      await m.set('warm', '1');
      await waitInSync(m, r);
      const { moved: bytes, mid } = await burst(master);
      moved[engine] = bytes;
      // INFO inside a pipeline: every byte counted in the offset is already in the backlog.
      expect(Number(mid.repl_backlog_first_byte_offset) + Number(mid.repl_backlog_histlen) - 1).toBe(Number(mid.master_repl_offset));
      await waitInSync(m, r);
      await waitInSync(r, s);
      const [dm, dr, ds] = await Promise.all([dumpDataset(m), dumpDataset(r), dumpDataset(s)]);
      expect(dm.size).toBeGreaterThan(CLIENTS * PER_CLIENT / 2);
      expect(diffDatasets(dm, dr)).toEqual([]);
      expect(diffDatasets(dm, ds)).toEqual([]);
      const [im, ir, is] = await Promise.all([info(m, 'replication'), info(r, 'replication'), info(s, 'replication')]);
      expect(ir.master_repl_offset).toBe(im.master_repl_offset);
      expect(is.master_repl_offset).toBe(im.master_repl_offset);
      for (const c of clients.splice(0)) c.disconnect();
      await Promise.all(started.splice(0).map((n) => n.stop()));
    }
    expect(moved.builtin).toBe(moved.redis);
  });
});
