// Stream IDs on the socket-less server: how arguments parse (string2ull's strtoull fallback, `-`/`+`,
// `<ms>-*`, `(` bounds), how XADD generates and checks IDs on a fake clock, the listpack element
// encoding stream nodes use (sizes and bytes as listpack.c writes them), and what XADD propagates.

import { afterEach, describe, expect, it } from 'vitest';
import { useClock, type Clock } from '../../src/server/base/clock.js';
import { ErrorReply } from '../../src/shared/resp/reply.js';
import { parseStreamId, rangeEnd, rangeStart, string2ull } from '../../src/server/commands/streams/ids.js';
import { compareIds, decrId, formatId, incrId, MAX_ID, nextAutoId, UINT64_MAX, ZERO_ID } from '../../src/server/keyspace/stream-id.js';
import { encodeListpack, lpItemSize, lpStringToInt } from '../../src/server/keyspace/stream-listpack.js';
import { decodeListpack } from '../../src/server/persistence/listpack.js';
import { connect, makeServer } from '../helpers/unit-server.js';

const fake: Clock & { ms: number } = { ms: 1_700_000_000_000, now: () => fake.ms, monotonic: () => fake.ms };
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

function withServer() {
  fake.ms = 1_700_000_000_000;
  restore = useClock(fake);
  const server = makeServer();
  const propagated: string[][] = [];
  server.requestPath.observe({ propagate: (_db, commands) => propagated.push(...commands) });
  return { c: connect(server), propagated };
}

function message(reply: unknown): string {
  return reply instanceof ErrorReply ? reply.message : String(reply);
}

describe('ID arguments', () => {
  it('accepts what string2ull accepts: canonical numbers, then strtoull forms', () => {
    expect(string2ull('42')).toBe(42n);
    expect(string2ull('007')).toBe(7n);
    expect(string2ull('+5')).toBe(5n);
    expect(string2ull(' \t9')).toBe(9n);
    expect(string2ull('-01')).toBe(UINT64_MAX);
    expect(string2ull('18446744073709551615')).toBe(UINT64_MAX);
    for (const bad of ['', '-1', '5 ', '0x10', '18446744073709551616', '1.5', '-']) expect(string2ull(bad), bad).toBeNull();
  });

  it('parses <ms>-<seq>, <ms>, - and +, and <ms>-* only where allowed', () => {
    expect(parseStreamId('5-3')).toEqual({ id: { ms: 5n, seq: 3n }, seqGiven: true });
    expect(parseStreamId('5', { missingSeq: UINT64_MAX })!.id).toEqual({ ms: 5n, seq: UINT64_MAX });
    expect(parseStreamId('-')!.id).toEqual(ZERO_ID);
    expect(parseStreamId('+')!.id).toEqual(MAX_ID);
    expect(parseStreamId('-', { strict: true })).toBeNull();
    expect(parseStreamId('5-*')).toBeNull();
    expect(parseStreamId('5-*', { seqWildcard: true })).toEqual({ id: { ms: 5n, seq: 0n }, seqGiven: false });
    expect(parseStreamId('5-3\x00junk')!.id).toEqual({ ms: 5n, seq: 3n });
    expect(parseStreamId('1'.repeat(128))).toBeNull();
    for (const bad of ['5-', '-5', '5-3-2', 'x', '5--3']) expect(parseStreamId(bad), bad).toBeNull();
  });

  it('makes ( bounds exclusive and fails at the ends of the ID space', () => {
    expect(rangeStart('(5-3')).toEqual({ ms: 5n, seq: 4n });
    expect(rangeEnd('(5-0')).toEqual({ ms: 4n, seq: UINT64_MAX });
    expect(rangeEnd('5')).toEqual({ ms: 5n, seq: UINT64_MAX });
    expect(message(rangeStart('(18446744073709551615-18446744073709551615'))).toBe('ERR invalid start ID for the interval');
    expect(message(rangeEnd('(0-0'))).toBe('ERR invalid end ID for the interval');
    expect(message(rangeStart('(-'))).toBe('ERR Invalid stream ID specified as stream command argument');
    expect(rangeStart('(')).toBeInstanceOf(ErrorReply);
  });

  it('orders and steps IDs over the full 128-bit space', () => {
    expect(compareIds({ ms: 1n, seq: UINT64_MAX }, { ms: 2n, seq: 0n })).toBe(-1);
    expect(incrId({ ms: 1n, seq: UINT64_MAX })).toEqual({ ms: 2n, seq: 0n });
    expect(incrId(MAX_ID)).toBeNull();
    expect(decrId({ ms: 2n, seq: 0n })).toEqual({ ms: 1n, seq: UINT64_MAX });
    expect(decrId(ZERO_ID)).toBeNull();
    expect(nextAutoId({ ms: 10n, seq: 4n }, 5)).toEqual({ ms: 10n, seq: 5n });
    expect(nextAutoId({ ms: 10n, seq: 4n }, 11)).toEqual({ ms: 11n, seq: 0n });
  });
});

describe('XADD IDs', () => {
  it('takes the clock for *, and the last ID + 1 when the clock is behind', () => {
    const { c } = withServer();
    expect(c.run('XADD', 's', '*', 'f', 'v')).toBe('1700000000000-0');
    expect(c.run('XADD', 's', '*', 'f', 'v')).toBe('1700000000000-1');
    fake.ms -= 5000;
    expect(c.run('XADD', 's', '*', 'f', 'v')).toBe('1700000000000-2');
    fake.ms += 6000;
    expect(c.run('XADD', 's', '*', 'f', 'v')).toBe('1700000001000-0');
  });

  it('fills in <ms>-* and refuses IDs at or below the top', () => {
    const { c } = withServer();
    expect(c.run('XADD', 's', '5-*', 'f', 'v')).toBe('5-0');
    expect(c.run('XADD', 's', '5-*', 'f', 'v')).toBe('5-1');
    expect(c.run('XADD', 's', '7-*', 'f', 'v')).toBe('7-0');
    expect(message(c.run('XADD', 's', '6-*', 'f', 'v'))).toBe('ERR The ID specified in XADD is equal or smaller than the target stream top item');
    expect(message(c.run('XADD', 's', '7-0', 'f', 'v'))).toBe('ERR The ID specified in XADD is equal or smaller than the target stream top item');
    expect(message(c.run('XADD', 'n', '0-0', 'f', 'v'))).toBe('ERR The ID specified in XADD must be greater than 0-0');
    expect(c.run('XADD', 'n', '0-*', 'f', 'v')).toBe('0-1');
    expect(c.run('XADD', 'm', '18446744073709551615-18446744073709551615', 'f', 'v')).toBe('18446744073709551615-18446744073709551615');
    expect(message(c.run('XADD', 'm', '*', 'f', 'v'))).toBe('ERR The stream has exhausted the last possible ID, unable to add more items');
  });

  it('propagates the generated ID in place of * and <ms>-*', () => {
    const { c, propagated } = withServer();
    expect(c.run('XADD', 's', 'NOMKSTREAM', '*', 'f', 'v')).toBeNull();
    c.run('XADD', 's', '9-*', 'f', 'v');
    c.run('XADD', 's', '9-*', 'f', 'v');
    c.run('XADD', 's', '10-5', 'f', 'v');
    c.run('XADD', 's', '*', 'f', 'v');
    c.run('XADD', 's', '1-1', 'f', 'v');
    expect(propagated).toEqual([
      ['XADD', 's', '9-0', 'f', 'v'],
      ['XADD', 's', '9-1', 'f', 'v'],
      ['XADD', 's', '10-5', 'f', 'v'],
      ['XADD', 's', '1700000000000-0', 'f', 'v'],
    ]);
  });
});

describe('listpack elements of stream nodes', () => {
  it('stores canonical integers as integers and sizes entries as listpack.c', () => {
    expect(lpStringToInt('123')).toBe(123n);
    expect(lpStringToInt('-0')).toBeNull();
    expect(lpStringToInt('0123')).toBeNull();
    expect(lpStringToInt('9223372036854775808')).toBeNull();
    expect(lpItemSize(5)).toBe(2);
    expect(lpItemSize('127')).toBe(2);
    expect(lpItemSize(-1)).toBe(3);
    expect(lpItemSize(40000)).toBe(5);
    expect(lpItemSize(2 ** 40)).toBe(10);
    expect(lpItemSize('abc')).toBe(5);
    expect(lpItemSize('x'.repeat(63))).toBe(65);
    expect(lpItemSize('x'.repeat(64))).toBe(67);
    expect(lpItemSize('x'.repeat(5000))).toBe(5007);
  });

  it('writes listpacks that decode back to the same elements', () => {
    const items = [0, 127, 128, -4096, 4095, 32767, -8388608, 2147483647, -2147483649, 2n ** 62n, 'abc', 'x'.repeat(300), 'y'.repeat(5000), '-17'];
    const blob = encodeListpack(items);
    expect(blob.readUInt32LE(0)).toBe(blob.length);
    expect(blob.readUInt16LE(4)).toBe(items.length);
    expect(decodeListpack(blob)).toEqual(items.map(String));
    // The bytes of "XADD s 1-1 f v" in Redis 7.0: the node's listpack as DUMP shows it.
    expect(encodeListpack([1, 0, 1, 'f', 0, 2, 0, 0, 'v', 4]).toString('hex')).toBe('1d0000000a0001010001010181660200010201000100018176020401ff');
  });
});

describe('formatting', () => {
  it('prints IDs as <ms>-<seq>', () => {
    expect(formatId(MAX_ID)).toBe('18446744073709551615-18446744073709551615');
  });
});
