// MIGRATE between standalone nodes, our node and redis-server in every direction: the same script
// runs redis -> redis (the reference), ours -> redis, redis -> ours and ours -> ours; the replies
// (OK, NOKEY, BUSYKEY through "Target instance replied with error", AUTH / AUTH2 failures, syntax
// errors, IOERR to a closed port) and the datasets left on source and target must equal the
// reference's. Keys of every type (small and large encodings, TTLs, streams with groups, HLLs)
// must arrive identical. Also ASKING / READONLY / READWRITE outside cluster mode, as redis-server.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { freePort, hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const describeIf = hasRedis() ? describe : describe.skip;

type Outcome = string | number | null | unknown[];

async function run(client: Redis, ...args: (string | number)[]): Promise<Outcome> {
  try {
    return (await client.call(String(args[0]), ...args.slice(1).map(String))) as Outcome;
  } catch (error) {
    return `ERR! ${(error as Error).message}`;
  }
}

/** Every key of every db with its type, value and whether it expires (times differ run to run). */
async function snapshot(client: Redis): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (let db = 0; db < 4; db++) {
    await client.select(db);
    for (const key of ((await client.keys('*')) as string[]).sort()) {
      const type = await client.type(key);
      const ttl = await client.pttl(key);
      let value: unknown;
      if (type === 'string') value = await client.get(key);
      else if (type === 'list') value = await client.lrange(key, 0, -1);
      else if (type === 'hash') value = Object.entries(await client.hgetall(key)).sort();
      else if (type === 'set') value = (await client.smembers(key)).sort();
      else if (type === 'zset') value = await client.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') value = [await client.call('XRANGE', key, '-', '+'), await client.call('XINFO', 'GROUPS', key)];
      out[`${db}:${key}`] = { type, value, expires: ttl > 0, encoding: await client.call('OBJECT', 'ENCODING', key) };
    }
  }
  await client.select(0);
  return out;
}

async function populate(c: Redis): Promise<void> {
  await c.set('str', 'hello');
  await c.set('int', '12345');
  await c.set('big', 'x'.repeat(50_000) + 'y'.repeat(50_000));
  await c.rpush('list', 'a', 'b', 'c');
  await c.rpush('biglist', ...Array.from({ length: 300 }, (_, i) => `item-${i}`));
  await c.hset('hash', 'f1', 'v1', 'f2', '2');
  await c.hset('bighash', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat());
  await c.sadd('intset', 1, 2, 3, 100000);
  await c.sadd('set', 'a', 'b', 'c');
  await c.sadd('bigset', ...Array.from({ length: 300 }, (_, i) => `m${i}`));
  await c.zadd('zset', 1, 'a', 2.5, 'b', -3, 'c');
  await c.zadd('bigzset', ...Array.from({ length: 300 }, (_, i) => [i / 3, `z${i}`]).flat());
  await c.call('XADD', 'stream', '1-1', 'a', '1');
  await c.call('XADD', 'stream', '2-1', 'b', '2', 'c', '3');
  await c.call('XGROUP', 'CREATE', 'stream', 'g1', '0');
  await c.call('XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '1', 'STREAMS', 'stream', '>');
  await c.call('PFADD', 'hll', 'a', 'b', 'c', 'd');
  await c.set('ttl', 'soon', 'PX', 500_000);
  await c.set('copyme', 'original');
}

/** One MIGRATE script from `source` to the target at `port`; returns every reply. */
async function scenario(source: Redis, target: Redis, port: number, closedPort: number): Promise<Outcome[]> {
  const host = '127.0.0.1';
  const m = (...rest: (string | number)[]) => run(source, 'MIGRATE', host, port, ...rest);
  const replies: Outcome[] = [];
  replies.push(await m('str', 0, 5000));
  replies.push(await m('nokey', 0, 5000));
  replies.push(await m('', 0, 5000, 'KEYS', 'list', 'biglist', 'hash', 'bighash', 'intset', 'set', 'bigset', 'zset', 'bigzset', 'stream', 'hll', 'nokey'));
  replies.push(await m('', 0, 5000, 'KEYS', 'nokey1', 'nokey2'));
  replies.push(await m('ttl', 0, 5000, 'COPY'));
  // Already there: BUSYKEY from the target; nothing deleted here.
  replies.push(await m('ttl', 0, 5000, 'COPY'));
  replies.push(await m('ttl', 0, 5000));
  replies.push(await m('ttl', 0, 5000, 'REPLACE'));
  replies.push(await m('int', 3, 5000));
  replies.push(await m('big', 0, 0));
  // Errors of the arguments.
  replies.push(await m('copyme', 0, 5000, 'KEYS', 'a'));
  replies.push(await m('copyme', 'x', 5000));
  replies.push(await m('copyme', 0, 'x'));
  replies.push(await m('copyme', 0, 5000, 'AUTH'));
  replies.push(await m('copyme', 0, 5000, 'AUTH2', 'u'));
  replies.push(await m('copyme', 0, 5000, 'BOGUS'));
  // SELECT refused by the target: its error, and the next call selects again.
  replies.push(await m('copyme', 99, 5000, 'COPY'));
  replies.push(await m('copyme', -1, 5000, 'COPY'));
  replies.push(await m('copyme', 2, 5000, 'COPY'));
  // AUTH against a target without a password, then with users.
  replies.push(await m('copyme', 0, 5000, 'COPY', 'AUTH', 'pw'));
  await run(target, 'ACL', 'SETUSER', 'mover', 'on', '>secret', '~*', '+@all');
  replies.push(await m('copyme', 0, 5000, 'COPY', 'AUTH2', 'mover', 'wrong'));
  replies.push(await m('copyme', 0, 5000, 'COPY', 'AUTH2', 'mover', 'secret'));
  replies.push(await m('copyme', 1, 5000, 'AUTH2', 'mover', 'secret', 'REPLACE'));
  // A port nobody listens on: the refused connection shows when writing, retried once.
  replies.push(await run(source, 'SET', 'lonely', 'v'));
  replies.push(await run(source, 'MIGRATE', host, closedPort, 'lonely', 0, 300));
  return replies;
}

describeIf('MIGRATE between our node and redis-server (standalone)', () => {
  let nodes: Record<'ours' | 'ours2' | 'redis' | 'redis2', NodeProcess>;
  let clients: Redis[] = [];
  let closedPort = 0;
  beforeAll(async () => {
    const [ours, ours2, redis, redis2] = await Promise.all([
      startNode(),
      startNode(),
      startNode({ engine: 'redis' }),
      startNode({ engine: 'redis' }),
    ]);
    nodes = { ours: ours!, ours2: ours2!, redis: redis!, redis2: redis2! };
    closedPort = await freePort();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(Object.values(nodes).map((node) => node.stop()));
  });

  function connect(node: NodeProcess): Redis {
    const client = node.client();
    clients.push(client);
    return client;
  }

  /** Runs the scenario from `from` to `to` on freshly emptied nodes. */
  async function pairRun(from: NodeProcess, to: NodeProcess) {
    const source = connect(from);
    const target = connect(to);
    for (const c of [source, target]) {
      await c.flushall();
      await run(c, 'ACL', 'DELUSER', 'mover');
    }
    await populate(source);
    const replies = await scenario(source, target, to.port, closedPort);
    // One cached link per target this source migrated to (the closed port's is dropped on error).
    const info = (await source.info('stats')).match(/migrate_cached_sockets:(\d+)/)?.[1];
    const targets = targetsOf.get(from) ?? new Set<number>();
    targetsOf.set(from, targets.add(to.port));
    return { replies, source: await snapshot(source), target: await snapshot(target), cached: Number(info), expectedCached: targets.size };
  }

  const targetsOf = new Map<NodeProcess, Set<number>>();
  let reference: Awaited<ReturnType<typeof pairRun>>;

  it('redis -> redis (the reference) behaves as expected', async () => {
    reference = await pairRun(nodes.redis, nodes.redis2);
    expect(reference.replies[0]).toBe('OK');
    expect(reference.replies[1]).toBe('NOKEY');
    expect(reference.replies[5]).toBe('ERR! ERR Target instance replied with error: BUSYKEY Target key name already exists.');
    expect(reference.replies.at(-1)).toBe('ERR! IOERR error or timeout writing to target instance');
    expect(Object.keys(reference.target)).toContain('0:stream');
    expect(reference.cached).toBe(1);
  });

  for (const [name, from, to] of [
    ['ours -> redis', 'ours', 'redis2'],
    ['redis -> ours', 'redis', 'ours2'],
    ['ours -> ours', 'ours', 'ours2'],
  ] as const) {
    it(`${name}: same replies, same data left on both sides`, async () => {
      const got = await pairRun(nodes[from], nodes[to]);
      expect(got.replies).toEqual(reference.replies);
      expect(got.target).toEqual(reference.target);
      expect(got.source).toEqual(reference.source);
      expect(got.cached).toBe(got.expectedCached);
    });
  }

  it('a target that never answers: IOERR reading after the timeout, the link dropped from the cache', async () => {
    const silent = createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const outcomes = [];
      for (const node of [nodes.redis, nodes.ours]) {
        const c = connect(node);
        await c.set('slow', 'v');
        const cached = async () => Number((await c.info('stats')).match(/migrate_cached_sockets:(\d+)/)?.[1]);
        const before = await cached();
        const reply = await run(c, 'MIGRATE', '127.0.0.1', port, 'slow', 0, 200);
        outcomes.push([reply, await c.exists('slow'), (await cached()) <= before]);
      }
      expect(outcomes[0]![0]).toBe('ERR! IOERR error or timeout reading to target instance');
      expect(outcomes[1]).toEqual(outcomes[0]);
    } finally {
      silent.close();
    }
  });

  it('cached links are closed once idle for more than 10 seconds, as redis-server does', async () => {
    const count = async (c: Redis) => Number((await c.info('stats')).match(/migrate_cached_sockets:(\d+)/)?.[1]);
    const sources = [connect(nodes.ours), connect(nodes.redis)];
    for (const c of sources) {
      await c.set('idle', 'v');
      expect(await run(c, 'MIGRATE', '127.0.0.1', nodes.redis2.port, 'idle', 5, 1000, 'REPLACE')).toBe('OK');
      expect(await count(c)).toBeGreaterThan(0);
    }
    await waitFor(async () => (await Promise.all(sources.map(count))).every((n) => n === 0), {
      timeout: 25_000,
      message: 'both nodes to close their idle MIGRATE links',
    });
  }, 40_000);

  it('ours: a key written while its old value travels stays here (Redis blocks instead)', async () => {
    // A target that acknowledges the RESTOREs only when told to.
    let received = '';
    let reply: (() => void) | undefined;
    const target = createServer((socket) => {
      socket.on('error', () => {});
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
        reply = () => socket.write('+OK\r\n+OK\r\n+OK\r\n');
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const port = (target.address() as AddressInfo).port;
    try {
      const mover = connect(nodes.ours);
      const writer = connect(nodes.ours);
      await mover.mset('race:a', '1', 'race:b', '2');
      const migrating = run(mover, 'MIGRATE', '127.0.0.1', port, '', 7, 5000, 'KEYS', 'race:a', 'race:b');
      await waitFor(() => (received.match(/RESTORE/g) ?? []).length === 2, { timeout: 5000, message: 'both RESTOREs sent' });
      // Other clients are served meanwhile.
      expect(await writer.set('race:a', 'new')).toBe('OK');
      reply!();
      expect(await migrating).toBe('OK');
      expect(await writer.get('race:a')).toBe('new');
      expect(await writer.exists('race:b')).toBe(0);
    } finally {
      target.close();
    }
  });

  it('the keys moved reach replicas as one DEL', async () => {
    const replica = await startNode({ config: { replicaof: `127.0.0.1 ${nodes.ours.port}` } });
    const onReplica = replica.client();
    try {
      const source = connect(nodes.ours);
      await source.mset('rep:a', '1', 'rep:b', '2', 'rep:keep', '3');
      await waitFor(async () => (await onReplica.exists('rep:a', 'rep:b', 'rep:keep')) === 3, { timeout: 15_000, message: 'the replica synced' });
      expect(await run(source, 'MIGRATE', '127.0.0.1', nodes.redis2.port, '', 0, 5000, 'REPLACE', 'KEYS', 'rep:a', 'rep:b')).toBe('OK');
      await waitFor(async () => (await onReplica.exists('rep:a', 'rep:b')) === 0, { timeout: 10_000, message: 'the DEL replicated' });
      expect(await onReplica.get('rep:keep')).toBe('3');
    } finally {
      onReplica.disconnect();
      await replica.stop();
    }
  });

  it('AUTH / AUTH2 credentials are redacted in the slow log as redis-server does', async () => {
    const lines = [];
    for (const node of [nodes.redis, nodes.ours]) {
      const c = connect(node);
      await c.set('secretkey', 'v');
      await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
      await c.call('SLOWLOG', 'RESET');
      await run(c, 'MIGRATE', '127.0.0.1', closedPort, 'secretkey', 0, 100, 'COPY', 'AUTH', 'pw1');
      await run(c, 'MIGRATE', '127.0.0.1', closedPort, 'secretkey', 0, 100, 'AUTH2', 'user', 'pw2', 'REPLACE');
      await run(c, 'MIGRATE', '127.0.0.1', closedPort, 'secretkey', 0, 100, 'AUTH', 'pw3', 'BOGUS', 'AUTH', 'pw4');
      await run(c, 'MIGRATE', '127.0.0.1', closedPort, 'secretkey', 0, 100, 'AUTH2', 'u');
      const log = (await c.call('SLOWLOG', 'GET', '10')) as unknown[][];
      await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
      lines.push(log.map((entry) => entry[3]).filter((args) => String((args as string[])[0]).toLowerCase() === 'migrate'));
    }
    expect(JSON.stringify(lines[0])).toContain('(redacted)');
    expect(lines[1]).toEqual(lines[0]);
  });

  it('ASKING, READONLY, READWRITE outside cluster mode answer as redis-server', async () => {
    const ours = connect(nodes.ours);
    const redis = connect(nodes.redis);
    for (const name of ['ASKING', 'READONLY', 'READWRITE']) {
      expect(await run(ours, name)).toBe(await run(redis, name));
      expect(await run(ours, name, 'extra')).toBe(await run(redis, name, 'extra'));
    }
    expect(await run(ours, 'RESTORE-ASKING', 'k', 0, 'bad')).toBe(await run(redis, 'RESTORE-ASKING', 'k', 0, 'bad'));
  });
});
