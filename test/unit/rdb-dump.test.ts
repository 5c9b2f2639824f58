// DUMP and RESTORE: payloads captured from redis-server 7.0.15 (DUMP of each type and encoding)
// restore here with the right values; our payloads restore here; errors and propagation follow 7.0.

import { describe, expect, it } from 'vitest';
import { ErrorReply, OK } from '../../src/shared/resp/reply.js';
import { crc64 } from '../../src/server/persistence/crc64.js';
import { connect, makeServer } from '../helpers/unit-server.js';
import { hex, plain, type Plain } from './rdb-helpers.js';

/** [key, DUMP payload hex from redis-server 7.0.15 (object encoding in the comment), expected value]. */
const CAPTURES: [string, string, Plain][] = [
  ['str', '000568656c6c6f0a006372df766534200a', { string: 'hello' }], // embstr
  ['int8', '00c09c0a00ff77a3b766addee4', { string: '-100' }], // int
  ['int16', '00c130750a0049977f92988c365b', { string: '30000' }],
  ['int32', '00c2006cca880a0035ffaebd7f1d7a67', { string: '-2000000000' }],
  ['bigint', '000b31323334353637383930310a00304e52d727176510', { string: '12345678901' }],
  ['bin', '0008000102fffe800a0d0a00b87e7e156448dad3', { string: '\x00\x01\x02\xff\xfe\x80\x0a\x0d' }],
  ['lzf', '00c31240640a6162636465666768696a61e04e0901696a0a00d485292a1f2eff66', { string: 'abcdefghij'.repeat(10) }],
  ['list', '1201021111000000040081610281620201010201ff0a006d72713e9b43482b', { list: ['a', 'b', '1', '2'] }],
  [
    // list-max-listpack-size 2, list-compress-depth 1: four PACKED nodes, each saved LZF-compressed
    'lcomp',
    '120402c32a406918690000000200af656c656d656e742d6e756d6265722d302d7ae014000030e007300031e016300130ff02c32a406918690000000200af656c656d656e742d6e756d6265722d322d7ae014000030e007300033e016300130ff02c32a406918690000000200af656c656d656e742d6e756d6265722d342d7ae014000030e007300035e016300130ff02c32a406918690000000200af656c656d656e742d6e756d6265722d362d7ae014000030e007300037e016300130ff0a005ece668e7f7da06f',
    { list: Array.from({ length: 8 }, (_, i) => `element-number-${i}-${'z'.repeat(30)}`) },
  ],
  [
    // DEBUG QUICKLIST-PACKED-THRESHOLD 100: the 150-byte element is a PLAIN node between two PACKED ones
    'lplain',
    '1203020e0e000000010085736d616c6c06ff01c3094096015050e08900015050020d0d0000000100847461696c05ff0a0012eed3688e336448',
    { list: ['small', 'P'.repeat(150), 'tail'] },
  ],
  ['is16', '0b100200000004000000fbff0100020003000a00c8e4dfb66f7396f0', { set: ['-5', '1', '2', '3'] }],
  ['is64', '0b180800000002000000010000000000000000e40b54020000000a00d9ebbecf4de6277b', { set: ['1', '10000000000'] }],
  ['sset', '02030163016101620a00d51bc2f0968e69c3', { set: ['a', 'b', 'c'] }], // hashtable
  [
    'hlp',
    '101a1a0000000600816602817602816e020101836e656704dff902ff0a00b0443ce372347e85',
    { hash: [['f', 'v'], ['n', '1'], ['neg', '-7']] },
  ],
  ['hplain', '0402026631027631026632c0160a003e983e46378fdc64', { hash: [['f1', 'v1'], ['f2', '22']] }],
  [
    // listpack zset: integral scores as listpack ints, others as text, including inf / -inf
    'zlp',
    '1131310000000a00846e696e6605842d696e6605816302dffd02816102010181620283322e35048470696e660583696e6604ff0a003392b6b48aa9b55e',
    { zset: [['a', 1], ['b', 2.5], ['c', -3], ['ninf', -Infinity], ['pinf', Infinity]] },
  ],
  [
    'zplain',
    '0503026d33000000000000f07f026d31000000000000f83f026d3200000000000000c00a004c931cee49d72f92',
    { zset: [['m1', 1.5], ['m2', -2], ['m3', Infinity]] },
  ],
];

const bytes = (payload: Buffer): string => payload.toString('latin1');

describe('RESTORE of payloads from redis-server 7.0', () => {
  for (const [key, payloadHex, expected] of CAPTURES) {
    it(`restores ${key}`, () => {
      const server = makeServer();
      const c = connect(server);
      expect(c.run('RESTORE', key, 0, bytes(hex(payloadHex)))).toEqual(OK);
      expect(plain(server.db(0).data.get(key)!)).toEqual(expected);
      // And our own DUMP of it restores to the same value.
      const ours = c.run('DUMP', key) as string;
      expect(c.run('RESTORE', `${key}-copy`, 0, ours)).toEqual(OK);
      expect(plain(server.db(0).data.get(`${key}-copy`)!)).toEqual(expected);
    });
  }

  it('produces the same bytes as Redis for strings', () => {
    const c = connect(makeServer());
    for (const [key, value, payloadHex] of [
      ['s', 'hello', '000568656c6c6f0a006372df766534200a'],
      ['n', '30000', '00c130750a0049977f92988c365b'],
    ]) {
      c.run('SET', key!, value!);
      expect(Buffer.from(c.run('DUMP', key!) as string, 'latin1').toString('hex')).toBe(payloadHex);
    }
  });
});

describe('RESTORE errors (7.0 texts and order)', () => {
  const payload = bytes(hex('000568656c6c6f0a006372df766534200a'));

  const error = (reply: unknown): string => (reply instanceof ErrorReply ? reply.message : `not an error: ${String(reply)}`);

  it('checks options, then BUSYKEY, then the TTL, then the payload', () => {
    const c = connect(makeServer());
    c.run('SET', 'k', 'v');
    expect(error(c.run('RESTORE', 'k', 0, 'x', 'bogus'))).toBe('ERR syntax error');
    expect(error(c.run('RESTORE', 'k', 0, 'x', 'IDLETIME', 5, 'FREQ', 5))).toBe('ERR syntax error');
    expect(error(c.run('RESTORE', 'k', 0, 'x', 'FREQ'))).toBe('ERR syntax error');
    expect(error(c.run('RESTORE', 'k', 0, 'x', 'IDLETIME', -1))).toBe('ERR Invalid IDLETIME value, must be >= 0');
    expect(error(c.run('RESTORE', 'k', 0, 'x', 'FREQ', 256))).toBe('ERR Invalid FREQ value, must be >= 0 and <= 255');
    expect(error(c.run('RESTORE', 'k', 0, 'x', 'IDLETIME', 'abc'))).toBe('ERR value is not an integer or out of range');
    expect(error(c.run('RESTORE', 'k', -1, 'x'))).toBe('BUSYKEY Target key name already exists.');
    expect(error(c.run('RESTORE', 'n', -1, 'x'))).toBe('ERR Invalid TTL value, must be >= 0');
    expect(error(c.run('RESTORE', 'n', 'abc', 'x'))).toBe('ERR value is not an integer or out of range');
    expect(error(c.run('RESTORE', 'n', 0, 'x'))).toBe('ERR DUMP payload version or checksum are wrong');
    expect(c.run('RESTORE', 'n', 0, payload, 'IDLETIME', 5, 'IDLETIME', 6, 'REPLACE', 'ABSTTL')).toEqual(OK);
  });

  it('refuses a wrong CRC, a zero CRC and a newer RDB version', () => {
    const c = connect(makeServer());
    const good = hex('000568656c6c6f0a006372df766534200a');
    const flipped = Buffer.from(good);
    flipped[flipped.length - 1]! ^= 1;
    const zero = Buffer.from(good);
    zero.fill(0, zero.length - 8);
    const v11 = Buffer.from(good);
    v11[v11.length - 10] = 11;
    for (const bad of [flipped, zero, v11]) {
      expect(error(c.run('RESTORE', 'k', 0, bytes(bad)))).toBe('ERR DUMP payload version or checksum are wrong');
    }
  });

  it('answers Bad data format for a well-framed but malformed or unsupported value', () => {
    const c = connect(makeServer());
    // <value bytes> <version 10> <valid CRC>: passes the frame check, fails when decoded.
    const frame = (body: Buffer): string => {
      const withVersion = Buffer.concat([body, hex('0a00')]);
      return bytes(Buffer.concat([withVersion, crc64(withVersion)]));
    };
    expect(error(c.run('RESTORE', 'k', 0, frame(hex('0005616263'))))).toBe('ERR Bad data format'); // truncated string
    expect(error(c.run('RESTORE', 'k', 0, frame(hex('0f00'))))).toBe('ERR Bad data format'); // stream type
    expect(error(c.run('RESTORE', 'k', 0, frame(hex('0200'))))).toBe('ERR Bad data format'); // empty set
  });
});

describe('RESTORE semantics and propagation', () => {
  const payload = bytes(hex('000568656c6c6f0a006372df766534200a'));

  function withStream() {
    const server = makeServer();
    const stream: string[][] = [];
    server.requestPath.observe({ propagate: (_db, commands) => stream.push(...commands) });
    return { server, c: connect(server), stream };
  }

  it('turns a relative TTL into an absolute one with ABSTTL, as 7.0 propagates it', () => {
    const { server, c, stream } = withStream();
    const before = Date.now();
    expect(c.run('RESTORE', 'k', 5000, payload)).toEqual(OK);
    const expire = server.db(0).getExpire('k')!;
    expect(expire).toBeGreaterThanOrEqual(before + 5000);
    expect(stream).toEqual([['RESTORE', 'k', String(expire), payload, 'ABSTTL']]);
  });

  it('propagates an absolute TTL and REPLACE unchanged', () => {
    const { server, c, stream } = withStream();
    const at = Date.now() + 60_000;
    c.run('SET', 'k', 'old');
    stream.length = 0;
    expect(c.run('RESTORE', 'k', at, payload, 'REPLACE', 'ABSTTL')).toEqual(OK);
    expect(server.db(0).data.get('k')).toBe('hello');
    expect(server.db(0).getExpire('k')).toBe(at);
    expect(stream).toEqual([['RESTORE', 'k', String(at), payload, 'REPLACE', 'ABSTTL']]);
  });

  it('does not create a key whose TTL is already past; with REPLACE it deletes the old one (DEL)', () => {
    const { server, c, stream } = withStream();
    expect(c.run('RESTORE', 'gone', 1, payload, 'ABSTTL')).toEqual(OK);
    expect(server.db(0).data.has('gone')).toBe(false);
    expect(stream).toEqual([]);
    c.run('SET', 'old', 'x');
    stream.length = 0;
    expect(c.run('RESTORE', 'old', 1, payload, 'ABSTTL', 'REPLACE')).toEqual(OK);
    expect(server.db(0).data.has('old')).toBe(false);
    expect(stream).toEqual([['DEL', 'old']]);
  });

  it('DUMP of a missing key is a null bulk', () => {
    expect(connect(makeServer()).run('DUMP', 'nope')).toBeNull();
  });
});
