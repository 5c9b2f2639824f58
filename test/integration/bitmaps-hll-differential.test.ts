// Differential test for bitmaps and HyperLogLog: the same command sequences run on redis-server 7.0
// and on our node, every reply compared byte for byte (errors by their text), and the stored values
// (GET, so the HLL bytes: header, sparse opcodes, dense registers, cached cardinality) compared too.
// A second part gives each server a redis-server replica and compares what the replicas receive
// (their MONITOR), so propagation is checked against the real thing.

import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { seededRandom } from '../../src/shared/seeded-random.js';
import { binaryCall, type Arg } from '../helpers/binary-call.js';
import { hasRedis, type NodeProcess } from '../helpers/processes.js';
import { waitInSync } from '../helpers/info.js';
import { waitFor } from '../helpers/wait-for.js';
import { useServerPair } from '../helpers/server-pair.js';
import { useTrackedNodes } from '../helpers/tracked-nodes.js';


const BYTES = '\xff\xf0\x00\x0f\x80\x01\xaa\x55';
const RANGE_POINTS = [-100, -9, -8, -3, -1, 0, 1, 2, 7, 8, 13, 63, 64, 100];

/** BITCOUNT and BITPOS over many ranges, in bytes and bits, on strings with edges of both kinds. */
function rangeSteps(): Arg[][] {
  const steps: Arg[][] = [['SET', 'r', BYTES], ['SET', 'z', '\x00\x00\x00'], ['SET', 'o', '\xff\xff'], ['SET', 'e', '']];
  for (const key of ['r', 'z', 'o', 'e', 'missing']) {
    steps.push(['BITCOUNT', key], ['BITPOS', key, 0], ['BITPOS', key, 1]);
    for (const start of RANGE_POINTS) {
      steps.push(['BITPOS', key, 1, start], ['BITPOS', key, 0, start]);
      for (const end of RANGE_POINTS) {
        steps.push(['BITCOUNT', key, start, end], ['BITCOUNT', key, start, end, 'BIT']);
        steps.push(['BITPOS', key, 0, start, end, 'BIT'], ['BITPOS', key, 1, start, end], ['BITPOS', key, 0, start, end]);
        steps.push(['BITPOS', key, 1, start, end, 'bit'], ['BITCOUNT', key, start, end, 'byte']);
      }
    }
  }
  return steps;
}

/** Random BITFIELD calls (seeded): every type width, # offsets, all overflow modes, GETs among writes. */
function bitfieldSteps(seed: number, count: number): Arg[][] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (bits: number): string => {
    const magnitude = BigInt(Math.floor(random() * 2 ** 30)) * BigInt(Math.floor(random() * 2 ** 30)) >> BigInt(Math.floor(random() * 60));
    const near = [0n, 1n, -1n, (1n << BigInt(bits - 1)) - 1n, -(1n << BigInt(bits - 1)), 1n << BigInt(bits)];
    const value = random() < 0.4 ? pick(near) + BigInt(Math.floor(random() * 5) - 2) : random() < 0.5 ? magnitude : -magnitude;
    return BigInt.asIntN(64, value).toString();
  };
  const steps: Arg[][] = [];
  for (let i = 0; i < count; i++) {
    const args: Arg[] = [pick(['BITFIELD', 'BITFIELD', 'BITFIELD', 'BITFIELD_RO']), pick(['bf', 'bf', 'bf2'])];
    const ops = 1 + Math.floor(random() * 4);
    for (let j = 0; j < ops; j++) {
      if (random() < 0.25) args.push('OVERFLOW', pick(['WRAP', 'SAT', 'FAIL', 'wrap', 'sat', 'fail']));
      const signed = random() < 0.5;
      const bits = 1 + Math.floor(random() * (signed ? 64 : 63));
      const type = `${signed ? 'i' : 'u'}${bits}`;
      const offset = random() < 0.3 ? `#${Math.floor(random() * 12)}` : String(Math.floor(random() * 200));
      const op = pick(['GET', 'SET', 'INCRBY', 'INCRBY']);
      args.push(op, type, offset);
      if (op !== 'GET') args.push(int(bits));
    }
    steps.push(args);
    if (i % 10 === 0) steps.push(['GET', 'bf']);
  }
  steps.push(['GET', 'bf'], ['GET', 'bf2']);
  return steps;
}

/** PFADD of `count` elements named prefix0.. in batches, a GET after each batch. */
function pfaddSteps(key: string, prefix: string, count: number, batch: number): Arg[][] {
  const steps: Arg[][] = [];
  for (let i = 0; i < count; i += batch) {
    const elements = Array.from({ length: Math.min(batch, count - i) }, (_, j) => `${prefix}${i + j}`);
    steps.push(['PFADD', key, ...elements], ['GET', key]);
  }
  return steps;
}

const SEQUENCES: Record<string, Arg[][]> = {
  'SETBIT GETBIT': [
    ['SETBIT', 'b', 7, 1], ['GET', 'b'], ['SETBIT', 'b', 7, 1], ['SETBIT', 'b', 7, 0], ['SETBIT', 'b', 100, 1], ['GET', 'b'],
    ['GETBIT', 'b', 100], ['GETBIT', 'b', 101], ['GETBIT', 'b', 99999999], ['GETBIT', 'nope', 5], ['SETBIT', 'n', 0, 0], ['GET', 'n'],
    ['SETBIT', 'b', -1, 1], ['SETBIT', 'b', 'x', 1], ['SETBIT', 'b', '1.5', 1], ['SETBIT', 'b', '+1', 1], ['SETBIT', 'b', '01', 1],
    ['SETBIT', 'b', 4294967296, 1], ['SETBIT', 'b', '9223372036854775807', 1], ['SETBIT', 'b', '9223372036854775808', 1],
    ['GETBIT', 'b', 4294967296], ['GETBIT', 'b', -1], ['GETBIT', 'b', 'x'], ['SETBIT', 'b', 1, 2], ['SETBIT', 'b', 1, -1],
    ['SETBIT', 'b', 1, 'on'], ['SETBIT', 'b', 1, ''], ['SETBIT', 'b', '', 1], ['SETBIT', 'b', '#1', 1],
    ['SET', 'num', '12345'], ['GETBIT', 'num', 2], ['SETBIT', 'num', 6, 1], ['GET', 'num'], ['SET', 't', 'v', 'EX', 1000],
    ['SETBIT', 't', 30, 1], ['TTL', 't'], ['RPUSH', 'l', 'x'], ['SETBIT', 'l', 0, 1], ['GETBIT', 'l', 0],
    ['CONFIG', 'SET', 'proto-max-bulk-len', '1mb'], ['SETBIT', 'big', 8388608, 1], ['SETBIT', 'big', 8388607, 1],
    ['STRLEN', 'big'], ['GETBIT', 'big', 8388608], ['BITFIELD', 'big', 'SET', 'u8', 8388608, 1], ['BITFIELD', 'big', 'GET', 'u8', '#1048576'],
    ['BITFIELD', 'big', 'SET', 'u8', 8388600, 255], ['STRLEN', 'big'], ['BITCOUNT', 'big'], ['BITPOS', 'big', 1, -2],
    ['CONFIG', 'SET', 'proto-max-bulk-len', '512mb'],
  ],
  'BITCOUNT BITPOS ranges': rangeSteps(),
  'BITCOUNT BITPOS arguments': [
    ['SET', 'r', BYTES], ['BITCOUNT', 'r', 0], ['BITCOUNT', 'r', 0, 1, 'BIT', 'x'], ['BITCOUNT', 'r', 0, 1, 'bits'],
    ['BITCOUNT', 'r', 'a', 1], ['BITCOUNT', 'r', 1, 'b'], ['BITCOUNT', 'r', -1, -5, 'nonsense'], ['BITCOUNT', 'nope', 'a'],
    ['BITCOUNT', 'r', '-9223372036854775808', '9223372036854775807'], ['BITCOUNT', 'r', '-9223372036854775808', '-9223372036854775807', 'BIT'],
    ['BITPOS', 'r', 2], ['BITPOS', 'r', -1], ['BITPOS', 'r', 'x'], ['BITPOS', 'nope', 2], ['BITPOS', 'nope', 0, 'x'],
    ['BITPOS', 'r', 1, 'x'], ['BITPOS', 'r', 1, 0, 'x'], ['BITPOS', 'r', 1, 0, 1, 'x'], ['BITPOS', 'r', 1, 0, 1, 'BIT', 'x'],
    ['BITPOS', 'r', 1, 'x', 1, 'FOO'], ['BITPOS', 'r', 0, 0, 'x', 'FOO'], ['RPUSH', 'l', 'x'], ['BITCOUNT', 'l'], ['BITCOUNT', 'l', 'a'],
    ['BITPOS', 'l', 1], ['BITPOS', 'l', 5], ['SET', 'int', '1234567'], ['BITCOUNT', 'int'], ['BITPOS', 'int', 1, 2],
  ],
  BITOP: [
    ['SET', 'a', '\x0f\xff\x33'], ['SET', 'b', '\xf0'], ['SET', 'c', 'foobar-longer-than-thirty-two-bytes-for-sure!!'],
    ['BITOP', 'AND', 'd', 'a', 'b'], ['GET', 'd'], ['BITOP', 'OR', 'd', 'a', 'b', 'c'], ['GET', 'd'], ['BITOP', 'XOR', 'd', 'c', 'a', 'b'],
    ['GET', 'd'], ['BITOP', 'NOT', 'd', 'c'], ['GET', 'd'], ['BITOP', 'not', 'd', 'missing'], ['EXISTS', 'd'], ['BITOP', 'and', 'd', 'x', 'y'],
    ['BITOP', 'NOT', 'd', 'a', 'b'], ['BITOP', 'NAND', 'd', 'a'], ['BITOP', 'AND', 'd'], ['RPUSH', 'l', 'x'], ['BITOP', 'OR', 'd', 'a', 'l'],
    ['BITOP', 'OR', 'l', 'a'], ['TYPE', 'l'], ['GET', 'l'], ['SET', 't', 'v', 'EX', 100], ['BITOP', 'AND', 't', 'a', 'a'], ['TTL', 't'],
    ['BITOP', 'AND', 'a', 'a', 'c'], ['GET', 'a'], ['BITOP', 'XOR', 'self', 'c', 'c'], ['GET', 'self'],
  ],
  'BITFIELD arguments': [
    ['BITFIELD', 'f'], ['BITFIELD', 'f', 'GET'], ['BITFIELD', 'f', 'GET', 'i8'], ['BITFIELD', 'f', 'FOO', 'i8', 0],
    ['BITFIELD', 'f', 'GET', 'u64', 0], ['BITFIELD', 'f', 'GET', 'i65', 0], ['BITFIELD', 'f', 'GET', 'i0', 0], ['BITFIELD', 'f', 'GET', 'x8', 0],
    ['BITFIELD', 'f', 'GET', 'i', 0], ['BITFIELD', 'f', 'GET', 'I8', 0], ['BITFIELD', 'f', 'GET', 'i08', 0], ['BITFIELD', 'f', 'GET', 'i8', -1],
    ['BITFIELD', 'f', 'GET', 'i8', '#-1'], ['BITFIELD', 'f', 'GET', 'i8', '#x'], ['BITFIELD', 'f', 'GET', 'i8', '##1'],
    ['BITFIELD', 'f', 'GET', 'i64', '#1152921504606846976'], ['BITFIELD', 'f', 'GET', 'i8', '#536870911'], ['BITFIELD', 'f', 'GET', 'i8', '#536870912'],
    ['BITFIELD', 'f', 'SET', 'i8', 0], ['BITFIELD', 'f', 'SET', 'i8', 0, 'x'], ['BITFIELD', 'f', 'INCRBY', 'i8', 0, '1.5'],
    ['BITFIELD', 'f', 'OVERFLOW'], ['BITFIELD', 'f', 'OVERFLOW', 'x'], ['BITFIELD', 'f', 'OVERFLOW', 'SAT'], ['EXISTS', 'f'],
    ['BITFIELD', 'f', 'GET', 'u8', 0, 'SET', 'u8', 0, 'x'], ['EXISTS', 'f'], ['BITFIELD_RO', 'f', 'SET', 'u8', 0, 1],
    ['BITFIELD_RO', 'f', 'GET', 'u8', 0, 'INCRBY', 'u8', 0, 1], ['BITFIELD_RO', 'f', 'OVERFLOW', 'FAIL'], ['BITFIELD_RO', 'f', 'GET', 'i64', 3],
    ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 0, 5], ['EXISTS', 'f'], ['GET', 'f'], ['RPUSH', 'l', 'x'],
    ['BITFIELD', 'l', 'GET', 'u8', 0], ['BITFIELD', 'l', 'SET', 'u8', 0, 1], ['BITFIELD_RO', 'l', 'GET', 'u8', 0], ['BITFIELD', 'l'],
    ['SET', 'n', '255'], ['BITFIELD', 'n', 'GET', 'u8', 0, 'INCRBY', 'i4', 4, 9], ['GET', 'n'],
  ],
  'BITFIELD random operations': bitfieldSteps(0xb17f, 400),
  'PFADD PFCOUNT bytes through sparse and dense': [
    ['PFADD', 'h'], ['GET', 'h'], ['PFADD', 'h'], ['PFCOUNT', 'h'], ['GET', 'h'], ['PFADD', 'h', ''], ['GET', 'h'],
    ...pfaddSteps('h', 'el', 2500, 97),
    ['PFCOUNT', 'h'], ['GET', 'h'], ['PFCOUNT', 'h'], ['PFDEBUG', 'ENCODING', 'h'],
    // Dense now: short PFADDs, register 16383 (last55862, last32359) whose bits end the value.
    ...pfaddSteps('h', 'one', 30, 1), ...pfaddSteps('h', 'few', 64, 8), ['PFADD', 'h', 'last55862'], ['GET', 'h'],
    ['PFADD', 'h', 'last32359'], ['GET', 'h'], ['PFADD', 'h', 'last55862', 'last32359'], ['PFCOUNT', 'h'], ['GET', 'h'],
    ...pfaddSteps('s', 'x', 900, 1),
    ['PFDEBUG', 'DECODE', 's'], ['PFCOUNT', 's'], ['GET', 's'], ['PFCOUNT', 's', 'h'], ['PFCOUNT', 's', 'nokey', 'h'],
    ['PFCOUNT', 'nokey'], ['PFCOUNT', 'nokey', 'nokey2'], ['SET', 'plain', 'hello'], ['PFADD', 'plain', 'a'], ['PFCOUNT', 'plain'],
    ['PFCOUNT', 'h', 'plain'], ['RPUSH', 'l', 'x'], ['PFADD', 'l', 'a'], ['PFCOUNT', 'l'], ['PFCOUNT', 'h', 'l'], ['PFMERGE', 'l', 'h'],
    ['PFMERGE', 'h', 'l'], ['PFDEBUG', 'GETREG', 'l'], ['SET', 'bin', '\x00\xff\x80binary element'], ['PFADD', 'b', '\x00\xff\x80', '\xfe'],
    ['GET', 'b'], ['PFCOUNT', 'b'],
  ],
  'PFMERGE and PFDEBUG': [
    ...pfaddSteps('a', 'a', 300, 50), ...pfaddSteps('b', 'b', 200, 50), ...pfaddSteps('big', 'z', 4000, 1000),
    ['PFMERGE', 'm', 'a', 'b'], ['GET', 'm'], ['PFCOUNT', 'm'], ['GET', 'm'], ['PFMERGE', 'm'], ['GET', 'm'],
    ['PFMERGE', 'n'], ['GET', 'n'], ['PFMERGE', 'd', 'a', 'big'], ['GET', 'd'], ['PFDEBUG', 'ENCODING', 'd'],
    ['PFMERGE', 'a', 'a', 'b', 'nokey'], ['GET', 'a'], ['PFCOUNT', 'a', 'b', 'big'],
    ['PFDEBUG', 'ENCODING', 'a'], ['PFDEBUG', 'DECODE', 'b'], ['PFDEBUG', 'DECODE', 'big'], ['PFDEBUG', 'GETREG', 'b'], ['GET', 'b'],
    ['PFDEBUG', 'ENCODING', 'b'], ['PFDEBUG', 'TODENSE', 'b'], ['PFDEBUG', 'TODENSE', 'a'], ['GET', 'a'], ['PFDEBUG', 'TODENSE', 'a'],
    ['PFDEBUG', 'getreg', 'nokey'], ['PFDEBUG', 'nonsense', 'a'], ['PFDEBUG', 'nonsense', 'nokey'], ['PFDEBUG', 'GETREG'],
    ['PFDEBUG', 'GETREG', 'a', 'b'], ['SET', 'str', 'x'], ['PFDEBUG', 'ENCODING', 'str'], ['PFSELFTEST', 'x'], ['PFMERGE'],
  ],
  'corrupt and hand-made HLL values': [
    ['SET', 'c1', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x40\xff'], ['PFCOUNT', 'c1'], ['PFADD', 'c1', 'a'],
    ['PFADD', 'c1', 'zzzz'], ['PFMERGE', 'x', 'c1'], ['PFCOUNT', 'c1', 'c1'], ['PFDEBUG', 'TODENSE', 'c1'], ['PFDEBUG', 'DECODE', 'c1'],
    ['SET', 'c2', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\x83'], ['PFCOUNT', 'c2'], ['PFMERGE', 'x', 'c2'],
    ['SET', 'c3', 'HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff'], ['PFCOUNT', 'c3'],
    ['SET', 'c4', 'HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff'], ['PFCOUNT', 'c4'], ['PFADD', 'c4', 'a'],
    ['SET', 'c5', 'HYLL\x01\x00\x00\x00\x2a\x00\x00\x00\x00\x00\x00\x00\x7f\xff'], ['PFCOUNT', 'c5'], ['PFADD', 'c5'], ['PFCOUNT', 'c5'],
    ['SET', 'c6', 'HYLL\x01\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\x7f\x7f\xff'], ['PFCOUNT', 'c6'], ['PFCOUNT', 'c6', 'c5'],
    ['SET', 'c7', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe\x80'], ['PFCOUNT', 'c7'], ['PFADD', 'c7', 'x'], ['GET', 'c7'],
    ['SET', 'c8', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x40'], ['PFCOUNT', 'c8'], ['PFADD', 'c8', 'a'],
    ['SET', 'c9', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x3f\x7f\xff'], ['PFCOUNT', 'c9'], ['PFADD', 'c9', 'b', 'a'],
    ['GET', 'c9'], ['SET', 'short', 'HYLL\x01'], ['PFCOUNT', 'short'], ['SET', 'magic', 'HYLX\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff'],
    ['PFCOUNT', 'magic'],
  ],
  'hll-sparse-max-bytes': [
    ['CONFIG', 'SET', 'hll-sparse-max-bytes', '40'], ...pfaddSteps('h', 'q', 40, 3), ['PFDEBUG', 'ENCODING', 'h'],
    ['CONFIG', 'SET', 'hll-sparse-max-bytes', '0'], ['PFADD', 'h0', 'a'], ['PFDEBUG', 'ENCODING', 'h0'], ['GET', 'h0'],
    ['CONFIG', 'SET', 'hll-sparse-max-bytes', '10kb'], ['CONFIG', 'GET', 'hll-sparse-max-bytes'], ...pfaddSteps('k', 'w', 3000, 500),
    ['PFDEBUG', 'ENCODING', 'k'], ['CONFIG', 'SET', 'hll-sparse-max-bytes', 'x'], ['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000'],
  ],
};

/** Runs every step on both, pipelined in chunks, and compares the replies step by step. */
async function compareSteps(a: Redis, b: Redis, steps: Arg[][]): Promise<void> {
  for (let from = 0; from < steps.length; from += 200) {
    const chunk = steps.slice(from, from + 200);
    const [ours, theirs] = await Promise.all([Promise.all(chunk.map((s) => binaryCall(a, s))), Promise.all(chunk.map((s) => binaryCall(b, s)))]);
    for (let i = 0; i < chunk.length; i++) {
      const label = `#${from + i} ${chunk[i]!.map(String).join(' ').slice(0, 100)}`;
      if (chunk[i]![0] === 'TTL') expect(Math.abs((ours[i] as number) - (theirs[i] as number)), label).toBeLessThanOrEqual(1);
      else expect(ours[i], label).toEqual(theirs[i]);
    }
  }
}

describe.skipIf(!hasRedis())('bitmaps and HyperLogLog: our node answers like redis-server 7.0', () => {
  const pair = useServerPair();

  for (const [name, steps] of Object.entries(SEQUENCES)) {
    it(name, async () => {
      for (const client of [pair.ours, pair.theirs]) await client.call('FLUSHALL');
      await compareSteps(pair.ours, pair.theirs, steps);
    });
  }

  it('PFSELFTEST passes on both', async () => {
    expect(await binaryCall(pair.ours, ['PFSELFTEST'])).toEqual(await binaryCall(pair.theirs, ['PFSELFTEST']));
  });
});

/** The commands a redis-server replica executes, from its MONITOR (PING and SELECT left out). */
async function monitorReplica(replica: NodeProcess): Promise<{ seen: string[][]; stop: () => void }> {
  const client = replica.client();
  const monitor = await client.monitor();
  const seen: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    const name = args[0]!.toLowerCase();
    if (name !== 'ping' && name !== 'select') seen.push(args);
  });
  return {
    seen,
    stop: () => {
      monitor.disconnect();
      client.disconnect();
    },
  };
}

const PROPAGATION: Arg[][] = [
  ['SETBIT', 'b', 3, 0], ['SETBIT', 'b', 3, 0], ['SETBIT', 'b', 3, 1], ['SETBIT', 'b', 3, 1], ['SETBIT', 'b', 40, 0], ['GETBIT', 'b', 3],
  ['BITFIELD', 'f', 'GET', 'u8', 0], ['BITFIELD', 'f', 'SET', 'u8', 0, 0], ['BITFIELD', 'f', 'SET', 'u8', 0, 0],
  ['BITFIELD', 'f', 'INCRBY', 'u8', 0, 1, 'GET', 'u8', 0], ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', 0, 300],
  ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', 0, 300], ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', 0, 300],
  ['BITFIELD_RO', 'f', 'GET', 'u8', 0], ['BITOP', 'AND', 'd', 'x', 'y'], ['BITOP', 'OR', 'd', 'b', 'f'], ['BITOP', 'NOT', 'd', 'none'],
  ['BITCOUNT', 'b'], ['BITPOS', 'b', 1], ['PFADD', 'h', 'a', 'b'], ['PFADD', 'h', 'a'], ['PFCOUNT', 'h'], ['PFCOUNT', 'h'],
  ['PFCOUNT', 'h', 'h2'], ['PFADD', 'h2', 'c'], ['PFMERGE', 'h3', 'h', 'h2'], ['PFMERGE', 'h3'], ['PFDEBUG', 'ENCODING', 'h'],
  ['PFADD', 'h', 'd'], ['PFCOUNT', 'h'], ['PFDEBUG', 'DECODE', 'h'], ['SET', 'done', '1'],
];

describe.skipIf(!hasRedis())('bitmaps and HyperLogLog: replicas receive what redis-server 7.0 sends', () => {
  const start = useTrackedNodes();

  it('the same commands reach a redis-server replica of ours and of redis-server', async () => {
    const streams: string[][][] = [];
    for (const engine of ['redis', 'builtin'] as const) {
      const master = await start(engine);
      const replica = await start('redis', { replicaof: `127.0.0.1 ${master.node.port}` });
      await waitInSync(master.client, replica.client);
      const watch = await monitorReplica(replica.node);
      for (const step of PROPAGATION) await binaryCall(master.client, step);
      await waitFor(async () => watch.seen.some((args) => args[0] === 'SET'), { timeout: 10_000, message: 'the replica saw the last SET' });
      streams.push(watch.seen);
      watch.stop();
    }
    expect(streams[1]).toEqual(streams[0]);
    expect(streams[0]!.length).toBeGreaterThan(10);
  });
});
