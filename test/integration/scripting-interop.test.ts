// Scripts and functions across redis-server 7.0 and our node: a real redis-server replica of our
// master ends identical (DEBUG DIGEST) after scripted writes, and the other way round; a full
// resync carries the function libraries; an RDB holding functions loads in both directions; an
// ioredis defineCommand workload (EVALSHA, falling back to EVAL on NOSCRIPT) runs end to end.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { waitInSync } from '../helpers/info.js';

const FAST_SYNC = { 'repl-diskless-sync-delay': '0' };
const LIBRARY = `#!lua name=counters
redis.register_function('bump', function(keys, args)
  redis.call('incrby', keys[1], args[1])
  redis.call('rpush', keys[2], args[1])
  return redis.call('get', keys[1])
end)
redis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}`;

/** The same scripted writes on any master: one-write, multi-write, read-only, set_repl, SELECT. */
async function scriptedWrites(c: Redis): Promise<void> {
  await c.call('FUNCTION', 'LOAD', 'REPLACE', LIBRARY);
  for (let i = 0; i < 20; i++) {
    await c.eval("return redis.call('set', KEYS[1], ARGV[1])", 1, `one:${i}`, String(i));
    await c.eval("redis.call('hset', KEYS[1], 'f', ARGV[1]) redis.call('sadd', KEYS[2], ARGV[1]) redis.call('expire', KEYS[1], 1000) return 1", 2, `h:${i}`, 'set', String(i));
    await c.call('FCALL', 'bump', 2, 'counter', 'pushed', String(i));
  }
  await c.eval("return redis.call('get', 'one:1')", 0);
  await c.eval("redis.set_repl(redis.REPL_NONE) redis.call('set', 'local-only', '1') redis.set_repl(redis.REPL_ALL) redis.call('set', 'replicated', '1')", 0);
  await c.eval("redis.call('select', 3) redis.call('set', 'in-db3', 'x') return 1", 0);
  await c.eval("redis.call('del', 'local-only') return 1", 0);
}

/** Every string of a reply, sorted: FUNCTION LIST's functions come in a dict order on both. */
function strings(reply: unknown): string[] {
  return (JSON.stringify(reply).match(/"(?:[^"\\]|\\.)*"/g) ?? []).sort();
}

describe.skipIf(!hasRedis())('scripting interop with redis-server 7.0', () => {
  const started: NodeProcess[] = [];
  const clients: Redis[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await Promise.all(started.splice(0).map((n) => n.stop()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function node(engine: 'builtin' | 'redis', config: Record<string, string> = {}, dir?: string) {
    const n = await startNode({ engine, config: { ...FAST_SYNC, ...config }, dir });
    started.push(n);
    const c = n.client();
    clients.push(c);
    return { n, c };
  }

  for (const [masterEngine, replicaEngine] of [['builtin', 'redis'], ['redis', 'builtin']] as const) {
    it(`${replicaEngine} replica of a ${masterEngine} master ends identical after scripted writes`, async () => {
      const master = await node(masterEngine);
      await master.c.call('FUNCTION', 'LOAD', LIBRARY);
      const replica = await node(replicaEngine, { replicaof: `127.0.0.1 ${master.n.port}` });
      await waitInSync(master.c, replica.c);
      // The full resync carried the library.
      expect(await replica.c.call('FCALL_RO', 'peek', 1, 'counter')).toBeNull();
      await scriptedWrites(master.c);
      await waitInSync(master.c, replica.c);
      expect(await replica.c.call('DEBUG', 'DIGEST')).toBe(await master.c.call('DEBUG', 'DIGEST'));
      expect(await replica.c.call('FCALL_RO', 'peek', 1, 'counter')).toBe('190');
      expect(strings(await replica.c.call('FUNCTION', 'LIST', 'WITHCODE'))).toEqual(strings(await master.c.call('FUNCTION', 'LIST', 'WITHCODE')));
      // A write script is refused on the replica (the request path sees its declared write flag).
      await expect(replica.c.call('FCALL', 'bump', 2, 'counter', 'pushed', '1')).rejects.toThrow("READONLY You can't write against a read only replica.");
      await expect(replica.c.eval("return redis.call('set', 'x', '1')", 0)).rejects.toThrow(/READONLY You can't write against a read only replica\./);
    });
  }

  it('an RDB with functions written by one loads in the other, both ways', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterctl-scripting-rdb-'));
    dirs.push(dir);
    const ours = await node('builtin', {}, dir);
    await scriptedWrites(ours.c);
    await ours.c.call('SAVE');
    const digest = await ours.c.call('DEBUG', 'DIGEST');
    const theirs = await node('redis', {}, dir);
    expect(await theirs.c.call('DEBUG', 'DIGEST')).toBe(digest);
    expect(await theirs.c.call('FCALL', 'bump', 2, 'counter', 'pushed', '10')).toBe('200');
    await theirs.c.call('SAVE');
    const digest2 = await theirs.c.call('DEBUG', 'DIGEST');
    ours.c.disconnect();
    await ours.n.stop();
    const again = await node('builtin', {}, dir);
    expect(await again.c.call('DEBUG', 'DIGEST')).toBe(digest2);
    expect(await again.c.call('FCALL_RO', 'peek', 1, 'counter')).toBe('200');
  });

  it('ioredis defineCommand scripts run end to end (EVALSHA, EVAL after NOSCRIPT)', async () => {
    const ours = await node('builtin');
    ours.c.defineCommand('transfer', {
      numberOfKeys: 2,
      lua: "local v = tonumber(redis.call('get', KEYS[1]) or '0') if v < tonumber(ARGV[1]) then return redis.error_reply('ERR insufficient') end redis.call('decrby', KEYS[1], ARGV[1]) return redis.call('incrby', KEYS[2], ARGV[1])",
    });
    const c = ours.c as Redis & { transfer(a: string, b: string, n: number): Promise<number> };
    await c.set('alice', '100');
    const results = await Promise.all(Array.from({ length: 50 }, () => c.transfer('alice', 'bob', 2)));
    expect(results[49]).toBe(100);
    await expect(c.transfer('alice', 'bob', 1)).rejects.toThrow('ERR insufficient');
    await c.call('SCRIPT', 'FLUSH');
    await c.set('alice', '5');
    expect(await c.transfer('alice', 'bob', 5)).toBe(105);
  });
});
