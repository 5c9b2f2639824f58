// Bitmap and HyperLogLog commands on a socket-less server: replies, errors, and what replicas receive
// (checked against a redis-server 7.0.15 replica's MONITOR: SETBIT/BITFIELD only when something
// changed, BITFIELD whose every write failed not at all, PFADD only when a register grew, PFMERGE
// always, PFCOUNT of one key when it refreshed the cached cardinality, PFDEBUG TODENSE on conversion).

import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorReply } from '../../src/shared/resp/reply.js';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import { propagationOf } from '../helpers/propagation.js';

let c: TestClient;
let sent: (...args: (string | number)[]) => string[][];

const error = (reply: unknown): string | undefined => (reply instanceof ErrorReply ? reply.message : undefined);

beforeEach(() => {
  const server = makeServer();
  c = connect(server);
  sent = propagationOf(server, c);
});

describe('bitmaps', () => {
  it('SETBIT grows with zero bytes, answers the old bit, GETBIT reads past the end as 0', () => {
    expect(c.run('SETBIT', 'b', 7, 1)).toBe(0);
    expect(c.run('GET', 'b')).toBe('\x01');
    expect(c.run('SETBIT', 'b', 17, 1)).toBe(0);
    expect(c.run('GET', 'b')).toBe('\x01\x00\x40');
    expect(c.run('SETBIT', 'b', 7, 0)).toBe(1);
    expect(c.run('GETBIT', 'b', 17)).toBe(1);
    expect(c.run('GETBIT', 'b', 100000)).toBe(0);
    expect(c.run('GETBIT', 'none', 0)).toBe(0);
  });

  it('SETBIT errors: offset, bit value, proto-max-bulk-len, wrong type', () => {
    expect(error(c.run('SETBIT', 'b', -1, 1))).toBe('ERR bit offset is not an integer or out of range');
    expect(error(c.run('SETBIT', 'b', 'x', 1))).toBe('ERR bit offset is not an integer or out of range');
    expect(error(c.run('SETBIT', 'b', 4294967296, 1))).toBe('ERR bit offset is not an integer or out of range');
    expect(error(c.run('SETBIT', 'b', 0, 2))).toBe('ERR bit is not an integer or out of range');
    expect(error(c.run('SETBIT', 'b', 0, -1))).toBe('ERR bit is not an integer or out of range');
    c.run('CONFIG', 'SET', 'proto-max-bulk-len', '1mb');
    expect(error(c.run('SETBIT', 'b', 8 * 1024 * 1024, 1))).toBe('ERR bit offset is not an integer or out of range');
    c.run('RPUSH', 'l', 'x');
    expect(error(c.run('SETBIT', 'l', 0, 1))).toMatch(/^WRONGTYPE/);
    expect(error(c.run('GETBIT', 'l', 0))).toMatch(/^WRONGTYPE/);
  });

  it('SETBIT propagates only a change', () => {
    expect(sent('SETBIT', 'b', 3, 0)).toEqual([['SETBIT', 'b', '3', '0']]); // created
    expect(sent('SETBIT', 'b', 3, 0)).toEqual([]);
    expect(sent('SETBIT', 'b', 3, 1)).toEqual([['SETBIT', 'b', '3', '1']]);
    expect(sent('SETBIT', 'b', 3, 1)).toEqual([]);
    expect(sent('SETBIT', 'b', 20, 0)).toEqual([['SETBIT', 'b', '20', '0']]); // grew
  });

  it('BITCOUNT and BITPOS with BYTE and BIT ranges', () => {
    c.run('SET', 'k', '\xff\xf0\x00\x0f');
    expect(c.run('BITCOUNT', 'k')).toBe(16);
    expect(c.run('BITCOUNT', 'k', 1, -1)).toBe(8);
    expect(c.run('BITCOUNT', 'k', 5, 30, 'BIT')).toBe(10);
    expect(c.run('BITCOUNT', 'k', -1, -5, 'FOO')).toBe(0);
    expect(error(c.run('BITCOUNT', 'k', 0))).toBe('ERR syntax error');
    expect(c.run('BITCOUNT', 'nokey', 0)).toBe(0);
    expect(c.run('BITPOS', 'k', 0)).toBe(12);
    expect(c.run('BITPOS', 'k', 1, 2)).toBe(28);
    expect(c.run('BITPOS', 'k', 0, 3, -1, 'BIT')).toBe(12);
    expect(c.run('BITPOS', 'k', 0, 0, 7, 'BIT')).toBe(-1);
    expect(c.run('BITPOS', 'k', 1, 9, 11, 'BIT')).toBe(9);
    c.run('SET', 'ones', '\xff\xff');
    expect(c.run('BITPOS', 'ones', 0)).toBe(16);
    expect(c.run('BITPOS', 'ones', 0, 0, -1)).toBe(-1);
    expect(c.run('BITPOS', 'nokey', 0)).toBe(0);
    expect(c.run('BITPOS', 'nokey', 1)).toBe(-1);
    expect(error(c.run('BITPOS', 'k', 2))).toBe('ERR The bit argument must be 1 or 0.');
  });

  it('BITOP pads with zeros, NOT takes one key, an empty result deletes the destination', () => {
    c.run('SET', 'a', '\x0f\xff');
    c.run('SET', 'b', '\xf0');
    expect(c.run('BITOP', 'OR', 'd', 'a', 'b')).toBe(2);
    expect(c.run('GET', 'd')).toBe('\xff\xff');
    expect(c.run('BITOP', 'and', 'd', 'a', 'b', 'missing')).toBe(2);
    expect(c.run('GET', 'd')).toBe('\x00\x00');
    expect(c.run('BITOP', 'XOR', 'd', 'a', 'b')).toBe(2);
    expect(c.run('GET', 'd')).toBe('\xff\xff');
    expect(c.run('BITOP', 'NOT', 'd', 'b')).toBe(1);
    expect(c.run('GET', 'd')).toBe('\x0f');
    expect(error(c.run('BITOP', 'NOT', 'd', 'a', 'b'))).toBe('ERR BITOP NOT must be called with a single source key.');
    expect(error(c.run('BITOP', 'NAND', 'd', 'a'))).toBe('ERR syntax error');
    expect(sent('BITOP', 'AND', 'd', 'x', 'y')).toEqual([['BITOP', 'AND', 'd', 'x', 'y']]);
    expect(c.run('EXISTS', 'd')).toBe(0);
    expect(sent('BITOP', 'AND', 'd', 'x', 'y')).toEqual([]);
  });

  it('BITFIELD: types, # offsets, overflow modes, replies', () => {
    expect(c.run('BITFIELD', 'f', 'SET', 'i8', 0, -100, 'GET', 'i8', 0, 'GET', 'u8', 0)).toEqual([0, -100, 156]);
    expect(c.run('BITFIELD', 'f', 'INCRBY', 'i8', 0, -100)).toEqual([56]); // wraps
    expect(c.run('BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', 0, -100, 'INCRBY', 'u4', '#3', 100)).toEqual([-44, 15]);
    expect(c.run('BITFIELD', 'f2', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', 0, -100, 'INCRBY', 'i8', 0, -100)).toEqual([-100, -128]);
    expect(c.run('BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u4', '#3', 1, 'SET', 'u2', 100, 7)).toEqual([null, null]);
    expect(c.run('BITFIELD', 'f', 'OVERFLOW', 'SAT', 'SET', 'u8', 8, -1, 'GET', 'u8', 8)).toEqual([15, 255]);
    expect(c.run('BITFIELD', 'f', 'SET', 'i64', 0, '-9223372036854775808', 'GET', 'u63', 0)).toEqual([
      -3098758018607611904n,
      4611686018427387904n,
    ]);
    
    expect(error(c.run('BITFIELD', 'f', 'GET', 'u64', 0))).toBe(
      'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
    );
    expect(error(c.run('BITFIELD', 'f', 'OVERFLOW', 'NONE'))).toBe('ERR Invalid OVERFLOW type specified');
    expect(error(c.run('BITFIELD', 'f', 'GET', 'i8'))).toBe('ERR syntax error');
    expect(error(c.run('BITFIELD', 'f', 'SET', 'i8', '#-1', 1))).toBe('ERR bit offset is not an integer or out of range');
    expect(error(c.run('BITFIELD', 'f', 'SET', 'i8', 0, 'x'))).toBe('ERR value is not an integer or out of range');
    expect(error(c.run('BITFIELD_RO', 'f', 'GET', 'i8', 0, 'SET', 'i8', 0, 1))).toBe('ERR BITFIELD_RO only supports the GET subcommand');
    expect(c.run('BITFIELD_RO', 'f', 'GET', 'u4', 0)).toEqual([8]);
    expect(c.run('BITFIELD', 'none')).toEqual([]);
  });

  it('BITFIELD propagates when a field changed or the string grew, not when every write failed', () => {
    expect(sent('BITFIELD', 'f', 'GET', 'u8', 0)).toEqual([]);
    expect(sent('BITFIELD', 'f', 'SET', 'u8', 0, 0)).toEqual([['BITFIELD', 'f', 'SET', 'u8', '0', '0']]); // created
    expect(sent('BITFIELD', 'f', 'SET', 'u8', 0, 0)).toEqual([]);
    expect(sent('BITFIELD', 'f', 'INCRBY', 'u8', 0, 1, 'GET', 'u8', 0)).toEqual([['BITFIELD', 'f', 'INCRBY', 'u8', '0', '1', 'GET', 'u8', '0']]);
    expect(sent('BITFIELD', 'g', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 0, 5)).toEqual([]);
    expect(c.run('EXISTS', 'g')).toBe(1); // created all the same, as redis-server does
  });
});

describe('HyperLogLog', () => {
  it('PFADD creates a sparse value, PFCOUNT caches, PFMERGE unions', () => {
    expect(c.run('PFADD', 'h', 'a', 'b', 'c')).toBe(1);
    expect(c.run('PFADD', 'h', 'a')).toBe(0);
    expect(c.run('PFADD', 'empty')).toBe(1);
    expect(c.run('PFADD', 'empty')).toBe(0);
    expect(c.run('PFCOUNT', 'h')).toBe(3);
    expect(c.run('PFCOUNT', 'empty', 'none')).toBe(0);
    expect(c.run('PFADD', 'g', 'c', 'd')).toBe(1);
    expect(c.run('PFCOUNT', 'h', 'g')).toBe(4);
    expect(c.run('PFMERGE', 'm', 'h', 'g')).toEqual(expect.objectContaining({ value: 'OK' }));
    expect(c.run('PFCOUNT', 'm')).toBe(4);
    expect(c.run('PFDEBUG', 'ENCODING', 'm')).toEqual(expect.objectContaining({ value: 'sparse' }));
  });

  it('errors: not an HLL, corrupt, PFDEBUG subcommands', () => {
    c.run('SET', 's', 'hello');
    expect(error(c.run('PFADD', 's', 'a'))).toBe('WRONGTYPE Key is not a valid HyperLogLog string value.');
    expect(error(c.run('PFCOUNT', 's'))).toBe('WRONGTYPE Key is not a valid HyperLogLog string value.');
    c.run('RPUSH', 'l', 'x');
    expect(error(c.run('PFMERGE', 'l', 'h'))).toMatch(/^WRONGTYPE Operation against/);
    c.run('SET', 'bad', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x40\xff');
    expect(error(c.run('PFCOUNT', 'bad'))).toBe('INVALIDOBJ Corrupted HLL object detected');
    expect(error(c.run('PFDEBUG', 'GETREG', 'bad'))).toBe('INVALIDOBJ Corrupted HLL object detected');
    expect(error(c.run('PFDEBUG', 'GETREG', 'none'))).toBe('ERR The specified key does not exist');
    c.run('PFADD', 'h', 'a');
    expect(error(c.run('PFDEBUG', 'FOO', 'h'))).toBe("ERR Unknown PFDEBUG subcommand 'FOO'");
    expect(c.run('PFDEBUG', 'DECODE', 'h')).toBe('Z:12711 v:2,1 Z:3672');
    expect(c.run('PFDEBUG', 'TODENSE', 'h')).toBe(1);
    expect(c.run('PFDEBUG', 'TODENSE', 'h')).toBe(0);
    expect(error(c.run('PFDEBUG', 'DECODE', 'h'))).toBe('ERR HLL encoding is not sparse');
    expect((c.run('PFDEBUG', 'GETREG', 'h') as number[])[12711]).toBe(2);
  });

  it('propagation: PFADD when changed, PFCOUNT when it refreshed the cache, PFMERGE always', () => {
    expect(sent('PFADD', 'h', 'a')).toEqual([['PFADD', 'h', 'a']]);
    expect(sent('PFADD', 'h', 'a')).toEqual([]);
    expect(sent('PFCOUNT', 'h')).toEqual([['PFCOUNT', 'h']]);
    expect(sent('PFCOUNT', 'h')).toEqual([]);
    expect(sent('PFCOUNT', 'h', 'h')).toEqual([]);
    expect(sent('PFMERGE', 'h')).toEqual([['PFMERGE', 'h']]);
    expect(sent('PFDEBUG', 'TODENSE', 'h')).toEqual([['PFDEBUG', 'TODENSE', 'h']]);
    expect(sent('PFDEBUG', 'TODENSE', 'h')).toEqual([]);
  });

  it('hll-sparse-max-bytes is a memory directive that moves the switch to dense', () => {
    c.run('CONFIG', 'SET', 'hll-sparse-max-bytes', '0');
    c.run('PFADD', 'h', 'a');
    expect(c.run('PFDEBUG', 'ENCODING', 'h')).toEqual(expect.objectContaining({ value: 'dense' }));
    expect(c.run('CONFIG', 'SET', 'hll-sparse-max-bytes', '3kb')).toEqual(expect.objectContaining({ value: 'OK' }));
    expect(c.run('CONFIG', 'GET', 'hll-sparse-max-bytes')).toEqual(expect.objectContaining({ flat: ['hll-sparse-max-bytes', '3072'] }));
  });
});
