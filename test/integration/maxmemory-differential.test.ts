// maxmemory against redis-server 7.0.15: the same sequences on both, replies compared. Our
// used_memory is our own estimate (not jemalloc's), so the sequences drive both nodes to states
// that do not depend on the exact figure: `maxmemory 1` puts both over the limit whatever they
// count, so what is evicted (every key of the policy's class, never a key without TTL under
// volatile-*), what is refused with -OOM (denyoom commands, anything queued in MULTI) and the error
// texts of OBJECT FREQ / IDLETIME must be the same; with lfu-log-factor 0 the LFU counters are
// deterministic and must match access by access; scripts meet Redis's OOM rules. A proportional
// squeeze (a third of each node's own dataset) must spare the same classes of keys on both (fresh
// / frequent keys under LRU / LFU / TTL, keys without TTL under volatile-*). Then a redis-server
// replica of our master receives our evictions as DEL and ends identical.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { useServerPair } from '../helpers/server-pair.js';
import { info, waitInSync } from '../helpers/info.js';
import { waitFor } from '../helpers/wait-for.js';

type Arg = string | number;

const VOLATILE = ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'];
const ALLKEYS = ['allkeys-lru', 'allkeys-lfu', 'allkeys-random'];

const SEQUENCES: Record<string, Arg[][]> = {
  'OBJECT FREQ / IDLETIME per policy': [
    ['SET', 'k', 'v'], ['OBJECT', 'FREQ', 'k'], ['OBJECT', 'IDLETIME', 'k'], ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'],
    ['SET', 'n', 'v'], ['OBJECT', 'FREQ', 'n'], ['OBJECT', 'IDLETIME', 'n'], ['OBJECT', 'FREQ', 'nope'], ['OBJECT', 'IDLETIME', 'nope'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu'], ['OBJECT', 'IDLETIME', 'n'], ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
    ['SET', 'm', 'v'], ['OBJECT', 'IDLETIME', 'm'], ['OBJECT', 'FREQ', 'm'], ['TOUCH', 'm', 'nope', 'm'],
    ['CONFIG', 'SET', 'lfu-log-factor', '-1'], ['CONFIG', 'SET', 'lfu-decay-time', 'x'], ['CONFIG', 'GET', 'lfu-*'],
    ['CONFIG', 'SET', 'maxmemory-samples', '0'], ['CONFIG', 'SET', 'maxmemory-eviction-tenacity', '101'], ['CONFIG', 'GET', 'maxmemory*'],
  ],
  // lfu-log-factor 0 makes every access count (probability 1), lfu-decay-time 0 stops decay, and a
  // maxmemory keeps integers unshared (each key its own counter): the counters must then be equal.
  'OBJECT FREQ progression under allkeys-lfu': [
    ['CONFIG', 'SET', 'maxmemory', '1gb'], ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'],
    ['CONFIG', 'SET', 'lfu-log-factor', '0'], ['CONFIG', 'SET', 'lfu-decay-time', '0'], ['SET', 'k', 'v'],
    ['OBJECT', 'FREQ', 'k'], ['GET', 'k'], ['GET', 'k'], ['GET', 'k'], ['OBJECT', 'FREQ', 'k'], ['SET', 'k', 'w'],
    ['OBJECT', 'FREQ', 'k'], ['INCR', 'n'], ['INCR', 'n'], ['OBJECT', 'FREQ', 'n'], ['EXISTS', 'k'], ['TYPE', 'k'],
    ['TTL', 'k'], ['OBJECT', 'ENCODING', 'k'], ['OBJECT', 'FREQ', 'k'], ['TOUCH', 'k'], ['OBJECT', 'FREQ', 'k'],
    ['APPEND', 'k', 'x'], ['OBJECT', 'FREQ', 'k'], ['RPUSH', 'l', 'a'], ['LRANGE', 'l', 0, -1], ['OBJECT', 'FREQ', 'l'],
    ['HSET', 'h', 'f', 'v'], ['HGET', 'h', 'f'], ['HGET', 'h', 'f'], ['OBJECT', 'FREQ', 'h'], ['MGET', 'k', 'h', 'nope'],
    ['OBJECT', 'FREQ', 'k'], ['RENAME', 'k', 'k2'], ['OBJECT', 'FREQ', 'k2'], ['SET', 'k3', 'x'], ['RENAME', 'k2', 'k3'], ['OBJECT', 'FREQ', 'k3'],
    ['MOVE', 'k3', 2], ['SELECT', 2], ['OBJECT', 'FREQ', 'k3'], ['RENAME', 'k3', 'k2'], ['MOVE', 'k2', 0], ['SELECT', 0],
    ['COPY', 'k2', 'k4'], ['OBJECT', 'FREQ', 'k4'], ['OBJECT', 'FREQ', 'k2'], ['OBJECT', 'REFCOUNT', 'n'],
    ...Array.from({ length: 260 }, () => ['GET', 'k2']), ['OBJECT', 'FREQ', 'k2'],
    ['CONFIG', 'SET', 'lfu-log-factor', '10'], ['CONFIG', 'SET', 'lfu-decay-time', '1'], ['CONFIG', 'GET', 'lfu-*'],
  ],
  // script.c: a no-shebang script fails its first denyoom command (not after a write); a shebang
  // script is denyoom itself unless allow-oom / no-writes.
  'scripts out of memory': [
    ['SET', 'a', '1'], ['CONFIG', 'SET', 'maxmemory', '1'],
    ['EVAL', "return redis.call('set','x','y')", 0], ['EVAL', "redis.call('get','a'); return redis.pcall('set','x','y')", 0],
    ['EVAL', "return redis.call('get','a')", 0], ['EVAL', "redis.call('del','a'); return redis.call('set','x','y')", 0],
    ['EVAL', "#!lua\nreturn redis.call('get','x')", 0], ['EVAL', "#!lua flags=no-writes\nreturn redis.call('get','x')", 0],
    ['EVAL', "#!lua flags=allow-oom\nreturn redis.call('set','x','z')", 0], ['GET', 'x'],
    ['MULTI'], ['EVAL', "return redis.call('get','x')", 0], ['EXEC'],
    ['CONFIG', 'SET', 'maxmemory', '0'], ['MULTI'], ['EVAL', "return redis.call('set','x','w')", 0], ['EXEC'], ['GET', 'x'],
  ],
  'noeviction: denyoom commands refused, others run': [
    ['MSET', 'a', '1', 'b', '2'], ['RPUSH', 'l', 'x'], ['CONFIG', 'SET', 'maxmemory', '1'], ['GET', 'a'], ['SET', 'c', '3'],
    ['INCR', 'b'], ['LPUSH', 'l', 'y'], ['LPOP', 'l'], ['EXPIRE', 'b', 100], ['APPEND', 'a', 'x'], ['SETRANGE', 'a', 0, 'x'],
    ['HSET', 'h', 'f', 'v'], ['SADD', 's', 'm'], ['ZADD', 'z', 1, 'm'], ['XADD', 'x', '*', 'f', 'v'], ['PFADD', 'p', 'e'],
    ['MULTI'], ['SET', 'x', 'y'], ['GET', 'a'], ['EXEC'], ['MULTI'], ['DISCARD'], ['PING'], ['DBSIZE'], ['DEL', 'a'],
    ['EXISTS', 'a', 'b'], ['CONFIG', 'SET', 'maxmemory', '0'], ['SET', 'c', '3'],
  ],
  ...Object.fromEntries(
    VOLATILE.map((policy) => [
      `${policy}: only keys with a TTL are evicted`,
      [
        ['MSET', 'p1', 'a', 'p2', 'b'], ['SET', 'v1', 'x', 'EX', 100], ['SET', 'v2', 'y', 'EX', 200], ['HSET', 'vh', 'f', 'v'],
        ['EXPIRE', 'vh', 300], ['CONFIG', 'SET', 'maxmemory-policy', policy], ['CONFIG', 'SET', 'maxmemory', '1'], ['GET', 'p1'],
        ['DBSIZE'], ['EXISTS', 'v1', 'v2', 'vh'], ['SET', 'p3', 'c'], ['GET', 'p2'], ['CONFIG', 'SET', 'maxmemory', '0'],
      ],
    ]),
  ),
  ...Object.fromEntries(
    ALLKEYS.map((policy) => [
      `${policy}: every key may go`,
      [
        ['MSET', 'p1', 'a', 'p2', 'b'], ['SET', 'v1', 'x', 'EX', 100], ['SELECT', 3], ['SET', 'other', 'db'], ['SELECT', 0],
        ['CONFIG', 'SET', 'maxmemory-policy', policy], ['CONFIG', 'SET', 'maxmemory', '1'], ['GET', 'p1'], ['DBSIZE'],
        ['SELECT', 3], ['DBSIZE'], ['SELECT', 0], ['SET', 'p3', 'c'], ['CONFIG', 'SET', 'maxmemory', '0'],
      ],
    ]),
  ),
};

async function run(client: Redis, cmd: Arg[]): Promise<unknown> {
  try {
    const reply = await client.call(String(cmd[0]), ...cmd.slice(1).map(String));
    // CONFIG GET lists pairs in the order of redis-server's config dict, which differs between runs.
    if (/^config$/i.test(String(cmd[0])) && /^get$/i.test(String(cmd[1])) && Array.isArray(reply)) {
      const pairs: [string, unknown][] = [];
      for (let i = 0; i < reply.length; i += 2) pairs.push([String(reply[i]), reply[i + 1]]);
      return pairs.sort(([x], [y]) => x.localeCompare(y));
    }
    return reply;
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** The INFO lines both must show alike. */
async function maxmemoryInfo(client: Redis): Promise<Record<string, string>> {
  const memory = await info(client, 'memory');
  const stats = await info(client, 'stats');
  return {
    maxmemory: memory.maxmemory!,
    maxmemory_human: memory.maxmemory_human!,
    maxmemory_policy: memory.maxmemory_policy!,
    evicted_keys: stats.evicted_keys!,
  };
}

describe.skipIf(!hasRedis())('maxmemory: our node answers like redis-server 7.0', () => {
  const pair = useServerPair();
  let a: Redis;
  let b: Redis;
  beforeAll(() => ({ ours: a, theirs: b } = pair));

  for (const [name, steps] of Object.entries(SEQUENCES)) {
    it(name, async () => {
      for (const client of [a, b]) {
        const reset = [
          ['CONFIG', 'SET', 'maxmemory', '0'], ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'], ['CONFIG', 'SET', 'lfu-log-factor', '10'],
          ['CONFIG', 'SET', 'lfu-decay-time', '1'], ['FLUSHALL'], ['SELECT', '0'], ['CONFIG', 'RESETSTAT'],
        ];
        for (const cmd of reset) {
          await client.call(cmd[0]!, ...cmd.slice(1));
        }
      }
      for (const [i, cmd] of steps.entries()) {
        const label = `#${i} ${cmd.map(String).join(' ')}`;
        expect(await run(a, cmd), label).toEqual(await run(b, cmd));
        if (cmd[0] === 'CONFIG' && cmd[2] === 'maxmemory') expect(await maxmemoryInfo(a), label).toEqual(await maxmemoryInfo(b));
      }
      expect(await maxmemoryInfo(a)).toEqual(await maxmemoryInfo(b));
    });
  }

  it('INFO memory reports used_memory from our accounting, growing with the data', async () => {
    await a.call('FLUSHALL');
    const empty = Number((await info(a, 'memory')).used_memory);
    await a.call('SET', 'big', 'x'.repeat(10_000));
    const full = await info(a, 'memory');
    expect(Number(full.used_memory) - empty).toBeGreaterThanOrEqual(10_000);
    expect(Number(full.used_memory_dataset)).toBe(Number(full.used_memory) - Number(full.used_memory_startup));
    expect(full.used_memory_human).toMatch(/^\d+\.\d\dK$/);
    expect(Number(full.used_memory_peak)).toBeGreaterThanOrEqual(Number(full.used_memory));
  });
});

/**
 * Which keys survive a squeeze, by class: `plain` keys have no TTL and are the coldest (longest
 * idle, lowest LFU counter), `cold` keys expire soon and are idle / rarely used, `hot` keys expire
 * late and are fresh / frequently used. Each node's maxmemory is set a third of its own dataset
 * below its own used_memory (the figures differ between the two, the squeeze is proportional), so
 * about a third of the keys must go; what is compared is which classes lost keys.
 */
const CLASSES = { plain: 40, cold: 150, hot: 50 } as const;
type KeyClass = keyof typeof CLASSES;

interface Outcome {
  evictedSome: boolean;
  /** INFO evicted_keys equals the keys that vanished. */
  statMatches: boolean;
  underLimit: boolean;
  /** Policy-dependent class checks (undefined where the policy makes no promise, e.g. random). */
  hotKept?: boolean;
  plainKept?: boolean;
  oomOnWrite?: string;
}

/** The RESTORE option that sets a class's access stamp under this policy (objectSetLRUOrLFU). */
function stampFor(policy: string, keyClass: KeyClass): string[] {
  const idle = { plain: '1000000', cold: '100000', hot: '0' }[keyClass];
  const freq = { plain: '0', cold: '1', hot: '200' }[keyClass];
  if (policy.endsWith('lru')) return ['IDLETIME', idle];
  if (policy.endsWith('lfu')) return ['FREQ', freq];
  return [];
}

async function squeeze(client: Redis, policy: string): Promise<Outcome> {
  for (const cmd of [['CONFIG', 'SET', 'maxmemory', '0'], ['FLUSHALL'], ['CONFIG', 'SET', 'maxmemory-policy', policy],
    ['CONFIG', 'SET', 'maxmemory-samples', '10'], ['CONFIG', 'RESETSTAT']]) {
    await client.call(cmd[0]!, ...cmd.slice(1));
  }
  const usedMemory = async () => Number((await info(client, 'memory')).used_memory);
  const before = await usedMemory();
  // Big values: redis-server's used_memory also holds transient buffers (query buffers, the INFO
  // reply) worth a few KB that must stay small against the dataset and the squeeze.
  await client.set('template', 'v'.repeat(10_000));
  const payload = (await client.dumpBuffer('template'))!;
  await client.del('template');
  const ttlMs = { plain: '0', cold: '1000000', hot: '100000000' };
  const total = Object.values(CLASSES).reduce((a, b) => a + b, 0);
  for (const [keyClass, count] of Object.entries(CLASSES) as [KeyClass, number][]) {
    for (let i = 0; i < count; i++) {
      await client.call('RESTORE', `${keyClass}:${i}`, ttlMs[keyClass], payload, ...stampFor(policy, keyClass));
    }
  }
  const loaded = await usedMemory();
  const limit = loaded - Math.floor((loaded - before) / 3);
  await client.config('SET', 'maxmemory', String(limit));
  await client.ping();
  // Past its time budget eviction goes on between commands: wait for it to settle.
  // redis-server's INFO counts its own reply buffers: allow them.
  const slack = 64 * 1024;
  const underLimit = async () => (await usedMemory()) <= limit + slack;
  if (policy !== 'noeviction') await waitFor(underLimit, { timeout: 20_000, message: `${policy}: used_memory under maxmemory` });
  const exists = async (keyClass: KeyClass) =>
    Number(await client.exists(...Array.from({ length: CLASSES[keyClass] }, (_, i) => `${keyClass}:${i}`)));
  // One transaction, so that no eviction falls between the two figures (out of memory under
  // noeviction, anything queued is refused, but nothing is evicted either).
  const [size, evicted] =
    policy === 'noeviction'
      ? [await client.dbsize(), Number((await info(client, 'stats')).evicted_keys)]
      : await client
          .multi()
          .dbsize()
          .info('stats')
          .exec()
          .then((replies) => [replies![0]![1] as number, Number(/evicted_keys:(\d+)/.exec(replies![1]![1] as string)![1])]);
  const outcome: Outcome = {
    evictedSome: size < total,
    statMatches: evicted === total - size,
    underLimit: await underLimit(),
  };
  if (!policy.endsWith('random')) outcome.hotKept = (await exists('hot')) === CLASSES.hot;
  if (policy.startsWith('volatile')) outcome.plainKept = (await exists('plain')) === CLASSES.plain;
  if (policy === 'noeviction') outcome.oomOnWrite = (await run(client, ['SET', 'new', 'v']) as { error?: string }).error;
  await client.config('SET', 'maxmemory', '0');
  return outcome;
}

describe.skipIf(!hasRedis())('maxmemory: the same classes of keys survive a squeeze as in redis-server', () => {
  const pair = useServerPair();
  let a: Redis;
  let b: Redis;
  beforeAll(() => ({ ours: a, theirs: b } = pair));

  for (const policy of ['noeviction', ...ALLKEYS, ...VOLATILE]) {
    it(policy, async () => {
      const theirsOutcome = await squeeze(b, policy);
      const oursOutcome = await squeeze(a, policy);
      expect(oursOutcome).toEqual(theirsOutcome);
      // What the policy promises, so that two equally wrong nodes cannot pass.
      expect(oursOutcome.evictedSome).toBe(policy !== 'noeviction');
      if (oursOutcome.hotKept !== undefined) expect(oursOutcome.hotKept).toBe(true);
      if (oursOutcome.plainKept !== undefined) expect(oursOutcome.plainKept).toBe(true);
    });
  }
});

describe.skipIf(!hasRedis())('maxmemory: evictions reach a redis-server replica as DEL', () => {
  const started: NodeProcess[] = [];
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await Promise.all(started.splice(0).map((n) => n.stop()));
  });

  it('the replica deletes what our master evicted and ends identical', async () => {
    const master = await startNode({ config: { 'repl-diskless-sync-delay': '0' } });
    started.push(master);
    const m = master.client();
    clients.push(m);
    for (let i = 0; i < 50; i++) await m.set(`plain:${i}`, `v${i}`);
    for (let i = 0; i < 50; i++) await m.set(`ttl:${i}`, `v${i}`, 'EX', 1000 + i);
    const replica = await startNode({ engine: 'redis', config: { replicaof: `127.0.0.1 ${master.port}`, 'repl-diskless-sync-delay': '0' } });
    started.push(replica);
    const r = replica.client();
    const monitor = replica.client();
    clients.push(r, monitor);
    await waitInSync(m, r);
    const lines: string[] = [];
    const feed = await monitor.monitor();
    feed.on('monitor', (_time: string, args: string[]) => lines.push(args.join(' ')));

    await m.config('SET', 'maxmemory-policy', 'volatile-ttl');
    await m.config('SET', 'maxmemory', '1');
    expect(await m.get('plain:0')).toBe('v0');
    expect(await m.dbsize()).toBe(50);
    await waitInSync(m, r);
    await waitFor(async () => (await r.dbsize()) === 50, { timeout: 20_000, message: 'the replica to drop the evicted keys' });
    expect(await r.call('DEBUG', 'DIGEST')).toEqual(await m.call('DEBUG', 'DIGEST'));
    await waitFor(async () => lines.filter((l) => l.startsWith('DEL ttl:')).length === 50, { timeout: 20_000, message: 'DEL lines on the replica' });
    expect(lines.filter((l) => /^(UNLINK|DEL) plain:/.test(l))).toEqual([]);
    expect(Number((await info(m, 'stats')).evicted_keys)).toBe(50);
    feed.disconnect();
  });
});
