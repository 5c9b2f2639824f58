// Differential test: the same command sequences run on a real redis-server 7.0 and on our node,
// replies compared byte for byte (through ioredis, binary-safe). Time-dependent answers (TTL, PTTL,
// EXPIRETIME) are compared within a tolerance, orderless ones (KEYS, a full SCAN) as sorted sets.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis } from '../helpers/processes.js';
import { useServerPair } from '../helpers/server-pair.js';

type Arg = string | number;
type Compare = 'exact' | 'seconds' | 'ms' | 'sorted';
type Step = Arg[] | { cmd: Arg[]; compare: Compare } | { scan: Arg[] };

const ttl = (...cmd: Arg[]): Step => ({ cmd, compare: cmd[0] === 'TTL' || cmd[0] === 'EXPIRETIME' ? 'seconds' : 'ms' });
const sorted = (...cmd: Arg[]): Step => ({ cmd, compare: 'sorted' });
const BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
const NOW_S = () => Math.floor(Date.now() / 1000);

const SEQUENCES: Record<string, Step[]> = {
  'SET options': [
    ['SET', 'k', 'v'], ['GET', 'k'], ['SET', 'k', 'w', 'NX'], ['SET', 'k', 'w', 'XX', 'GET'], ['GET', 'k'],
    ['SET', 'n', 'v', 'XX'], ['SET', 'n', 'v', 'NX', 'GET'], ['SET', 'n', 'z', 'nx', 'get'], ['GET', 'n'],
    ['SET', 'k', 'v', 'EX', 0], ['SET', 'k', 'v', 'EX', -1], ['SET', 'k', 'v', 'EX', 'abc'], ['SET', 'k', 'v', 'NX', 'XX'],
    ['SET', 'k', 'v', 'EX', 1, 'PX', 1], ['SET', 'k', 'v', 'KEEPTTL', 'EX', 1], ['SET', 'k', 'v', 'EX'], ['SET', 'k', 'v', 'PERSIST'],
    ['SET', 'k', 'v', 'EX', '9223372036854775'], ['SET', 'k', 'v', 'PX', '9223372036854775807'],
    ['SET', 'k', 'v', 'EX', 10, 'EX', 20], ttl('TTL', 'k'), ['SET', 'k', 'w', 'KEEPTTL'], ttl('PTTL', 'k'),
    ['SET', 'k', 'x'], ttl('TTL', 'k'), ['SET', 'k', 'v', 'PXAT', 1], ['EXISTS', 'k'], ['GET', 'k'],
    ['RPUSH', 'l', 'a'], ['SET', 'l', 'v', 'GET'], ['GET', 'l'], ['SET', 'l', 'v'], ['GET', 'l'],
  ],
  'SETNX SETEX PSETEX MGET MSET MSETNX': [
    ['SETNX', 'a', '1'], ['SETNX', 'a', '2'], ['SETEX', 'b', 100, 'v'], ttl('TTL', 'b'), ['PSETEX', 'c', 5000, 'v'], ttl('PTTL', 'c'),
    ['SETEX', 'b', 0, 'v'], ['PSETEX', 'b', -1, 'v'], ['SETEX', 'b', 'x', 'v'], ['RPUSH', 'l', 'x'],
    ['MGET', 'a', 'b', 'l', 'nope'], ['MSET', 'a'], ['MSET', 'a', '1', 'b'], ['MSET', 'a', '9', 'b', '8'], ttl('TTL', 'b'),
    ['MSETNX', 'a'], ['MSETNX', 'a', '1', 'z', '2'], ['MSETNX', 'y', '1', 'z', '2', 'y', '3'], ['MGET', 'y', 'z'],
  ],
  'GETSET GETDEL GETEX': [
    ['GETSET', 'k', 'a'], ['EXPIRE', 'k', 100], ['GETSET', 'k', 'b'], ttl('TTL', 'k'), ['GETDEL', 'k'], ['GETDEL', 'k'],
    ['RPUSH', 'l', 'x'], ['GETSET', 'l', 'v'], ['GETDEL', 'l'], ['GETEX', 'l'],
    ['SET', 'k', 'v'], ['GETEX', 'k', 'EX', 50], ttl('TTL', 'k'), ['GETEX', 'k', 'PX', 7000], ttl('PTTL', 'k'),
    ['GETEX', 'k'], ttl('PTTL', 'k'), ['GETEX', 'k', 'PERSIST'], ttl('TTL', 'k'), ['GETEX', 'k', 'EXAT', NOW_S() + 1000], ttl('TTL', 'k'),
    ['GETEX', 'k', 'PERSIST', 'EX', 1], ['GETEX', 'k', 'GET'], ['GETEX', 'nope', 'EX', 0], ['GETEX', 'k', 'EX', 0],
    ['GETEX', 'k', 'foo'], ['GETEX', 'k', 'EXAT', 1], ['EXISTS', 'k'],
  ],
  'INCR family': [
    ['INCR', 'n'], ['INCRBY', 'n', 41], ['DECR', 'n'], ['DECRBY', 'n', 100], ['GET', 'n'],
    ['SET', 'n', '9007199254740993'], ['INCR', 'n'], ['INCRBY', 'n', '9000000000000000000'], ['INCRBY', 'n', '900000000000000000'],
    ['SET', 'big', '9223372036854775807'], ['INCR', 'big'], ['SET', 'small', '-9223372036854775808'], ['DECR', 'small'],
    ['DECRBY', 'x', '-9223372036854775808'], ['INCRBY', 'x', '9223372036854775808'], ['INCRBY', 'x', 'abc'],
    ['SET', 's', ' 1'], ['INCR', 's'], ['SET', 's', '01'], ['INCR', 's'], ['SET', 's', '1.0'], ['INCR', 's'],
    ['SET', 's', '-0'], ['INCR', 's'], ['RPUSH', 'l', 'a'], ['INCR', 'l'], ['SET', 't', '5', 'EX', 100], ['INCR', 't'], ttl('TTL', 't'),
  ],
  INCRBYFLOAT: [
    ['SET', 'f', '0.1'], ['INCRBYFLOAT', 'f', '0.2'], ['INCRBYFLOAT', 'f', '-0.3'], ['INCRBYFLOAT', 'g', '5.0e3'],
    ['INCRBYFLOAT', 'g', '0x10'], ['INCRBYFLOAT', 'g', '1e-400'], ['SET', 'h', '1e308'], ['INCRBYFLOAT', 'h', '1e308'],
    ['INCRBYFLOAT', 'i', '0.000003814697265625'], ['INCRBYFLOAT', 'i', 'inf'], ['INCRBYFLOAT', 'i', ' 1'], ['INCRBYFLOAT', 'i', '1 '],
    ['INCRBYFLOAT', 'i', 'nan'], ['INCRBYFLOAT', 'i', '1e5000'], ['INCRBYFLOAT', 'j', '10.5'], ['INCRBYFLOAT', 'j', '0.1'],
    ['INCRBYFLOAT', 'j', '-10.6'], ['SET', 'k', 'abc'], ['INCRBYFLOAT', 'k', '1'], ['SET', 'm', '3', 'EX', 100],
    ['INCRBYFLOAT', 'm', '1.5'], ttl('TTL', 'm'), ['INCRBYFLOAT', 'o', '123456789012345678901234567890.123456789'],
  ],
  'APPEND STRLEN GETRANGE SETRANGE': [
    ['APPEND', 'k', 'Hello'], ['APPEND', 'k', ' World'], ['STRLEN', 'k'], ['STRLEN', 'nope'], ['APPEND', 'e', ''], ['EXISTS', 'e'],
    ['GETRANGE', 'k', 0, 4], ['GETRANGE', 'k', -5, -1], ['GETRANGE', 'k', 0, -1], ['GETRANGE', 'k', 5, 3], ['GETRANGE', 'k', -1, -5],
    ['GETRANGE', 'k', -100, -50], ['GETRANGE', 'k', -100, 2], ['GETRANGE', 'k', 6, 1000], ['GETRANGE', 'nope', 0, 1],
    ['GETRANGE', 'k', 'a', 1], ['SUBSTR', 'k', 0, 3], ['SETRANGE', 'k', 6, 'Redis'], ['GET', 'k'], ['SETRANGE', 'k', 14, '!'],
    ['GET', 'k'], ['SETRANGE', 'p', 3, 'ab'], ['GET', 'p'], ['SETRANGE', 'q', 10, ''], ['EXISTS', 'q'], ['SETRANGE', 'k', 100, ''],
    ['SETRANGE', 'k', -1, 'x'], ['SETRANGE', 'k', 536870912, 'x'], ['SETRANGE', 'k', 'x', 'x'], ['RPUSH', 'l', 'a'],
    ['APPEND', 'l', 'x'], ['STRLEN', 'l'], ['GETRANGE', 'l', 0, 1], ['SETRANGE', 'l', 0, ''],
  ],
  'binary-safe keys and values': [
    ['SET', BYTES, BYTES], ['GET', BYTES], ['STRLEN', BYTES], ['GETRANGE', BYTES, 250, -1], ['APPEND', BYTES, '\x00\xff'],
    ['GETRANGE', BYTES, -3, -1], ['SETRANGE', BYTES, 1, '\x80\x81'], ['GETRANGE', BYTES, 0, 3], ['EXISTS', BYTES],
    ['RENAME', BYTES, '\xfe\x00'], ['GET', '\xfe\x00'], ['TYPE', '\xfe\x00'], sorted('KEYS', '*'),
  ],
  'EXPIRE family and TTL': [
    ['SET', 'k', 'v'], ['TTL', 'k'], ['PTTL', 'k'], ['EXPIRETIME', 'k'], ['TTL', 'nope'], ['PEXPIRETIME', 'nope'],
    ['EXPIRE', 'k', 10, 'XX'], ['EXPIRE', 'k', 10, 'GT'], ['EXPIRE', 'k', 10, 'LT'], ttl('TTL', 'k'), ['EXPIRE', 'k', 20, 'NX'],
    ['EXPIRE', 'k', 20, 'LT'], ['EXPIRE', 'k', 200, 'GT', 'XX'], ttl('TTL', 'k'), ttl('EXPIRETIME', 'k'), ['PEXPIRE', 'k', 5000, 'lt'],
    ttl('PTTL', 'k'), ['EXPIRE', 'k', 1, 'NX', 'XX'], ['EXPIRE', 'k', 1, 'GT', 'LT'], ['EXPIRE', 'k', 1, 'NX', 'GT'],
    ['EXPIRE', 'k', 1, 'foo'], ['EXPIRE', 'k', 'abc'], ['EXPIRE', 'k', '9223372036854776'], ['PEXPIRE', 'k', '9223372036854775807'],
    ['EXPIREAT', 'k', 99999999999], ['EXPIRETIME', 'k'], ['PEXPIREAT', 'k', 99999999999999], ['PEXPIRETIME', 'k'],
    ['PERSIST', 'k'], ['PERSIST', 'k'], ['PERSIST', 'nope'], ['EXPIRE', 'nope', 10], ['EXPIRE', 'k', -1], ['EXISTS', 'k'],
    ['SET', 'k', 'v'], ['PEXPIREAT', 'k', 1], ['GET', 'k'],
  ],
  'DEL EXISTS TYPE RENAME MOVE COPY': [
    ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['RPUSH', 'l', 'x', 'y'], ['HSET', 'h', 'f', 'v'], ['ZADD', 'z', '1', 'm'],
    ['TYPE', 'a'], ['TYPE', 'l'], ['TYPE', 'h'], ['TYPE', 'z'], ['TYPE', 'nope'], ['EXISTS', 'a', 'a', 'nope', 'l'],
    ['TOUCH', 'a', 'nope'], ['DEL', 'a', 'nope', 'a'], ['UNLINK', 'b', 'c'], ['EXISTS', 'b'],
    ['RENAME', 'nope', 'x'], ['RENAMENX', 'nope', 'x'], ['SET', 'a', '1', 'EX', 100], ['RENAME', 'a', 'a'], ['RENAMENX', 'a', 'a'],
    ['RENAME', 'a', 'l'], ['TYPE', 'l'], ttl('TTL', 'l'), ['SET', 'b', '2'], ['RENAMENX', 'b', 'l'], ['RENAMENX', 'b', 'n'],
    ['MOVE', 'n', 0], ['MOVE', 'n', 16], ['MOVE', 'n', -1], ['MOVE', 'n', 'x'], ['MOVE', 'nope', 1], ['MOVE', 'n', 1],
    ['MOVE', 'l', 1], ttl('TTL', 'l'), ['SELECT', 1], ['GET', 'n'], ttl('TTL', 'l'), ['SET', 'dup', 'there'], ['SELECT', 0],
    ['SET', 'dup', 'here'], ['MOVE', 'dup', 1], ['GET', 'dup'],
    ['COPY', 'h', 'h'], ['COPY', 'h', 'h2'], ['COPY', 'h', 'h2'], ['COPY', 'dup', 'h2', 'REPLACE'], ['TYPE', 'h2'],
    ['COPY', 'z', 'z', 'DB', 2], ['COPY', 'z', 'z', 'DB', 16], ['COPY', 'z', 'y', 'DB', 'x'], ['COPY', 'z', 'y', 'DB'],
    ['COPY', 'z', 'y', 'FOO'], ['COPY', 'nope', 'y'], ['SELECT', 2], ['TYPE', 'z'], ['SELECT', 0],
  ],
  'KEYS SCAN RANDOMKEY': [
    ['MSET', 'user:1', 'a', 'user:2', 'b', 'user:10', 'c', 'other', 'd', 'h\\llo', 'e'], ['RPUSH', 'user:list', 'x'],
    ['SET', 'gone', 'v', 'PXAT', 1], sorted('KEYS', '*'), sorted('KEYS', 'user:?'), sorted('KEYS', 'user:[12]*'),
    sorted('KEYS', 'h\\\\llo'), sorted('KEYS', 'nomatch*'), { scan: [] }, { scan: ['COUNT', 2] }, { scan: ['MATCH', 'user:*', 'COUNT', 3] },
    { scan: ['TYPE', 'list'] }, { scan: ['TYPE', 'STRING', 'MATCH', '*1*'] }, { scan: ['TYPE', 'nosuchtype'] },
    ['SCAN', 'abc'], ['SCAN', '18446744073709551616'], ['SCAN', 0, 'COUNT', 0], ['SCAN', 0, 'COUNT', 'x'],
    ['SCAN', 0, 'MATCH'], ['SCAN', 0, 'FOO', 'bar'], ['SELECT', 5], ['RANDOMKEY'], ['SCAN', 0], ['SET', 'only', 'v'],
    ['RANDOMKEY'], ['SELECT', 0],
  ],
  'OBJECT': [
    ['SET', 'i', '12345'], ['SET', 'e', 'x'.repeat(44)], ['SET', 'r', 'x'.repeat(45)], ['SET', 'z', '007'],
    ['OBJECT', 'ENCODING', 'i'], ['OBJECT', 'ENCODING', 'e'], ['OBJECT', 'ENCODING', 'r'], ['OBJECT', 'ENCODING', 'z'],
    ['OBJECT', 'REFCOUNT', 'i'], ['SET', 's', '100'], ['OBJECT', 'REFCOUNT', 's'], ['OBJECT', 'REFCOUNT', 'e'],
    ['RPUSH', 'l', 'a'], ['OBJECT', 'ENCODING', 'l'], ['HSET', 'h', 'f', 'v'], ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'h2', 'f', 'x'.repeat(65)], ['OBJECT', 'ENCODING', 'h2'], ['ZADD', 'zs', '1', 'm'], ['OBJECT', 'ENCODING', 'zs'],
    ['ZADD', 'zs2', '1', 'y'.repeat(65)], ['OBJECT', 'ENCODING', 'zs2'], ['OBJECT', 'ENCODING', 'nope'],
    ['OBJECT', 'FREQ', 'i'], ['OBJECT', 'HELP'], ['OBJECT', 'foo'], ['OBJECT', 'ENCODING'], ['OBJECT'],
  ],
};

/** Replies as comparable values: Buffers as latin1 text, errors as { error }. */
function normalize(reply: unknown): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString('latin1');
  if (Array.isArray(reply)) return reply.map(normalize);
  return reply;
}

async function run(client: Redis, cmd: Arg[]): Promise<unknown> {
  try {
    const args = cmd.slice(1).map((a) => (typeof a === 'number' ? String(a) : Buffer.from(a, 'latin1')));
    return normalize(await client.callBuffer(String(cmd[0]), ...args));
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function fullScan(client: Redis, opts: Arg[]): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = (await run(client, ['SCAN', cursor, ...opts])) as [string, string[]];
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}

function compare(mode: Compare, ours: unknown, theirs: unknown, label: string): void {
  if (mode === 'sorted' && Array.isArray(ours) && Array.isArray(theirs)) {
    expect([...ours].sort(), label).toEqual([...theirs].sort());
  } else if ((mode === 'seconds' || mode === 'ms') && typeof ours === 'number' && typeof theirs === 'number' && theirs >= 0) {
    expect(Math.abs(ours - theirs), `${label}: ${ours} vs ${theirs}`).toBeLessThanOrEqual(mode === 'seconds' ? 1 : 1500);
  } else {
    expect(ours, label).toEqual(theirs);
  }
}

describe.skipIf(!hasRedis())('strings and keys: our node answers like redis-server 7.0', () => {
  const pair = useServerPair();
  let a: Redis;
  let b: Redis;
  beforeAll(() => ({ ours: a, theirs: b } = pair));

  for (const [name, steps] of Object.entries(SEQUENCES)) {
    it(name, async () => {
      for (const client of [a, b]) {
        await client.call('FLUSHALL');
        await client.call('SELECT', '0');
      }
      for (const [i, step] of steps.entries()) {
        if ('scan' in step) {
          expect(await fullScan(a, step.scan), `#${i} SCAN ${step.scan.join(' ')}`).toEqual(await fullScan(b, step.scan));
          continue;
        }
        const { cmd, compare: mode } = Array.isArray(step) ? { cmd: step, compare: 'exact' as const } : step;
        const label = `#${i} ${cmd.map(String).join(' ').slice(0, 80)}`;
        compare(mode, await run(a, cmd), await run(b, cmd), label);
      }
    });
  }
});
