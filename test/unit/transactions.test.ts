// MULTI / EXEC / DISCARD / WATCH / UNWATCH: Redis 7.0 replies and error texts (checked against
// redis-server 7.0.15), WATCH invalidation (writes, flushes, expiry), and propagation of a whole
// transaction as one execution unit (protocol doc 2.7).

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';
import { NULL_ARRAY } from '../../src/shared/resp/reply.js';

let server: Server;
let c: TestClient;
let units: string[][][];

beforeEach(() => {
  server = makeServer();
  c = connect(server);
  units = [];
  server.requestPath.observe({ propagate: (_db, commands) => void units.push(commands) });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('MULTI / EXEC / DISCARD', () => {
  it('queues commands and answers every reply in one array', () => {
    expect(c.wire('MULTI')).toBe('+OK\r\n');
    expect(c.wire('SET', 'a', '1')).toBe('+QUEUED\r\n');
    expect(c.wire('GET', 'a')).toBe('+QUEUED\r\n');
    expect(c.wire('EXEC')).toBe('*2\r\n+OK\r\n$1\r\n1\r\n');
    expect(c.client.multi).toBeNull();
  });

  it('uses Redis wording for misplaced transaction commands', () => {
    expect(c.wire('EXEC')).toBe('-ERR EXEC without MULTI\r\n');
    expect(c.wire('DISCARD')).toBe('-ERR DISCARD without MULTI\r\n');
    c.run('MULTI');
    expect(c.wire('MULTI')).toBe('-ERR MULTI calls can not be nested\r\n');
    expect(c.wire('WATCH', 'a')).toBe('-ERR WATCH inside MULTI is not allowed\r\n');
    // Neither error aborts the transaction.
    c.run('SET', 'a', '1');
    expect(c.wire('EXEC')).toBe('*1\r\n+OK\r\n');
  });

  it('answers EXECABORT after a queue-time error and runs nothing', () => {
    c.run('MULTI');
    c.run('SET', 'a', '1');
    expect(c.wire('GET')).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(c.wire('NOSUCH')).toMatch(/^-ERR unknown command 'NOSUCH'/);
    expect(c.wire('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
    expect(c.run('GET', 'a')).toBeNull();
    expect(units).toEqual([]);
  });

  it('reports run-time errors per command and keeps going', () => {
    c.run('SET', 's', 'text');
    c.run('MULTI');
    c.run('INCR', 's');
    c.run('SET', 'b', '2');
    expect(c.wire('EXEC')).toBe('*2\r\n-ERR value is not an integer or out of range\r\n+OK\r\n');
    expect(c.run('GET', 'b')).toBe('2');
  });

  it('DISCARD drops the queue and the watched keys', () => {
    c.run('WATCH', 'a');
    c.run('MULTI');
    c.run('SET', 'a', '1');
    expect(c.wire('DISCARD')).toBe('+OK\r\n');
    expect(c.run('GET', 'a')).toBeNull();
    expect(c.client.watched.size).toBe(0);
  });

  it('refuses commands Redis forbids inside MULTI and aborts the transaction', () => {
    c.run('MULTI');
    expect(c.wire('SHUTDOWN')).toBe('-ERR Command not allowed inside a transaction\r\n');
    expect(c.wire('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
  });

  it('aborts the whole transaction when the node became a read-only replica meanwhile', () => {
    c.run('MULTI');
    c.run('SET', 'a', '1');
    c.run('GET', 'a');
    server.isReplica = true;
    server.masterLinkUp = true;
    expect(c.wire('EXEC')).toBe(
      "-EXECABORT Transaction discarded because of: READONLY You can't write against a read only replica.\r\n",
    );
    expect(c.client.multi).toBeNull();
  });

  it('refuses a write at queue time on a read-only replica, flagging the transaction', () => {
    server.isReplica = true;
    server.masterLinkUp = true;
    c.run('MULTI');
    expect(c.wire('SET', 'a', '1')).toBe("-READONLY You can't write against a read only replica.\r\n");
    expect(c.wire('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
  });

  it('SELECT inside the transaction applies to the commands after it', () => {
    c.run('MULTI');
    c.run('SELECT', '2');
    c.run('SET', 'k', 'in-2');
    c.run('EXEC');
    expect(server.db(2).data.get('k')).toBe('in-2');
    expect(server.db(0).data.has('k')).toBe(false);
  });
});

describe('WATCH', () => {
  it('makes EXEC answer a null array when another client changed a watched key', () => {
    const other = connect(server);
    c.run('WATCH', 'a');
    other.run('SET', 'a', 'theirs');
    c.run('MULTI');
    c.run('SET', 'a', 'mine');
    expect(c.run('EXEC')).toBe(NULL_ARRAY);
    expect(c.wire('GET', 'a')).toBe('$6\r\ntheirs\r\n');
    expect(c.wire('EXEC')).toBe('-ERR EXEC without MULTI\r\n');
  });

  it('lets the transaction run when watched keys are untouched, and UNWATCH forgets them', () => {
    const other = connect(server);
    c.run('WATCH', 'a', 'b');
    other.run('SET', 'unrelated', '1');
    c.run('MULTI');
    c.run('SET', 'a', '1');
    expect(c.wire('EXEC')).toBe('*1\r\n+OK\r\n');

    c.run('WATCH', 'a');
    expect(c.wire('UNWATCH')).toBe('+OK\r\n');
    other.run('SET', 'a', '2');
    c.run('MULTI');
    c.run('SET', 'a', '3');
    expect(c.wire('EXEC')).toBe('*1\r\n+OK\r\n');
  });

  it('is invalidated by FLUSHDB, FLUSHALL and SWAPDB of a database holding the key', () => {
    const other = connect(server);
    for (const flush of [['FLUSHDB'], ['FLUSHALL'], ['SWAPDB', '0', '1']]) {
      c.run('SET', 'a', '1');
      c.run('WATCH', 'a');
      other.run(...flush);
      c.run('MULTI');
      c.run('PING');
      expect(c.run('EXEC'), flush.join(' ')).toBe(NULL_ARRAY);
    }
  });

  it('is invalidated by SWAPDB bringing the key into the watched database', () => {
    const other = connect(server);
    other.run('SELECT', '1');
    other.run('SET', 'a', 'from-1');
    c.run('WATCH', 'a');
    other.run('SWAPDB', '0', '1');
    c.run('MULTI');
    c.run('PING');
    expect(c.run('EXEC')).toBe(NULL_ARRAY);
  });

  it('treats a watched key that expires before EXEC as changed (Redis 7.0)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    c.run('SET', 'a', '1', 'PX', '100');
    c.run('WATCH', 'a');
    vi.setSystemTime(1_000_200);
    c.run('MULTI');
    c.run('PING');
    expect(c.run('EXEC')).toBe(NULL_ARRAY);
  });

  it('does not fail EXEC for a key that was already expired when watched', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    c.run('SET', 'a', '1', 'PX', '100');
    vi.setSystemTime(1_000_200);
    c.run('WATCH', 'a');
    c.run('MULTI');
    c.run('PING');
    expect(c.wire('EXEC')).toBe('*1\r\n+PONG\r\n');
  });

  it('is reset by EXEC: a later change does not affect the next transaction', () => {
    c.run('WATCH', 'a');
    c.run('MULTI');
    c.run('EXEC');
    connect(server).run('SET', 'a', '1');
    c.run('MULTI');
    c.run('PING');
    expect(c.wire('EXEC')).toBe('*1\r\n+PONG\r\n');
  });

  it('takes several keys and needs at least one', () => {
    expect(c.wire('WATCH')).toBe("-ERR wrong number of arguments for 'watch' command\r\n");
    expect(c.wire('WATCH', 'a', 'b', 'a')).toBe('+OK\r\n');
  });
});

describe('propagation of a transaction', () => {
  it('sends two or more writes as one unit (the sink wraps it in MULTI/EXEC)', () => {
    c.run('MULTI');
    c.run('SET', 'a', '1');
    c.run('GET', 'a');
    c.run('SET', 'b', '2');
    c.run('EXEC');
    expect(units).toEqual([
      [
        ['SET', 'a', '1'],
        ['SET', 'b', '2'],
      ],
    ]);
  });

  it('sends a single write bare, a read-only transaction not at all, and never EXEC itself', () => {
    c.run('MULTI');
    c.run('SET', 'c', '3');
    c.run('EXEC');
    c.run('MULTI');
    c.run('GET', 'a');
    c.run('EXEC');
    expect(units).toEqual([[['SET', 'c', '3']]]);
  });
});
