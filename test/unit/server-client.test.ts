// CLIENT subcommands: identity, CLIENT LIST/INFO lines in Redis 7.0's field order, CLIENT KILL in
// both forms (the caller is skipped by the filter form and closed after its reply when targeted),
// and Redis's error texts (checked against redis-server 7.0.15).

import { beforeEach, describe, expect, it } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';
import { NO_REPLY, VerbatimReply } from '../../src/shared/resp/reply.js';
import { POSTPONE } from '../../src/server/request/request-path.js';
import { useClock } from '../../src/server/base/clock.js';

let server: Server;
let c: TestClient;

beforeEach(() => {
  server = makeServer();
  c = connect(server);
});

const text = (reply: unknown) => (reply as VerbatimReply).text;

describe('CLIENT identity', () => {
  it('ID, SETNAME, GETNAME', () => {
    expect(c.run('CLIENT', 'ID')).toBe(c.client.id);
    expect(c.run('CLIENT', 'GETNAME')).toBeNull();
    expect(c.wire('CLIENT', 'SETNAME', 'worker-1')).toBe('+OK\r\n');
    expect(c.run('CLIENT', 'GETNAME')).toBe('worker-1');
    expect(c.wire('CLIENT', 'SETNAME', 'a b')).toBe('-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
    expect(c.wire('CLIENT', 'SETNAME', '')).toBe('+OK\r\n');
    expect(c.run('CLIENT', 'GETNAME')).toBeNull();
  });

  it('SETINFO records the library shown by CLIENT INFO', () => {
    expect(c.wire('CLIENT', 'SETINFO', 'LIB-NAME', 'ioredis')).toBe('+OK\r\n');
    expect(c.wire('CLIENT', 'SETINFO', 'lib-ver', '5.11.1')).toBe('+OK\r\n');
    expect(c.wire('CLIENT', 'SETINFO', 'color', 'red')).toBe("-ERR Unrecognized option 'color'\r\n");
    expect(text(c.run('CLIENT', 'INFO'))).toMatch(/ lib-name=ioredis lib-ver=5\.11\.1\n$/);
  });

  it('INFO and LIST print Redis fields in order, a verbatim string in RESP3', () => {
    c.run('CLIENT', 'SETNAME', 'me');
    c.run('SELECT', '2');
    const line = text(c.run('CLIENT', 'INFO'));
    expect(line).toMatch(
      new RegExp(
        `^id=${c.client.id} addr=127\\.0\\.0\\.1:50000 laddr=127\\.0\\.0\\.1:6379 fd=-?\\d+ name=me age=\\d+ idle=\\d+ flags=N db=2 ` +
          'sub=0 psub=0 ssub=0 multi=-1 qbuf=\\d+ qbuf-free=\\d+ argv-mem=\\d+ multi-mem=\\d+ rbs=\\d+ rbp=\\d+ obl=\\d+ oll=\\d+ ' +
          'omem=\\d+ tot-mem=\\d+ events=r cmd=client\\|info user=default redir=-1 resp=2',
      ),
    );
    c.run('HELLO', '3');
    expect(c.wire('CLIENT', 'INFO')).toMatch(/^=\d+\r\ntxt:id=/);
  });

  it('LIST shows every client, filtered by TYPE or ID', () => {
    const sub = connect(server);
    sub.run('SUBSCRIBE', 'ch');
    const all = text(c.run('CLIENT', 'LIST')).trimEnd().split('\n');
    expect(all).toHaveLength(2);
    expect(text(c.run('CLIENT', 'LIST', 'TYPE', 'pubsub'))).toMatch(new RegExp(`^id=${sub.client.id} .* flags=P .* sub=1 `));
    expect(text(c.run('CLIENT', 'LIST', 'TYPE', 'normal')).trimEnd().split('\n')).toHaveLength(1);
    expect(text(c.run('CLIENT', 'LIST', 'ID', String(sub.client.id), '99999'))).toMatch(new RegExp(`^id=${sub.client.id} `));
    expect(c.wire('CLIENT', 'LIST', 'TYPE', 'bad')).toBe("-ERR Unknown client type 'bad'\r\n");
    expect(c.wire('CLIENT', 'LIST', 'ID', 'abc')).toBe('-ERR Invalid client ID\r\n');
    expect(c.wire('CLIENT', 'LIST', 'TYPE', 'normal', 'ID', '1')).toBe('-ERR syntax error\r\n');
  });

  it('shows MULTI state in flags and multi=', () => {
    c.run('MULTI');
    c.run('SET', 'a', '1');
    const other = connect(server);
    expect(text(other.run('CLIENT', 'LIST', 'ID', String(c.client.id)))).toMatch(/ flags=x .* multi=1 /);
  });
});

describe('CLIENT KILL', () => {
  it('old form kills by address, or says there is no such client', () => {
    const victim = connect(server);
    expect(c.wire('CLIENT', 'KILL', '10.0.0.1:1')).toBe('-ERR No such client\r\n');
    expect(c.wire('CLIENT', 'KILL', victim.client.addr)).toBe('+OK\r\n');
    // Both unit clients share an address: the old form kills the first match.
    expect(c.closed.length + victim.closed.length + (c.client.closing ? 1 : 0)).toBe(1);
  });

  it('filter form returns the count and skips the caller by default', () => {
    const a = connect(server);
    const b = connect(server);
    b.run('SUBSCRIBE', 'x');
    expect(c.run('CLIENT', 'KILL', 'TYPE', 'normal')).toBe(1);
    expect(a.closed).toEqual(['killed by CLIENT KILL']);
    expect(b.closed).toEqual([]);
    expect(c.client.closing).toBe(false);
    expect(c.run('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(1);
    expect(b.closed).toHaveLength(1);
  });

  it('kills the caller after its reply when asked (SKIPME no)', () => {
    expect(c.run('CLIENT', 'KILL', 'ID', String(c.client.id), 'SKIPME', 'no')).toBe(1);
    expect(c.client.closing).toBe(true);
    expect(c.closed).toEqual([]);
  });

  it('combines filters and uses Redis errors', () => {
    const a = connect(server);
    expect(c.run('CLIENT', 'KILL', 'ID', String(a.client.id), 'LADDR', '1.2.3.4:5')).toBe(0);
    expect(c.run('CLIENT', 'KILL', 'ID', String(a.client.id), 'USER', 'default')).toBe(1);
    expect(c.wire('CLIENT', 'KILL', 'TYPE', 'foo')).toBe("-ERR Unknown client type 'foo'\r\n");
    expect(c.wire('CLIENT', 'KILL', 'SKIPME', 'maybe')).toBe('-ERR syntax error\r\n');
    expect(c.wire('CLIENT', 'KILL', 'ID', '0')).toBe('-ERR client-id should be greater than 0\r\n');
    expect(c.wire('CLIENT', 'KILL', 'USER', 'bob')).toBe("-ERR No such user 'bob'\r\n");
    expect(c.wire('CLIENT', 'KILL', 'ID', '1', 'TYPE')).toBe('-ERR syntax error\r\n');
  });
});

describe('CLIENT misc', () => {
  it('REPLY OFF and SKIP answer nothing; ON answers OK', () => {
    expect(c.run('CLIENT', 'REPLY', 'OFF')).toBe(NO_REPLY);
    expect(c.client.replyMode).toBe('off');
    expect(c.wire('CLIENT', 'REPLY', 'ON')).toBe('+OK\r\n');
    expect(c.run('CLIENT', 'REPLY', 'SKIP')).toBe(NO_REPLY);
    expect(c.client.replyMode).toBe('skip-next');
    expect(c.wire('CLIENT', 'REPLY', 'MAYBE')).toBe('-ERR syntax error\r\n');
    c.run('CLIENT', 'REPLY', 'OFF');
    expect(c.wire('RESET')).toBe('+RESET\r\n');
    expect(c.client.replyMode).toBe('on');
  });

  it('PAUSE holds writes (WRITE) or everything (ALL) from normal clients until UNPAUSE', () => {
    const other = connect(server);
    // The request path's client-pause check answers POSTPONE: the connection parks the request.
    const waits = (...args: string[]) => other.run(...args) === POSTPONE;
    expect(waits('SET', 'k', 'v')).toBe(false);
    // A transaction queued before the pause: its EXEC waits, since the queue writes.
    const queuing = connect(server);
    queuing.run('MULTI');
    queuing.run('SET', 'k', 'v');
    expect(c.wire('CLIENT', 'PAUSE', '60000', 'WRITE')).toBe('+OK\r\n');
    expect([waits('SET', 'k', 'v'), waits('PUBLISH', 'c', 'm'), waits('GET', 'k'), waits('NOSUCH')]).toEqual([true, true, false, false]);
    expect(queuing.run('EXEC')).toBe(POSTPONE);
    // Redis checks the pause before queueing: a write inside MULTI waits too, a read is queued.
    other.run('MULTI');
    expect(waits('SET', 'k', 'v')).toBe(true);
    expect(waits('GET', 'k')).toBe(false);
    other.run('DISCARD');
    other.client.isReplica = true;
    expect(waits('SET', 'k', 'v')).toBe(false);
    other.client.isReplica = false;
    expect(c.wire('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
    expect(waits('SET', 'k', 'v')).toBe(false);
    expect(server.clientPause).toBeUndefined();
    c.run('CLIENT', 'PAUSE', '10', 'ALL');
    expect(waits('GET', 'k')).toBe(true);
    // In ALL mode CLIENT UNPAUSE waits too, as in redis-server 7.0: the pause ends when its time is up.
    expect(c.run('CLIENT', 'UNPAUSE')).toBe(POSTPONE);
    const restore = useClock({ now: () => Date.now() + 11, monotonic: () => performance.now() + 11 });
    try {
      expect(waits('SET', 'k', 'v')).toBe(false);
    } finally {
      restore();
    }
    expect(server.clientPause).toBeUndefined();
  });

  it('PAUSE checks its arguments like Redis', () => {
    expect(c.wire('CLIENT', 'PAUSE', 'abc')).toBe('-ERR timeout is not an integer or out of range\r\n');
    expect(c.wire('CLIENT', 'PAUSE', '-1')).toBe('-ERR timeout is negative\r\n');
    expect(c.wire('CLIENT', 'PAUSE', '100', 'foo')).toBe('-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n');
    expect(c.wire('CLIENT', 'UNPAUSE', 'x')).toBe("-ERR wrong number of arguments for 'client|unpause' command\r\n");
  });

  it('NO-EVICT sets the e flag', () => {
    expect(c.wire('CLIENT', 'NO-EVICT', 'on')).toBe('+OK\r\n');
    expect(text(c.run('CLIENT', 'INFO'))).toContain(' flags=e ');
    expect(c.wire('CLIENT', 'NO-EVICT', 'maybe')).toBe('-ERR syntax error\r\n');
  });

  it('UNBLOCK wakes a blocked client with its timeout reply, or an UNBLOCKED error', () => {
    const waiter = connect(server);
    expect(waiter.run('BLPOP', 'list', '0')).toBe(NO_REPLY);
    expect(c.run('CLIENT', 'UNBLOCK', String(waiter.client.id))).toBe(1);
    expect(waiter.client.blocked).toBeNull();
    expect(waiter.pushed).toHaveLength(1);
    waiter.run('BLPOP', 'list', '0');
    expect(c.run('CLIENT', 'UNBLOCK', String(waiter.client.id), 'ERROR')).toBe(1);
    expect(waiter.pushed[1]).toMatchObject({ message: 'UNBLOCKED client unblocked via CLIENT UNBLOCK' });
  });

  it('UNBLOCK answers 0 for a client that is not blocked', () => {
    expect(c.run('CLIENT', 'UNBLOCK', String(c.client.id))).toBe(0);
    expect(c.wire('CLIENT', 'UNBLOCK', 'abc')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(c.wire('CLIENT', 'UNBLOCK', '1', 'foo')).toBe('-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n');
  });

  it('answers unknown subcommands and HELP like Redis', () => {
    expect(c.wire('CLIENT', 'NOSUCH')).toBe("-ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP.\r\n");
    expect(c.wire('CLIENT')).toBe("-ERR wrong number of arguments for 'client' command\r\n");
    expect(c.wire('CLIENT', 'HELP')).toMatch(/^\*\d+\r\n\+CLIENT <subcommand> \[<arg> \[value\] \[opt\] \.\.\.\]\. Subcommands are:\r\n/);
  });
});
