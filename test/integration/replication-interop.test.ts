// Wire compatibility with Debian's redis-server 7.0, both directions: real Redis replicating from
// us (full resync under continuous writes, stream, partial resync), us replicating from real Redis
// holding every value type and encoding, and a mixed chain. Every key, value and TTL is compared.

import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { dumpDataset, diffDatasets } from '../helpers/dataset.js';
import { info, waitInSync } from '../helpers/info.js';

const FAST_SYNC = { 'repl-diskless-sync-delay': '0' };

describe.skipIf(!hasRedis())('replication interop with redis-server 7.0', () => {
  const started: NodeProcess[] = [];
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await Promise.all(started.splice(0).map((n) => n.stop()));
  });
  async function node(engine: 'builtin' | 'redis', config: Record<string, string> = {}) {
    const n = await startNode({ engine, config: { ...FAST_SYNC, ...config } });
    started.push(n);
    const c = n.client();
    clients.push(c);
    return { n, c };
  }

  it('real redis-server replicates from our master: full sync under writes, stream, partial resync', async () => {
    const master = await node('builtin');
    for (let i = 0; i < 2000; i++) void master.c.set(`pre:${i}`, `value-${i}`);
    await master.c.rpush('list', ...Array.from({ length: 300 }, (_, i) => `e${i}`));
    await master.c.hset('hash', Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, `v${i}`])));
    await master.c.sadd('ints', 1, 2, 3, 4);
    await master.c.zadd('zset', 1, 'a', 2.5, 'b', -3, 'c');
    await master.c.set('expiring', 'x', 'PX', 600_000);

    // Writes keep flowing while the replica attaches, loads and catches up.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) await master.c.set(`during:${written++ % 500}`, String(written));
    })();
    const replica = await node('redis', { replicaof: `127.0.0.1 ${master.n.port}` });
    await waitInSync(master.c, replica.c);
    writing = false;
    await writer;
    await master.c.incr('after-sync');
    await waitInSync(master.c, replica.c);
    expect(written).toBeGreaterThan(0);
    expect(diffDatasets(await dumpDataset(master.c), await dumpDataset(replica.c))).toEqual([]);

    const before = await info(master.c, 'stats');
    expect(await master.c.client('KILL', 'TYPE', 'replica')).toBe(1);
    await master.c.set('after-kill', '1');
    await waitInSync(master.c, replica.c);
    const after = await info(master.c, 'stats');
    expect(Number(after.sync_partial_ok)).toBe(Number(before.sync_partial_ok) + 1);
    expect(after.sync_full).toBe(before.sync_full);
    expect(await replica.c.get('after-kill')).toBe('1');
  });

  it('our node replicates from a real redis-server holding every type and encoding', async () => {
    const master = await node('redis');
    const c = master.c;
    await c.set('int', '12345');
    await c.set('long', 'abc'.repeat(200)); // LZF-compressed in the RDB
    await c.set('bin', Buffer.from([0, 1, 2, 255, 254, 10, 13]));
    await c.rpush('small-list', 'a', 'b', '1', '2');
    await c.rpush('big-list', ...Array.from({ length: 3000 }, (_, i) => `item-${i}-${'z'.repeat(i % 40)}`));
    await c.hset('small-hash', 'f', 'v', 'n', '2');
    await c.hset('big-hash', Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`])));
    await c.sadd('intset', 1, 2, 3, -5, 100000);
    await c.sadd('big-intset', ...Array.from({ length: 1000 }, (_, i) => i * 7));
    await c.sadd('strset', 'a', 'b', 'c');
    await c.zadd('small-zset', 1, 'a', 2.5, 'b', -1e10, 'c');
    await c.zadd('big-zset', ...Array.from({ length: 400 }, (_, i) => [i / 3, `m${i}`]).flat());
    await c.set('ttl', 'v', 'PX', 300_000);
    await c.hset('hash-ttl', 'a', '1');
    await c.pexpire('hash-ttl', 200_000);
    const other = master.n.client({ db: 5 });
    clients.push(other);
    await other.set('db5', 'five');

    const replica = await node('builtin', { replicaof: `127.0.0.1 ${master.n.port}` });
    await waitInSync(c, replica.c);
    await c.lpush('small-list', 'streamed');
    await c.expire('int', 1000);
    await waitInSync(c, replica.c);
    expect(diffDatasets(await dumpDataset(c), await dumpDataset(replica.c))).toEqual([]);
    expect(await replica.c.getBuffer('bin')).toEqual(Buffer.from([0, 1, 2, 255, 254, 10, 13]));
  });

  it('a mixed chain ours -> redis -> ours ends identical', async () => {
    const head = await node('builtin');
    await head.c.mset('a', '1', 'b', '2');
    const middle = await node('redis', { replicaof: `127.0.0.1 ${head.n.port}` });
    const tail = await node('builtin', { replicaof: `127.0.0.1 ${middle.n.port}` });
    await head.c.zadd('z', 3, 'x');
    await head.c.set('t', 'v', 'EX', 1000);
    await waitInSync(head.c, middle.c);
    await waitInSync(middle.c, tail.c);
    const dump = await dumpDataset(head.c);
    expect(diffDatasets(dump, await dumpDataset(middle.c))).toEqual([]);
    expect(diffDatasets(dump, await dumpDataset(tail.c))).toEqual([]);
  });

  it('INFO replication lists the same fields in the same order as redis-server, on both roles', async () => {
    const fieldsOf = async (c: Redis) =>
      ((await c.info('replication')) as string)
        .split('\r\n')
        .filter((l) => l.includes(':'))
        .map((l) => (l.startsWith('slave0:') ? `slave0:${l.split(',').map((kv) => kv.split('=')[0]).join(',')}` : l.split(':')[0]));
    const layouts: string[][][] = [];
    for (const engine of ['redis', 'builtin'] as const) {
      const master = await node(engine);
      const replica = await node(engine, { replicaof: `127.0.0.1 ${master.n.port}` });
      await waitInSync(master.c, replica.c);
      layouts.push([await fieldsOf(master.c), await fieldsOf(replica.c)]);
    }
    expect(layouts[1]).toEqual(layouts[0]);
  });
});
