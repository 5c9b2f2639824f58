// Pub/sub commands: confirmation frames exactly as redis-server 7.0.15 sends them (arrays in RESP2,
// push frames in RESP3), message delivery to channel and pattern subscribers, the RESP2 subscribed
// context, PUBSUB introspection, and PUBLISH propagation.

import { beforeEach, describe, expect, it } from 'vitest';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';
import { encodeReply } from '../../src/shared/resp/encoder.js';

let server: Server;
let c: TestClient;

const frame = (kind: string, name: string | null, count: number, proto: '*' | '>' = '*') =>
  `${proto}3\r\n$${kind.length}\r\n${kind}\r\n${name === null ? (proto === '>' ? '_' : '$-1') : `$${name.length}\r\n${name}`}\r\n:${count}\r\n`;

beforeEach(() => {
  server = makeServer();
  c = connect(server);
});

describe('SUBSCRIBE / UNSUBSCRIBE', () => {
  it('confirms each channel with the running subscription count', () => {
    expect(c.wire('SUBSCRIBE', 'a', 'b', 'a')).toBe(frame('subscribe', 'a', 1) + frame('subscribe', 'b', 2) + frame('subscribe', 'a', 2));
    expect(c.wire('PSUBSCRIBE', 'p*')).toBe(frame('psubscribe', 'p*', 3));
  });

  it('UNSUBSCRIBE without arguments leaves every channel, and answers a null name when there are none', () => {
    expect(c.wire('UNSUBSCRIBE')).toBe(frame('unsubscribe', null, 0));
    expect(c.wire('PUNSUBSCRIBE')).toBe(frame('punsubscribe', null, 0));
    c.run('SUBSCRIBE', 'a', 'b');
    c.run('PSUBSCRIBE', 'p*');
    expect(c.wire('UNSUBSCRIBE', 'x')).toBe(frame('unsubscribe', 'x', 3));
    expect(c.wire('UNSUBSCRIBE')).toBe(frame('unsubscribe', 'a', 2) + frame('unsubscribe', 'b', 1));
    expect(c.wire('PUNSUBSCRIBE')).toBe(frame('punsubscribe', 'p*', 0));
    expect(c.client.subscriptionCount).toBe(0);
  });

  it('sends push frames in RESP3', () => {
    c.run('HELLO', '3');
    expect(c.wire('SUBSCRIBE', 'a')).toBe(frame('subscribe', 'a', 1, '>'));
    expect(c.wire('UNSUBSCRIBE')).toBe(frame('unsubscribe', 'a', 0, '>'));
    expect(c.wire('UNSUBSCRIBE')).toBe(frame('unsubscribe', null, 0, '>'));
  });

  it('restricts a RESP2 subscriber to the subscription commands, PING, QUIT and RESET', () => {
    c.run('SUBSCRIBE', 'a');
    expect(c.wire('GET', 'x')).toBe(
      "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
    );
    expect(c.wire('PING')).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
    expect(c.wire('HELLO', '3')).toMatch(/^-ERR Can't execute 'hello'/);
    // RESP3 has no subscribed context: every command stays available.
    const resp3 = connect(server);
    resp3.run('HELLO', '3');
    resp3.run('SUBSCRIBE', 'a');
    expect(resp3.wire('GET', 'x')).toBe('_\r\n');
  });
});

describe('PUBLISH', () => {
  it('delivers to channel and pattern subscribers and counts the receivers', () => {
    const sub = connect(server);
    const psub = connect(server);
    sub.run('SUBSCRIBE', 'news');
    psub.run('PSUBSCRIBE', 'n*', 'x*');
    expect(c.run('PUBLISH', 'news', 'hello')).toBe(2);
    expect(sub.pushed.map((r) => encodeReply(r, 2))).toEqual(['*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n']);
    expect(psub.pushed.map((r) => encodeReply(r, 2))).toEqual([
      '*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$5\r\nhello\r\n',
    ]);
    expect(c.run('PUBLISH', 'other', 'x')).toBe(0);
  });

  it('is always propagated, even though it changes no key', () => {
    const units: string[][][] = [];
    server.requestPath.observe({ propagate: (_db, commands) => void units.push(commands) });
    c.run('PUBLISH', '__sentinel__:hello', 'payload');
    expect(units).toEqual([[['PUBLISH', '__sentinel__:hello', 'payload']]]);
  });
});

describe('PUBSUB', () => {
  it('lists active channels, subscriber counts and pattern count', () => {
    const a = connect(server);
    const b = connect(server);
    a.run('SUBSCRIBE', 'news', 'sport');
    b.run('SUBSCRIBE', 'news');
    b.run('PSUBSCRIBE', 'n*');
    a.run('PSUBSCRIBE', 'n*');
    expect(c.run('PUBSUB', 'CHANNELS')).toEqual(['news', 'sport']);
    expect(c.run('PUBSUB', 'CHANNELS', 'n*')).toEqual(['news']);
    expect(c.run('PUBSUB', 'NUMSUB', 'news', 'sport', 'none')).toEqual(['news', 2, 'sport', 1, 'none', 0]);
    expect(c.run('PUBSUB', 'NUMSUB')).toEqual([]);
    expect(c.run('PUBSUB', 'NUMPAT')).toBe(1);
    expect(c.run('PUBSUB', 'SHARDCHANNELS')).toEqual([]);
    expect(c.run('PUBSUB', 'SHARDNUMSUB', 'x')).toEqual(['x', 0]);
  });

  it('answers Redis errors for bad forms', () => {
    expect(c.wire('PUBSUB', 'CHANNELS', 'a', 'b')).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n",
    );
    expect(c.wire('PUBSUB', 'NOSUCH')).toBe("-ERR unknown subcommand 'NOSUCH'. Try PUBSUB HELP.\r\n");
    expect(c.wire('SUBSCRIBE')).toBe("-ERR wrong number of arguments for 'subscribe' command\r\n");
    expect(c.wire('PUBSUB', 'HELP')).toMatch(/^\*14\r\n\+PUBSUB <subcommand>/);
  });

  it('forgets a disconnected subscriber', () => {
    const a = connect(server);
    a.run('SUBSCRIBE', 'news');
    server.removeClient(a.client);
    expect(c.run('PUBSUB', 'NUMSUB', 'news')).toEqual(['news', 0]);
    expect(c.run('PUBLISH', 'news', 'x')).toBe(0);
  });
});
