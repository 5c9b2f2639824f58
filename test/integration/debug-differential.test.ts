// DEBUG's inspectors and switches on our node and on redis-server 7.0 side by side: OBJECT (every
// field but the address and the access clock), SDSLEN, LISTPACK, QUICKLIST, the argument checks,
// ERROR, STRINGMATCH-TEST, SET-SKIP-CHECKSUM-VALIDATION with RESTORE, RELOAD's options, REPLICATE
// reaching a replica, and the crashes (the process dies by the signal redis-server dies by).

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';
import { useServerPair } from '../helpers/server-pair.js';

type Arg = string | number | Buffer;

async function run(client: Redis, args: Arg[]): Promise<unknown> {
  try {
    return await client.call(String(args[0]), ...args.slice(1).map((a) => (Buffer.isBuffer(a) ? a : String(a))));
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** DEBUG OBJECT's line without what names memory or time: address, lru, lru_seconds_idle. */
function objectFields(reply: unknown): unknown {
  if (typeof reply !== 'string') return reply;
  return reply
    .split(' ')
    .filter((field) => !/^(Value|at:|lru:|lru_seconds_idle:)/.test(field))
    .join(' ');
}

function incompressible(length: number): string {
  return Array.from({ length }, (_, i) => String.fromCharCode(33 + ((i * 37) % 90))).join('');
}

const DATASET: Arg[][] = [
  ['SET', 'short', 'hello'],
  ['SET', 'int', '123'],
  ['SET', 'bigint', '123456789012'],
  // Text LZF cannot shrink (no repeated 3-byte run): values longer than 20 bytes are offered to LZF,
  // and our compressor finds other matches than liblzf in repetitive text (the length would differ).
  ['SET', 'embstr-edge', incompressible(44)],
  ['SET', 'raw', incompressible(60)],
  ['RPUSH', 'list', 'a', 'b', 'c', '1', '2', '300000'],
  ['HSET', 'hash', 'f', 'v', 'n', '12'],
  ['ZADD', 'zset', '1', 'a', '2.5', 'b', '-3', 'c'],
  ['SADD', 'intset', '1', '-40000', '7'],
  ['SADD', 'set', 'x', 'y'],
];

describe.skipIf(!hasRedis())('DEBUG: our node answers like redis-server 7.0', () => {
  const pair = useServerPair({ 'enable-debug-command': 'yes', 'list-max-listpack-size': '4' });
  let a: Redis;
  let b: Redis;
  beforeAll(() => ({ ours: a, theirs: b } = pair));

  const both = async (args: Arg[]) => [await run(a, args), await run(b, args)];

  it('DEBUG OBJECT: same refcount, encoding, serialized length and quicklist shape', async () => {
    for (const step of DATASET) await both(step);
    // A long list: several quicklist nodes of at most 4 entries (list-max-listpack-size 4).
    await both(['RPUSH', 'long', ...Array.from({ length: 37 }, (_, i) => incompressible(3 + (i % 5)).slice(i % 3))]);
    for (const key of ['short', 'int', 'bigint', 'embstr-edge', 'raw', 'list', 'long', 'hash', 'zset', 'intset', 'set', 'missing']) {
      const [mine, real] = await both(['DEBUG', 'OBJECT', key]);
      expect(objectFields(mine), key).toEqual(objectFields(real));
    }
  });

  it('DEBUG SDSLEN / LISTPACK / QUICKLIST: same replies and errors', async () => {
    for (const step of DATASET) await both(step);
    const steps: Arg[][] = [
      ['DEBUG', 'SDSLEN', 'short'],
      ['DEBUG', 'SDSLEN', 'embstr-edge'],
      ['DEBUG', 'SDSLEN', 'int'],
      ['DEBUG', 'SDSLEN', 'list'],
      ['DEBUG', 'SDSLEN', 'missing'],
      ['DEBUG', 'LISTPACK', 'hash'],
      ['DEBUG', 'LISTPACK', 'zset'],
      ['DEBUG', 'LISTPACK', 'list'],
      ['DEBUG', 'LISTPACK', 'missing'],
      ['DEBUG', 'QUICKLIST', 'list'],
      ['DEBUG', 'QUICKLIST', 'list', '1'],
      ['DEBUG', 'QUICKLIST', 'hash'],
      ['DEBUG', 'QUICKLIST', 'missing'],
    ];
    for (const step of steps) {
      const [mine, real] = await both(step);
      expect(mine, step.join(' ')).toEqual(real);
    }
  });

  it('argument checks, ERROR, STRINGMATCH-TEST and unknown subcommands answer the same', async () => {
    const steps: Arg[][] = [
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100mb'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '0'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '5gb'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 'lots'],
      ['DEBUG', 'ERROR', 'MYERR something\r\nbroke'],
      ['DEBUG', 'ERROR', 'plain words'],
      ['DEBUG', 'STRINGMATCH-TEST'],
      ['DEBUG', 'LEAK', 'abc'],
      ['DEBUG', 'RELOAD', 'FAST'],
      ['DEBUG', 'OBJECT'],
      ['DEBUG', 'NOSUCH'],
    ];
    for (const step of steps) {
      const [mine, real] = await both(step);
      expect(mine, step.join(' ')).toEqual(real);
    }
  });

  it('SET-SKIP-CHECKSUM-VALIDATION 1 lets a payload with a wrong CRC restore; 0 refuses it again', async () => {
    await both(['SET', 'src', 'payload-value']);
    const payload = (await a.dumpBuffer('src'))!;
    const broken = Buffer.from(payload);
    broken[broken.length - 1]! ^= 0xff;
    expect(await both(['RESTORE', 'r1', 0, broken])).toEqual([
      { error: 'ERR DUMP payload version or checksum are wrong' },
      { error: 'ERR DUMP payload version or checksum are wrong' },
    ]);
    expect(await both(['DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '1'])).toEqual(['OK', 'OK']);
    expect(await both(['RESTORE', 'r2', 0, broken])).toEqual(['OK', 'OK']);
    expect(await both(['GET', 'r2'])).toEqual(['payload-value', 'payload-value']);
    expect(await both(['DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '0'])).toEqual(['OK', 'OK']);
    expect(await both(['RESTORE', 'r3', 0, broken])).toEqual([
      { error: 'ERR DUMP payload version or checksum are wrong' },
      { error: 'ERR DUMP payload version or checksum are wrong' },
    ]);
  });

  it('RELOAD NOSAVE goes back to the last save; NOSAVE NOFLUSH MERGE adds the saved keys to the dataset', async () => {
    await both(['FLUSHALL']);
    await both(['SET', 'kept', 'saved']);
    await both(['SET', 'shared', 'old']);
    expect(await both(['SAVE'])).toEqual(['OK', 'OK']);
    await both(['SET', 'shared', 'new']);
    await both(['SET', 'later', 'x']);
    expect(await both(['DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE'])).toEqual(['OK', 'OK']);
    expect(await both(['MGET', 'kept', 'shared', 'later'])).toEqual([
      ['saved', 'old', 'x'],
      ['saved', 'old', 'x'],
    ]);
    expect(await both(['DEBUG', 'RELOAD', 'NOSAVE'])).toEqual(['OK', 'OK']);
    expect(await both(['MGET', 'kept', 'shared', 'later'])).toEqual([
      ['saved', 'old', null],
      ['saved', 'old', null],
    ]);
    const [mine, real] = await both(['DEBUG', 'DIGEST']);
    expect(mine).toEqual(real);
  });
});

describe.skipIf(!hasRedis())('DEBUG REPLICATE and the crashes, on each engine', () => {
  const started: NodeProcess[] = [];
  const start = async (engine: Engine, config: Record<string, string> = {}) => {
    const node = await startNode({ engine, config: { 'enable-debug-command': 'yes', ...config } });
    started.push(node);
    return node;
  };
  afterAll(async () => {
    await Promise.all(started.map((node) => node.stop()));
  });

  for (const engine of ['builtin', 'redis'] as const) {
    it(`${engine}: REPLICATE reaches the replica without touching the master's dataset`, async () => {
      const master = await start(engine);
      const replica = await start(engine, { replicaof: `127.0.0.1 ${master.port}` });
      const m = master.client();
      const r = replica.client();
      try {
        await waitFor(async () => expect(await r.info('replication')).toContain('master_link_status:up'), { timeout: 30_000 });
        expect(await m.call('DEBUG', 'REPLICATE', 'SET', 'diverged', 'only-on-replica')).toBe('OK');
        await waitFor(async () => expect(await r.get('diverged')).toBe('only-on-replica'), { timeout: 30_000 });
        expect(await m.get('diverged')).toBeNull();
      } finally {
        m.disconnect();
        r.disconnect();
      }
    });

    for (const [sub, signal] of [
      ['SEGFAULT', 'SIGSEGV'],
      ['PANIC', 'SIGABRT'],
      ['ASSERT', 'SIGABRT'],
      ['OOM', 'SIGABRT'],
    ] as const) {
      it(`${engine}: DEBUG ${sub} ends the process by ${signal}, logging why`, async () => {
        const node = await start(engine);
        const client = node.client({ maxRetriesPerRequest: 0, retryStrategy: () => null });
        client.on('error', () => {});
        const exited = new Promise<NodeJS.Signals | null>((resolve) => node.child.once('exit', (_code, sig) => resolve(sig)));
        await client.call('DEBUG', sub).catch(() => undefined);
        expect(await exited).toBe(signal);
        const mark = { SEGFAULT: 'crashed by signal: 11', PANIC: 'Guru Meditation: DEBUG PANIC', ASSERT: 'ASSERTION FAILED', OOM: 'Out Of Memory' }[sub];
        expect(node.log()).toContain(mark);
        client.disconnect();
      });
    }
  }
});
