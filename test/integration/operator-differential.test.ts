// Differential test of the operator commands: MONITOR's lines (raw sockets, timestamps and client
// addresses masked), SLOWLOG's entries (compared by shape: ids relative, times and durations
// masked) and LATENCY (events, DOCTOR and GRAPH texts with numbers masked, histogram shape) on
// redis-server 7.0 and on our node, for the same command sequences.

import { connect as netConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { binaryCall } from '../helpers/binary-call.js';

type Arg = string | number;

function encode(args: readonly Arg[]): Buffer {
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(String(arg), 'latin1');
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** A raw connection that keeps everything it received as latin1 text. */
class Raw {
  received = '';
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.received += chunk.toString('latin1')));
  }
  static open(port: number): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const socket = netConnect(port, '127.0.0.1', () => resolve(new Raw(socket)));
      socket.once('error', reject);
    });
  }
  send(...commands: Arg[][]): void {
    this.socket.write(Buffer.concat(commands.map(encode)));
  }
  /** Waits until the output stops growing for a while. */
  async settle(quietMs = 150): Promise<string> {
    let last = -1;
    while (last !== this.received.length) {
      last = this.received.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
    const out = this.received;
    this.received = '';
    return out;
  }
  /** Waits until `marker` has arrived (on a loaded machine a reply can lag any quiet window), then settles. */
  async settleAfter(marker: string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.received.includes(marker) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.settle();
  }
  close(): void {
    this.socket.destroy();
  }
}

/** Masks what differs by nature: the time of a line and the client's address (never `lua`). */
function maskMonitor(text: string): string {
  return text.replace(/\+\d+\.\d{6} \[(\d+) (?!lua\])[^\]]+\]/g, '+T [$1 ADDR]').replace(/\+\d+\.\d{6} \[(\d+) lua\]/g, '+T [$1 lua]');
}

const BINARY = 'a\x00\n"\\\xff b\t\r\x07\x08\x7f\x80';

const SEQUENCE: Arg[][] = [
  ['SET', 'k', BINARY], ['GET', 'k'], ['SET', 'n', 12345], ['AUTH', 'pw'], ['AUTH', 'user', 'pw'], ['AUTH', 'a', 'b', 'c'],
  ['HELLO', 3, 'AUTH', 'user', 'pw'], ['HELLO', 4, 'AUTH', 'user', 'pw'], ['HELLO', 2, 'SETNAME', 'x', 'AUTH', 'u', 'p'],
  ['CONFIG', 'GET', 'maxmemory'], ['CLIENT', 'LIST', 'ID', 1], ['NOSUCH', 'x'], ['GET'],
  ['MULTI'], ['SET', 'a', 1], ['INCR', 'a'], ['EXEC'], ['MULTI'], ['SET', 'a'], ['EXEC'], ['MULTI'], ['GET', 'a'], ['DISCARD'],
  ['EVAL', "redis.call('set','x','1') return redis.call('get','x')", 0], ['EVAL', 'return 1', 'bad'],
  ['SELECT', 3], ['PING'], ['ECHO', 'hi'], ['BLPOP', 'list', '0.01'], ['SELECT', 0], ['SLOWLOG', 'GET', -5], ['INFO', 'nosuchsection'],
  ['DEL', 'k', 'n', 'a', 'x'],
];

describe.runIf(hasRedis())('operator commands: redis-server 7.0 vs ours', () => {
  let redis: NodeProcess;
  let ours: NodeProcess;

  beforeAll(async () => {
    [redis, ours] = await Promise.all([startNode({ engine: 'redis' }), startNode()]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([redis?.stop(), ours?.stop()]);
  });

  async function monitorRun(port: number): Promise<{ lines: string; replies: string }> {
    const monitor = await Raw.open(port);
    const client = await Raw.open(port);
    monitor.send(['MONITOR']);
    expect(await monitor.settle(50)).toBe('+OK\r\n');
    client.send(...SEQUENCE);
    // The sequence ends with DEL of the four keys it made: its reply and its line end both streams.
    const replies = await client.settleAfter(':4\r\n');
    const lines = maskMonitor(await monitor.settleAfter('"DEL" "k" "n" "a" "x"'));
    monitor.close();
    client.close();
    return { lines, replies };
  }

  it('MONITOR shows the same lines for the same commands', async () => {
    const theirs = await monitorRun(redis.port);
    const mine = await monitorRun(ours.port);
    expect(theirs.lines).toContain('+T [0 lua] "set" "x" "1"');
    expect(mine.lines.split('\r\n')).toEqual(theirs.lines.split('\r\n'));
    expect(mine.replies.replace(/id=.*\n/, '')).toEqual(theirs.replies.replace(/id=.*\n/, ''));
  });

  async function monitorOwnCommands(port: number): Promise<string[]> {
    const monitor = await Raw.open(port);
    const steps: Arg[][] = [['MONITOR'], ['PING'], ['GET', 'k'], ['SET', 'k', 'v'], ['MONITOR'], ['ECHO', 'x'], ['MULTI'], ['MONITOR'], ['EXEC'], ['RESET'], ['GET', 'k']];
    const out: string[] = [];
    for (const step of steps) {
      monitor.send(step);
      out.push(maskMonitor(await monitor.settle(60)));
    }
    monitor.close();
    return out;
  }

  it('a monitoring client: keyspace commands refused, a second MONITOR unanswered, RESET ends it', async () => {
    expect(await monitorOwnCommands(ours.port)).toEqual(await monitorOwnCommands(redis.port));
  });

  async function slowlogRun(node: NodeProcess): Promise<unknown[]> {
    const client = node.client();
    const other = node.client({ connectionName: 'named' });
    await other.ping();
    const out: unknown[] = [];
    const run = async (cmd: Arg[]) => out.push(await binaryCall(client, cmd));
    await run(['CONFIG', 'SET', 'slowlog-log-slower-than', 0]);
    await run(['SLOWLOG', 'RESET']);
    await run(['SET', 'k', 'v']);
    await run(['MSET', ...Array.from({ length: 40 }, (_, i) => `f${i}`)]);
    await run(['SET', 'long', 'x'.repeat(200)]);
    await run(['AUTH', 'pw']);
    await binaryCall(other, ['GET', 'k']);
    await run(['MULTI']);
    await run(['GET', 'k']);
    await run(['EXEC']);
    await run(['EVAL', "return redis.call('get', KEYS[1])", 1, 'k']);
    await run(['SLOWLOG', 'LEN']);
    const all = (await binaryCall(client, ['SLOWLOG', 'GET', -1])) as unknown[][];
    const firstId = Math.min(...all.map((entry) => entry[0] as number));
    out.push(all.map(([id, time, duration, args, addr, name]) => [
      (id as number) - firstId, typeof time, typeof duration, args, addr === '?:0' ? addr : /^127\.0\.0\.1:\d+$/.test(String(addr)), name,
    ]));
    out.push(((await binaryCall(client, ['SLOWLOG', 'GET', 2])) as unknown[]).length);
    for (const cmd of [['SLOWLOG', 'GET', -2], ['SLOWLOG', 'GET', 'x'], ['SLOWLOG', 'GET', 1, 2], ['SLOWLOG', 'LEN', 1], ['SLOWLOG', 'HELP'], ['SLOWLOG', 'FOO'], ['SLOWLOG']]) {
      await run(cmd);
    }
    await run(['CONFIG', 'SET', 'slowlog-max-len', 2]);
    await run(['PING']);
    await run(['SLOWLOG', 'LEN']);
    await run(['CONFIG', 'SET', 'slowlog-log-slower-than', -1]);
    await run(['SLOWLOG', 'RESET']);
    await run(['PING']);
    await run(['SLOWLOG', 'LEN']);
    await run(['CONFIG', 'SET', 'slowlog-log-slower-than', 10000]);
    await run(['CONFIG', 'SET', 'slowlog-max-len', 128]);
    client.disconnect();
    other.disconnect();
    return out;
  }

  it('SLOWLOG entries have the same shape, trimming, redaction and errors', async () => {
    expect(await slowlogRun(ours)).toEqual(await slowlogRun(redis));
  });

  /** Numbers masked: latencies, times and periods differ by nature, the text around them must not. */
  const masked = (text: unknown) => String(text).replace(/\d+(\.\d+)?/g, 'N');

  /** RESP2 maps arrive flat: [k, v, k, v] -> sorted entries. */
  const entries = (flat: unknown[]) => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]] as const)
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));

  async function latencyRun(node: NodeProcess): Promise<unknown[]> {
    const client = node.client();
    const out: unknown[] = [];
    const run = async (cmd: Arg[]) => binaryCall(client, cmd);
    out.push(masked(await run(['LATENCY', 'DOCTOR'])));
    await run(['CONFIG', 'SET', 'latency-monitor-threshold', 30]);
    out.push(masked(await run(['LATENCY', 'DOCTOR'])), await run(['LATENCY', 'LATEST']), await run(['LATENCY', 'GRAPH', 'command']));
    await run(['DEBUG', 'SLEEP', '0.05']);
    const latest = (await run(['LATENCY', 'LATEST'])) as [string, number, number, number][];
    out.push(latest.map(([event, time, ms, max]) => [event, Math.abs(time - Date.now() / 1000) < 5, ms >= 50, max >= ms]));
    out.push(((await run(['LATENCY', 'HISTORY', 'command'])) as unknown[]).length, await run(['LATENCY', 'HISTORY', 'nope']));
    out.push(masked(await run(['LATENCY', 'GRAPH', 'command'])), masked(await run(['LATENCY', 'DOCTOR'])));
    await run(['CONFIG', 'SET', 'slowlog-log-slower-than', -1]);
    out.push(masked(await run(['LATENCY', 'DOCTOR'])));
    await run(['CONFIG', 'SET', 'slowlog-log-slower-than', 10000]);
    for (const cmd of [['LATENCY', 'RESET', 'nope'], ['LATENCY', 'RESET', 'COMMAND'], ['LATENCY', 'LATEST'], ['LATENCY', 'GRAPH', 'command'],
      ['LATENCY', 'HISTORY'], ['LATENCY', 'FOO'], ['LATENCY', 'HELP'], ['LATENCY'], ['LATENCY', 'RESET']]) {
      out.push(await run(cmd));
    }
    await run(['CONFIG', 'SET', 'latency-monitor-threshold', 0]);
    await run(['CONFIG', 'RESETSTAT']);
    for (let i = 0; i < 5; i++) await run(['SET', 'k', 'v']);
    await run(['GET', 'k']);
    const histogram = entries((await run(['LATENCY', 'HISTOGRAM', 'set', 'GET', 'config', 'nosuch', 'client|list'])) as unknown[]);
    out.push(histogram.map(([name, body]) => {
      const [, calls, , buckets] = body as [string, number, string, number[]];
      const levels = entries(buckets).map(([label]) => Number(label));
      return [name, calls, levels.every((label) => [1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227].includes(label)), buckets[buckets.length - 1]];
    }));
    const all = entries((await run(['LATENCY', 'HISTOGRAM'])) as unknown[]).map(([name]) => name);
    out.push(all);
    client.disconnect();
    return out;
  }

  async function memoryRun(node: NodeProcess): Promise<{ exact: unknown[]; sizes: Record<string, number>; stats: unknown[] }> {
    const client = node.client();
    const run = async (cmd: Arg[]) => binaryCall(client, cmd);
    await run(['FLUSHALL']);
    const setup: Arg[][] = [
      ['SET', 'k', 'v'], ['SET', 'i', 12345], ['SET', 'e', 'x'.repeat(44)], ['SET', 'r', 'x'.repeat(45)], ['SET', 'r2', 'x'.repeat(1000)],
      ['RPUSH', 'l', 'a', 'b', 'c'], ['HSET', 'h', 'f', 'v', 'n', 12], ['SADD', 's', 1, 2, 3], ['SADD', 's4', 1, 100000], ['SADD', 's2', 'a', 'b', 'c'],
      ['ZADD', 'z', 1, 'a', 2.5, 'b'], ['HSET', 'hh', ...Array.from({ length: 600 }, (_, i) => [`field:${i}`, `value:${i}`]).flat()],
      ['ZADD', 'zz', ...Array.from({ length: 300 }, (_, i) => [i, `member:${i}`]).flat()], ['SADD', 'ss', ...Array.from({ length: 600 }, (_, i) => `m${i}`)],
      ['RPUSH', 'll', ...Array.from({ length: 5000 }, (_, i) => `item-${i}`)], ['XADD', 'x', '1-1', 'f', 'v'],
    ];
    for (const cmd of setup) await run(cmd);
    const exact: unknown[] = [];
    for (const key of ['k', 'i', 'e', 'r', 'r2', 'l', 'h', 's', 's4', 's2', 'z', 'nope']) exact.push(await run(['MEMORY', 'USAGE', key]));
    for (const cmd of [['MEMORY', 'USAGE', 'k', 'SAMPLES', -1], ['MEMORY', 'USAGE', 'k', 'SAMPLES', 'x'], ['MEMORY', 'USAGE', 'k', 'FOO'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES'], ['MEMORY', 'USAGE', 'k', 'SAMPLES', 0], ['MEMORY', 'USAGE'], ['MEMORY', 'FOO'], ['MEMORY', 'HELP'], ['MEMORY', 'PURGE']]) {
      exact.push(await run(cmd));
    }
    exact.push(typeof (await run(['MEMORY', 'MALLOC-STATS'])), String(await run(['MEMORY', 'DOCTOR'])).slice(0, 7));
    const sizes: Record<string, number> = {};
    for (const key of ['hh', 'zz', 'ss', 'll', 'x']) sizes[key] = (await run(['MEMORY', 'USAGE', key, 'SAMPLES', 0])) as number;
    const flat = (await run(['MEMORY', 'STATS'])) as unknown[];
    const stats = entries(flat).map(([name, value]) => [name, Array.isArray(value) ? entries(value).map(([k]) => k) : typeof value]);
    await run(['FLUSHALL']);
    client.disconnect();
    return { exact, sizes, stats };
  }

  it('MEMORY USAGE gives Redis figures for small encodings, close ones for large values; STATS has its shape', async () => {
    const theirs = await memoryRun(redis);
    const mine = await memoryRun(ours);
    expect(mine.exact).toEqual(theirs.exact);
    expect(mine.stats).toEqual(theirs.stats);
    for (const key of Object.keys(theirs.sizes)) {
      expect(mine.sizes[key], key).toBeGreaterThan(theirs.sizes[key]! * 0.75);
      expect(mine.sizes[key], key).toBeLessThan(theirs.sizes[key]! * 1.25);
    }
  });

  it('LATENCY reports the same events, texts, errors and histogram shape', async () => {
    const theirs = await latencyRun(redis);
    expect(await latencyRun(ours)).toEqual(theirs);
  });
});
