// Client-side caching on a socket-less server (clients/tracking/): the table limit's choice of keys
// (oldest first), FLUSHALL as one flush, BCAST batching with NOLOOP, and the cost-free state when
// nobody tracks. The protocol itself is compared with redis-server in tracking-differential.

import { describe, expect, it } from 'vitest';
import { RawReply, type Reply } from '../../src/shared/resp/reply.js';
import type { Server } from '../../src/server/server.js';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';

/** The raw invalidation frames pushed to a client, as text. */
function frames(pushed: Reply[]): string[] {
  return pushed.filter((reply): reply is RawReply => reply instanceof RawReply).map((reply) => reply.encoded);
}

/** A RESP3 connection with CLIENT TRACKING on (default mode). */
function tracker(server: Server): TestClient {
  const c = connect(server);
  c.client.proto = 3;
  c.run('CLIENT', 'TRACKING', 'on');
  return c;
}

const invalidate = (...keys: string[]) => `>2\r\n$10\r\ninvalidate\r\n*${keys.length}\r\n${keys.map((k) => `$${k.length}\r\n${k}\r\n`).join('')}`;

describe('client-side caching (unit)', () => {
  it('costs one check while nobody tracks, and counts what it remembers', () => {
    const server = makeServer();
    const reader = connect(server);
    reader.client.proto = 3;
    expect(server.tracking.active).toBe(false);
    reader.run('GET', 'k');
    expect(server.tracking.totalKeys).toBe(0);
    reader.run('CLIENT', 'TRACKING', 'on');
    reader.run('MGET', 'k', 'j');
    expect([server.tracking.clientCount, server.tracking.totalKeys, server.tracking.items]).toEqual([1, 2, 2]);
    expect(server.tracking.active).toBe(true);
    connect(server).run('SET', 'k', '1');
    expect(frames(reader.pushed)).toEqual([invalidate('k')]);
    expect(server.tracking.totalKeys).toBe(1);
  });

  it('tracking-table-max-keys invalidates the oldest keys first', () => {
    const server = makeServer({ 'tracking-table-max-keys': '2' });
    const first = tracker(server);
    const second = tracker(server);
    first.run('GET', 'a');
    first.run('GET', 'b');
    second.run('GET', 'c');
    expect(frames(first.pushed)).toEqual([invalidate('a')]);
    expect(server.tracking.totalKeys).toBe(2);
  });

  it('FLUSHALL tells each tracking client once, its own after the reply', () => {
    const server = makeServer();
    const a = tracker(server);
    const b = tracker(server);
    a.run('GET', 'x');
    a.run('FLUSHALL');
    expect(frames(b.pushed)).toEqual(['>2\r\n$10\r\ninvalidate\r\n_\r\n']);
    expect(frames(a.pushed)).toEqual([]);
    server.tracking.afterReply(a.client, ['FLUSHALL']);
    expect(frames(a.pushed)).toEqual(['>2\r\n$10\r\ninvalidate\r\n_\r\n']);
    expect(server.tracking.totalKeys).toBe(0);
  });

  it('a flush of every database outside a command (a full sync) is one flush too', () => {
    const server = makeServer();
    const a = tracker(server);
    a.run('GET', 'x');
    for (const db of server.dbs) db.clear();
    expect(frames(a.pushed)).toEqual(['>2\r\n$10\r\ninvalidate\r\n_\r\n']);
  });

  it('BCAST gathers a turn per prefix; NOLOOP leaves out its own keys', () => {
    const server = makeServer();
    const all = connect(server);
    const mine = connect(server);
    const writer = connect(server);
    all.client.proto = mine.client.proto = 3;
    all.run('CLIENT', 'TRACKING', 'on', 'BCAST');
    mine.run('CLIENT', 'TRACKING', 'on', 'BCAST', 'NOLOOP', 'PREFIX', 'p');
    writer.run('SET', 'p2', 'x');
    mine.run('SET', 'p1', 'x');
    writer.run('SET', 'q', 'x');
    expect(frames(all.pushed)).toEqual([]);
    server.tracking.broadcast();
    expect(frames(all.pushed)).toEqual([invalidate('p1', 'p2', 'q')]);
    expect(frames(mine.pushed)).toEqual([invalidate('p2')]);
    expect(server.tracking.totalPrefixes).toBe(2);
    mine.run('CLIENT', 'TRACKING', 'off');
    expect(server.tracking.totalPrefixes).toBe(1);
  });
});
