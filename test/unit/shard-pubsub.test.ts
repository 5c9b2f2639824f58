// Sharded pub/sub on a socket-less server: shard channels kept apart from channels and patterns,
// SPUBLISH delivering `smessage` to exact subscribers only, RESET and disconnects unsubscribing,
// and a lost slot's channels dropped with a `sunsubscribe` frame (pubsubShardUnsubscribeAllClients).

import { describe, expect, it } from 'vitest';
import { PushReply, RawReply } from '../../src/shared/resp/reply.js';
import { keySlot } from '../../src/shared/key-slot.js';
import { connect, makeServer } from '../helpers/unit-server.js';

const frames = (reply: unknown) => (reply instanceof RawReply ? reply.encoded : reply);
const pushed = (replies: unknown[]) => replies.map((r) => (r instanceof PushReply ? r.items : r));

describe('sharded pub/sub', () => {
  it('delivers smessage to shard subscribers only, counting shard channels apart', () => {
    const server = makeServer();
    const sub = connect(server);
    const pub = connect(server);
    expect(frames(sub.run('SSUBSCRIBE', 'a', 'b'))).toBe('*3\r\n$10\r\nssubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$10\r\nssubscribe\r\n$1\r\nb\r\n:2\r\n');
    sub.run('PSUBSCRIBE', '*');
    expect(sub.client.inPubSubContext).toBe(true);
    expect(pub.run('SPUBLISH', 'a', 'hi')).toBe(1);
    expect(pub.run('PUBLISH', 'a', 'plain')).toBe(1);
    expect(pushed(sub.pushed)).toEqual([
      ['smessage', 'a', 'hi'],
      ['pmessage', '*', 'a', 'plain'],
    ]);
    expect(pub.run('PUBSUB', 'SHARDNUMSUB', 'a', 'z')).toEqual(['a', 1, 'z', 0]);
    expect(pub.run('PUBSUB', 'SHARDCHANNELS', 'b*')).toEqual(['b']);
    expect(server.pubsub.shardChannels.size).toBe(2);
    sub.run('RESET');
    expect(server.pubsub.shardChannels.size).toBe(0);
    expect(sub.client.shardChannels.size).toBe(0);
  });

  it('drops the channels of a slot the node lost, telling each subscriber', () => {
    const server = makeServer();
    const sub = connect(server);
    sub.run('SSUBSCRIBE', 'foo', 'bar');
    server.pubsub.dropShardChannels((channel) => keySlot(channel) === keySlot('foo'));
    expect(pushed(sub.pushed)).toEqual([['sunsubscribe', 'foo', 1]]);
    expect([...server.pubsub.shardChannels.keys()]).toEqual(['bar']);
    server.removeClient(sub.client);
    expect(server.pubsub.shardChannels.size).toBe(0);
  });
});
