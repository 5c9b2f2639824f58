// OBJECT ENCODING / REFCOUNT / IDLETIME / FREQ / HELP, answers checked against redis-server 7.0.15.

import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorReply, SimpleString } from '../../src/shared/resp/reply.js';
import { encodingOf } from '../../src/server/keyspace/encoding.js';
import { SortedSet } from '../../src/server/keyspace/sorted-set.js';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';

function errorOf(reply: unknown): string {
  expect(reply).toBeInstanceOf(ErrorReply);
  return (reply as ErrorReply).message;
}

let server: Server;
let c: TestClient;
beforeEach(() => {
  server = makeServer();
  c = connect(server);
});

describe('OBJECT ENCODING', () => {
  it.each([
    ['12345', 'int'],
    ['-9223372036854775808', 'int'],
    ['9223372036854775808', 'embstr'],
    ['007', 'embstr'],
    ['x'.repeat(44), 'embstr'],
    ['x'.repeat(45), 'raw'],
  ])('string %j is %s', (value, encoding) => {
    c.run('SET', 'k', value);
    expect(c.run('OBJECT', 'ENCODING', 'k')).toBe(encoding);
  });

  it('lists are quicklists in 7.0, whatever their size', () => {
    c.run('RPUSH', 'l', 'a');
    expect(c.run('OBJECT', 'encoding', 'l')).toBe('quicklist');
  });

  it('hashes, sets and sorted sets follow the config thresholds', () => {
    const config = server.config;
    const hash = new Map([['f', 'v']]);
    expect(encodingOf(hash, config)).toBe('listpack');
    hash.set('long', 'x'.repeat(65));
    expect(encodingOf(hash, config)).toBe('hashtable');
    config.set('hash-max-listpack-value', ['100'], 'runtime');
    expect(encodingOf(hash, config)).toBe('listpack');
    config.set('hash-max-listpack-entries', ['1'], 'runtime');
    expect(encodingOf(hash, config)).toBe('hashtable');

    expect(encodingOf(new Set(['1', '2', '-3']), config)).toBe('intset');
    expect(encodingOf(new Set(['1', 'a']), config)).toBe('hashtable');
    config.set('set-max-intset-entries', ['2'], 'runtime');
    expect(encodingOf(new Set(['1', '2', '3']), config)).toBe('hashtable');

    const zset = new SortedSet();
    zset.scores.set('m', 1);
    expect(encodingOf(zset, config)).toBe('listpack');
    zset.scores.set('y'.repeat(65), 2);
    expect(encodingOf(zset, config)).toBe('skiplist');
  });

  it('answers nil for a missing key and checks arity per subcommand', () => {
    expect(c.run('OBJECT', 'ENCODING', 'missing')).toBeNull();
    expect(errorOf(c.run('OBJECT', 'ENCODING'))).toBe("ERR wrong number of arguments for 'object|encoding' command");
    expect(errorOf(c.run('OBJECT'))).toBe("ERR wrong number of arguments for 'object' command");
    expect(errorOf(c.run('OBJECT', 'foo'))).toBe("ERR unknown subcommand 'foo'. Try OBJECT HELP.");
  });
});

describe('OBJECT REFCOUNT / IDLETIME / FREQ / HELP', () => {
  it('shared integers 0..9999 report INT_MAX references, others 1', () => {
    c.run('MSET', 'small', '100', 'big', '10000', 'text', 'abc');
    expect(c.run('OBJECT', 'REFCOUNT', 'small')).toBe(2147483647);
    expect(c.run('OBJECT', 'REFCOUNT', 'big')).toBe(1);
    expect(c.run('OBJECT', 'REFCOUNT', 'text')).toBe(1);
  });

  it('IDLETIME and FREQ depend on the maxmemory policy', () => {
    c.run('SET', 'k', 'v');
    expect(c.run('OBJECT', 'IDLETIME', 'k')).toBe(0);
    expect(errorOf(c.run('OBJECT', 'FREQ', 'k'))).toMatch(/^ERR An LFU maxmemory policy is not selected, access frequency not tracked\./);
    c.run('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    // A key made under LFU starts at LFU_INIT_VAL (5); one made before keeps its LRU stamp, read as LFU.
    c.run('SET', 'n', 'v');
    expect(c.run('OBJECT', 'FREQ', 'n')).toBe(5);
    expect(errorOf(c.run('OBJECT', 'IDLETIME', 'k'))).toMatch(/^ERR An LFU maxmemory policy is selected, idle time not tracked\./);
  });

  it('HELP lists the subcommands as status lines', () => {
    const help = c.run('OBJECT', 'HELP') as SimpleString[];
    expect(help[0]).toEqual(new SimpleString('OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:'));
    expect(help.map((line) => line.value)).toContain('REFCOUNT <key>');
    expect(help).toHaveLength(15);
  });
});
