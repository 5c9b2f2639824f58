// Fuzzes our node over real sockets: raw garbage, mutated RESP, absurd lengths and counts, and
// random commands from its own COMMAND table on many connections. The process must survive, still
// answer a fresh client with correct data, never report an internal error, and keep its memory
// bounded. Seeded (FUZZ_SEED=<n> replays a run) and bounded in time. Crashes found are kept below.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startNode, type NodeProcess } from '../helpers/processes.js';
import { RawClient, rssBytes } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { encode, fuzzableCommands, garbage, hugeClaims, int, mutate, pick, prng, randomCommand, type CommandShape, type Random } from '../helpers/fuzz-input.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
const MB = 1024 * 1024;

/** Inputs that exposed bugs, replayed first on every run. */
const REGRESSIONS: string[] = [
  // The protocol error quoted the raw CR it complained about, breaking the RESP error line.
  '*1\r\n\r\n',
  // A NUL inside a count line: Redis's strchr never sees the line end, so it waits, not errors.
  '*1\0\r\n$4\r\nPING\r\n',
];

describe(`fuzzing our node (FUZZ_SEED=${SEED})`, () => {
  let node: NodeProcess;
  let admin: Redis;
  let commands: CommandShape[];
  let rssStart = 0;
  let rssMax = 0;
  let sampler: NodeJS.Timeout | undefined;
  const random: Random = prng(SEED);
  const keep = { string: String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i)), list: ['a', 'b', 'c'] };

  beforeAll(async () => {
    node = await startNode();
    admin = node.client();
    commands = fuzzableCommands((await admin.call('COMMAND')) as unknown[]);
    await admin.set(Buffer.from('keep:string'), Buffer.from(keep.string, 'latin1'));
    await admin.rpush('keep:list', ...keep.list);
    await admin.hset('keep:hash', { f: '1', g: '2' });
    rssStart = await rssBytes(node.pid);
    sampler = setInterval(() => {
      rssBytes(node.pid).then((rss) => (rssMax = Math.max(rssMax, rss)), () => {});
    }, 100);
  });

  afterAll(async () => {
    if (sampler) clearInterval(sampler);
    admin?.disconnect();
    await node?.stop();
  });

  /** Sends each payload on its own connection (in random chunks), half-closes, waits for the close. */
  async function sendAndClose(payloads: string[]): Promise<void> {
    const clients = await Promise.all(payloads.map(() => RawClient.open(node.port)));
    await Promise.all(
      clients.map(async (client, i) => {
        const data = Buffer.from(payloads[i]!, 'latin1');
        for (let at = 0; at < data.length; ) {
          const size = 1 + int(random, random() < 0.5 ? 16 : 4096);
          await client.send(data.subarray(at, at + size));
          at += size;
        }
        client.socket.end();
        await client.waitClosed(15_000);
      }),
    );
  }

  async function expectHealthy(): Promise<void> {
    expect(node.running).toBe(true);
    const fresh = node.client();
    try {
      expect(await fresh.ping()).toBe('PONG');
      expect((await fresh.getBuffer('keep:string'))?.toString('latin1')).toBe(keep.string);
      expect(await fresh.lrange('keep:list', 0, -1)).toEqual(keep.list);
      expect(await fresh.hgetall('keep:hash')).toEqual({ f: '1', g: '2' });
      expect(await fresh.set('fresh', 'value')).toBe('OK');
      expect(await fresh.get('fresh')).toBe('value');
    } finally {
      fresh.disconnect();
    }
  }

  it('survives the regression inputs', async () => {
    await sendAndClose(REGRESSIONS);
    await expectHealthy();
  });

  it('survives random bytes on many connections', async () => {
    const deadline = Date.now() + 2500;
    while (Date.now() < deadline) await sendAndClose(Array.from({ length: 8 }, () => garbage(random)));
    await expectHealthy();
  });

  it('survives mutated RESP: truncated, flipped, absurd lengths and counts', async () => {
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      const payloads = Array.from({ length: 8 }, () => {
        if (random() < 0.15) return hugeClaims(random);
        const frames = Array.from({ length: 1 + int(random, 4) }, () => encode(randomCommand(random, pick(random, commands))));
        const victim = int(random, frames.length);
        frames[victim] = mutate(random, frames[victim]!);
        return frames.join('');
      });
      await sendAndClose(payloads);
    }
    await expectHealthy();
  });

  it('runs random valid commands on many connections without an internal error', async () => {
    const deadline = Date.now() + 5000;
    const internalErrors: string[] = [];
    let sent = 0;
    const worker = async (id: number) => {
      let client = await RawClient.open(node.port);
      try {
        while (Date.now() < deadline) {
          const batch = Array.from({ length: 1 + int(random, 30) }, () => randomCommand(random, pick(random, commands)));
          // DISCARD ends a MULTI a random command may have opened, so the ECHO marker is answered.
          const marker = `marker-${id}-${sent}-${int(random, 1e9)}`;
          await client.send(batch.map(encode).join('') + encode(['DISCARD']) + encode(['ECHO', marker]));
          sent += batch.length;
          await waitFor(() => client.closed || client.text().includes(`\r\n${marker}\r\n`), {
            timeout: 10_000,
            message: `the reply to a batch of ${batch.map((args) => args[0]).join(' ')}`,
          });
          const text = client.text();
          for (const match of text.matchAll(/-ERR internal error[^\r]*/g)) internalErrors.push(match[0]);
          client.discard();
          if (client.closed) client = await RawClient.open(node.port);
        }
      } finally {
        client.destroy();
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, id) => worker(id)));
    expect(sent).toBeGreaterThan(500);
    expect(internalErrors).toEqual([]);
    await expectHealthy();
  });

  /**
   * Streams `tail` after `head` on one connection until the server closes it; returns the bytes
   * sent and the largest RSS growth seen meanwhile (sampled every 10ms).
   */
  async function floodOne(head: string, tail: Buffer): Promise<{ sent: number; growth: number }> {
    const before = await rssBytes(node.pid);
    let peak = before;
    const sampling = setInterval(() => {
      rssBytes(node.pid).then((rss) => (peak = Math.max(peak, rss)), () => {});
    }, 10);
    const client = await RawClient.open(node.port);
    let sent = 0;
    try {
      await client.send(head);
      while (!client.closed && !client.socket.destroyed && sent < 256 * MB) {
        await client.send(tail);
        sent += tail.length;
      }
      await client.waitClosed();
    } finally {
      clearInterval(sampling);
      client.destroy();
    }
    const growth = Math.max(peak, await rssBytes(node.pid)) - before;
    if (process.env.FUZZ_VERBOSE) console.log(`flood: sent ${sent} bytes, RSS grew ${growth} bytes`);
    return { sent, growth };
  }

  it('one connection sending garbage never makes us hold more than client-query-buffer-limit + 1MB', async () => {
    const limit = 4 * MB;
    await admin.config('SET', 'client-query-buffer-limit', String(limit));
    try {
      // Random bytes with no line end and no NUL (which would hide one), not starting a multibulk.
      const noise = Buffer.from(Array.from({ length: 256 * 1024 }, () => 32 + int(random, 224)));
      // A bulk claim far over the limit, then random bytes as its "data": cut off at the limit.
      const bulk = await floodOne('*2\r\n$3\r\nSET\r\n$400000000\r\n', noise);
      expect(bulk.sent).toBeLessThan(64 * MB);
      expect(bulk.growth).toBeLessThan(limit + MB);
      // Bytes without a newline: cut off at 64KB (too big inline request).
      const inline = await floodOne('', noise);
      expect(inline.sent).toBeLessThan(64 * MB);
      expect(inline.growth).toBeLessThan(limit + MB);
    } finally {
      await admin.config('SET', 'client-query-buffer-limit', '1gb');
    }
    await expectHealthy();
  });

  it('kept its memory bounded', async () => {
    const now = await rssBytes(node.pid);
    rssMax = Math.max(rssMax, now);
    // The claims above add up to gigabytes; only what was really sent may have been held.
    expect(rssMax - rssStart).toBeLessThan(400 * MB);
    const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
    expect(used).toBeLessThan(300 * MB);
  });
});
