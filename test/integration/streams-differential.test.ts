// Differential test of the stream family: the sequences of streams-sequences.ts run on redis-server
// 7.0.15 and on our node (RESP2 through ioredis, binary-safe), replies compared; a RESP3 session
// compared byte for byte; blocked XREAD / XREADGROUP answered alike (woken, destroyed group,
// deleted key); and a seeded random workload under random node limits, where `~` trimming is
// deterministic because our nodes hold what Redis's listpacks hold: replies, DEBUG DIGEST and
// uncompressed DUMP payloads must be identical.

import { describe, expect, it } from 'vitest';
import { hasRedis } from '../helpers/processes.js';
import { useServerPair } from '../helpers/server-pair.js';
import { RawClient, resp } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { binaryCall as run, type Arg } from '../helpers/binary-call.js';
import { GROUP_SEQUENCES, SEQUENCES, type Step } from './streams-sequences.js';

/** Hides what depends on the clock: idle times, seen times and delivery timestamps. */
function maskTimes(reply: unknown): unknown {
  if (typeof reply === 'number' && reply >= 1e12) return 'TIME';
  if (!Array.isArray(reply)) return reply;
  const out = reply.map(maskTimes);
  for (let i = 0; i + 1 < out.length; i++) if (out[i] === 'idle' || out[i] === 'seen-time') out[i + 1] = 'IDLE';
  const isPendingRow = out.length === 4 && typeof out[0] === 'string' && /^\d+-\d+$/.test(out[0]) && typeof out[2] === 'number';
  if (isPendingRow) out[2] = 'IDLE';
  return out;
}

/** A tiny seeded generator, so a failing random workload can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe.skipIf(!hasRedis())('streams: our node answers like redis-server 7.0', () => {
  const pair = useServerPair();

  async function fresh(limits: [string, string] = ['4096', '100']): Promise<void> {
    for (const client of [pair.ours, pair.theirs]) {
      await client.call('FLUSHALL');
      await client.call('CONFIG', 'SET', 'stream-node-max-bytes', limits[0], 'stream-node-max-entries', limits[1]);
    }
  }

  async function both(step: Step, label: string): Promise<void> {
    const cmd = Array.isArray(step) ? step : step.cmd;
    let [x, y] = [await run(pair.ours, cmd), await run(pair.theirs, cmd)];
    if (!Array.isArray(step)) [x, y] = [maskTimes(x), maskTimes(y)];
    expect(x, `${label}: ${cmd.map(String).join(' ').slice(0, 100)}`).toEqual(y);
  }

  for (const [name, steps] of Object.entries({ ...SEQUENCES, ...GROUP_SEQUENCES })) {
    it(name, async () => {
      await fresh();
      for (const [i, step] of steps.entries()) await both(step, `#${i}`);
    });
  }

  it('RESP3 replies are byte-identical (maps, nulls, errors)', async () => {
    await fresh();
    const commands: Arg[][] = [
      ['HELLO', '3'], ['XADD', 's', '1-1', 'a', '1'], ['XADD', 's', '2-1', 'b', '2'], ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREAD', 'STREAMS', 's', 'nope', '0', '0'], ['XREAD', 'STREAMS', 's', '$'], ['XRANGE', 's', '-', '+', 'COUNT', 0],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', 's', '>'], ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '0'],
      ['XINFO', 'STREAM', 's'], ['XINFO', 'GROUPS', 's'], ['XPENDING', 's', 'g'], ['XADD', 'x', 'NOMKSTREAM', '*', 'a', 'b'],
      ['XDEL', 's', '1-1'], ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '0'], ['XAUTOCLAIM', 's', 'g', 'd', 0, '0', 'JUSTID'],
      ['XPENDING', 's', 'nog'], ['XGROUP', 'CREATE', 'e', 'g', '$', 'MKSTREAM'], ['XINFO', 'STREAM', 'e', 'FULL'],
      ['XINFO', 'STREAM', 'e'], ['XPENDING', 'e', 'g'], ['XINFO', 'HELP'],
    ];
    const transcripts = await Promise.all(
      [pair.ours, pair.theirs].map(async (client) => {
        const raw = await RawClient.open(client.options.port!);
        await raw.send(commands.map((cmd) => resp(...cmd)).join('') + resp('ECHO', 'the-end'));
        await raw.waitFor('every reply', (text) => text.endsWith('$7\r\nthe-end\r\n'));
        raw.destroy();
        // HELLO's server details differ by design; compare from the first stream reply on.
        return raw.text().slice(raw.text().indexOf('$3\r\n1-1\r\n'));
      }),
    );
    expect(transcripts[0]).toBe(transcripts[1]);
  });

  it('blocked readers are answered alike: woken by XADD, by XGROUP DESTROY, by DEL', async () => {
    await fresh();
    const replies: unknown[][] = [];
    for (const client of [pair.ours, pair.theirs]) {
      const reader = client.duplicate();
      const out: unknown[] = [];
      /** Sends a blocking read, waits until the server has parked it, then runs `wake`. */
      const blockThen = async (read: Arg[], wake: Arg[]) => {
        const pending = run(reader, read);
        await waitFor(async () => /blocked_clients:1/.test(String(await client.call('INFO', 'clients'))), { message: 'the reader to block' });
        await run(client, wake);
        out.push(await pending);
      };
      await run(client, ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']);
      await blockThen(['XREAD', 'BLOCK', 0, 'STREAMS', 's', 'other', '$', '$'], ['XADD', 'other', '5-0', 'f', 'v']);
      await blockThen(['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 's', '>'], ['XADD', 's', '7-0', 'f', 'v']);
      out.push(await run(client, ['XPENDING', 's', 'g']));
      await blockThen(['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 's', '>'], ['XGROUP', 'DESTROY', 's', 'g']);
      await run(client, ['XGROUP', 'CREATE', 's', 'g', '$']);
      await blockThen(['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 's', '>'], ['DEL', 's']);
      out.push(await run(reader, ['XREAD', 'BLOCK', 50, 'STREAMS', 'other', '$']));
      reader.disconnect();
      replies.push(out);
    }
    expect(replies[0]).toEqual(replies[1]);
    expect(replies[0]![3]).toEqual({ error: 'NOGROUP the consumer group this client was blocked on no longer exists' });
  });

  it('a random workload under random node limits: same replies, digest and DUMP bytes', async () => {
    const random = seeded(20250101);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const int = (n: number) => String(Math.floor(random() * n));
    for (let round = 0; round < 8; round++) {
      await fresh([pick(['0', '60', '100', '300', '4096']), pick(['0', '1', '3', '10', '100'])]);
      let ms = 1;
      for (let i = 0; i < 120; i++) {
        const r = random();
        let cmd: Arg[];
        if (r < 0.6) {
          ms += Math.floor(random() * 3);
          const fields = pick([['a'], ['a', 'b'], ['b', 'a'], ['x', 'y', 'z']]);
          const values = fields.flatMap((f) => [f, pick(['1', '-5', '100000', '99999999999', 'v'.repeat(Math.floor(random() * 70)), '007', ''])]);
          const trim = random() < 0.15 ? pick([['MAXLEN', '~', int(40)], ['MINID', '~', `${ms - 10}`], ['MAXLEN', int(60)]]) : [];
          cmd = ['XADD', 's', ...trim, `${ms}-*`, ...values];
        } else if (r < 0.75) {
          cmd = ['XDEL', 's', `${int(ms)}-0`, `${int(ms)}-1`];
        } else if (r < 0.85) {
          cmd = ['XTRIM', 's', ...pick([['MAXLEN', '~', int(50)], ['MINID', '~', int(ms)], ['MAXLEN', int(80)], ['MINID', `${int(ms)}-1`], ['MAXLEN', '~', '0', 'LIMIT', int(30)]])];
        } else {
          cmd = random() < 0.7 ? ['XINFO', 'STREAM', 's'] : ['XRANGE', 's', int(ms), '+', 'COUNT', 5];
        }
        await both(cmd, `round ${round} #${i}`);
      }
      await both(['XINFO', 'STREAM', 's', 'FULL', 'COUNT', 0], `round ${round} end`);
      const { ours, theirs } = pair;
      expect(await ours.call('DEBUG', 'DIGEST')).toBe(await theirs.call('DEBUG', 'DIGEST'));
      for (const client of [ours, theirs]) await client.call('CONFIG', 'SET', 'rdbcompression', 'no');
      const [ourDump, theirDump] = [await ours.dumpBuffer('s'), await theirs.dumpBuffer('s')];
      for (const client of [ours, theirs]) await client.call('CONFIG', 'SET', 'rdbcompression', 'yes');
      expect(ourDump?.toString('hex')).toBe(theirDump?.toString('hex'));
    }
  });

  it('a random consumer-group workload: same replies (times masked) and digest', async () => {
    const random = seeded(4242);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const int = (n: number) => String(Math.floor(random() * n));
    await fresh(['4096', '5']);
    for (const group of ['g1', 'g2']) await both(['XGROUP', 'CREATE', 's', group, '0', 'MKSTREAM'], 'setup');
    let ms = 1;
    for (let i = 0; i < 400; i++) {
      const [group, consumer] = [pick(['g1', 'g2', 'nope']), pick(['c1', 'c2', 'c3'])];
      const id = () => `${int(ms + 2)}-${int(2)}`;
      const cmd = pick<Arg[]>([
        ['XADD', 's', `${(ms += Math.floor(random() * 2))}-*`, 'f', int(100)],
        ['XADD', 's', `${(ms += 1)}-*`, 'f', int(100), 'g', 'x'],
        ['XREADGROUP', 'GROUP', group, consumer, 'COUNT', int(4), 'STREAMS', 's', '>'],
        ['XREADGROUP', 'GROUP', group, consumer, 'NOACK', 'COUNT', int(3), 'STREAMS', 's', '>'],
        ['XREADGROUP', 'GROUP', group, consumer, 'COUNT', int(3), 'STREAMS', 's', id()],
        ['XACK', 's', group, id(), id()],
        ['XCLAIM', 's', group, consumer, '0', id(), id(), ...pick([[], ['JUSTID'], ['FORCE'], ['RETRYCOUNT', int(9)], ['LASTID', id()]])],
        ['XAUTOCLAIM', 's', group, consumer, '0', id(), 'COUNT', String(1 + Math.floor(random() * 4)), ...pick([[], ['JUSTID']])],
        ['XDEL', 's', id()],
        ['XTRIM', 's', 'MAXLEN', '~', int(30)],
        ['XGROUP', 'SETID', 's', group, id()],
        ['XGROUP', pick(['CREATECONSUMER', 'DELCONSUMER']), 's', group, consumer],
        ['XPENDING', 's', group, '-', '+', 20],
        ['XPENDING', 's', group],
        ['XINFO', 'GROUPS', 's'],
        ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', 0],
      ]);
      await both({ cmd, mask: 'idle' }, `#${i}`);
    }
    expect(await pair.ours.call('DEBUG', 'DIGEST')).toBe(await pair.theirs.call('DEBUG', 'DIGEST'));
  });
});
