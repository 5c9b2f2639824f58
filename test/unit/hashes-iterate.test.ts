// HRANDFIELD and HSCAN: reply shapes per protocol, Redis's count rules and error texts, and the
// SCAN guarantee for large hashes (every field present throughout is returned, despite changes).

import { beforeEach, describe, expect, it } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';

let server: Server;
let c: TestClient;

beforeEach(() => {
  server = makeServer();
  c = connect(server);
  c.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
});

describe('HRANDFIELD', () => {
  it('without a count answers one field, nil on a missing key', () => {
    expect(['a', 'b', 'c']).toContain(c.run('HRANDFIELD', 'h'));
    expect(c.wire('HRANDFIELD', 'missing')).toBe('$-1\r\n');
  });

  it('a positive count gives distinct fields, the whole hash when it exceeds the size', () => {
    const two = c.run('HRANDFIELD', 'h', 2) as string[];
    expect(new Set(two).size).toBe(2);
    for (const field of two) expect(['a', 'b', 'c']).toContain(field);
    expect(c.run('HRANDFIELD', 'h', 10)).toEqual(['a', 'b', 'c']);
    expect(c.run('HRANDFIELD', 'h', 0)).toEqual([]);
    expect(c.run('HRANDFIELD', 'missing', 5)).toEqual([]);
  });

  it('a negative count may repeat and gives exactly |count| fields', () => {
    const many = c.run('HRANDFIELD', 'h', -20) as string[];
    expect(many).toHaveLength(20);
    for (const field of many) expect(['a', 'b', 'c']).toContain(field);
  });

  it('WITHVALUES: flat pairs in RESP2, nested [field, value] pairs in RESP3', () => {
    const flat = c.run('HRANDFIELD', 'h', -4, 'WITHVALUES') as string[];
    expect(flat).toHaveLength(8);
    for (let i = 0; i < 8; i += 2) expect(c.run('HGET', 'h', flat[i]!)).toBe(flat[i + 1]);
    c.run('HELLO', 3);
    const nested = c.run('HRANDFIELD', 'h', 2, 'withvalues') as string[][];
    expect(nested).toHaveLength(2);
    for (const [field, value] of nested) expect(c.run('HGET', 'h', field!)).toBe(value);
    expect(c.wire('HRANDFIELD', 'missing')).toBe('_\r\n');
  });

  it('answers Redis errors for counts out of range and extra arguments', () => {
    expect(c.wire('HRANDFIELD', 'h', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(c.wire('HRANDFIELD', 'h', '-9223372036854775808')).toBe(
      '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n',
    );
    expect(c.wire('HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES')).toBe('-ERR value is out of range\r\n');
    expect(c.wire('HRANDFIELD', 'h', 1, 'foo')).toBe('-ERR syntax error\r\n');
    expect(c.wire('HRANDFIELD', 'missing', 1, 'foo')).toBe('-ERR syntax error\r\n');
  });
});

describe('HSCAN', () => {
  it('answers a small hash whole with cursor 0, filtered by MATCH', () => {
    expect(c.run('HSCAN', 'h', 0)).toEqual(['0', ['a', '1', 'b', '2', 'c', '3']]);
    expect(c.run('HSCAN', 'h', 0, 'MATCH', '[ab]*', 'COUNT', 1)).toEqual(['0', ['a', '1', 'b', '2']]);
    expect(c.run('HSCAN', 'missing', 0)).toEqual(['0', []]);
    c.run('HELLO', 3);
    expect(c.wire('HSCAN', 'missing', 0)).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
  });

  it('parses the cursor as strtoul and the options as Redis', () => {
    expect(c.wire('HSCAN', 'h', 'x')).toBe('-ERR invalid cursor\r\n');
    expect(c.wire('HSCAN', 'h', '18446744073709551616')).toBe('-ERR invalid cursor\r\n');
    expect(c.run('HSCAN', 'h', '-1')).toEqual(['0', ['a', '1', 'b', '2', 'c', '3']]);
    expect(c.wire('HSCAN', 'h', 0, 'COUNT', 0)).toBe('-ERR syntax error\r\n');
    expect(c.wire('HSCAN', 'h', 0, 'COUNT', 'x')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(c.wire('HSCAN', 'h', 0, 'MATCH')).toBe('-ERR syntax error\r\n');
    expect(c.wire('HSCAN', 'h', 0, 'TYPE', 'string')).toBe('-ERR syntax error\r\n');
    expect(c.run('HSCAN', 'missing', 0, 'COUNT', 0)).toEqual(['0', []]);
  });

  it('pages through a large hash and returns every field present throughout, despite changes', () => {
    // Past hash-max-listpack-entries (512, as redis-server 7.0.15): a hash table, scanned page by page.
    const fields = Array.from({ length: 1000 }, (_, i) => `f${i}`);
    c.run('HSET', 'big', ...fields.flatMap((f) => [f, 'v']));
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, flat] = c.run('HSCAN', 'big', cursor, 'COUNT', 20) as [string, string[]];
      for (let i = 0; i < flat.length; i += 2) seen.add(flat[i]!);
      // Churn between calls: delete a field already returned (a position-based cursor would then
      // skip unseen ones) and add a new one.
      c.run('HDEL', 'big', `f${calls}`);
      c.run('HSET', 'big', `new${calls}`, 'v');
      cursor = next;
      calls++;
    } while (cursor !== '0' && calls < 1000);
    expect(cursor).toBe('0');
    expect(calls).toBeGreaterThan(10);
    for (const field of fields.slice(calls)) expect(seen.has(field), field).toBe(true);
  });

  it('a second scan of the same hash proceeds independently', () => {
    c.run('HSET', 'big', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, 'v']).flat());
    const run = () => {
      const seen = new Set<string>();
      let cursor = '0';
      do {
        const [next, flat] = c.run('HSCAN', 'big', cursor, 'COUNT', 50) as [string, string[]];
        for (let i = 0; i < flat.length; i += 2) seen.add(flat[i]!);
        cursor = next;
      } while (cursor !== '0');
      return seen.size;
    };
    expect(run()).toBe(300);
    expect(run()).toBe(300);
  });
});
