// Generic key commands: DEL UNLINK EXISTS TOUCH TYPE RENAME RENAMENX MOVE COPY.

import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorReply, OK, SimpleString } from '../../src/shared/resp/reply.js';
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

describe('DEL / UNLINK / EXISTS / TOUCH / TYPE', () => {
  it('DEL and UNLINK count the keys that existed', () => {
    c.run('MSET', 'a', '1', 'b', '2', 'c', '3');
    expect(c.run('DEL', 'a', 'b', 'missing', 'a')).toBe(2);
    expect(c.run('UNLINK', 'c', 'missing')).toBe(1);
    expect(server.db(0).size).toBe(0);
  });

  it('EXISTS and TOUCH count a repeated key each time', () => {
    c.run('SET', 'a', '1');
    expect(c.run('EXISTS', 'a', 'a', 'missing')).toBe(2);
    expect(c.run('TOUCH', 'a', 'missing')).toBe(1);
  });

  it('TYPE names every type, none for a missing key', () => {
    c.run('SET', 's', 'v');
    c.run('RPUSH', 'l', 'v');
    expect(c.run('TYPE', 's')).toEqual(new SimpleString('string'));
    expect(c.run('TYPE', 'l')).toEqual(new SimpleString('list'));
    expect(c.run('TYPE', 'missing')).toEqual(new SimpleString('none'));
    expect(c.wire('TYPE', 'missing')).toBe('+none\r\n');
  });

  it('EXISTS and TYPE count keyspace hits and misses; DEL does not', () => {
    c.run('SET', 'a', '1');
    const { keyspaceHits: hits, keyspaceMisses: misses } = server.stats;
    c.run('EXISTS', 'a', 'nope');
    c.run('TYPE', 'a');
    c.run('DEL', 'nope');
    expect(server.stats.keyspaceHits - hits).toBe(2);
    expect(server.stats.keyspaceMisses - misses).toBe(1);
  });
});

describe('RENAME / RENAMENX', () => {
  it('moves the value and its TTL, replacing the destination and its TTL', () => {
    c.run('SET', 'a', '1', 'EX', 100);
    c.run('SET', 'b', '2');
    expect(c.run('RENAME', 'a', 'b')).toBe(OK);
    expect(c.run('GET', 'b')).toBe('1');
    expect(c.run('TTL', 'b')).toBe(100);
    expect(c.run('EXISTS', 'a')).toBe(0);
    c.run('SET', 'c', '3');
    c.run('SET', 'd', '4', 'EX', 50);
    c.run('RENAME', 'c', 'd');
    expect(c.run('TTL', 'd')).toBe(-1);
  });

  it('RENAMENX refuses an existing destination', () => {
    c.run('MSET', 'a', '1', 'b', '2');
    expect(c.run('RENAMENX', 'a', 'b')).toBe(0);
    expect(c.run('RENAMENX', 'a', 'c')).toBe(1);
    expect(c.run('MGET', 'a', 'b', 'c')).toEqual([null, '2', '1']);
  });

  it('a missing source is an error; renaming onto itself is a no-op', () => {
    expect(errorOf(c.run('RENAME', 'missing', 'x'))).toBe('ERR no such key');
    expect(errorOf(c.run('RENAMENX', 'missing', 'x'))).toBe('ERR no such key');
    c.run('SET', 'a', '1');
    expect(c.run('RENAME', 'a', 'a')).toBe(OK);
    expect(c.run('RENAMENX', 'a', 'a')).toBe(0);
    expect(c.run('GET', 'a')).toBe('1');
  });

  it('renames any type', () => {
    c.run('RPUSH', 'l', 'x', 'y');
    c.run('RENAME', 'l', 'm');
    expect(c.run('LRANGE', 'm', 0, -1)).toEqual(['x', 'y']);
  });
});

describe('MOVE', () => {
  it('moves a key with its TTL to another db', () => {
    c.run('SET', 'k', 'v', 'EX', 100);
    expect(c.run('MOVE', 'k', 1)).toBe(1);
    expect(c.run('EXISTS', 'k')).toBe(0);
    c.run('SELECT', 1);
    expect(c.run('GET', 'k')).toBe('v');
    expect(c.run('TTL', 'k')).toBe(100);
  });

  it('answers 0 for a missing key or one already in the target db', () => {
    expect(c.run('MOVE', 'missing', 1)).toBe(0);
    c.run('SET', 'k', 'here');
    server.db(1).set('k', 'there');
    expect(c.run('MOVE', 'k', 1)).toBe(0);
    expect(c.run('GET', 'k')).toBe('here');
  });

  it('validates the db index', () => {
    c.run('SET', 'k', 'v');
    expect(errorOf(c.run('MOVE', 'k', 0))).toBe('ERR source and destination objects are the same');
    expect(errorOf(c.run('MOVE', 'k', 16))).toBe('ERR DB index is out of range');
    expect(errorOf(c.run('MOVE', 'k', -1))).toBe('ERR DB index is out of range');
    expect(errorOf(c.run('MOVE', 'k', 'x'))).toBe('ERR value is not an integer or out of range');
    expect(errorOf(c.run('MOVE', 'k', '4294967296'))).toBe('ERR value is not an integer or out of range');
  });
});

describe('COPY', () => {
  it('copies deeply, with the TTL, optionally to another db', () => {
    c.run('RPUSH', 'l', 'a');
    c.run('EXPIRE', 'l', 100);
    expect(c.run('COPY', 'l', 'm')).toBe(1);
    c.run('RPUSH', 'm', 'b');
    expect(c.run('LRANGE', 'l', 0, -1)).toEqual(['a']);
    expect(c.run('TTL', 'm')).toBe(100);
    expect(c.run('COPY', 'l', 'l', 'DB', 2)).toBe(1);
    expect(server.db(2).data.has('l')).toBe(true);
  });

  it('refuses an existing destination unless REPLACE', () => {
    c.run('MSET', 'a', '1', 'b', '2');
    expect(c.run('COPY', 'a', 'b')).toBe(0);
    expect(c.run('COPY', 'a', 'b', 'REPLACE')).toBe(1);
    expect(c.run('GET', 'b')).toBe('1');
    expect(c.run('COPY', 'missing', 'b')).toBe(0);
  });

  it('validates its options', () => {
    c.run('SET', 'a', '1');
    expect(errorOf(c.run('COPY', 'a', 'a'))).toBe('ERR source and destination objects are the same');
    expect(errorOf(c.run('COPY', 'a', 'b', 'DB', 16))).toBe('ERR DB index is out of range');
    expect(errorOf(c.run('COPY', 'a', 'b', 'DB', 'x'))).toBe('ERR value is not an integer or out of range');
    expect(errorOf(c.run('COPY', 'a', 'b', 'DB'))).toBe('ERR syntax error');
    expect(errorOf(c.run('COPY', 'a', 'b', 'FOO'))).toBe('ERR syntax error');
  });
});
