// Differential test: COMMAND and its subcommands on Debian's redis-server 7.0 and on our node, over
// RESP3 with every reply's wire type kept (a set is not an array, a status not a bulk string). For
// every command the node implements, COMMAND INFO and COMMAND DOCS must equal redis-server's (a
// container's subcommands cut to those the node has; Redis lists subcommands in hash order, so they
// are compared sorted); GETKEYS / GETKEYSANDFLAGS of sample lines must match; COMMAND COUNT and
// COMMAND LIST may differ only by the commands the node lacks and its own. Also checks that the
// committed metadata is what `node scripts/command-metadata.mjs` would generate today.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, type Socket } from 'node:net';
import { hasRedis, ROOT, startNode, type NodeProcess } from '../helpers/processes.js';
import { readReply } from '../../scripts/resp3.mjs';

/** Lines for GETKEYS: key specs of every kind, key functions, and the error paths. */
const GETKEYS_SAMPLES: string[][] = [
  'zunionstore d 2 a b WEIGHTS 1 2', 'zunionstore d 0 a', 'zunionstore d 3abc a b c', 'zunionstore d 5 a', 'zinterstore d 1 a',
  'zdiffstore d 2 a b', 'zunion 2 a b', 'zinter 2 a b', 'zdiff 1 a', 'zintercard 2 a b LIMIT 1', 'sintercard 2 a b',
  'sintercard 0 a', 'lmpop 2 a b LEFT', 'lmpop 0 a LEFT', 'blmpop 0 2 a b LEFT', 'zmpop 1 a MIN', 'bzmpop 1 1 a MIN',
  'xread COUNT 1 STREAMS a b 0 0', 'xread count streams streams a 0', 'xreadgroup GROUP g c STREAMS a b 0 0',
  'xreadgroup GROUP g c NOACK STREAMS s', 'sort k STORE d', 'sort k BY x STORE d1 STORE d2 GET y', 'sort_ro k BY x',
  'eval s 2 a b c', 'eval s 0', 'eval s 3abc a b c', 'eval s 5 a', 'evalsha_ro x 1 a', 'fcall f 1 k arg',
  'migrate h 6379 k 0 10', 'migrate h 6379 k 0 10 KEYS a', 'georadius k 1 2 3 m STORE d STOREDIST e',
  'georadiusbymember k m 3 m STOREDIST e', 'object encoding k', 'object freq k', 'object help', 'memory usage k SAMPLES 5',
  'set k v', 'set k v EX 10 get', 'bitfield k GET u8 0', 'bitfield k SET u8 0 1', 'smove a b m', 'lmove a b LEFT RIGHT',
  'mset a 1 b 2', 'mset a 1 b', 'msetnx a 1', 'del a b', 'blpop a b 0', 'brpoplpush a b 0', 'rename a b', 'copy a b',
  'getex k', 'pfmerge d a b', 'spublish c m', 'publish c m', 'watch a b', 'touch a', 'sunionstore d a b', 'sinterstore d a',
  'hset h f v', 'debug object k', 'config get x', 'get a b', 'get', 'nosuch a', 'object nosuch k', 'ping x', 'exists a b c',
  'lpos l x RANK 1', 'zrangestore d s 0 1', 'bitop and d a b', 'restore k 0 x', 'xadd s * f v', 'dump k',
].map((line) => line.split(' ')).concat([['migrate', 'h', '6379', '', '0', '10', 'KEYS', 'a', 'b']]);

interface Typed {
  t: string;
  value: null | string | number | Typed[];
}

/** One RESP3 connection; `run` sends a command and resolves with its typed reply. */
class Resp3 {
  private buffer = Buffer.alloc(0);
  private waiting: ((reply: Typed) => void)[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (let parsed = readReply(this.buffer, 0); parsed; parsed = readReply(this.buffer, 0)) {
        this.buffer = this.buffer.subarray(parsed.end);
        this.waiting.shift()!(parsed.value as Typed);
      }
    });
  }

  static async open(port: number, proto = 3): Promise<Resp3> {
    const socket = connect({ port, host: '127.0.0.1' });
    await new Promise((resolve) => socket.once('connect', resolve));
    const client = new Resp3(socket);
    if (proto === 3) await client.run('HELLO', '3');
    return client;
  }

  run(...args: string[]): Promise<Typed> {
    this.socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): void {
    this.socket.destroy();
  }
}

const items = (node: Typed) => node.value as Typed[];
const text = (node: Typed) => node.value as string;

/** A map's [key, value] pairs. */
function pairs(node: Typed): [string, Typed][] {
  const flat = items(node);
  return Array.from({ length: flat.length / 2 }, (_, i) => [text(flat[2 * i]!), flat[2 * i + 1]!]);
}

/** A COMMAND INFO entry with its subcommands sorted and kept only when `keep` says so. */
function infoEntry(entry: Typed, keep: (name: string) => boolean): Typed {
  if (entry.t !== 'array') return entry;
  const fields = [...items(entry)];
  if (fields[9]!.t === 'array') {
    const subs = items(fields[9]!).filter((sub) => keep(text(items(sub)[0]!)));
    subs.sort((a, b) => (text(items(a)[0]!) < text(items(b)[0]!) ? -1 : 1));
    fields[9] = { t: 'array', value: subs.map((sub) => infoEntry(sub, keep)) };
  }
  return { t: 'array', value: fields };
}

/** A COMMAND DOCS map with its subcommands sorted and kept only when `keep` says so. */
function docsMap(node: Typed, keep: (name: string) => boolean): Typed {
  const flat: Typed[] = [];
  for (const [key, value] of pairs(node)) {
    let kept = value;
    if (key === 'subcommands') {
      const subs = pairs(value).filter(([name]) => keep(name)).sort(([a], [b]) => (a < b ? -1 : 1));
      kept = { t: 'map', value: subs.flatMap(([name, doc]) => [{ t: 'bulk', value: name }, docsMap(doc, keep)]) };
    }
    flat.push({ t: 'bulk', value: key }, kept);
  }
  return { t: 'map', value: flat };
}

/** A COMMAND DOCS reply (name -> docs) with each command's docs normalized as above. */
function docsReply(node: Typed, keep: (name: string) => boolean): Typed {
  return { t: 'map', value: pairs(node).flatMap(([name, doc]) => [{ t: 'bulk', value: name }, docsMap(doc, keep)]) };
}

/** A COMMAND INFO reply (entries or nulls) normalized as above. */
const infoReply = (node: Typed, keep: (name: string) => boolean): Typed => ({ t: node.t, value: items(node).map((e) => infoEntry(e, keep)) });

const names = (reply: Typed) => items(reply).map(text).sort();

describe.skipIf(!hasRedis())('COMMAND: our node answers like redis-server 7.0', () => {
  let ours: NodeProcess;
  let theirs: NodeProcess;
  let a: Resp3;
  let b: Resp3;
  let ourNames: Set<string>;
  let redisNames: Set<string>;
  /** What both have: the comparisons below keep only these subcommands. */
  const shared = (name: string) => ourNames.has(name) && redisNames.has(name);

  beforeAll(async () => {
    [ours, theirs] = await Promise.all([startNode(), startNode({ engine: 'redis' })]);
    [a, b] = await Promise.all([Resp3.open(ours.port), Resp3.open(theirs.port)]);
    ourNames = new Set(names(await a.run('COMMAND', 'LIST')));
    redisNames = new Set(names(await b.run('COMMAND', 'LIST')));
  });

  afterAll(async () => {
    a?.close();
    b?.close();
    await Promise.all([ours?.stop(), theirs?.stop()]);
  });

  it('COMMAND LIST and COUNT differ only by the commands we lack and our own', async () => {
    const lacking = [...redisNames].filter((n) => !ourNames.has(n));
    const extra = [...ourNames].filter((n) => !redisNames.has(n)).sort();
    console.log(`redis-server commands and subcommands the node lacks (${lacking.length}): ${lacking.join(' ')}`);
    expect(extra).toEqual(['client|setinfo', 'fault', 'fault|drop', 'fault|heal', 'fault|help', 'fault|partition', 'fault|shape', 'fault|status',
      'fencing', 'fencing|confirm', 'fencing|fence', 'fencing|forget', 'fencing|help', 'fencing|lease', 'fencing|ping', 'fencing|release']);
    const count = (set: Set<string>) => [...set].filter((n) => !n.includes('|')).length;
    expect((await a.run('COMMAND', 'COUNT')).value).toBe(count(ourNames));
    expect((await b.run('COMMAND', 'COUNT')).value).toBe(count(redisNames));
    expect(count(ourNames)).toBe(count(redisNames) - lacking.filter((n) => !n.includes('|')).length + 2);
  });

  it('COMMAND INFO of every command we implement equals redis-server', async () => {
    for (const name of [...ourNames].filter((n) => redisNames.has(n) && !n.includes('|'))) {
      const [mine, real] = await Promise.all([a.run('COMMAND', 'INFO', name), b.run('COMMAND', 'INFO', name)]);
      expect(infoEntry(items(mine)[0]!, shared), name).toEqual(infoEntry(items(real)[0]!, shared));
    }
    for (const name of [...ourNames].filter((n) => redisNames.has(n) && n.includes('|'))) {
      expect(await a.run('COMMAND', 'INFO', name), name).toEqual(await b.run('COMMAND', 'INFO', name));
    }
  });

  it('RESP2 encodes the same (sets as arrays, maps flattened, status strings kept)', async () => {
    const [a2, b2] = await Promise.all([Resp3.open(ours.port, 2), Resp3.open(theirs.port, 2)]);
    try {
      for (const line of [['INFO', 'get', 'zunionstore', 'set', 'hello', 'object|encoding', 'nosuch'], ['DOCS', 'get', 'zunionstore', 'set', 'hello']]) {
        expect(await a2.run('COMMAND', ...line), line.join(' ')).toEqual(await b2.run('COMMAND', ...line));
      }
      expect(await a2.run('COMMAND', 'GETKEYSANDFLAGS', 'lmove', 'a', 'b', 'LEFT', 'RIGHT')).toEqual(await b2.run('COMMAND', 'GETKEYSANDFLAGS', 'lmove', 'a', 'b', 'LEFT', 'RIGHT'));
    } finally {
      a2.close();
      b2.close();
    }
  });

  it('COMMAND (all) answers the same entries as COMMAND INFO', async () => {
    const all = items(await a.run('COMMAND'));
    expect(all.map((e) => text(items(e)[0]!)).sort()).toEqual([...ourNames].filter((n) => !n.includes('|')).sort());
    const real = new Map(items(await b.run('COMMAND')).map((e) => [text(items(e)[0]!), e]));
    for (const entry of all.filter((e) => real.has(text(items(e)[0]!)))) {
      expect(infoEntry(entry, shared)).toEqual(infoEntry(real.get(text(items(entry)[0]!))!, shared));
    }
  });

  it('COMMAND DOCS of every command we implement equals redis-server', async () => {
    for (const name of [...ourNames].filter((n) => redisNames.has(n))) {
      const [mine, real] = await Promise.all([a.run('COMMAND', 'DOCS', name), b.run('COMMAND', 'DOCS', name)]);
      expect(docsReply(mine, shared), name).toEqual(docsReply(real, shared));
    }
  });

  it('COMMAND INFO / DOCS look names up as Redis does', async () => {
    const info = ['INFO', 'get', '', 'nosuch', 'config|', 'get|x', 'a|b|c', 'CONFIG|GET', 'Config', 'config|get|x', '|get'];
    expect(infoReply(await a.run('COMMAND', ...info), shared)).toEqual(infoReply(await b.run('COMMAND', ...info), shared));
    const docs = ['DOCS', 'nosuch', 'GET', 'config|GET', 'get|x', '', 'Client'];
    expect(docsReply(await a.run('COMMAND', ...docs), shared)).toEqual(docsReply(await b.run('COMMAND', ...docs), shared));
    const lines = [
      ['LIST', 'FILTERBY', 'MODULE', 'x'],
      ['LIST', 'FILTERBY', 'NOSUCH', 'x'],
      ['LIST', 'FILTERBY', 'PATTERN'],
      ['LIST', 'FILTERBY', 'ACLCAT', 'nosuch'],
      ['LIST', 'FILTERBY', 'ACLCAT', '@read'],
      ['LIST', 'x'],
      ['COUNT', 'x'],
    ];
    for (const line of lines) expect(await a.run('COMMAND', ...line), line.join(' ')).toEqual(await b.run('COMMAND', ...line));
  });

  it('COMMAND LIST FILTERBY ACLCAT / PATTERN: redis-server answers cut to our commands, plus our own', async () => {
    const own = (n: string) => !redisNames.has(n);
    const cats = items(await b.run('ACL', 'CAT')).map(text);
    for (const filter of [...cats.map((c) => ['ACLCAT', c.toUpperCase()]), ['PATTERN', '*store'], ['PATTERN', 'CONFIG|*'], ['PATTERN', 'z[a-m]*']]) {
      const mine = names(await a.run('COMMAND', 'LIST', 'FILTERBY', ...filter));
      const real = names(await b.run('COMMAND', 'LIST', 'FILTERBY', ...filter)).filter((n) => ourNames.has(n));
      expect(mine.filter((n) => !own(n)), filter.join(' ')).toEqual(real);
    }
    expect(names(await a.run('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'dangerous'))).toEqual(
      expect.arrayContaining(['fault|partition', 'fencing|lease']),
    );
  });

  it('COMMAND GETKEYS and GETKEYSANDFLAGS of sample lines equal redis-server', async () => {
    const skipped: string[] = [];
    for (const line of GETKEYS_SAMPLES) {
      if (redisNames.has(line[0]!.toLowerCase()) && !ourNames.has(line[0]!.toLowerCase())) {
        skipped.push(line[0]!);
        continue;
      }
      for (const sub of ['GETKEYS', 'GETKEYSANDFLAGS']) {
        expect(await a.run('COMMAND', sub, ...line), `${sub} ${line.join(' ')}`).toEqual(await b.run('COMMAND', sub, ...line));
      }
    }
    console.log(`GETKEYS samples skipped, command not implemented yet: ${[...new Set(skipped)].join(' ')}`);
  });

  it('the committed metadata is what the generator makes from this redis-server', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['scripts/command-metadata.mjs', '--check'], { cwd: ROOT });
    expect(stdout).toMatch(/^up to date/);
  });
});
