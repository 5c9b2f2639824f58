// RDB compatibility with redis-server 7.0 in both directions: an RDB saved by real Redis (every
// type and encoding it writes: listpacks, intsets, quicklists, LZF, integers, TTLs, several dbs)
// loads in our node; an RDB saved by our node loads in real Redis; DUMP payloads cross both ways.
// Values and TTLs are compared key by key.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';

const FAR = 4102444800000; // 2100-01-01, an absolute expiry that stays in the future

/** Every type in every encoding redis-server 7.0 picks, across dbs 0, 2 and 9. */
async function populate(client: Redis): Promise<void> {
  const p = client.pipeline();
  p.select(0);
  p.set('str', 'hello');
  p.set('int-small', '42');
  p.set('int-neg', '-30000');
  p.set('int-32', '2000000000');
  p.set('int-big', '9223372036854775807');
  p.set('lzf', 'compress me please '.repeat(300));
  p.set('binary', Buffer.from([0, 1, 2, 0xfe, 0xff, 0x80, 13, 10]));
  p.set('with-ttl', 'v', 'PXAT', FAR);
  p.rpush('list-small', 'a', 'b', '1', '-2', '300000');
  p.rpush('list-big', ...Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? String(i) : `item-${i}-${'x'.repeat(i % 50)}`)));
  p.rpush('list-longitem', 'short', 'L'.repeat(10_000));
  p.hset('hash-small', 'f', 'v', 'n', '12', 'neg', '-5');
  p.hset('hash-big', ...Array.from({ length: 600 }, (_, i) => [`field-${i}`, `value-${i}`]).flat());
  p.hset('hash-longval', 'f', 'V'.repeat(100));
  p.sadd('set-int', '1', '2', '3', '-7', '100000', '10000000000');
  p.sadd('set-int-big', ...Array.from({ length: 600 }, (_, i) => String(i * 3)));
  p.sadd('set-str', 'a', 'b', 'c');
  p.sadd('set-str-big', ...Array.from({ length: 700 }, (_, i) => `member-${i}`));
  p.zadd('zset-small', '1', 'a', '2.5', 'b', '-3', 'c', 'inf', 'top', '-inf', 'bottom');
  p.zadd('zset-big', ...Array.from({ length: 300 }, (_, i) => [String(i / 7), `m${i}`]).flat());
  p.zadd('zset-longmember', '1', 'M'.repeat(100));
  p.pexpireat('list-small', FAR - 1);
  p.pexpireat('hash-big', FAR - 2);
  p.select(2);
  p.set('db2-key', 'two');
  p.sadd('db2-set', 'x');
  p.select(9);
  p.zadd('db9-zset', '5', 'five');
  p.select(0);
  for (const [error] of (await p.exec())!) if (error) throw error;
}

type Dump = Record<string, { type: string; value: unknown; expireAt: number }>;

const hexOf = (b: Buffer): string => b.toString('hex');
const pairs = (flat: Buffer[]): string[] =>
  Array.from({ length: flat.length / 2 }, (_, i) => `${hexOf(flat[2 * i]!)}=${hexOf(flat[2 * i + 1]!)}`).sort();

/** Reads every key of dbs 0..15: type, value (binary-safe, order-independent) and PEXPIRETIME. */
async function readAll(client: Redis): Promise<Record<number, Dump>> {
  const out: Record<number, Dump> = {};
  for (let db = 0; db < 16; db++) {
    await client.select(db);
    const keys = (await client.keysBuffer('*')).map((k) => k.toString('latin1')).sort();
    if (keys.length === 0) continue;
    const dump: Dump = {};
    for (const key of keys) {
      const type = await client.type(key);
      let value: unknown;
      if (type === 'string') value = hexOf((await client.getBuffer(key))!);
      else if (type === 'list') value = (await client.lrangeBuffer(key, 0, -1)).map(hexOf);
      else if (type === 'hash') value = pairs((await client.callBuffer('HGETALL', key)) as Buffer[]);
      else if (type === 'set') value = (await client.smembersBuffer(key)).map(hexOf).sort();
      else if (type === 'zset') value = await client.zrange(key, 0, -1, 'WITHSCORES');
      dump[key] = { type, value, expireAt: Number(await client.call('PEXPIRETIME', key)) };
    }
    out[db] = dump;
  }
  await client.select(0);
  return out;
}

describe.skipIf(!hasRedis())('RDB interop with redis-server 7.0', () => {
  const dirs: string[] = [];
  const nodes: NodeProcess[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterctl-rdb-interop-'));
    dirs.push(dir);
    return dir;
  };
  const start = async (...args: Parameters<typeof startNode>): Promise<NodeProcess> => {
    const node = await startNode(...args);
    nodes.push(node);
    return node;
  };
  afterAll(async () => {
    for (const node of nodes) await node.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('loads an RDB saved by redis-server 7.0, key by key', async () => {
    const dir = tempDir();
    // Small list nodes and compression make Redis write several (LZF-compressed) quicklist nodes.
    const redis = await start({ engine: 'redis', dir, config: { 'list-max-listpack-size': '16', 'list-compress-depth': '1' } });
    const rc = redis.client();
    await populate(rc);
    const expected = await readAll(rc);
    expect(await rc.call('OBJECT', 'ENCODING', 'hash-small')).toBe('listpack');
    expect(await rc.call('OBJECT', 'ENCODING', 'set-int')).toBe('intset');
    expect(await rc.call('OBJECT', 'ENCODING', 'zset-big')).toBe('skiplist');
    expect(await rc.call('SAVE')).toBe('OK');
    rc.disconnect();
    await redis.stop();

    const ours = await start({ dir });
    const oc = ours.client();
    expect(await readAll(oc)).toEqual(expected);
    expect(ours.log()).toContain('Loading RDB produced by version 7.0.15');
    oc.disconnect();
  });

  it('writes an RDB that redis-server 7.0 loads, key by key', async () => {
    const dir = tempDir();
    const ours = await start({ dir });
    const oc = ours.client();
    await populate(oc);
    const expected = await readAll(oc);
    expect(await oc.call('SAVE')).toBe('OK');
    oc.disconnect();
    await ours.stop();

    const redis = await start({ engine: 'redis', dir });
    const rc = redis.client();
    expect(await readAll(rc)).toEqual(expected);
    expect(redis.log()).toMatch(/Done loading RDB, keys loaded: \d+, keys expired: 0/);
    rc.disconnect();
  });

  // rdbSaveKeyValuePair writes RDB_OPCODE_IDLE under an LRU policy and RDB_OPCODE_FREQ under an LFU
  // one; the loader applies them (objectSetLRUOrLFU), so eviction's ranking survives a restart.
  for (const [from, to] of [
    ['redis', 'builtin'],
    ['builtin', 'redis'],
  ] as const) {
    it(`keeps keys' idle times (LRU) and counters (LFU) through an RDB from ${from} to ${to}`, async () => {
      for (const [policy, option, stamp, read] of [
        ['allkeys-lru', 'IDLETIME', '5000', 'IDLETIME'],
        ['allkeys-lfu', 'FREQ', '77', 'FREQ'],
      ] as const) {
        const dir = tempDir();
        const config = { 'maxmemory-policy': policy };
        const source = await start({ engine: from, dir, config });
        const sc = source.client();
        const payload = (await sc.dumpBuffer('missing')) ?? (await sc.set('seed', 'v'), await sc.dumpBuffer('seed'))!;
        expect(await sc.call('RESTORE', 'aged', '0', payload, option, stamp)).toBe('OK');
        expect(await sc.call('SAVE')).toBe('OK');
        sc.disconnect();
        await source.stop();

        const target = await start({ engine: to, dir, config });
        const tc = target.client();
        const seen = Number(await tc.call('OBJECT', read, 'aged'));
        if (read === 'FREQ') expect(seen, policy).toBe(77);
        else expect(seen, policy).toBeGreaterThanOrEqual(5000);
        if (read === 'IDLETIME') expect(seen, policy).toBeLessThan(5060);
        tc.disconnect();
        await target.stop();
      }
    });
  }

  it('exchanges DUMP payloads: Redis DUMP restores here and ours restores in Redis', async () => {
    const redis = await start({ engine: 'redis', dir: tempDir() });
    const ours = await start({ dir: tempDir() });
    const rc = redis.client();
    const oc = ours.client();
    await populate(rc);
    const keys = (await rc.keys('*')).sort();
    for (const key of keys) {
      const payload = (await rc.dumpBuffer(key))!;
      expect(await oc.restore(key, 0, payload), key).toBe('OK');
    }
    const fromRedis = (await readAll(rc))[0]!;
    const restored = (await readAll(oc))[0]!;
    for (const key of keys) expect(restored[key]!.value, key).toEqual(fromRedis[key]!.value);
    for (const key of keys) {
      const payload = (await oc.dumpBuffer(key))!;
      expect(await rc.call('RESTORE', `${key}:back`, '0', payload), key).toBe('OK');
    }
    const roundTrip = (await readAll(rc))[0]!;
    for (const key of keys) expect(roundTrip[`${key}:back`]!.value, key).toEqual(fromRedis[key]!.value);
    rc.disconnect();
    oc.disconnect();
  });
});
