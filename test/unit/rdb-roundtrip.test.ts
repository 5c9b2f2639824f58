// Whole RDB files: our writer's output loads back identically (every type, expiries, several dbs,
// binary data, large lengths); RDB files saved by redis-server 7.0.15 load; every opcode and old
// encoding a 7.0 loader accepts is understood; corrupt or unsupported files fail clearly.

import { describe, expect, it } from 'vitest';
import { ListValue } from '../../src/server/keyspace/list.js';
import type { StreamValue } from '../../src/server/keyspace/stream.js';
import { formatId, MAX_ID, ZERO_ID } from '../../src/server/keyspace/stream-id.js';
import { crc64 } from '../../src/server/persistence/crc64.js';
import { loadRdbBuffer } from '../../src/server/persistence/load.js';
import { RdbError } from '../../src/server/persistence/rdb-format.js';
import { readRdb, type RdbEntry } from '../../src/server/persistence/rdb-reader.js';
import { RdbEncoder } from '../../src/server/persistence/rdb-writer.js';
import { serializeRdb } from '../../src/server/persistence/snapshot-sync.js';
import { makeServer } from '../helpers/unit-server.js';
import { hex, keyspaceOf, plain, zset } from './rdb-helpers.js';

function fill(server: ReturnType<typeof makeServer>): void {
  const db0 = server.db(0);
  db0.set('str', 'hello');
  db0.set('int', '-12345');
  db0.set('bin\x00\xff', '\x00\x01\xfe\xff\r\n');
  db0.set('long', 'abc'.repeat(1000));
  db0.set('empty-string', '');
  db0.set('list', new ListValue(['a', 'b', '1', '2', 'x'.repeat(300)]));
  db0.set('biglist', new ListValue(Array.from({ length: 70_000 }, (_, i) => `item-${i}`)));
  db0.set('set', new Set(['1', '2', '-3', 'member']));
  db0.set('hash', new Map([['f', 'v'], ['n', '1'], ['long', 'y'.repeat(100)]]));
  db0.set('zset', zset([['a', 1], ['b', 2.5], ['c', -0.125], ['i', Infinity], ['j', -Infinity], ['e', 1e-300]]));
  db0.set('ttl', 'soon');
  db0.setExpire('ttl', Date.now() + 3_600_000);
  db0.set('ttl-list', new ListValue(['q']));
  db0.setExpire('ttl-list', 4102444800000);
  server.db(5).set('other-db', 'five');
  server.db(15).set('last-db', new Set(['z']));
}

/** "REDIS<version>" + body + EOF + CRC-64: an RDB assembled by hand. */
function rdbFile(body: Buffer, version = '0010'): Buffer {
  const upToEof = Buffer.concat([Buffer.from(`REDIS${version}`), body, hex('ff')]);
  return Buffer.concat([upToEof, crc64(upToEof)]);
}

function entriesOf(rdb: Buffer, options: Partial<Parameters<typeof readRdb>[1]> = {}): RdbEntry[] {
  const entries: RdbEntry[] = [];
  readRdb(rdb, { onEntry: (e) => entries.push(e), ...options });
  return entries;
}

const enc = (fn: (e: RdbEncoder) => void): Buffer => {
  const e = new RdbEncoder(false);
  fn(e);
  return e.take();
};

describe('our RDB round-trips', () => {
  it('loads back every type, expiry and db exactly', () => {
    const source = makeServer();
    fill(source);
    const rdb = serializeRdb(source);
    const target = makeServer();
    const result = loadRdbBuffer(target, rdb, { keepExpired: false });
    expect(keyspaceOf(target)).toEqual(keyspaceOf(source));
    expect(result.keysLoaded).toBe(14);
    expect(target.dirty).toBe(0);
  });

  it('writes REDIS0010, the aux fields in 7.0 order, and a valid CRC', () => {
    const server = makeServer();
    server.db(0).set('a', '1');
    const rdb = serializeRdb(server, { replStreamDb: 0, replId: 'f'.repeat(40), replOffset: 883 });
    expect(rdb.subarray(0, 9).toString()).toBe('REDIS0010');
    const summary = readRdb(rdb, { onEntry: () => {} });
    expect([...summary.aux.keys()]).toEqual(['redis-ver', 'redis-bits', 'ctime', 'used-mem', 'repl-stream-db', 'repl-id', 'repl-offset', 'aof-base']);
    expect(summary.aux.get('repl-offset')).toBe('883');
    expect(rdb[rdb.length - 9]).toBe(0xff);
    expect(crc64(rdb, 0, rdb.length - 8)).toEqual(rdb.subarray(rdb.length - 8));
  });

  it('writes 8 zero bytes instead of the CRC with rdbchecksum no, and such files load', () => {
    const server = makeServer({ rdbchecksum: 'no' });
    server.db(0).set('a', '1');
    const rdb = serializeRdb(server);
    expect(rdb.subarray(rdb.length - 8)).toEqual(Buffer.alloc(8));
    const warnings: string[] = [];
    expect(entriesOf(rdb, { warn: (m) => warnings.push(m) }).map((e) => e.key)).toEqual(['a']);
    expect(warnings[0]).toMatch(/checksum disabled/);
  });

  it('drops expired keys when loading as a master and keeps them as a replica', () => {
    const source = makeServer();
    source.db(0).set('old', 'x');
    source.db(0).setExpire('old', Date.now() - 1000);
    source.db(0).set('fresh', 'y');
    const rdb = serializeRdb(source);
    const master = makeServer();
    expect(loadRdbBuffer(master, rdb, { keepExpired: false })).toMatchObject({ keysLoaded: 1, keysExpired: 1 });
    expect([...master.db(0).data.keys()]).toEqual(['fresh']);
    const replica = makeServer();
    loadRdbBuffer(replica, rdb, { keepExpired: true });
    expect(replica.db(0).getExpire('old')).toBeLessThan(Date.now());
  });
});

describe('RDB files saved by redis-server 7.0.15', () => {
  // SET a 1; SET k1 v1 PXAT 4102444800000; SELECT 3; SET x 1; SAVE
  const basic = hex(
    '524544495330303130fa0972656469732d76657206372e302e3135fa0a72656469732d62697473c040fa056374696d65' +
      'c2c6fe016bfa08757365642d6d656dc2189f1300fa08616f662d62617365c000fe00fb0201000161c001fc00d8c32cbb' +
      '03000000026b31027631fe03fb0100000178c001ff0e388e9a5b15f440',
  );

  it('loads keys, expiries, dbs and aux fields', () => {
    const server = makeServer();
    const result = loadRdbBuffer(server, basic, { keepExpired: false });
    expect(result.aux.get('redis-ver')).toBe('7.0.15');
    expect(result.aux.get('redis-bits')).toBe('64');
    expect(keyspaceOf(server)).toEqual({
      0: { a: { value: { string: '1' }, expire: undefined }, k1: { value: { string: 'v1' }, expire: 4102444800000 } },
      3: { x: { value: { string: '1' }, expire: undefined } },
    });
  });

  it('detects a flipped byte through the CRC, naming both checksums', () => {
    const corrupt = Buffer.from(basic);
    corrupt[corrupt.indexOf('v1')] = 0x77; // the value "v1" becomes "w1"
    expect(() => loadRdbBuffer(makeServer(), corrupt, { keepExpired: false })).toThrow(/wrong RDB checksum: stored 40f4155b9a8e380e, computed/);
  });

  it('reports a truncated file', () => {
    expect(() => entriesOf(basic.subarray(0, basic.length - 20))).toThrow(/unexpected end of data/);
  });

  it('refuses a function library by default and can skip it with a warning', () => {
    // FUNCTION LOAD "#!lua name=mylib ..." ; SET a 1 (db 3); SAVE
    const func = hex(
      '524544495330303130fa0972656469732d76657206372e302e3135fa0a72656469732d62697473c040fa056374696d65' +
        'c2c6fe016bfa08757365642d6d656dc2f8601400fa08616f662d62617365c000f5404723216c7561206e616d653d6d79' +
        '6c69620a72656469732e72656769737465725f66756e6374696f6e28276631272c2066756e6374696f6e28292072657475' +
        '726e203120656e6429fe03fb0100000161c001ffe5d8280dcc997cc0',
    );
    expect(() => entriesOf(func)).toThrow(/Redis Functions library 'mylib'/);
    const warnings: string[] = [];
    expect(entriesOf(func, { functions: 'skip', warn: (m) => warnings.push(m) }).map((e) => e.key)).toEqual(['a']);
    expect(warnings.join()).toMatch(/mylib/);
  });

  it('loads a stream saved by redis-server (type 19)', () => {
    // XADD st 1-1 f v; SAVE
    const stream = hex(
      '524544495330303130fa0972656469732d76657206372e302e3135fa0a72656469732d62697473c040fa056374696d65' +
        'c2c6fe016bfa08757365642d6d656dc2b8301500fa08616f662d62617365c000fe03fb0100130273740110000000000000' +
        '000100000000000000011d1d0000000a0001010001010181660200010201000100018176020401ff010101010100000100' +
        'ffab3addaec06ebefe',
    );
    const [entry] = entriesOf(stream);
    expect(entry!.key).toBe('st');
    const value = entry!.value as StreamValue;
    expect([...value.range(ZERO_ID, MAX_ID)].map((e) => [formatId(e.id), e.node.fieldsValues(e.index)])).toEqual([['1-1', ['f', 'v']]]);
  });
});

describe('everything else a 7.0 loader accepts', () => {
  it('reads FD (seconds) expiries, IDLE / FREQ prefixes and RESIZEDB', () => {
    const body = Buffer.concat([
      hex('fe00 fb0302'),
      hex('fd'), Buffer.from([0x80, 0x96, 0x98, 0x00]), enc((e) => { e.byte(0); e.string('secs'); e.string('v'); }),
      hex('f8 05'), enc((e) => { e.byte(0); e.string('idle'); e.string('v'); }),
      hex('f9 07'), enc((e) => { e.byte(0); e.string('freq'); e.string('v'); }),
    ]);
    const entries = entriesOf(rdbFile(body, '0009'));
    expect(entries.map((e) => [e.key, e.expireMs])).toEqual([['secs', 10_000_000_000], ['idle', undefined], ['freq', undefined]]);
  });

  it('reads ZSET (type 3, text scores with inf/nan codes), zipmap and ziplist encodings', () => {
    // ziplist ["a", 1, "b", "2.5"]: 24 bytes, tail entry at 18, 4 entries; each entry is
    // <prevlen> <encoding+data>: 00 01"a" | 03 f2 (immediate 1) | 02 01"b" | 03 03"2.5"
    // The same bytes serve as a list, a hash (a->1, b->2.5) and a zset (a:1, b:2.5).
    const zl4 = hex('18000000 12000000 0400 00 0161 03 f2 02 0162 03 03322e35 ff');
    const zipmap = hex('01 01 6b 01 00 76 ff');
    const body = Buffer.concat([
      hex('fe00'),
      enc((e) => { e.byte(3); e.string('z3'); e.length(3); e.string('a'); e.byte(3); e.bytes(Buffer.from('1.5')); e.string('p'); e.byte(254); e.string('n'); e.byte(255); }),
      enc((e) => { e.byte(9); e.string('zm'); e.length(zipmap.length); e.bytes(zipmap); }),
      enc((e) => { e.byte(10); e.string('lz'); e.length(zl4.length); e.bytes(zl4); }),
      enc((e) => { e.byte(12); e.string('zz'); e.length(zl4.length); e.bytes(zl4); }),
      enc((e) => { e.byte(13); e.string('hz'); e.length(zl4.length); e.bytes(zl4); }),
      enc((e) => { e.byte(14); e.string('ql'); e.length(2); e.length(zl4.length); e.bytes(zl4); e.length(zl4.length); e.bytes(zl4); }),
    ]);
    const loaded = Object.fromEntries(entriesOf(rdbFile(body, '0008')).map((e) => [e.key, plain(e.value)]));
    expect(loaded).toEqual({
      z3: { zset: [['a', 1.5], ['n', -Infinity], ['p', Infinity]] },
      zm: { hash: [['k', 'v']] },
      lz: { list: ['a', '1', 'b', '2.5'] },
      zz: { zset: [['a', 1], ['b', 2.5]] },
      hz: { hash: [['a', '1'], ['b', '2.5']] },
      ql: { list: ['a', '1', 'b', '2.5', 'a', '1', 'b', '2.5'] },
    });
  });

  it('skips empty collections with a warning, as Redis does', () => {
    const body = Buffer.concat([hex('fe00'), enc((e) => { e.byte(2); e.string('empty'); e.length(0); e.byte(0); e.string('k'); e.string('v'); })]);
    const warnings: string[] = [];
    expect(entriesOf(rdbFile(body), { warn: (m) => warnings.push(m) }).map((e) => e.key)).toEqual(['k']);
    expect(warnings.join()).toMatch(/empty key 'empty'/);
  });
});

describe('clear failures', () => {
  const oneKey = (key: string): Buffer => enc((e) => { e.byte(0); e.string(key); e.string('v'); });

  it('names an unsupported RDB version', () => {
    expect(() => entriesOf(rdbFile(Buffer.alloc(0), '0011'))).toThrow(/can't handle RDB format version '0011'/);
    expect(() => entriesOf(Buffer.from('NOTANRDBFILE'))).toThrow(/wrong signature/);
  });

  it('refuses duplicate keys (redis-server panics on them)', () => {
    const rdb = rdbFile(Buffer.concat([hex('fe00'), oneKey('dup'), oneKey('dup')]));
    expect(() => loadRdbBuffer(makeServer(), rdb, { keepExpired: false })).toThrow("duplicate key 'dup' in db 0");
  });

  it('refuses a db beyond `databases`', () => {
    const rdb = rdbFile(Buffer.concat([hex('fe20'), oneKey('k')]));
    expect(() => loadRdbBuffer(makeServer(), rdb, { keepExpired: false })).toThrow(/keys in db 32 but this node has 16 databases/);
  });

  it('refuses module data and module types clearly', () => {
    const moduleAux = rdbFile(hex('f7 81 0000000000000000 02 00'));
    expect(() => entriesOf(moduleAux)).toThrow(/Redis module 'AAAAAAAAA'/);
    expect(() => entriesOf(rdbFile(Buffer.concat([hex('fe00 07'), enc((e) => e.string('m'))])))).toThrow(
      "key 'm' has value type 7 (module): modules are not supported by clusterctl-node",
    );
  });

  it('applies nothing when the payload is bad', () => {
    const server = makeServer();
    const rdb = rdbFile(Buffer.concat([hex('fe00'), oneKey('good'), hex('0f'), enc((e) => e.string('st'))]));
    expect(() => loadRdbBuffer(server, rdb, { keepExpired: false })).toThrow(RdbError);
    expect(server.db(0).size).toBe(0);
  });
});
