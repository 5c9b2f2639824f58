// Client-side caching with a real client library: ioredis speaks RESP2 only, so it caches the way
// RESP2 clients do, with CLIENT TRACKING ... REDIRECT to a connection subscribed to
// `__redis__:invalidate`. A small read-through cache over ioredis must never serve a value older
// than the last write once the invalidation arrived, on our node as on redis-server.

import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

/** A read-through cache whose entries are dropped by the server's invalidation messages. */
class CachedReader {
  readonly cache = new Map<string, string | null>();
  invalidations = 0;

  constructor(private readonly app: Redis) {}

  static async open(app: Redis, subscriber: Redis): Promise<CachedReader> {
    const reader = new CachedReader(app);
    const id = await subscriber.client('ID');
    // messageBuffer hands the message part over as it came: an array of keys, or null after a
    // flush ('message' would flatten the array into one string).
    subscriber.on('messageBuffer', (channel: Buffer, keys: Buffer[] | null) => {
      if (channel.toString() !== '__redis__:invalidate') return;
      reader.invalidations++;
      if (keys === null) reader.cache.clear();
      else for (const key of keys) reader.cache.delete(key.toString());
    });
    await subscriber.subscribe('__redis__:invalidate');
    await app.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(id));
    return reader;
  }

  async get(key: string): Promise<string | null> {
    if (this.cache.has(key)) return this.cache.get(key)!;
    const value = await this.app.get(key);
    this.cache.set(key, value);
    return value;
  }
}

describe.skipIf(!hasRedis())('client-side caching with ioredis (RESP2, REDIRECT)', () => {
  let node: NodeProcess | undefined;
  let clients: Redis[] = [];
  afterEach(async () => {
    for (const c of clients) c.disconnect();
    clients = [];
    await node?.stop();
    node = undefined;
  });

  for (const engine of ['builtin', 'redis'] as Engine[]) {
    it(`a cache over ioredis stays fresh (${engine === 'builtin' ? 'our node' : 'redis-server'})`, async () => {
      node = await startNode({ engine });
      const [app, subscriber, writer] = (clients = [node.client(), node.client(), node.client()]);
      const reader = await CachedReader.open(app!, subscriber!);
      await writer!.set('user:1', 'alice');
      expect(await reader.get('user:1')).toBe('alice');
      expect(await reader.get('user:1')).toBe('alice');
      await writer!.set('user:1', 'bob');
      await waitFor(() => !reader.cache.has('user:1'), { message: 'the invalidation of user:1' });
      expect(await reader.get('user:1')).toBe('bob');
      expect(await reader.get('absent')).toBeNull();
      await writer!.set('absent', 'now');
      await waitFor(() => !reader.cache.has('absent'), { message: 'the invalidation of absent' });
      expect(await reader.get('absent')).toBe('now');
      await writer!.flushall();
      await waitFor(() => reader.cache.size === 0, { message: 'the flush invalidation' });
      expect(await reader.get('user:1')).toBeNull();
      expect(reader.invalidations).toBe(3);
    }, 60_000);
  }
});
