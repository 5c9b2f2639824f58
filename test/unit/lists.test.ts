// List commands against answers recorded from redis-server 7.0.15: replies, RESP2/RESP3 shapes,
// error texts and their order, empty lists deleted, and what each command propagates.

import { beforeEach, describe, expect, it } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
const NOT_INT = '-ERR value is not an integer or out of range\r\n';

let server: Server;
let c: TestClient;
let stream: string[][];

/** Runs one command and returns what it propagated. */
function sent(...args: (string | number)[]): string[][] {
  stream.length = 0;
  c.run(...args);
  return [...stream];
}

function items(key: string): unknown {
  return c.run('LRANGE', key, 0, -1);
}

/** Whether a key exists (read from the keyspace: no dependence on the keys family). */
function exists(key: string): number {
  return server.db(0).has(key) ? 1 : 0;
}

beforeEach(() => {
  server = makeServer();
  c = connect(server);
  stream = [];
  server.requestPath.observe({ propagate: (_db, commands) => stream.push(...commands) });
  c.run('SET', 'str', 'v');
});

describe('pushes', () => {
  it('LPUSH puts elements one by one at the head, RPUSH at the tail, and answer the length', () => {
    expect(c.run('LPUSH', 'l', 'a', 'b', 'c')).toBe(3);
    expect(c.run('RPUSH', 'l', 'x', 'y')).toBe(5);
    expect(items('l')).toEqual(['c', 'b', 'a', 'x', 'y']);
  });

  it('LPUSHX/RPUSHX push only onto an existing list and change nothing otherwise', () => {
    expect(sent('LPUSHX', 'none', 'a')).toEqual([]);
    expect(c.run('LPUSHX', 'none', 'a')).toBe(0);
    expect(exists('none')).toBe(0);
    c.run('RPUSH', 'l', 'a');
    expect(c.run('RPUSHX', 'l', 'b', 'c')).toBe(3);
    expect(c.run('LPUSHX', 'l', 'z')).toBe(4);
    expect(items('l')).toEqual(['z', 'a', 'b', 'c']);
  });

  it('refuses other types', () => {
    for (const cmd of ['LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX']) expect(c.wire(cmd, 'str', 'a')).toBe(WRONGTYPE);
  });
});

describe('LPOP / RPOP', () => {
  beforeEach(() => void c.run('RPUSH', 'l', 'a', 'b', 'c'));

  it('pops one element as a bulk string, nil on a missing key', () => {
    expect(c.run('LPOP', 'l')).toBe('a');
    expect(c.run('RPOP', 'l')).toBe('c');
    expect(c.wire('LPOP', 'missing')).toBe('$-1\r\n');
  });

  it('with a count answers an array, a nil array on a missing key (RESP2 *-1, RESP3 _)', () => {
    expect(c.wire('LPOP', 'missing', 1)).toBe('*-1\r\n');
    expect(c.wire('LPOP', 'missing', 0)).toBe('*-1\r\n');
    expect(c.wire('LPOP', 'l', 0)).toBe('*0\r\n');
    expect(c.run('RPOP', 'l', 2)).toEqual(['c', 'b']);
    expect(c.run('LPOP', 'l', 5)).toEqual(['a']);
    expect(exists('l')).toBe(0);
    c.run('HELLO', 3);
    expect(c.wire('LPOP', 'missing', 1)).toBe('_\r\n');
    expect(c.wire('LPOP', 'missing')).toBe('_\r\n');
  });

  it('refuses a negative or non-numeric count before looking at the key', () => {
    expect(c.wire('LPOP', 'l', -1)).toBe('-ERR value is out of range, must be positive\r\n');
    expect(c.wire('LPOP', 'str', 'x')).toBe('-ERR value is out of range, must be positive\r\n');
    expect(c.wire('LPOP', 'l', 1, 2)).toBe("-ERR wrong number of arguments for 'lpop' command\r\n");
    expect(c.wire('RPOP', 'str')).toBe(WRONGTYPE);
  });

  it('propagates as sent, and nothing when nothing was popped', () => {
    expect(sent('LPOP', 'l', 5)).toEqual([['LPOP', 'l', '5']]);
    expect(sent('LPOP', 'l')).toEqual([]);
    c.run('RPUSH', 'l', 'a');
    expect(sent('LPOP', 'l', 0)).toEqual([]);
  });
});

describe('LRANGE / LLEN / LINDEX', () => {
  beforeEach(() => void c.run('RPUSH', 'l', 'a', 'b', 'c', 'd'));

  it('LRANGE clamps indexes and counts negative ones from the end', () => {
    expect(c.run('LRANGE', 'l', 1, -2)).toEqual(['b', 'c']);
    expect(c.run('LRANGE', 'l', -100, 100)).toEqual(['a', 'b', 'c', 'd']);
    expect(c.run('LRANGE', 'l', 3, 1)).toEqual([]);
    expect(c.run('LRANGE', 'l', 4, 10)).toEqual([]);
    expect(c.run('LRANGE', 'missing', 0, -1)).toEqual([]);
    expect(c.wire('LRANGE', 'missing', 'x', 1)).toBe(NOT_INT);
    expect(c.wire('LRANGE', 'str', 0, 1)).toBe(WRONGTYPE);
  });

  it('LLEN counts, 0 for a missing key', () => {
    expect(c.run('LLEN', 'l')).toBe(4);
    expect(c.run('LLEN', 'missing')).toBe(0);
    expect(c.wire('LLEN', 'str')).toBe(WRONGTYPE);
  });

  it('LINDEX reads by index; the key is checked before the index is parsed', () => {
    expect(c.run('LINDEX', 'l', 0)).toBe('a');
    expect(c.run('LINDEX', 'l', -1)).toBe('d');
    expect(c.run('LINDEX', 'l', -5)).toBe(null);
    expect(c.run('LINDEX', 'l', 4)).toBe(null);
    expect(c.run('LINDEX', 'missing', 'x')).toBe(null);
    expect(c.wire('LINDEX', 'l', 'x')).toBe(NOT_INT);
    expect(c.wire('LINDEX', 'str', 'x')).toBe(WRONGTYPE);
  });
});

describe('LSET / LTRIM', () => {
  beforeEach(() => void c.run('RPUSH', 'l', 'a', 'b', 'c'));

  it('LSET replaces by index, negative from the end', () => {
    expect(c.wire('LSET', 'l', -1, 'z')).toBe('+OK\r\n');
    expect(c.run('LSET', 'l', 0, 'y')).toMatchObject({ value: 'OK' });
    expect(items('l')).toEqual(['y', 'b', 'z']);
  });

  it('LSET errors: no such key, then the type, then the index', () => {
    expect(c.wire('LSET', 'missing', 'x', 'a')).toBe('-ERR no such key\r\n');
    expect(c.wire('LSET', 'str', 'x', 'a')).toBe(WRONGTYPE);
    expect(c.wire('LSET', 'l', 'x', 'a')).toBe(NOT_INT);
    expect(c.wire('LSET', 'l', 3, 'a')).toBe('-ERR index out of range\r\n');
    expect(c.wire('LSET', 'l', -4, 'a')).toBe('-ERR index out of range\r\n');
  });

  it('LTRIM keeps a range, deletes the key when nothing is left, and propagates only a real trim', () => {
    expect(sent('LTRIM', 'l', 0, -1)).toEqual([]);
    expect(sent('LTRIM', 'l', 1, 5)).toEqual([['LTRIM', 'l', '1', '5']]);
    expect(items('l')).toEqual(['b', 'c']);
    expect(c.wire('LTRIM', 'l', 5, 1)).toBe('+OK\r\n');
    expect(exists('l')).toBe(0);
    expect(c.wire('LTRIM', 'missing', 0, 1)).toBe('+OK\r\n');
    expect(c.wire('LTRIM', 'str', 'x', 1)).toBe(NOT_INT);
    expect(c.wire('LTRIM', 'str', 0, 1)).toBe(WRONGTYPE);
  });
});

describe('LMOVE / RPOPLPUSH', () => {
  it('moves between ends and creates the destination', () => {
    c.run('RPUSH', 'src', 'a', 'b', 'c');
    expect(c.run('LMOVE', 'src', 'dst', 'LEFT', 'RIGHT')).toBe('a');
    expect(c.run('LMOVE', 'src', 'dst', 'right', 'left')).toBe('c');
    expect(c.run('RPOPLPUSH', 'src', 'dst')).toBe('b');
    expect(items('dst')).toEqual(['b', 'c', 'a']);
    expect(exists('src')).toBe(0);
  });

  it('rotates a list onto itself, even a one-element list', () => {
    c.run('RPUSH', 'one', 'x');
    expect(c.run('LMOVE', 'one', 'one', 'LEFT', 'RIGHT')).toBe('x');
    expect(items('one')).toEqual(['x']);
    c.run('RPUSH', 'r', 'a', 'b', 'c');
    expect(c.run('RPOPLPUSH', 'r', 'r')).toBe('c');
    expect(items('r')).toEqual(['c', 'a', 'b']);
  });

  it('answers nil for a missing source without checking the destination; refuses a wrong destination', () => {
    expect(c.run('LMOVE', 'missing', 'str', 'LEFT', 'LEFT')).toBe(null);
    c.run('RPUSH', 'src', 'a');
    expect(c.wire('RPOPLPUSH', 'src', 'str')).toBe(WRONGTYPE);
    expect(items('src')).toEqual(['a']);
    expect(c.wire('LMOVE', 'src', 'dst', 'UP', 'LEFT')).toBe('-ERR syntax error\r\n');
  });
});

describe('LMPOP', () => {
  beforeEach(() => void c.run('RPUSH', 'l', 'a', 'b', 'c'));

  it('pops from the first non-empty list: [key, [elements]]', () => {
    expect(c.run('LMPOP', 2, 'missing', 'l', 'RIGHT', 'COUNT', 2)).toEqual(['l', ['c', 'b']]);
    expect(c.run('LMPOP', 1, 'l', 'LEFT')).toEqual(['l', ['a']]);
    expect(c.wire('LMPOP', 1, 'l', 'LEFT')).toBe('*-1\r\n');
  });

  it('propagates as LPOP/RPOP key <number actually popped>', () => {
    expect(sent('LMPOP', 1, 'l', 'LEFT', 'COUNT', 10)).toEqual([['LPOP', 'l', '3']]);
    c.run('RPUSH', 'l', 'a');
    expect(sent('LMPOP', 1, 'l', 'RIGHT')).toEqual([['RPOP', 'l', '1']]);
  });

  it('answers Redis errors for a bad numkeys, direction or count', () => {
    const numkeys = '-ERR numkeys should be greater than 0\r\n';
    const count = '-ERR count should be greater than 0\r\n';
    expect(c.wire('LMPOP', 0, 'l', 'LEFT')).toBe(numkeys);
    expect(c.wire('LMPOP', 'x', 'l', 'LEFT')).toBe(numkeys);
    expect(c.wire('LMPOP', 5, 'l', 'LEFT')).toBe('-ERR syntax error\r\n');
    expect(c.wire('LMPOP', 1, 'l', 'MIDDLE')).toBe('-ERR syntax error\r\n');
    expect(c.wire('LMPOP', 1, 'l', 'LEFT', 'COUNT', 0)).toBe(count);
    expect(c.wire('LMPOP', 1, 'l', 'LEFT', 'COUNT', 1, 'COUNT', 2)).toBe('-ERR syntax error\r\n');
    expect(c.wire('LMPOP', 1, 'str', 'LEFT', 'COUNT', 0)).toBe(count);
    expect(c.wire('LMPOP', 2, 'str', 'l', 'LEFT')).toBe(WRONGTYPE);
  });
});

describe('LREM', () => {
  beforeEach(() => void c.run('RPUSH', 'l', 'a', 'b', 'a', 'c', 'a'));

  it('removes from the head, the tail, or everywhere', () => {
    expect(c.run('LREM', 'l', 1, 'a')).toBe(1);
    expect(items('l')).toEqual(['b', 'a', 'c', 'a']);
    expect(c.run('LREM', 'l', -1, 'a')).toBe(1);
    expect(items('l')).toEqual(['b', 'a', 'c']);
    expect(c.run('LREM', 'l', 0, 'a')).toBe(1);
    expect(c.run('LREM', 'l', 0, 'b')).toBe(1);
    expect(c.run('LREM', 'l', 0, 'c')).toBe(1);
    expect(exists('l')).toBe(0);
  });

  it('removing nothing propagates nothing; errors in Redis order', () => {
    expect(sent('LREM', 'l', 0, 'zz')).toEqual([]);
    expect(sent('LREM', 'l', -2, 'a')).toEqual([['LREM', 'l', '-2', 'a']]);
    expect(items('l')).toEqual(['a', 'b', 'c']);
    expect(c.run('LREM', 'missing', 1, 'a')).toBe(0);
    expect(c.wire('LREM', 'str', 'x', 'a')).toBe(NOT_INT);
    expect(c.wire('LREM', 'str', 1, 'a')).toBe(WRONGTYPE);
  });
});

describe('LINSERT', () => {
  beforeEach(() => void c.run('RPUSH', 'l', 'a', 'b', 'c'));

  it('inserts around the first pivot and answers the new length', () => {
    expect(c.run('LINSERT', 'l', 'BEFORE', 'a', 'z')).toBe(4);
    expect(c.run('LINSERT', 'l', 'after', 'c', 'y')).toBe(5);
    expect(c.run('LINSERT', 'l', 'AFTER', 'a', 'x')).toBe(6);
    expect(items('l')).toEqual(['z', 'a', 'x', 'b', 'c', 'y']);
  });

  it('answers -1 without the pivot and 0 without the key, changing nothing', () => {
    expect(sent('LINSERT', 'l', 'BEFORE', 'nope', 'z')).toEqual([]);
    expect(c.run('LINSERT', 'l', 'BEFORE', 'nope', 'z')).toBe(-1);
    expect(c.run('LINSERT', 'missing', 'BEFORE', 'a', 'z')).toBe(0);
    expect(c.wire('LINSERT', 'str', 'MIDDLE', 'a', 'z')).toBe('-ERR syntax error\r\n');
    expect(c.wire('LINSERT', 'str', 'BEFORE', 'a', 'z')).toBe(WRONGTYPE);
  });
});

describe('LPOS', () => {
  beforeEach(() => void c.run('RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a'));

  it('finds the first match, the RANK-th, from the tail with a negative RANK', () => {
    expect(c.run('LPOS', 'l', 'b')).toBe(1);
    expect(c.run('LPOS', 'l', 'a', 'RANK', 2)).toBe(3);
    expect(c.run('LPOS', 'l', 'a', 'RANK', -1)).toBe(6);
    expect(c.run('LPOS', 'l', 'z')).toBe(null);
    expect(c.run('LPOS', 'missing', 'a')).toBe(null);
  });

  it('with COUNT answers an array (0 = all matches), MAXLEN bounds the scan', () => {
    expect(c.run('LPOS', 'l', 'a', 'COUNT', 0)).toEqual([0, 3, 6]);
    expect(c.run('LPOS', 'l', 'a', 'RANK', -1, 'COUNT', 2)).toEqual([6, 3]);
    expect(c.run('LPOS', 'l', 'a', 'COUNT', 0, 'MAXLEN', 4)).toEqual([0, 3]);
    expect(c.run('LPOS', 'l', 'a', 'RANK', 2, 'MAXLEN', 3)).toBe(null);
    expect(c.run('LPOS', 'l', 'z', 'COUNT', 1)).toEqual([]);
    expect(c.run('LPOS', 'missing', 'a', 'COUNT', 0)).toEqual([]);
  });

  it('answers Redis errors before looking at the key', () => {
    expect(c.wire('LPOS', 'str', 'a', 'RANK', 0)).toBe(
      "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n",
    );
    expect(c.wire('LPOS', 'l', 'a', 'COUNT', -1)).toBe("-ERR COUNT can't be negative\r\n");
    expect(c.wire('LPOS', 'l', 'a', 'COUNT', 'x')).toBe("-ERR COUNT can't be negative\r\n");
    expect(c.wire('LPOS', 'l', 'a', 'MAXLEN', -1)).toBe("-ERR MAXLEN can't be negative\r\n");
    expect(c.wire('LPOS', 'l', 'a', 'RANK', 'x')).toBe(NOT_INT);
    expect(c.wire('LPOS', 'l', 'a', 'RANK')).toBe('-ERR syntax error\r\n');
    expect(c.wire('LPOS', 'str', 'a')).toBe(WRONGTYPE);
  });

  it('treats RANK -2^63 like Redis (its negation overflows: the last match)', () => {
    expect(c.run('LPOS', 'l', 'a', 'RANK', '-9223372036854775808')).toBe(6);
  });
});

describe('the table', () => {
  it('reports Redis key positions and flags', () => {
    const spec = (name: string) => server.commands.get(name)!;
    expect([spec('lmove').firstKey, spec('lmove').lastKey]).toEqual([1, 2]);
    expect([spec('blpop').firstKey, spec('blpop').lastKey]).toEqual([1, -2]);
    expect([spec('lmpop').firstKey, spec('blmpop').firstKey]).toEqual([0, 0]);
    expect(spec('blmove').flags).toContain('blocking');
    expect(spec('blmpop').flags).toContain('movablekeys');
    expect(spec('lrange').flags).toContain('readonly');
  });
});

describe('ListValue ring buffer', () => {
  it('keeps order across wrap-around, growth and shrinking', async () => {
    const { ListValue } = await import('../../src/server/keyspace/list.js');
    const list = new ListValue();
    const model: string[] = [];
    for (let i = 0; i < 600; i++) {
      const item = String(i);
      if (i % 3 === 0) {
        list.pushFront(item);
        model.unshift(item);
      } else {
        list.pushBack(item);
        model.push(item);
      }
      if (i % 5 === 0) expect(list.popFront()).toBe(model.shift());
    }
    expect(list.toArray()).toEqual(model);
    list.insertAt(7, 'x');
    model.splice(7, 0, 'x');
    while (model.length > 3) expect(list.popBack()).toBe(model.pop());
    expect([...list]).toEqual(model);
    expect(list.at(1)).toBe(model[1]);
  });
});
