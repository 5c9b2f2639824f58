// Sorted-set ranges on the socket-less server: ZRANGE in all its forms (rank, BYSCORE, BYLEX, REV,
// LIMIT incl. negative values, WITHSCORES in RESP2/RESP3), the legacy spellings, ZRANGESTORE,
// ZCOUNT/ZLEXCOUNT with exclusive and infinite bounds, ZREMRANGEBY*, and Redis's error order.

import { beforeEach, describe, expect, it } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
const NOT_FLOAT = '-ERR min or max is not a float\r\n';
const NOT_LEX = '-ERR min or max not valid string range item\r\n';

let server: Server;
let c: TestClient;
let stream: string[][];

beforeEach(() => {
  server = makeServer();
  c = connect(server);
  stream = [];
  server.requestPath.observe({ propagate: (_db, commands) => stream.push(...commands) });
  c.run('SET', 'str', 'v');
  c.run('ZADD', 'z', '-inf', 'n', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 'inf', 'p');
  c.run('ZADD', 'lex', 0, 'a', 0, 'aa', 0, 'b', 0, 'c', 0, 'd');
});

describe('ZRANGE by rank', () => {
  it('clamps indexes like Redis, forwards and REV', () => {
    expect(c.run('ZRANGE', 'z', 0, -1)).toEqual(['n', 'a', 'b', 'c', 'd', 'p']);
    expect(c.run('ZRANGE', 'z', -3, 100)).toEqual(['c', 'd', 'p']);
    expect(c.run('ZRANGE', 'z', -100, 1)).toEqual(['n', 'a']);
    expect(c.run('ZRANGE', 'z', 4, 2)).toEqual([]);
    expect(c.run('ZRANGE', 'z', 6, 10)).toEqual([]);
    expect(c.run('ZRANGE', 'z', 0, 1, 'REV')).toEqual(['p', 'd']);
    expect(c.run('ZREVRANGE', 'z', 1, 2)).toEqual(['d', 'c']);
  });

  it('WITHSCORES is flat in RESP2 and [member, double] pairs in RESP3', () => {
    expect(c.wire('ZRANGE', 'z', 0, 1, 'WITHSCORES')).toBe('*4\r\n$1\r\nn\r\n$4\r\n-inf\r\n$1\r\na\r\n$1\r\n1\r\n');
    c.run('HELLO', 3);
    expect(c.wire('ZRANGE', 'z', -1, -1, 'WITHSCORES')).toBe('*1\r\n*2\r\n$1\r\np\r\n,inf\r\n');
  });

  it('refuses LIMIT on ranks (but lets LIMIT x -1 through, as Redis does) and bad indexes', () => {
    const msg = '-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n';
    expect(c.wire('ZRANGE', 'z', 0, -1, 'LIMIT', 0, 1)).toBe(msg);
    expect(c.wire('ZREVRANGE', 'z', 0, -1, 'LIMIT', 0, 1)).toBe(msg);
    expect(c.run('ZRANGE', 'z', 0, 0, 'LIMIT', 0, -1)).toEqual(['n']);
    expect(c.wire('ZRANGE', 'z', 'a', 1)).toBe('-ERR value is not an integer or out of range\r\n');
    expect(c.wire('ZRANGE', 'z', 0, -1, 'REV', 'REV')).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZRANGE', 'z', 0, -1, 'BYSCORE', 'BYLEX')).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZRANGE', 'str', 0, -1)).toBe(WRONGTYPE);
    // The range is parsed before the key is read.
    expect(c.wire('ZRANGE', 'str', 'a', 'b')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(c.run('ZRANGE', 'missing', 0, -1)).toEqual([]);
  });
});

describe('score ranges', () => {
  it('supports exclusive and infinite bounds', () => {
    expect(c.run('ZRANGE', 'z', '(1', 3, 'BYSCORE')).toEqual(['b', 'c']);
    expect(c.run('ZRANGE', 'z', '-inf', '(-inf', 'BYSCORE')).toEqual([]);
    expect(c.run('ZRANGE', 'z', '-inf', '-inf', 'BYSCORE')).toEqual(['n']);
    expect(c.run('ZRANGE', 'z', '(4', '+inf', 'BYSCORE')).toEqual(['p']);
    expect(c.run('ZRANGEBYSCORE', 'z', '(2', '(2')).toEqual([]);
    expect(c.run('ZRANGEBYSCORE', 'z', 3, 1)).toEqual([]);
    expect(c.run('ZREVRANGEBYSCORE', 'z', 3, '(1')).toEqual(['c', 'b']);
    expect(c.run('ZRANGE', 'z', 3, '(1', 'BYSCORE', 'REV')).toEqual(['c', 'b']);
  });

  it('LIMIT: offset skips, a negative count means all, a negative offset returns nothing', () => {
    expect(c.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', 1, 2)).toEqual(['a', 'b']);
    expect(c.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', 4, -1)).toEqual(['d', 'p']);
    expect(c.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', -1, 2)).toEqual([]);
    expect(c.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', 0, 0)).toEqual([]);
    expect(c.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', 6, 5)).toEqual([]);
    expect(c.run('ZREVRANGEBYSCORE', 'z', '+inf', 2, 'LIMIT', 1, 2)).toEqual(['d', 'c']);
    expect(c.run('ZRANGEBYSCORE', 'z', 1, 4, 'LIMIT', 0, 1, 'LIMIT', 2, 5)).toEqual(['c', 'd']);
  });

  it('parses bounds with strtod: blanks before, hex, "" and "(" as 0; refuses the rest', () => {
    expect(c.run('ZCOUNT', 'z', ' 1', '0x2')).toBe(2);
    expect(c.run('ZCOUNT', 'z', '', '(')).toBe(0);
    expect(c.run('ZCOUNT', 'z', '(', '1e400')).toBe(5);
    for (const bad of ['1 ', 'abc', 'nan', '-', ' ', '((1']) expect(c.wire('ZCOUNT', 'z', bad, 1), bad).toBe(NOT_FLOAT);
    expect(c.wire('ZRANGEBYSCORE', 'z', 'x', 1)).toBe(NOT_FLOAT);
  });

  it('ZCOUNT counts inclusive/exclusive ranges and answers 0 for missing keys', () => {
    expect(c.run('ZCOUNT', 'z', '-inf', '+inf')).toBe(6);
    expect(c.run('ZCOUNT', 'z', '(1', '(4')).toBe(2);
    expect(c.run('ZCOUNT', 'z', 4, 1)).toBe(0);
    expect(c.run('ZCOUNT', 'missing', 0, 1)).toBe(0);
    expect(c.wire('ZCOUNT', 'str', 0, 1)).toBe(WRONGTYPE);
  });

  it('legacy forms refuse the options that do not belong to them', () => {
    expect(c.wire('ZRANGEBYSCORE', 'z', 0, 1, 'REV')).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZRANGEBYSCORE', 'z', 0, 1, 'LIMIT', 1)).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZRANGEBYSCORE', 'z', 0, 1, 'LIMIT', 'a', 1)).toBe('-ERR value is not an integer or out of range\r\n');
    expect(c.wire('ZREVRANGE', 'z', 0, 1, 'BYSCORE')).toBe('-ERR syntax error\r\n');
  });
});

describe('lex ranges', () => {
  it('understands [ ( - + and compares bytes', () => {
    expect(c.run('ZRANGEBYLEX', 'lex', '-', '+')).toEqual(['a', 'aa', 'b', 'c', 'd']);
    expect(c.run('ZRANGEBYLEX', 'lex', '[aa', '(c')).toEqual(['aa', 'b']);
    expect(c.run('ZRANGEBYLEX', 'lex', '(a', '[b')).toEqual(['aa', 'b']);
    expect(c.run('ZRANGEBYLEX', 'lex', '(aa', '(aa')).toEqual([]);
    expect(c.run('ZRANGEBYLEX', 'lex', '+', '-')).toEqual([]);
    expect(c.run('ZREVRANGEBYLEX', 'lex', '[c', '-', 'LIMIT', 1, 2)).toEqual(['b', 'aa']);
    expect(c.run('ZRANGE', 'lex', '+', '(b', 'BYLEX', 'REV')).toEqual(['d', 'c']);
    expect(c.run('ZLEXCOUNT', 'lex', '[', '+')).toBe(5);
    expect(c.run('ZLEXCOUNT', 'lex', '[b', '[d')).toBe(3);
  });

  it('refuses malformed items and WITHSCORES', () => {
    for (const bad of ['a', '+a', '-b', '']) expect(c.wire('ZLEXCOUNT', 'lex', bad, '+'), bad).toBe(NOT_LEX);
    expect(c.wire('ZRANGE', 'lex', 0, -1, 'BYLEX')).toBe(NOT_LEX);
    expect(c.wire('ZRANGEBYLEX', 'lex', '-', '+', 'WITHSCORES')).toBe(
      '-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n',
    );
  });
});

describe('ZRANGESTORE', () => {
  it('stores the range, deletes the destination for an empty one, and refuses WITHSCORES', () => {
    expect(c.run('ZRANGESTORE', 'dst', 'z', '(1', '+inf', 'BYSCORE', 'LIMIT', 1, 2)).toBe(2);
    expect(c.run('ZRANGE', 'dst', 0, -1)).toEqual(['c', 'd']);
    expect(c.run('ZRANGESTORE', 'dst', 'z', 0, 0, 'REV')).toBe(1);
    expect(c.run('ZRANGE', 'dst', 0, -1)).toEqual(['p']);
    stream.length = 0;
    expect(c.run('ZRANGESTORE', 'dst', 'missing', 0, -1)).toBe(0);
    expect(server.db(0).has('dst')).toBe(false);
    expect(stream).toEqual([['ZRANGESTORE', 'dst', 'missing', '0', '-1']]);
    stream.length = 0;
    expect(c.run('ZRANGESTORE', 'dst', 'z', 5, 1)).toBe(0);
    expect(stream).toEqual([]);
    expect(c.wire('ZRANGESTORE', 'dst', 'z', 0, -1, 'WITHSCORES')).toBe('-ERR syntax error\r\n');
    expect(c.wire('ZRANGESTORE', 'dst', 'str', 0, -1)).toBe(WRONGTYPE);
  });
});

describe('ZREMRANGEBY*', () => {
  it('removes by rank, score and lex; deletes emptied keys; no-ops propagate nothing', () => {
    expect(c.run('ZREMRANGEBYRANK', 'z', 0, 0)).toBe(1);
    expect(c.run('ZREMRANGEBYRANK', 'z', -1, -1)).toBe(1);
    expect(c.run('ZREMRANGEBYRANK', 'z', 10, 20)).toBe(0);
    expect(c.run('ZREMRANGEBYSCORE', 'z', '(1', 3)).toBe(2);
    expect(c.run('ZRANGE', 'z', 0, -1)).toEqual(['a', 'd']);
    expect(c.run('ZREMRANGEBYLEX', 'lex', '[aa', '(c')).toBe(2);
    expect(c.run('ZRANGE', 'lex', 0, -1)).toEqual(['a', 'c', 'd']);
    stream.length = 0;
    expect(c.run('ZREMRANGEBYSCORE', 'z', 100, 200)).toBe(0);
    expect(c.run('ZREMRANGEBYLEX', 'lex', '[zz', '+')).toBe(0);
    expect(c.run('ZREMRANGEBYRANK', 'missing', 0, -1)).toBe(0);
    expect(stream).toEqual([]);
    expect(c.run('ZREMRANGEBYSCORE', 'z', '-inf', '+inf')).toBe(2);
    expect(server.db(0).has('z')).toBe(false);
    expect(stream).toEqual([['ZREMRANGEBYSCORE', 'z', '-inf', '+inf']]);
  });

  it('parses the range before reading the key', () => {
    expect(c.wire('ZREMRANGEBYRANK', 'str', 'a', 1)).toBe('-ERR value is not an integer or out of range\r\n');
    expect(c.wire('ZREMRANGEBYSCORE', 'str', 'a', 1)).toBe(NOT_FLOAT);
    expect(c.wire('ZREMRANGEBYLEX', 'str', 'a', 'b')).toBe(NOT_LEX);
    expect(c.wire('ZREMRANGEBYLEX', 'str', '-', '+')).toBe(WRONGTYPE);
  });
});
