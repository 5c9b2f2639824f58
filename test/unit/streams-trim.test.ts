// Stream nodes and trimming on the socket-less server: nodes fill up as Redis's listpacks do
// (stream-node-max-entries, stream-node-max-bytes counted in exact listpack bytes), exact trimming
// flags entries of the head node while `~` only drops whole nodes, LIMIT caps the work, MINID keeps
// a node whose last entry is a tombstone at or past the ID, XDEL drops a node with its last live
// entry, and radix-tree-nodes counts as Redis's rax (values read from redis-server 7.0.15).

import { describe, expect, it } from 'vitest';
import { StreamValue } from '../../src/server/keyspace/stream.js';
import { encodeListpack } from '../../src/server/keyspace/stream-listpack.js';
import { raxNodeCount } from '../../src/server/keyspace/stream-rax.js';
import { trimStream, type TrimRule } from '../../src/server/keyspace/stream-trim.js';
import { formatId, MAX_ID, ZERO_ID, type StreamId } from '../../src/server/keyspace/stream-id.js';
import { MapReply } from '../../src/shared/resp/reply.js';
import { connect, makeServer } from '../helpers/unit-server.js';

const id = (ms: number, seq = 0): StreamId => ({ ms: BigInt(ms), seq: BigInt(seq) });

function filled(count: number, maxEntries = 100, maxBytes = 4096, value = (i: number) => `v${i}`): StreamValue {
  const stream = new StreamValue();
  for (let i = 1; i <= count; i++) stream.append(id(i), ['f', value(i)], { maxEntries, maxBytes });
  return stream;
}

/** Every node's listpack is well formed (re-encoding its elements gives its bytes) and its tracked size. */
function expectExactSizes(stream: StreamValue): void {
  for (const node of stream.nodes) {
    const listpack = node.listpack();
    expect(listpack.length).toBe(node.bytes);
    expect(listpack.toString('hex')).toBe(encodeListpack(node.listpackItems()).toString('hex'));
  }
}

function ids(stream: StreamValue): string[] {
  return [...stream.range(ZERO_ID, MAX_ID)].map((e) => formatId(e.id));
}

function trim(stream: StreamValue, rule: TrimRule, approx = false, limit = 0): number {
  const planned = trimStream(stream, rule, { approx, limit }, true);
  const removed = trimStream(stream, rule, { approx, limit });
  expect(removed).toBe(planned);
  expectExactSizes(stream);
  return removed;
}

describe('stream nodes', () => {
  it('opens a node every stream-node-max-entries entries (tombstones count)', () => {
    const stream = filled(10, 3);
    expect(stream.nodes.map((n) => n.entryCount)).toEqual([3, 3, 3, 1]);
    expect(stream.nodes.map((n) => formatId(n.master))).toEqual(['1-0', '4-0', '7-0', '10-0']);
    expectExactSizes(stream);
  });

  it('opens a node when the listpack bytes plus the new elements reach stream-node-max-bytes', () => {
    const stream = filled(12, 0, 200, () => 'x'.repeat(30));
    expectExactSizes(stream);
    for (const node of stream.nodes) expect(node.bytes).toBeLessThan(200);
    // 7-byte header, master entry, then 39 bytes per entry of one 30-byte value.
    expect(stream.nodes.map((n) => n.entryCount)).toEqual([4, 4, 4]);
  });

  it('compresses entries with the master fields and keeps others whole', () => {
    const stream = new StreamValue();
    const limits = { maxEntries: 100, maxBytes: 4096 };
    stream.append(id(1), ['a', '1', 'b', '2'], limits);
    stream.append(id(2), ['a', '3', 'b', '4'], limits);
    stream.append(id(3), ['b', '5', 'a', '6'], limits);
    const node = stream.nodes[0]!;
    expect(node.listpackItems()).toEqual([3, 0, 2, 'a', 'b', 0, 2, 0, 0, 1, 2, 5, 2, 1, 0, 3, 4, 5, 0, 2, 0, 2, 'b', 5, 'a', 6, 8]);
    expect(node.fieldsValues(2)).toEqual(['b', '5', 'a', '6']);
    expectExactSizes(stream);
  });

  it('XDEL flags an entry deleted and drops the node with its last live entry', () => {
    const stream = filled(6, 3);
    expect(stream.deleteEntry(id(2))).toBe(true);
    expect(stream.deleteEntry(id(2))).toBe(false);
    expect(stream.nodes[0]!.deleted).toBe(1);
    stream.deleteEntry(id(1));
    stream.deleteEntry(id(3));
    expect(stream.nodes.length).toBe(1);
    expect(ids(stream)).toEqual(['4-0', '5-0', '6-0']);
    expect(stream.length).toBe(3);
  });
});

describe('trimming', () => {
  it('MAXLEN ~ drops whole head nodes only; exact MAXLEN then flags entries', () => {
    const stream = filled(250);
    expect(trim(stream, { strategy: 'maxlen', maxlen: 180 }, true)).toBe(0);
    expect(trim(stream, { strategy: 'maxlen', maxlen: 150 }, true)).toBe(100);
    expect(stream.length).toBe(150);
    expect(trim(stream, { strategy: 'maxlen', maxlen: 120 })).toBe(30);
    expect(stream.nodes[0]!.deleted).toBe(30);
    expect(formatId(stream.firstId)).toBe('131-0');
    expect(trim(stream, { strategy: 'maxlen', maxlen: 0 })).toBe(120);
    expect(stream.nodes.length).toBe(0);
    expect(stream.firstId).toEqual(ZERO_ID);
  });

  it('LIMIT stops before a node that would pass it', () => {
    const stream = filled(300);
    expect(trim(stream, { strategy: 'maxlen', maxlen: 0 }, true, 150)).toBe(100);
    expect(trim(stream, { strategy: 'maxlen', maxlen: 0 }, true, 99)).toBe(0);
    expect(trim(stream, { strategy: 'maxlen', maxlen: 0 }, true, 0)).toBe(200);
  });

  it('MINID drops nodes whose last entry is below the ID and flags the rest when exact', () => {
    const stream = filled(250);
    expect(trim(stream, { strategy: 'minid', minid: id(150) }, true)).toBe(100);
    expect(trim(stream, { strategy: 'minid', minid: id(150) })).toBe(49);
    expect(ids(stream)[0]).toBe('150-0');
    expect(trim(stream, { strategy: 'minid', minid: id(150) })).toBe(0);
  });

  it('keeps a node whose live entries are all trimmed when its last entry is a tombstone past MINID', () => {
    const stream = filled(3);
    stream.deleteEntry(id(3));
    expect(trim(stream, { strategy: 'minid', minid: id(3) })).toBe(2);
    expect(stream.length).toBe(0);
    expect(stream.nodes.length).toBe(1);
    expect(stream.nodes[0]!.live).toBe(0);
    expect(trim(stream, { strategy: 'maxlen', maxlen: 0 }, true)).toBe(0);
  });
});

describe('commands over nodes', () => {
  it('XADD MAXLEN ~ propagates as = with the length the stream ended with', () => {
    const server = makeServer({ 'stream-node-max-entries': '10' });
    const c = connect(server);
    const propagated: string[][] = [];
    server.requestPath.observe({ propagate: (_db, commands) => propagated.push(...commands) });
    for (let i = 1; i <= 25; i++) c.run('XADD', 's', `${i}-0`, 'f', 'v');
    propagated.length = 0;
    expect(c.run('XADD', 's', 'MAXLEN', '~', '12', '26-0', 'f', 'v')).toBe('26-0');
    expect(c.run('XLEN', 's')).toBe(16);
    expect(c.run('XTRIM', 's', 'MINID', '~', '24')).toBe(10);
    expect(c.run('XTRIM', 's', 'MINID', '~', '24')).toBe(0);
    expect(propagated).toEqual([
      ['XADD', 's', 'MAXLEN', '=', '16', '26-0', 'f', 'v'],
      ['XTRIM', 's', 'MINID', '=', '21-0'],
    ]);
  });

  it('reports radix-tree-keys and radix-tree-nodes as redis-server does', () => {
    const c = connect(makeServer({ 'stream-node-max-entries': '1' }));
    const nodes: number[] = [];
    for (const entry of ['1-0', '2-0', '256-0', '256-1', '65536-7', '4294967296-0']) {
      c.run('XADD', 'r', entry, 'f', 'v');
      const info = (c.run('XINFO', 'STREAM', 'r') as MapReply).flat;
      expect(info[3]).toBe(nodes.length + 1);
      nodes.push(info[5] as number);
    }
    expect(nodes).toEqual([2, 6, 9, 11, 14, 18]);
    expect(raxNodeCount([])).toBe(1);
  });
});
