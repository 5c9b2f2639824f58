// Set commands on the socket-less server: replies and their RESP3 types, Redis's error texts, empty
// sets deleted, set algebra, SPOP/SRANDMEMBER counts, SSCAN paging, and what each write propagates
// (SPOP -> SREM / DEL, no-ops nothing), as seen on a redis-server 7.0.15 replica stream.

import { beforeEach, describe, expect, it } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';
import { SetReply } from '../../src/shared/resp/reply.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

let server: Server;
let c: TestClient;
let stream: string[][];

function sent(...args: (string | number)[]): string[][] {
  stream.length = 0;
  c.run(...args);
  return [...stream];
}

function members(...args: (string | number)[]): string[] {
  const reply = c.run(...args);
  const items = reply instanceof SetReply ? reply.items : (reply as string[]);
  return [...(items as string[])].sort();
}

beforeEach(() => {
  server = makeServer();
  c = connect(server);
  stream = [];
  server.requestPath.observe({ propagate: (_db, commands) => stream.push(...commands) });
  c.run('SET', 'str', 'v');
});

describe('basic set commands', () => {
  it('SADD/SREM count only real changes and an emptied set disappears', () => {
    expect(c.run('SADD', 's', 'a', 'b', 'a')).toBe(2);
    expect(c.run('SADD', 's', 'b', 'c')).toBe(1);
    expect(c.run('SREM', 's', 'x', 'a', 'a')).toBe(1);
    expect(c.run('SCARD', 's')).toBe(2);
    expect(c.run('SREM', 's', 'b', 'c')).toBe(2);
    expect(server.db(0).has('s')).toBe(false);
    expect(c.run('SREM', 'missing', 'a')).toBe(0);
    expect(c.run('SCARD', 'missing')).toBe(0);
  });

  it('SMEMBERS is a set reply (~ in RESP3); an intset-like set lists by value, as Redis', () => {
    c.run('SADD', 'i', '10', '-5', '3', '1');
    expect(c.wire('SMEMBERS', 'i')).toBe('*4\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n3\r\n$2\r\n10\r\n');
    c.run('HELLO', 3);
    expect(c.wire('SMEMBERS', 'missing')).toBe('~0\r\n');
    c.run('SADD', 'w', 'b');
    expect(c.wire('SMEMBERS', 'w')).toBe('~1\r\n$1\r\nb\r\n');
  });

  it('SISMEMBER and SMISMEMBER answer integers, missing keys as empty sets', () => {
    c.run('SADD', 's', 'a');
    expect(c.wire('SISMEMBER', 's', 'a')).toBe(':1\r\n');
    expect(c.run('SISMEMBER', 'missing', 'a')).toBe(0);
    expect(c.run('SMISMEMBER', 's', 'x', 'a')).toEqual([0, 1]);
    expect(c.run('SMISMEMBER', 'missing', 'a')).toEqual([0]);
  });

  it('refuses other types with WRONGTYPE and wrong arity with Redis wording', () => {
    for (const cmd of [['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SMEMBERS', 'str'], ['SCARD', 'str'], ['SISMEMBER', 'str', 'a'], ['SPOP', 'str'], ['SRANDMEMBER', 'str', 1], ['SSCAN', 'str', 0]]) {
      expect(c.wire(...cmd), cmd.join(' ')).toBe(WRONGTYPE);
    }
    expect(c.wire('SADD', 's')).toBe("-ERR wrong number of arguments for 'sadd' command\r\n");
  });

  it('no-op writes propagate nothing; real ones propagate as typed', () => {
    expect(sent('SADD', 's', 'a', 'b')).toEqual([['SADD', 's', 'a', 'b']]);
    expect(sent('SADD', 's', 'a')).toEqual([]);
    expect(sent('SREM', 's', 'zz')).toEqual([]);
    expect(sent('SREM', 'missing', 'zz')).toEqual([]);
    expect(sent('srem', 's', 'a', 'zz')).toEqual([['srem', 's', 'a', 'zz']]);
  });
});

describe('SMOVE', () => {
  beforeEach(() => {
    c.run('SADD', 'src', 'a', 'b');
  });

  it('moves a member, creating the destination and deleting an emptied source', () => {
    expect(c.run('SMOVE', 'src', 'dst', 'a')).toBe(1);
    expect(c.run('SMOVE', 'src', 'dst', 'zz')).toBe(0);
    expect(c.run('SMOVE', 'src', 'dst', 'b')).toBe(1);
    expect(server.db(0).has('src')).toBe(false);
    expect(members('SMEMBERS', 'dst')).toEqual(['a', 'b']);
  });

  it('checks like Redis: a missing source answers 0 even if the destination is of another type', () => {
    expect(c.run('SMOVE', 'missing', 'str', 'a')).toBe(0);
    expect(c.wire('SMOVE', 'src', 'str', 'a')).toBe(WRONGTYPE);
    expect(c.wire('SMOVE', 'str', 'src', 'a')).toBe(WRONGTYPE);
  });

  it('onto itself changes and propagates nothing', () => {
    expect(sent('SMOVE', 'src', 'src', 'a')).toEqual([]);
    expect(c.run('SMOVE', 'src', 'src', 'a')).toBe(1);
    expect(c.run('SMOVE', 'src', 'src', 'zz')).toBe(0);
    expect(sent('SMOVE', 'src', 'other', 'a')).toEqual([['SMOVE', 'src', 'other', 'a']]);
  });
});

describe('SPOP and SRANDMEMBER', () => {
  beforeEach(() => {
    c.run('SADD', 's', 'a', 'b', 'c', 'd', 'e');
  });

  it('SPOP without count propagates SREM of the popped member', () => {
    const before = members('SMEMBERS', 's');
    stream.length = 0;
    const popped = c.run('SPOP', 's') as string;
    expect(before).toContain(popped);
    expect(stream).toEqual([['SREM', 's', popped]]);
    expect(c.run('SISMEMBER', 's', popped)).toBe(0);
  });

  it('SPOP with count answers a set, propagates one SREM each, and DEL when it takes everything', () => {
    stream.length = 0;
    const reply = c.run('SPOP', 's', 2) as SetReply;
    expect(reply).toBeInstanceOf(SetReply);
    expect(new Set(reply.items).size).toBe(2);
    expect(stream).toEqual(reply.items.map((m) => ['SREM', 's', m]));
    expect(c.run('SCARD', 's')).toBe(3);
    stream.length = 0;
    expect((c.run('SPOP', 's', 3) as SetReply).items).toHaveLength(3);
    expect(stream).toEqual([['DEL', 's']]);
    expect(server.db(0).has('s')).toBe(false);
  });

  it('SPOP edge cases: missing key, count 0, bad counts', () => {
    expect(c.run('SPOP', 'missing')).toBeNull();
    c.run('HELLO', 3);
    expect(c.wire('SPOP', 'missing', 2)).toBe('~0\r\n');
    expect(sent('SPOP', 's', 0)).toEqual([]);
    expect(c.wire('SPOP', 's', -1)).toBe('-ERR value is out of range, must be positive\r\n');
    expect(c.wire('SPOP', 's', 'x')).toBe('-ERR value is out of range, must be positive\r\n');
    expect(c.wire('SPOP', 's', 1, 2)).toBe('-ERR syntax error\r\n');
  });

  it('SRANDMEMBER: distinct for positive counts, repeats for negative ones, nothing removed', () => {
    const all = ['a', 'b', 'c', 'd', 'e'];
    const three = c.run('SRANDMEMBER', 's', 3) as string[];
    expect(new Set(three).size).toBe(3);
    expect(members('SRANDMEMBER', 's', 10)).toEqual(all);
    const many = c.run('SRANDMEMBER', 's', -20) as string[];
    expect(many).toHaveLength(20);
    for (const m of many) expect(all).toContain(m);
    expect(all).toContain(c.run('SRANDMEMBER', 's'));
    expect(c.run('SCARD', 's')).toBe(5);
    expect(c.run('SRANDMEMBER', 'missing')).toBeNull();
    expect(c.run('SRANDMEMBER', 'missing', 3)).toEqual([]);
    expect(c.run('SRANDMEMBER', 's', 0)).toEqual([]);
    expect(c.wire('SRANDMEMBER', 's', '-9223372036854775808')).toBe(
      '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n',
    );
    expect(c.wire('SRANDMEMBER', 's', 1, 2)).toBe('-ERR syntax error\r\n');
  });
});

describe('set algebra', () => {
  beforeEach(() => {
    c.run('SADD', 'a', '1', '2', '3', '4');
    c.run('SADD', 'b', '3', '4', '5');
    c.run('SADD', 'c', '4', '5', '6');
  });

  it('SINTER SUNION SDIFF, missing keys as empty sets', () => {
    expect(members('SINTER', 'a', 'b', 'c')).toEqual(['4']);
    expect(members('SINTER', 'a', 'missing')).toEqual([]);
    expect(members('SUNION', 'a', 'c', 'missing')).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(members('SDIFF', 'a', 'b', 'missing')).toEqual(['1', '2']);
    expect(members('SDIFF', 'missing', 'a')).toEqual([]);
  });

  it('type-checks every key, even after a missing one', () => {
    expect(c.wire('SINTER', 'missing', 'str')).toBe(WRONGTYPE);
    expect(c.wire('SDIFF', 'missing', 'str')).toBe(WRONGTYPE);
    expect(c.wire('SUNIONSTORE', 'd', 'a', 'str')).toBe(WRONGTYPE);
  });

  it('STORE forms overwrite any type, drop the TTL, and delete the destination on an empty result', () => {
    c.run('SADD', 'dst', 'old');
    server.db(0).setExpire('dst', Date.now() + 100_000);
    expect(c.run('SINTERSTORE', 'dst', 'a', 'b')).toBe(2);
    expect(server.db(0).getExpire('dst')).toBeUndefined();
    expect(members('SMEMBERS', 'dst')).toEqual(['3', '4']);
    expect(c.run('SUNIONSTORE', 'str', 'b', 'c')).toBe(4);
    expect(c.run('SDIFFSTORE', 'a', 'a', 'b')).toBe(2);
    expect(members('SMEMBERS', 'a')).toEqual(['1', '2']);
    expect(sent('SINTERSTORE', 'dst', 'a', 'missing')).toEqual([['SINTERSTORE', 'dst', 'a', 'missing']]);
    expect(server.db(0).has('dst')).toBe(false);
    expect(sent('SINTERSTORE', 'dst', 'a', 'missing')).toEqual([]);
  });

  it('SINTERCARD counts up to LIMIT with Redis errors', () => {
    expect(c.run('SINTERCARD', 2, 'a', 'b')).toBe(2);
    expect(c.run('SINTERCARD', 2, 'a', 'b', 'LIMIT', 1)).toBe(1);
    expect(c.run('SINTERCARD', 2, 'a', 'b', 'LIMIT', 0)).toBe(2);
    expect(c.run('SINTERCARD', 2, 'a', 'missing')).toBe(0);
    expect(c.wire('SINTERCARD', 0, 'a')).toBe('-ERR numkeys should be greater than 0\r\n');
    expect(c.wire('SINTERCARD', 'x', 'a')).toBe('-ERR numkeys should be greater than 0\r\n');
    expect(c.wire('SINTERCARD', 3, 'a')).toBe("-ERR Number of keys can't be greater than number of args\r\n");
    expect(c.wire('SINTERCARD', 1, 'a', 'LIMIT', -1)).toBe("-ERR LIMIT can't be negative\r\n");
    expect(c.wire('SINTERCARD', 1, 'a', 'LIMIT')).toBe('-ERR syntax error\r\n');
    expect(c.wire('SINTERCARD', 2, 'a', 'str')).toBe(WRONGTYPE);
  });
});

describe('SSCAN', () => {
  it('answers an intset-sized set whole, sorted, ignoring COUNT; MATCH filters', () => {
    c.run('SADD', 'i', '30', '1', '20', '100');
    expect(c.run('SSCAN', 'i', 0, 'COUNT', 1)).toEqual(['0', ['1', '20', '30', '100']]);
    expect(c.run('SSCAN', 'i', 0, 'MATCH', '*0')).toEqual(['0', ['20', '30', '100']]);
    expect(c.run('SSCAN', 'missing', 0, 'COUNT', 0)).toEqual(['0', []]);
    expect(c.wire('SSCAN', 'i', 'x')).toBe('-ERR invalid cursor\r\n');
    expect(c.wire('SSCAN', 'i', 0, 'COUNT', 0)).toBe('-ERR syntax error\r\n');
    expect(c.wire('SSCAN', 'i', 0, 'MATCH')).toBe('-ERR syntax error\r\n');
  });

  it('pages a large set and returns every member present throughout, despite changes meanwhile', () => {
    const all = Array.from({ length: 200 }, (_, i) => `m${i}`);
    c.run('SADD', 'big', ...all);
    const seen = new Set<string>();
    const removed = new Set<string>();
    let cursor = '0';
    let pages = 0;
    do {
      const [next, batch] = c.run('SSCAN', 'big', cursor, 'COUNT', 15) as [string, string[]];
      for (const m of batch) seen.add(m);
      cursor = next;
      pages++;
      // Churn between pages: remove a member not returned yet, add a new one.
      const victim = all.find((m) => !seen.has(m) && !removed.has(m));
      if (victim) {
        removed.add(victim);
        c.run('SREM', 'big', victim);
      }
      c.run('SADD', 'big', `new${pages}`);
    } while (cursor !== '0');
    expect(pages).toBeGreaterThan(5);
    for (const m of removed) expect(seen.has(m), m).toBe(false);
    for (const m of all) if (!removed.has(m)) expect(seen.has(m), m).toBe(true);
  });
});
