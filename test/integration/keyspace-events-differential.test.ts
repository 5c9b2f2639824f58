// Keyspace notifications, our node vs redis-server 7.0.15: the same command sequences run on both
// with `notify-keyspace-events` set, while a second connection PSUBSCRIBEd to `__key*@*__:*` records
// every (channel, message) it receives; the ordered lists (and the commands' replies) must be equal.
// A run ends with a PUBLISH of a marker on a matching channel: once the marker arrives, everything
// the commands published before it has arrived too (one connection, in order), so nothing sleeps.
// Also: the flag strings as CONFIG GET prints them, the error for a bad class character, expiry
// (lazy and active) and eviction.

import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis } from '../helpers/processes.js';
import { useServerPair } from '../helpers/server-pair.js';
import { waitFor } from '../helpers/wait-for.js';

type Arg = string | number | Buffer;
/** A command, a DUMP of one key RESTOREd under another name, or a command whose reply is random. */
type Step = Arg[] | { dump: string; as: string; args?: Arg[] } | { random: Arg[] };

const MARKER_CHANNEL = '__keyevent@0__:zz-end-of-run';

/**
 * Publishes the end-of-run marker and waits for it: everything published before it on that node has
 * then reached the subscriber. Returns what it received before the marker.
 */
async function untilMarker(client: Redis, events: string[]): Promise<string[]> {
  await client.call('PUBLISH', MARKER_CHANNEL, 'marker');
  await waitFor(() => events.at(-1) === `${MARKER_CHANNEL} marker`, { timeout: 20_000, message: 'the end-of-run marker' });
  return events.slice(0, -1);
}

interface Run {
  replies: unknown[];
  events: string[];
}

/** Runs `steps` with `classes` on, recording the replies and the notifications a pattern subscriber gets. */
async function record(main: Redis, classes: string, steps: Step[], db = 0): Promise<Run> {
  await main.call('FLUSHALL');
  await main.call('SELECT', db);
  const sub = main.duplicate();
  const events: string[] = [];
  sub.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer, message: Buffer) => {
    events.push(`${channel.toString('latin1')} ${message.toString('latin1')}`);
  });
  try {
    await sub.psubscribe('__key*@*__:*');
    await main.call('CONFIG', 'SET', 'notify-keyspace-events', classes);
    const replies: unknown[] = [];
    for (const step of steps) {
      try {
        if (Array.isArray(step)) {
          replies.push(await main.callBuffer(String(step[0]), ...step.slice(1)).then(text));
        } else if ('random' in step) {
          await main.callBuffer(String(step.random[0]), ...step.random.slice(1));
          replies.push('(random)');
        } else {
          const payload = (await main.callBuffer('DUMP', step.dump)) as Buffer;
          replies.push(await main.call('RESTORE', step.as, 0, payload, ...(step.args ?? [])));
        }
      } catch (error) {
        replies.push(`ERR ${(error as Error).message}`);
      }
    }
    await main.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    return { replies, events: await untilMarker(main, events) };
  } finally {
    sub.disconnect();
    await main.call('SELECT', 0);
  }
}

/** Replies as comparable text (bulk strings as latin1, arrays recursively). */
function text(reply: unknown): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString('latin1');
  if (Array.isArray(reply)) return reply.map(text);
  return reply;
}

const SEQUENCES: Record<string, Step[]> = {
  strings: [
    ['SET', 'k', 'v'], ['SET', 'k', 'w', 'EX', 100], ['SET', 'k', 'x', 'KEEPTTL'], ['SET', 'k', 'y', 'NX'],
    ['SET', 'k', 'z', 'XX', 'GET'], ['SETNX', 'n', '1'], ['SETNX', 'n', '2'], ['SETEX', 'e', 100, 'v'],
    ['PSETEX', 'p', 100000, 'v'], ['MSET', 'a', '1', 'b', '2'], ['MSETNX', 'c', '1', 'd', '2'], ['MSETNX', 'c', '1', 'q', '2'],
    ['GETSET', 'a', '5'], ['GETDEL', 'a'], ['GETDEL', 'a'], ['GETEX', 'b', 'EX', 100], ['GETEX', 'b', 'PERSIST'],
    ['GETEX', 'b', 'PERSIST'], ['GETEX', 'b'], ['GETEX', 'b', 'PX', 0], ['GETEX', 'c', 'PXAT', 1], ['GET', 'c'],
    ['INCR', 'i'], ['INCRBY', 'i', 5], ['DECR', 'i'], ['DECRBY', 'i', 2], ['INCRBYFLOAT', 'f', '1.5'], ['INCR', 'k'],
    ['APPEND', 's', 'ab'], ['APPEND', 's', 'cd'], ['SETRANGE', 's', 1, 'XY'], ['SETRANGE', 'r', 0, ''],
    ['SETRANGE', 'r', 2, 'x'], ['SET', 'k', 'v', 'PXAT', 1], ['SET', 'k', 'v', 'EX', 5, 'GET'],
  ],
  keys: [
    ['SET', 'a', '1'], ['SET', 'b', '2'], ['SET', 'c', '3'], ['DEL', 'a', 'b', 'zz'], ['UNLINK', 'c', 'zz'],
    ['SET', 'a', '1'], ['EXPIRE', 'a', 100], ['PEXPIRE', 'a', 100000], ['EXPIRE', 'a', 100, 'NX'],
    ['EXPIREAT', 'a', 4000000000], ['PERSIST', 'a'], ['PERSIST', 'a'], ['EXPIRE', 'a', 0], ['SET', 'a', '1'],
    ['PEXPIREAT', 'a', 1], ['SET', 'a', '1'], ['EXPIRE', 'a', -5], ['EXPIRE', 'nope', 10],
    ['SET', 'a', '1'], ['RENAME', 'a', 'b'], ['SET', 'c', '3'], ['RENAME', 'b', 'c'], ['RENAME', 'c', 'c'],
    ['RENAMENX', 'c', 'd'], ['SET', 'e', '1'], ['RENAMENX', 'd', 'e'], ['MOVE', 'd', 1], ['MOVE', 'e', 1], ['MOVE', 'nope', 1],
    ['COPY', 'e', 'f'], ['COPY', 'e', 'f'], ['COPY', 'e', 'f', 'REPLACE'], ['COPY', 'e', 'g', 'DB', 2],
    { dump: 'e', as: 'h' }, { dump: 'e', as: 'h', args: ['REPLACE'] }, { dump: 'e', as: 'i', args: ['REPLACE'] },
    ['TOUCH', 'e', 'f'], ['SWAPDB', 0, 1], ['SWAPDB', 0, 1], ['FLUSHDB'],
  ],
  lists: [
    ['LPUSH', 'l', 'a', 'b'], ['RPUSH', 'l', 'c'], ['LPUSHX', 'l', 'z'], ['RPUSHX', 'l', 'y'], ['LPUSHX', 'm', 'z'],
    ['LINSERT', 'l', 'BEFORE', 'a', 'x'], ['LINSERT', 'l', 'BEFORE', 'nope', 'x'], ['LSET', 'l', 0, 'Z'],
    ['LPOP', 'l'], ['RPOP', 'l', 2], ['LREM', 'l', 0, 'x'], ['LREM', 'l', 0, 'nope'], ['LTRIM', 'l', 0, 0],
    ['LRANGE', 'l', 0, -1], ['LTRIM', 'l', 1, 0], ['RPUSH', 'l', 'a', 'b', 'c'], ['LMOVE', 'l', 'm', 'LEFT', 'RIGHT'],
    ['RPOPLPUSH', 'l', 'l'], ['LMOVE', 'l', 'm', 'RIGHT', 'LEFT'], ['LMOVE', 'l', 'm', 'LEFT', 'LEFT'], ['LMPOP', 2, 'x', 'm', 'LEFT', 'COUNT', 5],
    ['RPUSH', 'b', 'x'], ['BLPOP', 'b', 0.1], ['RPUSH', 'b', 'x', 'y'], ['BRPOP', 'b', 0.1], ['BLMOVE', 'b', 'c', 'LEFT', 'LEFT', 0.1],
    ['BLMPOP', 0.1, 1, 'c', 'RIGHT'], ['RPUSH', 'l', 'a'], ['LPOP', 'l', 0], ['RPOP', 'l', 1], ['LREM', 'l', 0, 'a'],
  ],
  hashes: [
    ['HSET', 'h', 'a', '1', 'b', '2'], ['HSET', 'h', 'a', '1'], ['HSETNX', 'h', 'a', '2'], ['HSETNX', 'h', 'c', '2'],
    ['HMSET', 'h', 'd', '4'], ['HINCRBY', 'h', 'n', 3], ['HINCRBYFLOAT', 'h', 'f', '1.5'], ['HDEL', 'h', 'zz'],
    ['HDEL', 'h', 'a', 'b'], ['HDEL', 'h', 'c', 'd', 'n', 'f'], ['HINCRBY', 'h', 'a', 'x'],
  ],
  sets: [
    ['SADD', 's', 'a', 'b', 'c'], ['SADD', 's', 'a'], ['SREM', 's', 'zz'], ['SREM', 's', 'a'], ['SMOVE', 's', 't', 'b'],
    ['SMOVE', 's', 't', 'zz'], ['SMOVE', 't', 't', 'b'], ['SADD', 't', 'c'], ['SMOVE', 's', 't', 'c'],
    ['SADD', 's', 'x', 'y', 'z'], { random: ['SPOP', 's'] }, ['SPOP', 's', 0], { random: ['SPOP', 's', 1] }, { random: ['SPOP', 's', 5] },
    ['SPOP', 's'], ['SADD', 's', 'x'], ['SPOP', 's'],
    ['SADD', 's', '1', '2', '3'], ['SINTERSTORE', 'd', 's', 't'], ['SUNIONSTORE', 'd', 's', 't'], ['SDIFFSTORE', 'd', 's', 't'],
    ['SINTERSTORE', 'd', 's', 't'], ['SINTERSTORE', 'e', 's', 't'], ['SUNIONSTORE', 'e', 'x', 'y'], ['SREM', 't', 'b', 'c'],
  ],
  zsets: [
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c'], ['ZADD', 'z', 1, 'a'], ['ZADD', 'z', 'INCR', 5, 'a'], ['ZINCRBY', 'z', 1, 'b'],
    ['ZADD', 'z', 'NX', 1, 'a'], ['ZREM', 'z', 'zz'], ['ZREM', 'z', 'a'], ['ZADD', 'z', 4, 'd', 5, 'e', 6, 'f'],
    ['ZREMRANGEBYSCORE', 'z', 0, 2.5], ['ZREMRANGEBYRANK', 'z', 0, 0], ['ZREMRANGEBYLEX', 'z', '-', '+'],
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd'], ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z', 2], ['ZPOPMIN', 'z', 0], ['ZPOPMIN', 'z', 5],
    ['ZADD', 'z', 1, 'a', 2, 'b'], ['BZPOPMIN', 'z', 0.1], ['BZPOPMAX', 'z', 0.1], ['ZADD', 'z', 1, 'a', 2, 'b'],
    ['ZMPOP', 1, 'z', 'MAX', 'COUNT', 5], ['ZADD', 'y', 1, 'a', 2, 'b'], ['BZMPOP', 0.1, 1, 'y', 'MIN'],
    ['ZADD', 'y', 1, 'a', 2, 'b'], ['ZADD', 'x', 1, 'b'], ['ZUNIONSTORE', 'u', 2, 'x', 'y'], ['ZINTERSTORE', 'u', 2, 'x', 'y'],
    ['ZDIFFSTORE', 'u', 2, 'x', 'y'], ['ZDIFFSTORE', 'u', 2, 'x', 'x'], ['ZRANGESTORE', 'r', 'y', 0, -1],
    ['ZRANGESTORE', 'r', 'y', 5, 6], ['ZRANGESTORE', 'q', 'y', 5, 6],
  ],
  streams: [
    ['XADD', 's', '1-1', 'f', 'v'], ['XADD', 's', 'MAXLEN', 1, '2-1', 'f', 'v'], ['XADD', 's', 'MAXLEN', 5, '3-1', 'f', 'v'],
    ['XADD', 'n', 'NOMKSTREAM', '*', 'f', 'v'], ['XTRIM', 's', 'MAXLEN', 1], ['XTRIM', 's', 'MAXLEN', 5], ['XDEL', 's', '3-1'],
    ['XDEL', 's', '9-9'], ['XADD', 's', '4-1', 'f', 'v'], ['XGROUP', 'CREATE', 's', 'g', '0'], ['XGROUP', 'CREATE', 's', 'g', '0'],
    ['XGROUP', 'CREATE', 'm', 'g', '$', 'MKSTREAM'], ['XGROUP', 'SETID', 's', 'g', '0'], ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c1'],
    ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c1'], ['XREADGROUP', 'GROUP', 'g', 'c2', 'STREAMS', 's', '>'],
    ['XREADGROUP', 'GROUP', 'g', 'c2', 'STREAMS', 's', '>'], ['XCLAIM', 's', 'g', 'c3', 0, '4-1'],
    ['XAUTOCLAIM', 's', 'g', 'c4', 0, '0'], ['XGROUP', 'DELCONSUMER', 's', 'g', 'c1'], ['XGROUP', 'DELCONSUMER', 's', 'g', 'zz'],
    ['XSETID', 's', '10-1'], ['XGROUP', 'DESTROY', 's', 'g'], ['XGROUP', 'DESTROY', 's', 'g'], ['XACK', 's', 'g', '4-1'],
  ],
  'bitmaps, hyperloglog, geo, sort': [
    ['SETBIT', 'b', 7, 1], ['SETBIT', 'b', 7, 1], ['SET', 'c', 'x'], ['BITOP', 'AND', 'd', 'b', 'c'], ['BITOP', 'OR', 'd', 'x', 'y'],
    ['BITOP', 'OR', 'e', 'x', 'y'], ['BITFIELD', 'f', 'SET', 'u8', 0, 1], ['BITFIELD', 'f', 'GET', 'u8', 0],
    ['BITFIELD', 'f', 'INCRBY', 'u8', 0, 1, 'GET', 'u8', 0], ['BITFIELD_RO', 'f', 'GET', 'u8', 0],
    ['PFADD', 'h', 'a', 'b'], ['PFADD', 'h', 'a'], ['PFADD', 'g'], ['PFADD', 'g'], ['PFMERGE', 'm', 'h', 'g'], ['PFCOUNT', 'h', 'm'],
    ['GEOADD', 'geo', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania'],
    ['GEOADD', 'geo', 'XX', 13.361389, 38.115556, 'Palermo'],
    ['GEORADIUS', 'geo', 15, 37, 200, 'km', 'STORE', 'gs'], ['GEORADIUS', 'geo', 15, 37, 200, 'km', 'STOREDIST', 'gd'],
    ['GEOSEARCHSTORE', 'gs2', 'geo', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km'],
    ['GEOSEARCHSTORE', 'gs2', 'geo', 'FROMLONLAT', 0, 0, 'BYRADIUS', 1, 'km'],
    ['RPUSH', 'l', '3', '1', '2'], ['SORT', 'l', 'STORE', 'o'], ['SORT', 'nope', 'STORE', 'o'], ['SORT', 'nope', 'STORE', 'o'],
  ],
  'transactions and scripts': [
    ['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['DEL', 'a'], ['EXEC'],
    ['EVAL', "redis.call('SET', KEYS[1], 'v'); redis.call('LPUSH', KEYS[2], 'x'); return redis.call('LPOP', KEYS[2])", 2, 'k', 'l'],
  ],
};

describe.skipIf(!hasRedis())('keyspace notifications vs redis-server 7.0.15', () => {
  const pair = useServerPair();

  async function both(classes: string, steps: Step[], db = 0): Promise<[Run, Run]> {
    const ours = await record(pair.ours, classes, steps, db);
    const theirs = await record(pair.theirs, classes, steps, db);
    return [ours, theirs];
  }

  for (const [name, steps] of Object.entries(SEQUENCES)) {
    it(`${name}: the same notifications in the same order (KEA)`, async () => {
      const [ours, theirs] = await both('KEA', steps);
      expect(ours.replies).toEqual(theirs.replies);
      expect(ours.events).toEqual(theirs.events);
      expect(theirs.events.length).toBeGreaterThan(0);
    });
  }

  it('subsets of the classes select the same notifications (Kx, Eg$, En, Knl, Em, Ktz, KEAn)', async () => {
    const steps: Step[] = [
      ['SET', 'k', 'v'], ['APPEND', 'k', 'x'], ['EXPIRE', 'k', 100], ['DEL', 'k'], ['LPUSH', 'l', 'a'], ['LPOP', 'l'],
      ['GET', 'nope'], ['LRANGE', 'nope', 0, -1], ['HGET', 'nope', 'f'], ['MGET', 'k', 'nope'], ['OBJECT', 'ENCODING', 'nope'],
      ['EXISTS', 'nope'], ['TYPE', 'nope'], ['ZADD', 'z', 1, 'a'], ['XADD', 's', '1-1', 'f', 'v'], ['SET', 'x', 'v', 'PX', 1],
    ];
    for (const classes of ['Kx', 'Eg$', 'En', 'Knl', 'Em', 'Ktz', 'KEA', 'KEAn']) {
      const [ours, theirs] = await both(classes, steps, 3);
      expect({ classes, events: ours.events }).toEqual({ classes, events: theirs.events });
    }
  });

  /** A subscriber of `__key*@*__:*` on `client`'s node, and what it has received. */
  async function subscriber(client: Redis): Promise<{ events: string[]; close: () => void }> {
    const sub = client.duplicate();
    const events: string[] = [];
    sub.on('pmessage', (_pattern: string, channel: string, message: string) => events.push(`${channel} ${message}`));
    await sub.psubscribe('__key*@*__:*');
    return { events, close: () => sub.disconnect() };
  }

  it('lazy expiry: the read that finds a key expired raises `expired` then `keymiss`', async () => {
    const run = async (client: Redis) => {
      await client.call('FLUSHALL');
      await client.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
      const at = Date.now() + 50;
      await client.call('SET', 'k', 'v', 'PXAT', at);
      await client.call('RPUSH', 'l', 'a');
      await client.call('PEXPIREAT', 'l', at);
      const sub = await subscriber(client);
      await client.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEAm');
      try {
        await waitFor(() => Date.now() > at + 20, { message: 'the keys to pass their expiry time' });
        const replies = [await client.call('GET', 'k'), await client.call('LPUSH', 'l', 'b'), await client.call('GET', 'k')];
        const received = await untilMarker(client, sub.events);
        return { replies, events: received };
      } finally {
        sub.close();
        await client.call('CONFIG', 'SET', 'notify-keyspace-events', '');
        await client.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
      }
    };
    const [ours, theirs] = [await run(pair.ours), await run(pair.theirs)];
    expect(ours).toEqual(theirs);
    expect(theirs.events).toContain('__keyevent@0__:expired k');
  });

  it('active expiry raises `expired` for every key the cycle deletes', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const run = async (client: Redis) => {
      await client.call('FLUSHALL');
      const sub = await subscriber(client);
      await client.call('CONFIG', 'SET', 'notify-keyspace-events', 'Ex');
      try {
        for (const key of keys) await client.call('SET', key, 'v', 'PX', 30);
        await waitFor(() => sub.events.length >= keys.length, { timeout: 20_000, message: 'the expired events of the active cycle' });
        return sub.events.sort();
      } finally {
        sub.close();
        await client.call('CONFIG', 'SET', 'notify-keyspace-events', '');
      }
    };
    const [ours, theirs] = [await run(pair.ours), await run(pair.theirs)];
    expect(ours).toEqual(theirs);
    expect(theirs).toEqual(keys.map((key) => `__keyevent@0__:expired ${key}`));
  });

  it('eviction raises `evicted` for each key maxmemory takes (allkeys-random, a limit nothing fits under)', async () => {
    const keys = ['a', 'b', 'c', 'd'];
    const run = async (client: Redis) => {
      await client.call('FLUSHALL');
      for (const key of keys) await client.call('SET', key, 'x'.repeat(100));
      const sub = await subscriber(client);
      await client.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
      try {
        await client.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random');
        await client.call('CONFIG', 'SET', 'maxmemory', 1);
        const reply = await client.call('SET', 'z', 'v').catch((error: Error) => error.message);
        await client.call('CONFIG', 'SET', 'maxmemory', 0);
        const received = await untilMarker(client, sub.events);
        return { reply, events: received.sort(), size: await client.call('DBSIZE') };
      } finally {
        sub.close();
        await client.call('CONFIG', 'SET', 'maxmemory', 0);
        await client.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
        await client.call('CONFIG', 'SET', 'notify-keyspace-events', '');
      }
    };
    const [ours, theirs] = [await run(pair.ours), await run(pair.theirs)];
    expect(ours).toEqual(theirs);
    expect(theirs.events).toHaveLength(keys.length * 2);
    expect(theirs.events).toContain('__keyevent@0__:evicted a');
  });

  it('a blocked BLPOP served by another client: rpush, then lpop and del of the emptied list', async () => {
    const run = async (client: Redis) => {
      await client.call('FLUSHALL');
      const sub = await subscriber(client);
      const blocked = client.duplicate();
      await client.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
      try {
        const served = blocked.call('BLPOP', 'q', 0);
        await waitFor(async () => /blocked_clients:1/.test(String(await client.call('INFO', 'clients'))), { message: 'BLPOP to block' });
        await client.call('RPUSH', 'q', 'x');
        const reply = await served;
        const received = await untilMarker(client, sub.events);
        return { reply, events: received };
      } finally {
        blocked.disconnect();
        sub.close();
        await client.call('CONFIG', 'SET', 'notify-keyspace-events', '');
      }
    };
    const [ours, theirs] = [await run(pair.ours), await run(pair.theirs)];
    expect(ours).toEqual(theirs);
    expect(theirs.events).toContain('__keyevent@0__:lpop q');
  });

  it('CONFIG SET / GET notify-keyspace-events: canonical strings and the error for a bad character', async () => {
    const inputs = ['KEA', 'AKE', 'Kg$lshzxet', 'Elm', 'gK', 'E$', 'Ag', 'Kn', 'KEAmnd', 'd', 'mE', 'x', '', 'KEAq', 'K E', 'a'];
    const run = async (client: Redis) => {
      const out: unknown[] = [];
      for (const value of inputs) {
        try {
          out.push(await client.call('CONFIG', 'SET', 'notify-keyspace-events', value));
        } catch (error) {
          out.push(`ERR ${(error as Error).message}`);
        }
        out.push(await client.call('CONFIG', 'GET', 'notify-keyspace-events'));
      }
      await client.call('CONFIG', 'SET', 'notify-keyspace-events', '');
      return out;
    };
    const [ours, theirs] = [await run(pair.ours), await run(pair.theirs)];
    expect(ours).toEqual(theirs);
    expect(theirs).toContainEqual(['notify-keyspace-events', 'AKE']);
  });
});

describe.skipIf(!hasRedis())('notify-keyspace-events given at start vs redis-server 7.0.15', () => {
  const pair = useServerPair({ 'notify-keyspace-events': 'Elg$' });

  it('is read in its canonical spelling and in force from the first command', async () => {
    const run = async (client: Redis) => {
      const sub = client.duplicate();
      const events: string[] = [];
      sub.on('pmessage', (_p: string, channel: string, message: string) => events.push(`${channel} ${message}`));
      try {
        await sub.psubscribe('__key*@*__:*');
        const config = await client.call('CONFIG', 'GET', 'notify-keyspace-events');
        await client.call('SET', 'k', 'v');
        await client.call('LPUSH', 'l', 'a');
        await client.call('SADD', 's', 'a');
        const received = await untilMarker(client, events);
        return { config, events: received };
      } finally {
        sub.disconnect();
      }
    };
    const [ours, theirs] = [await run(pair.ours), await run(pair.theirs)];
    expect(ours).toEqual(theirs);
    expect(theirs.config).toEqual(['notify-keyspace-events', 'g$lE']);
  });
});
