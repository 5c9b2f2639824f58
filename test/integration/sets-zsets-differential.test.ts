// Differential test: set and sorted-set commands run on Debian's redis-server 7.0 and on our node
// over raw RESP2 and RESP3 connections. Scripted scenarios and a seeded random command sequence
// must answer byte for byte alike; replies without a defined order (hashtable sets) are compared
// sorted, random picks by shape and membership, scans by the union of their pages. A raw SYNC
// replica also compares what each server propagates.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

/** A parsed reply: the type byte and the text or the children. */
interface Node {
  type: string;
  text?: string;
  items?: Node[];
}

/** Parses one reply at `pos`; null when the bytes are not all there yet. */
function parseAt(buf: string, pos: number): [Node, number] | null {
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return null;
  const type = buf[pos]!;
  const head = buf.slice(pos + 1, eol);
  if (type === '$' || type === '=') {
    const len = Number(head);
    if (len < 0) return [{ type, text: 'nil' }, eol + 2];
    if (buf.length < eol + 4 + len) return null;
    return [{ type, text: buf.substr(eol + 2, len) }, eol + 4 + len];
  }
  if ('*~%>'.includes(type) && Number(head) >= 0) {
    const items: Node[] = [];
    let next = eol + 2;
    for (let i = 0; i < Number(head) * (type === '%' ? 2 : 1); i++) {
      const parsed = parseAt(buf, next);
      if (!parsed) return null;
      items.push(parsed[0]);
      next = parsed[1];
    }
    return [{ type, items }, next];
  }
  return [{ type, text: head }, eol + 2];
}

/** A raw connection that resolves each command with its reply's exact bytes and parse. */
class Wire {
  private pending = '';
  private readonly queue: ((reply: { raw: string; node: Node }) => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.pending += chunk.toString('latin1');
      for (let parsed; this.queue.length > 0 && (parsed = parseAt(this.pending, 0)); ) {
        const raw = this.pending.slice(0, parsed[1]);
        this.pending = this.pending.slice(parsed[1]);
        this.queue.shift()!({ raw, node: parsed[0] });
      }
    });
  }

  static open(port: number): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new Wire(socket)));
      socket.once('error', reject);
    });
  }

  send(args: string[]): Promise<{ raw: string; node: Node }> {
    const frame = `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join('');
    this.socket.write(frame, 'latin1');
    return new Promise((resolve) => this.queue.push(resolve));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** How a step's replies are compared. */
type Mode = 'exact' | 'unordered' | 'random';
type Step = { args: string[]; mode: Mode };

const words = (line: string) => line.split(' ').map((w) => (w === "''" ? '' : w));
const exact = (line: string): Step => ({ args: words(line), mode: 'exact' });
const unordered = (line: string): Step => ({ args: words(line), mode: 'unordered' });
const random = (line: string): Step => ({ args: words(line), mode: 'random' });

const SCENARIOS: Record<string, Step[]> = {
  'set basics and algebra': [
    ...['SADD s a b c', 'SADD s a d', 'SREM s x', 'SREM s a x', 'SCARD s', 'SISMEMBER s b', 'SMISMEMBER s b x',
      'SADD i 3 1 2 10 -5', 'SMEMBERS i', 'SSCAN i 0 MATCH 1*', 'SET str v', 'SADD str a', 'SMEMBERS str',
      'SMOVE nope s a', 'SMOVE s s b', 'SMOVE s str b', 'SMOVE str s b', 'SMOVE s t b', 'SMOVE s t zz',
      'SADD u1 a b c d', 'SADD u2 c d e', 'SADD u3 d e f', 'SINTER u1 u2 u3', 'SINTER u1 nope', 'SINTER nope str',
      'SINTERSTORE dst u1 u2', 'SINTERSTORE dst u1 nope', 'EXISTS dst', 'SUNIONSTORE dst u1 u2 u3', 'SDIFFSTORE dst u1 u2',
      'SINTERCARD 3 u1 u2 u3', 'SINTERCARD 2 u1 u2 LIMIT 1', 'SINTERCARD 0 u1', 'SINTERCARD 3 u1',
      'SINTERCARD 1 u1 LIMIT -1', 'SINTERCARD 1 u1 LIMIT', 'SPOP nope', 'SPOP nope 3', 'SPOP s -1', 'SPOP s 1 2',
      'SRANDMEMBER nope', 'SRANDMEMBER nope 3', 'SRANDMEMBER s 0', 'SRANDMEMBER s -9223372036854775808',
      'SSCAN s x', 'SSCAN s 0 COUNT 0', 'SSCAN nope 0', 'SADD one only', 'SPOP one', 'EXISTS one'].map(exact),
    ...['SMEMBERS u1', 'SUNION u1 u2 u3', 'SDIFF u1 u2', 'SMEMBERS dst', 'SPOP u3 10', 'SRANDMEMBER u1 10'].map(unordered),
    ...['SRANDMEMBER u1', 'SRANDMEMBER u1 2', 'SRANDMEMBER u1 -7', 'SPOP u2 2'].map(random),
  ],
  'ZADD flags, scores and point reads': [
    'ZADD z 1 a 2 b 3 c', 'ZADD z CH 1 a 9 b', 'ZADD z NX 7 a 8 f', 'ZADD z XX 0 a 8 g', 'ZADD z GT CH 10 a',
    'ZADD z LT CH 0.5 a', 'ZADD z XX GT CH INCR 1 a', 'ZADD z NX INCR 1 a', 'ZADD z INCR +inf a', 'ZADD z INCR -inf a',
    'ZINCRBY z 0.1 b', 'ZINCRBY z abc b', 'ZADD z nan a', 'ZADD z 1e400 a', 'ZADD z 0x10 hex', 'ZADD z 1 a 2',
    'ZADD z NX XX 1 a', 'ZADD z NX GT 1 a', 'ZADD z LT GT 1 a', 'ZADD z INCR 1 a 2 b', 'ZADD z FOO 1 a',
    'ZADD nope XX 1 a', 'EXISTS nope', 'SET str v', 'ZADD str 1 a', 'ZSCORE z a', 'ZSCORE z hex', 'ZMSCORE z a nope b',
    'ZMSCORE nope a', 'ZCARD z', 'ZRANK z b', 'ZREVRANK z b', 'ZRANK z nope', 'ZREM z nope', 'ZREM z a nope',
    'ZADD f 0.1 a 1e20 b 1.5e-7 c -0 d', 'ZRANGE f 0 -1 WITHSCORES', 'ZSCAN f 0', 'ZSCAN f 0 MATCH [ab]',
  ].map(exact),
  'ranges and removals': [
    'ZADD z -inf n 1 a 2 b 3 c 4 d inf p', 'ZADD lex 0 a 0 aa 0 b 0 c 0 d', 'ZRANGE z 0 -1 WITHSCORES', 'ZRANGE z -3 100',
    'ZRANGE z 0 1 REV WITHSCORES', 'ZRANGE z (1 3 BYSCORE', 'ZRANGE z 3 (1 BYSCORE REV WITHSCORES', 'ZRANGE z 0 -1 LIMIT 0 1',
    'ZRANGE z 0 0 LIMIT 0 -1', 'ZRANGEBYSCORE z -inf +inf LIMIT 1 2', 'ZRANGEBYSCORE z -inf +inf LIMIT 4 -1',
    'ZRANGEBYSCORE z -inf +inf LIMIT -1 2', 'ZRANGEBYSCORE z ( (', "ZRANGEBYSCORE z '' 3", 'ZREVRANGEBYSCORE z +inf (2',
    'ZREVRANGE z 0 1 WITHSCORES', 'ZCOUNT z (1 (4', 'ZCOUNT z abc 1', 'ZRANGEBYLEX lex [aa (c', 'ZRANGEBYLEX lex - + LIMIT 2 -1',
    'ZREVRANGEBYLEX lex [c - LIMIT 1 2', 'ZRANGE lex + (b BYLEX REV', 'ZLEXCOUNT lex [ +', 'ZLEXCOUNT lex a b',
    'ZRANGEBYLEX lex - + WITHSCORES', 'ZRANGESTORE dst z (1 +inf BYSCORE LIMIT 1 2', 'ZRANGE dst 0 -1 WITHSCORES',
    'ZRANGESTORE dst nope 0 -1', 'EXISTS dst', 'ZRANGESTORE dst z 0 -1 WITHSCORES', 'ZREMRANGEBYRANK z 0 0',
    'ZREMRANGEBYSCORE z (1 3', 'ZREMRANGEBYLEX lex [aa (c', 'ZRANGE lex 0 -1', 'ZREMRANGEBYRANK z a 1', 'ZRANGE z 0 -1',
  ].map(exact),
  'pops and blocking pops': [
    'ZADD p 1 a 2 b 3 c 4 d 5 e 6 f', 'ZPOPMIN p', 'ZPOPMAX p 2', 'ZPOPMAX p 0', 'ZPOPMAX p -1', 'ZPOPMIN nope 2',
    'ZMPOP 2 nope p MAX COUNT 2', 'ZMPOP 1 p MIN COUNT 10', 'ZMPOP 1 p MIN', 'ZMPOP 0 p MIN', 'ZMPOP 1 p MIN COUNT 0',
    'ZADD p 1 a 2 b 3 c', 'BZPOPMIN nope p 0', 'BZPOPMAX p 0', 'BZMPOP 0 2 nope p MIN COUNT 5', 'BZPOPMIN nope 0.01',
    'BZMPOP 0.01 1 nope MAX', 'BZPOPMIN nope -1', 'BZMPOP -1 0 nope MIN', 'SET str v', 'BZPOPMIN nope str 0',
    'MULTI', 'BZPOPMIN nope 0', 'BZMPOP 0 1 nope MIN', 'EXEC',
  ].map(exact),
  'algebra, random members and scans': [
    ...['ZADD z1 1 a 2 b 3 c', 'ZADD z2 10 b 20 c 30 d', 'SADD s a d x', 'ZUNION 3 z1 z2 s WITHSCORES',
      'ZUNION 2 z1 z2 WEIGHTS 2 0.5 WITHSCORES', 'ZINTER 2 z1 z2 AGGREGATE MAX WITHSCORES', 'ZINTER 2 z1 s',
      'ZDIFF 2 z1 z2 WITHSCORES', 'ZUNION 2 z1 z2 WEIGHTS 0 inf WITHSCORES', 'ZUNIONSTORE d 2 z1 z2', 'ZRANGE d 0 -1 WITHSCORES',
      'ZINTERSTORE d 2 z1 nope', 'EXISTS d', 'ZUNION 0 z1', 'ZUNION 1 z1 WEIGHTS 1 2', 'ZUNION 1 z1 AGGREGATE avg',
      'ZDIFF 1 z1 WEIGHTS 1', 'ZINTERCARD 2 z1 z2 LIMIT 1', 'ZINTERCARD 1 z1 LIMIT -1', 'ZRANDMEMBER nope',
      'ZRANDMEMBER z1 0', 'ZRANDMEMBER z1 1 foo', 'ZRANDMEMBER z1 -4611686018427387904 WITHSCORES'].map(exact),
    ...['ZRANDMEMBER z1 10 WITHSCORES'].map(unordered),
    ...['ZRANDMEMBER z1', 'ZRANDMEMBER z1 -5 WITHSCORES', 'ZRANDMEMBER z2 2'].map(random),
  ],
};

/** A reply flattened to comparable text: type bytes kept; `sortTop` sorts the outer items. */
function canonical(node: Node, sortTop = false): string {
  if (!node.items) return `${node.type}${node.text}`;
  const items = node.items.map((item) => canonical(item));
  if (sortTop) items.sort();
  return `${node.type}[${items.join(',')}]`;
}

function shape(node: Node): string {
  return node.items ? `${node.type}${node.items.length}` : node.type;
}

function leaves(node: Node): string[] {
  return node.items ? node.items.flatMap(leaves) : [node.text!];
}

/** What random picks may contain: every member and score of every key mentioned, as text. */
async function universe(wire: Wire, key: string): Promise<Set<string>> {
  const type = (await wire.send(['TYPE', key])).node.text;
  const dump = type === 'zset' ? ['ZRANGE', key, '0', '-1', 'WITHSCORES'] : ['SMEMBERS', key];
  return new Set(leaves((await wire.send(dump)).node));
}

/** A seeded command generator over a few set and zset keys (no blocking, no state-diverging pops). */
function randomSteps(seed: number, count: number): Step[] {
  let state = seed >>> 0;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const member = () => pick(['a', 'b', 'c', 'd', 'e', '1', '2', '10', '\u00ff']);
  const score = () => pick(['0', '1', '-1', '2.5', '1e3', 'inf', '-inf', '0.1', '3']);
  const bound = () => pick(['', '(']) + score();
  const lex = () => pick(['-', '+', '[a', '(b', '[c', '(1', '[\u00ff']);
  const set = () => pick(['s1', 's2', 's3', 'str']);
  const zset = () => pick(['z1', 'z2', 'z3', 's1', 'str']);
  const templates: (() => Step)[] = [
    () => ({ args: ['SADD', set(), member(), member()], mode: 'exact' }),
    () => ({ args: ['SREM', set(), member(), member()], mode: 'exact' }),
    () => ({ args: ['SISMEMBER', set(), member()], mode: 'exact' }),
    () => ({ args: ['SCARD', set()], mode: 'exact' }),
    () => ({ args: ['SMOVE', set(), set(), member()], mode: 'exact' }),
    () => ({ args: [pick(['SINTER', 'SUNION', 'SDIFF']), set(), set()], mode: 'unordered' }),
    () => ({ args: [pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), set(), set(), set()], mode: 'exact' }),
    () => ({ args: ['SINTERCARD', '2', set(), set()], mode: 'exact' }),
    () => ({ args: ['SRANDMEMBER', set(), pick(['-3', '2', '5'])], mode: 'random' }),
    () => ({ args: ['ZADD', zset(), ...pick([[], ['NX'], ['XX'], ['GT', 'CH'], ['LT'], ['XX', 'INCR']]), score(), member()], mode: 'exact' }),
    () => ({ args: ['ZINCRBY', zset(), score(), member()], mode: 'exact' }),
    () => ({ args: ['ZREM', zset(), member(), member()], mode: 'exact' }),
    () => ({ args: ['ZSCORE', zset(), member()], mode: 'exact' }),
    () => ({ args: ['ZRANK', zset(), member()], mode: 'exact' }),
    () => ({ args: ['ZRANGE', zset(), pick(['0', '-2', '1']), pick(['-1', '2']), ...pick([[], ['REV'], ['WITHSCORES']])], mode: 'exact' }),
    () => ({ args: ['ZRANGE', zset(), bound(), bound(), 'BYSCORE', ...pick([[], ['REV'], ['LIMIT', '1', '-1'], ['WITHSCORES']])], mode: 'exact' }),
    () => ({ args: ['ZRANGEBYLEX', zset(), lex(), lex()], mode: 'exact' }),
    () => ({ args: ['ZCOUNT', zset(), bound(), bound()], mode: 'exact' }),
    () => ({ args: ['ZLEXCOUNT', zset(), lex(), lex()], mode: 'exact' }),
    () => ({ args: ['ZREMRANGEBYSCORE', zset(), bound(), bound()], mode: 'exact' }),
    () => ({ args: ['ZREMRANGEBYRANK', zset(), '0', pick(['0', '1'])], mode: 'exact' }),
    () => ({ args: [pick(['ZUNION', 'ZINTER', 'ZDIFF']), '2', zset(), zset(), 'WITHSCORES'], mode: 'exact' }),
    () => ({ args: [pick(['ZUNIONSTORE', 'ZINTERSTORE']), zset(), '2', zset(), zset(), 'WEIGHTS', score(), score()], mode: 'exact' }),
    () => ({ args: ['ZPOPMIN', zset()], mode: 'exact' }),
    () => ({ args: ['ZMPOP', '2', zset(), zset(), 'MAX', 'COUNT', '2'], mode: 'exact' }),
    () => ({ args: ['ZRANDMEMBER', zset(), pick(['-2', '2']), 'WITHSCORES'], mode: 'random' }),
    () => ({ args: ['ZSCAN', zset(), '0'], mode: 'exact' }),
  ];
  return Array.from({ length: count }, () => pick(templates)());
}

describe.skipIf(!hasRedis())('set and sorted-set commands: our node vs redis-server 7.0', () => {
  let ours: NodeProcess;
  let real: NodeProcess;
  beforeAll(async () => {
    const config = { 'repl-diskless-sync-delay': '0' };
    [ours, real] = await Promise.all([startNode({ config }), startNode({ engine: 'redis', config })]);
  });
  afterAll(async () => {
    await Promise.all([ours?.stop(), real?.stop()]);
  });

  async function runBoth(steps: Step[], proto: 2 | 3): Promise<void> {
    const wires = await Promise.all([Wire.open(ours.port), Wire.open(real.port)]);
    try {
      for (const wire of wires) {
        await wire.send(['FLUSHALL']);
        await wire.send(['HELLO', String(proto)]);
      }
      for (const [i, step] of steps.entries()) {
        const label = `RESP${proto} #${i} ${step.args.join(' ')}`;
        // Random picks may only contain what the key held before (taken first: SPOP removes them).
        const allowed = step.mode === 'random' ? await universe(wires[0]!, step.args[1]!) : null;
        const [mine, theirs] = await Promise.all(wires.map((w) => w.send(step.args)));
        if (step.mode === 'exact' || theirs!.node.type === '-') {
          expect(mine!.raw, label).toBe(theirs!.raw);
        } else if (step.mode === 'unordered') {
          expect(canonical(mine!.node, true), label).toBe(canonical(theirs!.node, true));
        } else {
          expect(shape(mine!.node), label).toBe(shape(theirs!.node));
          for (const leaf of leaves(mine!.node)) expect(allowed!.has(leaf), `${label}: ${leaf}`).toBe(true);
          // A random SPOP leaves the two servers with different members: drop the key on both.
          if (step.args[0] === 'SPOP') await Promise.all(wires.map((w) => w.send(['DEL', step.args[1]!])));
        }
      }
    } finally {
      for (const wire of wires) wire.close();
    }
  }

  for (const [name, steps] of Object.entries(SCENARIOS)) {
    it(`${name} (RESP2 and RESP3)`, async () => {
      await runBoth(steps, 2);
      await runBoth(steps, 3);
    });
  }

  it('a seeded random command sequence answers alike', async () => {
    await runBoth([exact('SET str v'), ...randomSteps(20240601, 400)], 2);
    await runBoth([exact('SET str v'), ...randomSteps(7, 250)], 3);
  });

  it('full SSCAN and ZSCAN of large collections return the same members and scores', async () => {
    const scanAll = async (port: number, verb: string, key: string) => {
      const wire = await Wire.open(port);
      try {
        const seen = new Set<string>();
        let cursor = '0';
        do {
          const { node } = await wire.send([verb, key, cursor, 'COUNT', '20']);
          cursor = node.items![0]!.text!;
          const flat = leaves(node.items![1]!);
          const step = verb === 'ZSCAN' ? 2 : 1;
          for (let i = 0; i < flat.length; i += step) seen.add(flat.slice(i, i + step).join('='));
        } while (cursor !== '0');
        return [...seen].sort();
      } finally {
        wire.close();
      }
    };
    for (const node of [ours, real]) {
      const wire = await Wire.open(node.port);
      await wire.send(['FLUSHALL']);
      await wire.send(['SADD', 'bigset', ...Array.from({ length: 600 }, (_, i) => `member:${i}`)]);
      await wire.send(['ZADD', 'bigz', ...Array.from({ length: 300 }, (_, i) => [String(i / 8), `m${i}`]).flat()]);
      wire.close();
    }
    for (const [verb, key, size] of [['SSCAN', 'bigset', 600], ['ZSCAN', 'bigz', 300]] as const) {
      const [mine, theirs] = await Promise.all([scanAll(ours.port, verb, key), scanAll(real.port, verb, key)]);
      expect(mine).toHaveLength(size);
      expect(mine).toEqual(theirs);
    }
  });

  it('replicates the same stream: SPOP as SREM/DEL, served blocking pops as plain pops, no-ops not sent', async () => {
    const streamOf = async (port: number) => {
      const [a, b] = await Promise.all([Wire.open(port), Wire.open(port)]);
      await a.send(['FLUSHALL']);
      const replica = connect(port, '127.0.0.1');
      let received = '';
      replica.on('data', (chunk) => (received += chunk.toString('latin1')));
      replica.write('SYNC\r\n');
      const snapshotEnd = () => {
        const header = /\$(\d+)\r\n/.exec(received);
        const end = header ? header.index + header[0].length + Number(header[1]) : -1;
        return header && received.length >= end ? end : 0;
      };
      await waitFor(() => snapshotEnd() > 0, { message: 'the SYNC snapshot' });
      const start = snapshotEnd();
      const served = b.send(words('BZMPOP 0 2 none q MAX COUNT 2'));
      await waitFor(async () => (await a.send(['INFO', 'clients'])).raw.includes('blocked_clients:1\r'), {
        message: 'a blocked client',
      });
      const script = [
        'ZADD q 1 a 2 b 3 c', 'ZADD q 1 a', 'ZADD q NX 5 a', 'ZINCRBY q 0 a', 'ZREM q nope', 'BZPOPMIN q 0',
        'ZREMRANGEBYSCORE q 100 200', 'SADD s x', 'SADD s x', 'SREM s nope', 'SPOP s', 'SADD s a b c', 'SPOP s 5',
        'SADD t a', 'SMOVE t t a', 'SINTERSTORE none2 nope', 'ZPOPMIN nope', 'SET end 1',
      ];
      for (const line of script) await a.send(words(line));
      await served;
      await waitFor(() => received.slice(start).includes('$3\r\nend\r\n'), { message: 'the stream up to SET end' });
      replica.destroy();
      a.close();
      b.close();
      return received.slice(start).replace(/\*1\r\n\$4\r\nPING\r\n/gi, '');
    };
    const mine = await streamOf(ours.port);
    expect(mine).toContain('*3\r\n$4\r\nSREM\r\n$1\r\ns\r\n$1\r\nx\r\n');
    expect(mine).toContain('*3\r\n$7\r\nZPOPMAX\r\n$1\r\nq\r\n$1\r\n2\r\n');
    expect(mine).toBe(await streamOf(real.port));
  });
});
