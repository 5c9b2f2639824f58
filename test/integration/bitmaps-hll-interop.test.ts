// Bitmaps and HyperLogLogs built by our node live on in redis-server 7.0 and the other way round:
// a redis-server replica of our master ends identical (DEBUG DIGEST, and every value by GET) after
// writes made before it attached (the RDB) and after (the stream), and a value moved by DUMP/RESTORE
// counts the same on the other server, cached cardinality or not.

import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis } from '../helpers/processes.js';
import { useTrackedNodes } from '../helpers/tracked-nodes.js';
import { waitInSync } from '../helpers/info.js';

const elements = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

/** Bitmap and HLL writes of every kind: sparse, dense, merged, cached, converted by PFDEBUG. */
async function writeEverything(c: Redis, tag: string): Promise<void> {
  await c.setbit(`${tag}:bits`, 7, 1);
  await c.setbit(`${tag}:bits`, 1000, 1);
  await c.call('BITFIELD', `${tag}:field`, 'SET', 'i16', '#3', -1234, 'INCRBY', 'u5', 100, 7, 'OVERFLOW', 'SAT', 'INCRBY', 'i8', 0, 500);
  await c.call('BITOP', 'XOR', `${tag}:xor`, `${tag}:bits`, `${tag}:field`);
  await c.pfadd(`${tag}:sparse`, ...elements('s', 120));
  for (let i = 0; i < 5000; i += 500) await c.pfadd(`${tag}:dense`, ...elements(`d${i}-`, 500));
  await c.pfcount(`${tag}:dense`); // writes the cached cardinality
  await c.pfadd(`${tag}:stale`, ...elements('t', 40)); // cache left invalid
  await c.pfmerge(`${tag}:merged`, `${tag}:sparse`, `${tag}:stale`);
  await c.pfmerge(`${tag}:merged-dense`, `${tag}:sparse`, `${tag}:dense`);
  await c.pfadd(`${tag}:todense`, 'x', 'y');
  await c.call('PFDEBUG', 'TODENSE', `${tag}:todense`);
  await c.pfadd(`${tag}:getreg`, 'x', 'y', 'z');
  await c.call('PFDEBUG', 'GETREG', `${tag}:getreg`);
}

async function digest(c: Redis): Promise<string> {
  return String(await c.call('DEBUG', 'DIGEST'));
}

/** Every key's bytes, sorted by key. */
async function values(c: Redis): Promise<[string, string][]> {
  const keys = ((await c.keys('*')) as string[]).sort();
  return Promise.all(keys.map(async (key) => [key, (await c.getBuffer(key))!.toString('latin1')] as [string, string]));
}

describe.skipIf(!hasRedis())('bitmaps and HyperLogLog interop with redis-server 7.0', () => {
  const start = useTrackedNodes();
  const node = async (engine: 'builtin' | 'redis', config: Record<string, string> = {}) => (await start(engine, config)).client;

  it('a redis-server replica of our master ends identical after bitmap and HLL writes', async () => {
    const ours = await start('builtin');
    const master = ours.client;
    await writeEverything(master, 'rdb');
    const replica = await node('redis', { replicaof: `127.0.0.1 ${ours.node.port}` });
    await waitInSync(master, replica);
    await writeEverything(master, 'stream');
    await master.pfcount('rdb:stale'); // the cache refresh travels as PFCOUNT
    await master.pfadd('rdb:dense', 'one more');
    await waitInSync(master, replica);
    expect(await values(replica)).toEqual(await values(master));
    expect(await digest(replica)).toBe(await digest(master));
    expect(await replica.pfcount('stream:dense')).toBe(await master.pfcount('stream:dense'));
  });

  it('DUMP/RESTORE moves HLL values both ways and they count the same', async () => {
    const ours = await node('builtin');
    const redis = await node('redis');
    await writeEverything(ours, 'ours');
    await writeEverything(redis, 'redis');
    for (const [from, to, tag] of [[ours, redis, 'ours'], [redis, ours, 'redis']] as const) {
      for (const suffix of ['sparse', 'dense', 'stale', 'merged', 'merged-dense', 'todense', 'bits', 'field']) {
        const key = `${tag}:${suffix}`;
        const payload = await from.dumpBuffer(key);
        await to.restore(`moved:${key}`, 0, payload!);
        expect(await to.getBuffer(`moved:${key}`), key).toEqual(await from.getBuffer(key));
        if (suffix === 'bits' || suffix === 'field') continue;
        expect(await to.pfcount(`moved:${key}`), key).toBe(await from.pfcount(key));
      }
    }
    // The same PFADDs give the same bytes on both servers.
    expect(await ours.getBuffer('ours:dense')).toEqual(await redis.getBuffer('redis:dense'));
    expect(await ours.getBuffer('ours:merged')).toEqual(await redis.getBuffer('redis:merged'));
  });
});
