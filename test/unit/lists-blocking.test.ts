// Blocking list commands on the socket-less server: FIFO service, several clients served by one
// push, BLMOVE chains, serving from the key that became ready, timeouts (by the deadline, not the
// clock), no blocking inside MULTI, argument errors, and what served clients propagate.

import { beforeEach, describe, expect, it } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';
import { NO_REPLY, NULL_ARRAY } from '../../src/shared/resp/reply.js';
import { ListValue } from '../../src/server/keyspace/list.js';

let server: Server;
let c: TestClient;
let stream: string[][];

/** Whether a key exists (read from the keyspace: no dependence on the keys family). */
function exists(key: string): number {
  return server.db(0).has(key) ? 1 : 0;
}

beforeEach(() => {
  server = makeServer();
  c = connect(server);
  stream = [];
  server.requestPath.observe({ propagate: (_db, commands) => stream.push(...commands) });
});

/** A fresh client already blocked by `args`. */
function blocked(...args: (string | number)[]): TestClient {
  const client = connect(server);
  expect(client.run(...args)).toBe(NO_REPLY);
  expect(client.client.blocked).not.toBeNull();
  return client;
}

describe('serving blocked clients', () => {
  it('a push wakes a BLPOP client, which gets [key, element]; it propagates as LPOP', () => {
    const b = blocked('BLPOP', 'missing', 'k', 0);
    c.run('RPUSH', 'k', 'a', 'b');
    expect(b.pushed).toEqual([['k', 'a']]);
    expect(b.client.blocked).toBeNull();
    expect(stream).toEqual([['RPUSH', 'k', 'a', 'b'], ['LPOP', 'k']]);
    expect(c.run('LRANGE', 'k', 0, -1)).toEqual(['b']);
  });

  it('serves clients first come first served; one push of several elements serves several', () => {
    const first = blocked('BRPOP', 'k', 0);
    const second = blocked('BLPOP', 'k', 0);
    const third = blocked('BLPOP', 'k', 0);
    c.run('LPUSH', 'k', 'a', 'b');
    expect(first.pushed).toEqual([['k', 'a']]);
    expect(second.pushed).toEqual([['k', 'b']]);
    expect(third.pushed).toEqual([]);
    expect(exists('k')).toBe(0);
    c.run('RPUSH', 'k', 'c');
    expect(third.pushed).toEqual([['k', 'c']]);
  });

  it('serves a client blocked on several keys from the key that became ready (Redis 7.0)', () => {
    const b = blocked('BLPOP', 'a', 'b', 0);
    const queued = [['RPUSH', 'b', 'x'], ['RPUSH', 'a', 'y']];
    // Two pushes in one execution unit (as in MULTI/EXEC): b became ready first.
    server.beginCall();
    for (const args of queued) c.run(...args);
    server.endCall();
    expect(b.pushed).toEqual([['b', 'x']]);
  });

  it('BLMOVE pushes to its destination, which wakes the next client; BRPOPLPUSH propagates as RPOPLPUSH', () => {
    const mover = blocked('BLMOVE', 'src', 'dst', 'left', 'RIGHT', 0);
    const reader = blocked('BLPOP', 'dst', 0);
    const rpl = blocked('BRPOPLPUSH', 'other', 'dst2', 0);
    c.run('RPUSH', 'src', 'v');
    expect(mover.pushed).toEqual(['v']);
    expect(reader.pushed).toEqual([['dst', 'v']]);
    c.run('RPUSH', 'other', 'w');
    expect(rpl.pushed).toEqual(['w']);
    expect(stream).toEqual([
      ['RPUSH', 'src', 'v'],
      ['LMOVE', 'src', 'dst', 'left', 'RIGHT'],
      ['LPOP', 'dst'],
      ['RPUSH', 'other', 'w'],
      ['RPOPLPUSH', 'other', 'dst2'],
    ]);
  });

  it('two BLMOVEs in a cycle move the element once each, without serving anyone twice', () => {
    const ab = blocked('BLMOVE', 'p', 'q', 'LEFT', 'LEFT', 0);
    const ba = blocked('BLMOVE', 'q', 'p', 'LEFT', 'LEFT', 0);
    c.run('RPUSH', 'p', 'z');
    expect(ab.pushed).toEqual(['z']);
    expect(ba.pushed).toEqual(['z']);
    expect(c.run('LRANGE', 'p', 0, -1)).toEqual(['z']);
    expect(exists('q')).toBe(0);
  });

  it('BLMPOP takes up to COUNT and propagates the number it took', () => {
    const b = blocked('BLMPOP', 0, 2, 'x', 'k', 'RIGHT', 'COUNT', 3);
    c.run('RPUSH', 'k', '1', '2');
    expect(b.pushed).toEqual([['k', ['2', '1']]]);
    expect(stream.at(-1)).toEqual(['RPOP', 'k', '2']);
  });

  it('a key that becomes another type keeps the client waiting; a list created by other means wakes it', () => {
    const b = blocked('BLPOP', 'k', 0);
    c.run('SET', 'k', 'str');
    c.run('GETDEL', 'k');
    expect(b.pushed).toEqual([]);
    // What RENAME, COPY or RESTORE do: db.set a whole list onto the key, in one execution unit.
    server.beginCall();
    server.db(0).set('k', new ListValue(['v']));
    server.endCall();
    expect(b.pushed).toEqual([['k', 'v']]);
  });

  it('a push emptied again in the same unit serves nobody', () => {
    const b = blocked('BLPOP', 'k', 0);
    server.beginCall();
    c.run('RPUSH', 'k', 'x');
    c.run('LPOP', 'k');
    server.endCall();
    expect(b.pushed).toEqual([]);
    expect(b.client.blocked).not.toBeNull();
  });

  it('a client naming a key twice is served once and leaves no trace', () => {
    const b = blocked('BLPOP', 'k', 'k', 0);
    c.run('RPUSH', 'k', 'a');
    expect(b.pushed).toEqual([['k', 'a']]);
    expect(server.db(0).blockedKeys.size).toBe(0);
  });

  it('a client that disconnects is forgotten', () => {
    const b = blocked('BLPOP', 'k', 0);
    server.removeClient(b.client);
    c.run('RPUSH', 'k', 'a');
    expect(b.pushed).toEqual([]);
    expect(c.run('LLEN', 'k')).toBe(1);
  });
});

describe('immediate service and errors', () => {
  it('serves at once from the first non-empty key, propagating the plain pop', () => {
    c.run('RPUSH', 'k2', 'a', 'b');
    expect(c.run('BRPOP', 'k1', 'k2', 0)).toEqual(['k2', 'b']);
    expect(stream.at(-1)).toEqual(['RPOP', 'k2']);
    expect(c.run('BLMOVE', 'k2', 'd', 'RIGHT', 'LEFT', 0)).toBe('a');
    expect(stream.at(-1)).toEqual(['LMOVE', 'k2', 'd', 'RIGHT', 'LEFT']);
    expect(c.run('BLMPOP', 0, 1, 'd', 'LEFT', 'COUNT', 5)).toEqual(['d', ['a']]);
    expect(stream.at(-1)).toEqual(['LPOP', 'd', '1']);
  });

  it('checks the timeout like Redis: float seconds, negative and garbage refused', () => {
    const negative = '-ERR timeout is negative\r\n';
    const invalid = '-ERR timeout is not a float or out of range\r\n';
    expect(c.wire('BLPOP', 'k', -1)).toBe(negative);
    expect(c.wire('BLPOP', 'k', 'inf')).toBe(negative);
    expect(c.wire('BLPOP', 'k', '1e20')).toBe(negative);
    expect(c.wire('BLPOP', 'k', 'x')).toBe(invalid);
    expect(c.wire('BLPOP', 'k', 'nan')).toBe(invalid);
    expect(c.wire('BLPOP', 'k', ' 1')).toBe(invalid);
    expect(c.wire('BLMPOP', 'x', 1, 'k', 'LEFT')).toBe(invalid);
    expect(c.wire('BLMPOP', 'x', 0, 'k', 'LEFT')).toBe('-ERR numkeys should be greater than 0\r\n');
    expect(c.wire('BLMOVE', 's', 'd', 'UP', 'LEFT', 'x')).toBe('-ERR syntax error\r\n');
    expect(c.wire('BRPOPLPUSH', 's', 'd', 'x')).toBe(invalid);
  });

  it('refuses a wrong type at once, after the timeout check', () => {
    c.run('SET', 'str', 'v');
    expect(c.wire('BLPOP', 'str', 'x')).toBe('-ERR timeout is not a float or out of range\r\n');
    expect(c.wire('BLPOP', 'str', 0)).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    expect(c.wire('BLMOVE', 'str', 'd', 'LEFT', 'LEFT', 0)).toMatch(/^-WRONGTYPE/);
  });
});

describe('timeouts', () => {
  it('answers a nil array when the deadline passes, BLMOVE included (as Redis 7.0)', () => {
    const pop = blocked('BLPOP', 'k', 0.5);
    const mpop = blocked('BLMPOP', 2, 1, 'k', 'LEFT');
    const move = blocked('BLMOVE', 'k', 'd', 'LEFT', 'LEFT', 1);
    const forever = blocked('BLPOP', 'k', 0);
    const deadline = (t: TestClient) => t.client.blocked!.deadline;
    expect(deadline(forever)).toBe(0);
    server.blocking.expireTimeouts(deadline(pop));
    expect(pop.pushed).toEqual([NULL_ARRAY]);
    expect(mpop.pushed).toEqual([]);
    server.blocking.expireTimeouts(Math.max(deadline(mpop), deadline(move)));
    expect(mpop.pushed).toEqual([NULL_ARRAY]);
    expect(move.pushed).toEqual([NULL_ARRAY]);
    expect(forever.client.blocked).not.toBeNull();
    expect(server.blocking.blockedCount).toBe(1);
  });

  it('a timeout below one millisecond blocks forever, as Redis truncates it to 0', () => {
    const b = blocked('BLPOP', 'k', 0.0001);
    expect(b.client.blocked!.deadline).toBe(0);
  });

  it('a timeout that expired propagates nothing', () => {
    const b = blocked('BLPOP', 'k', 1);
    server.blocking.expireTimeouts(b.client.blocked!.deadline);
    expect(stream).toEqual([]);
  });
});

describe('inside MULTI', () => {
  it('does not block: answers as on timeout, or serves when it can', () => {
    c.run('RPUSH', 'full', 'a');
    c.run('MULTI');
    c.run('BLPOP', 'empty', 0);
    c.run('BLMOVE', 'empty', 'x', 'LEFT', 'LEFT', 0);
    c.run('BLMPOP', 0, 1, 'empty', 'LEFT');
    c.run('BRPOPLPUSH', 'empty', 'x', 0);
    c.run('BLPOP', 'full', 0);
    expect(c.wire('EXEC')).toBe('*5\r\n*-1\r\n$-1\r\n*-1\r\n$-1\r\n*2\r\n$4\r\nfull\r\n$1\r\na\r\n');
    expect(c.client.blocked).toBeNull();
    c.run('HELLO', 3);
    c.run('MULTI');
    c.run('BLPOP', 'empty', 0);
    expect(c.wire('EXEC')).toBe('*1\r\n_\r\n');
  });
});
