// Consumer groups on the socket-less server with a fake clock: the PEL (delivery counts and times,
// ownership moves), what XREADGROUP / XCLAIM / XAUTOCLAIM propagate, entries-read and lag, blocked
// XREAD / XREADGROUP (woken by XADD, timeouts, a destroyed group or deleted key, no blocking in
// MULTI), WATCH (group changes do not touch it, as in Redis), and a stream's RDB round trip.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useClock, type Clock } from '../../src/server/base/clock.js';
import { ErrorReply, MapReply, NO_REPLY, NULL_ARRAY, type Reply } from '../../src/shared/resp/reply.js';
import type { Server } from '../../src/server/server.js';
import { StreamValue } from '../../src/server/keyspace/stream.js';
import { createDumpPayload, decodeDumpPayload } from '../../src/server/persistence/dump-payload.js';
import { RdbEncoder } from '../../src/server/persistence/rdb-writer.js';
import { crc64 } from '../../src/server/persistence/crc64.js';
import { encodeId, formatId } from '../../src/server/keyspace/stream-id.js';
import { valueDigest } from '../../src/server/keyspace/digest.js';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';

const T0 = 1_700_000_000_000;
const fake: Clock & { ms: number } = { ms: T0, now: () => fake.ms, monotonic: () => fake.ms };
let restore: () => void;
let server: Server;
let c: TestClient;
let propagated: string[][];

beforeEach(() => {
  fake.ms = T0;
  restore = useClock(fake);
  server = makeServer();
  c = connect(server);
  propagated = [];
  server.requestPath.observe({ propagate: (_db, commands) => propagated.push(...commands) });
  for (let i = 1; i <= 5; i++) c.run('XADD', 's', `${i}-0`, 'f', String(i));
  c.run('XGROUP', 'CREATE', 's', 'g', '0');
  propagated.length = 0;
});
afterEach(() => restore());

/** A map reply as an object (XINFO). */
function info(reply: Reply | symbol): Record<string, Reply> {
  const flat = (reply as MapReply).flat;
  return Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[i * 2] as string, flat[i * 2 + 1]!]));
}

const claim = (consumer: string, id: string, time: number, count: number, last: string) =>
  ['XCLAIM', 's', 'g', consumer, '0', id, 'TIME', String(time), 'RETRYCOUNT', String(count), 'FORCE', 'JUSTID', 'LASTID', last];

describe('the pending entries list', () => {
  it('XREADGROUP > delivers new entries, records them pending and propagates one XCLAIM each', () => {
    expect(c.run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', 2, 'STREAMS', 's', '>')).toEqual([['s', [['1-0', ['f', '1']], ['2-0', ['f', '2']]]]]);
    expect(propagated).toEqual([claim('alice', '1-0', T0, 1, '1-0'), claim('alice', '2-0', T0, 1, '2-0')]);
    fake.ms += 1500;
    expect(c.run('XPENDING', 's', 'g', '-', '+', 10)).toEqual([['1-0', 'alice', 1500, 1n], ['2-0', 'alice', 1500, 1n]]);
    const groups = c.run('XINFO', 'GROUPS', 's') as Reply[];
    expect(info(groups[0]!)).toMatchObject({
      'last-delivered-id': '2-0',
      'entries-read': 2n,
      lag: 3n,
    });
  });

  it('reading history counts a delivery without propagating; a deleted entry shows as null', () => {
    c.run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    propagated.length = 0;
    fake.ms += 100;
    c.run('XDEL', 's', '2-0');
    expect(c.run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', 2, 'STREAMS', 's', '0')).toEqual([['s', [['1-0', ['f', '1']], ['2-0', NULL_ARRAY]]]]);
    expect(c.run('XPENDING', 's', 'g', '-', '2', 10)).toEqual([['1-0', 'alice', 0, 2n], ['2-0', 'alice', 100, 1n]]);
    expect(propagated).toEqual([['XDEL', 's', '2-0']]);
  });

  it('NOACK moves the group without pending entries and propagates XGROUP SETID (and the new consumer)', () => {
    c.run('XREADGROUP', 'GROUP', 'g', 'bob', 'NOACK', 'COUNT', 3, 'STREAMS', 's', '>');
    expect(c.run('XPENDING', 's', 'g')).toEqual([0, null, null, NULL_ARRAY]);
    expect(propagated).toEqual([
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'SETID', 's', 'g', '3-0', 'ENTRIESREAD', '3'],
    ]);
  });

  it('XACK drops entries from the group and consumer PELs', () => {
    c.run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    propagated.length = 0;
    expect(c.run('XACK', 's', 'g', '1-0', '3-0', '9-0')).toBe(2);
    expect(c.run('XACK', 's', 'g', '1-0')).toBe(0);
    expect(c.run('XPENDING', 's', 'g')).toEqual([3, '2-0', '5-0', [['alice', '3']]]);
    expect(propagated).toEqual([['XACK', 's', 'g', '1-0', '3-0', '9-0']]);
  });

  it('XCLAIM moves ownership, counts a delivery, honours min-idle, and drops deleted entries', () => {
    c.run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    propagated.length = 0;
    fake.ms += 1000;
    expect(c.run('XCLAIM', 's', 'g', 'bob', '5000', '1-0')).toEqual([]);
    expect(c.run('XCLAIM', 's', 'g', 'bob', '500', '1', '2-0', 'JUSTID')).toEqual(['1-0', '2-0']);
    c.run('XDEL', 's', '3-0');
    expect(c.run('XCLAIM', 's', 'g', 'bob', '0', '3-0', '4-0', 'RETRYCOUNT', '9')).toEqual([['4-0', ['f', '4']]]);
    expect(c.run('XPENDING', 's', 'g')).toEqual([4, '1-0', '5-0', [['alice', '1'], ['bob', '3']]]);
    expect(c.run('XPENDING', 's', 'g', '4', '4', 1)).toEqual([['4-0', 'bob', 0, 9n]]);
    const now = T0 + 1000;
    expect(propagated).toEqual([
      claim('bob', '1', now, 1, '5-0'),
      claim('bob', '2-0', now, 1, '5-0'),
      ['XDEL', 's', '3-0'],
      claim('alice', '3-0', T0, 1, '5-0'),
      claim('bob', '4-0', now, 9, '5-0'),
    ]);
  });

  it('XCLAIM LASTID alone propagates as XGROUP SETID', () => {
    expect(c.run('XCLAIM', 's', 'g', 'bob', '0', '9-9', 'LASTID', '4-0')).toEqual([]);
    expect(propagated).toEqual([['XGROUP', 'SETID', 's', 'g', '4-0', 'ENTRIESREAD', '-1']]);
  });

  it('XAUTOCLAIM scans from a cursor, claims idle entries and reports deleted ones', () => {
    c.run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    c.run('XDEL', 's', '2-0');
    propagated.length = 0;
    fake.ms += 10;
    expect(c.run('XAUTOCLAIM', 's', 'g', 'bob', '5', '0', 'COUNT', 2)).toEqual(['3-0', [['1-0', ['f', '1']]], ['2-0']]);
    expect(c.run('XAUTOCLAIM', 's', 'g', 'bob', '5', '3-0', 'JUSTID')).toEqual(['0-0', ['3-0', '4-0', '5-0'], []]);
    expect(propagated[0]).toEqual(claim('bob', '1-0', T0 + 10, 2, '5-0'));
    expect(propagated[1]).toEqual(claim('alice', '2-0', T0, 1, '5-0'));
    expect(propagated.length).toBe(5);
  });

  it('group changes leave WATCH alone (Redis never signals them); XADD touches it', () => {
    c.run('WATCH', 's');
    const other = connect(server);
    other.run('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    other.run('XACK', 's', 'g', '1-0');
    c.run('MULTI');
    c.run('XLEN', 's');
    expect(c.run('EXEC')).toEqual([5]);
    c.run('WATCH', 's');
    other.run('XADD', 's', '6-0', 'f', 'v');
    c.run('MULTI');
    c.run('XLEN', 's');
    expect(c.run('EXEC')).toEqual(NULL_ARRAY);
  });
});

describe('blocked readers', () => {
  function blocked(...args: (string | number)[]): TestClient {
    const client = connect(server);
    expect(client.run(...args)).toBe(NO_REPLY);
    return client;
  }

  it('XREAD BLOCK with $ is woken by the next XADD on one of its keys', () => {
    const reader = blocked('XREAD', 'BLOCK', 0, 'STREAMS', 'other', 's', '$', '$');
    c.run('XADD', 'other', '7-0', 'x', 'y');
    expect(reader.pushed).toEqual([[['other', [['7-0', ['x', 'y']]]]]]);
    expect(reader.client.blocked).toBeNull();
  });

  it('XREADGROUP BLOCK is served the new entry and propagates its XCLAIM', () => {
    c.run('XGROUP', 'SETID', 's', 'g', '$');
    propagated.length = 0;
    const reader = blocked('XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', 0, 'STREAMS', 's', '>');
    c.run('XADD', 's', '6-0', 'f', '6');
    expect(reader.pushed).toEqual([[['s', [['6-0', ['f', '6']]]]]]);
    expect(propagated).toEqual([['XADD', 's', '6-0', 'f', '6'], claim('alice', '6-0', T0, 1, '6-0')]);
  });

  it('answers a blocked XREADGROUP when its group is destroyed or its key deleted; XREAD keeps waiting', () => {
    c.run('XGROUP', 'SETID', 's', 'g', '$');
    const first = blocked('XREADGROUP', 'GROUP', 'g', 'a', 'BLOCK', 0, 'STREAMS', 's', '>');
    c.run('XGROUP', 'DESTROY', 's', 'g');
    expect(first.pushed).toEqual([new ErrorReply('NOGROUP the consumer group this client was blocked on no longer exists')]);
    c.run('XGROUP', 'CREATE', 's', 'g', '$');
    const second = blocked('XREADGROUP', 'GROUP', 'g', 'a', 'BLOCK', 0, 'STREAMS', 's', '>');
    const plain = blocked('XREAD', 'BLOCK', 0, 'STREAMS', 's', '$');
    c.run('DEL', 's');
    expect(second.pushed).toEqual([new ErrorReply('UNBLOCKED the stream key no longer exists')]);
    expect(plain.pushed).toEqual([]);
    // It waits for an ID past the one `$` stood for (5-0), even on the new stream.
    c.run('XADD', 's', '1-0', 'f', 'v');
    expect(plain.pushed).toEqual([]);
    c.run('XADD', 's', '9-0', 'f', 'v');
    expect(plain.pushed).toEqual([[['s', [['9-0', ['f', 'v']]]]]]);
  });

  it('times out with a null array, and inside MULTI answers at once', () => {
    const reader = blocked('XREAD', 'BLOCK', 100, 'STREAMS', 's', '$');
    fake.ms += 100;
    server.blocking.expireTimeouts();
    expect(reader.pushed).toEqual([NULL_ARRAY]);
    c.run('MULTI');
    c.run('XREAD', 'BLOCK', 0, 'STREAMS', 's', '$');
    expect(c.run('EXEC')).toEqual([NULL_ARRAY]);
  });

  it('answers in RESP3 with a map of key to entries', () => {
    c.run('HELLO', '3');
    expect(c.wire('XREAD', 'COUNT', 1, 'STREAMS', 's', '0')).toBe('%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n');
  });
});

describe('persistence of a stream with groups', () => {
  it('survives a DUMP payload round trip with its PEL, consumers and counters', () => {
    c.run('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', 2, 'STREAMS', 's', '>');
    c.run('XCLAIM', 's', 'g', 'bob', '0', '2-0', 'TIME', '123', 'RETRYCOUNT', '4');
    c.run('XDEL', 's', '4-0');
    c.run('XGROUP', 'CREATE', 's', 'other', '$', 'ENTRIESREAD', '7');
    const original = server.db(0).lookup('s') as StreamValue;
    const copy = decodeDumpPayload(createDumpPayload(original, true), 's') as StreamValue;
    server.db(0).set('copy', copy);
    const full = (key: string) => c.run('XINFO', 'STREAM', key, 'FULL');
    expect(full('copy')).toEqual(full('s'));
    expect(valueDigest(server.db(0), 'copy')).toBe(valueDigest(server.db(0), 's'));
    expect(copy.nodes.map((n) => n.listpackItems())).toEqual(original.nodes.map((n) => n.listpackItems()));
  });

  it('loads the pre-7.0 stream type (15): entries-added from the length, read counters estimated', () => {
    const original = server.db(0).lookup('s') as StreamValue;
    const enc = new RdbEncoder(false);
    enc.byte(15);
    enc.length(1);
    enc.string(encodeId(original.nodes[0]!.master).toString('latin1'));
    enc.string(original.nodes[0]!.listpack().toString('latin1'));
    for (const n of [5, 5, 0, 1]) enc.length(n); // length 5, last ID 5-0, one group
    enc.string('g');
    for (const n of [2, 0, 1]) enc.length(n); // last delivered 2-0, one pending entry
    enc.bytes(encodeId({ ms: 2n, seq: 0n }));
    enc.int64(T0);
    enc.length(3);
    enc.length(1);
    enc.string('alice');
    enc.int64(T0);
    enc.length(1);
    enc.bytes(encodeId({ ms: 2n, seq: 0n }));
    enc.bytes(Buffer.from([10, 0]));
    const body = enc.take();
    const loaded = decodeDumpPayload(Buffer.concat([body, crc64(body)]), 'old') as StreamValue;
    expect([loaded.length, loaded.entriesAdded, formatId(loaded.firstId), formatId(loaded.maxDeletedId)]).toEqual([5, 5n, '1-0', '0-0']);
    // 2-0 is neither the first nor the last ID: its read counter cannot be known.
    expect(loaded.group('g')!.entriesRead).toBe(-1n);
    expect(loaded.group('g')!.pel.get({ ms: 2n, seq: 0n })!.deliveryCount).toBe(3n);
  });
});
