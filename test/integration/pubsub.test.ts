// Pub/sub through real clients: ioredis subscribe / psubscribe and message delivery, the exact RESP2
// and RESP3 frames on a raw socket (compared with a real redis-server 7.0), and PUBLISH reaching
// subscribers of a replica through the replication stream.

import { connect as netConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

interface Raw {
  socket: Socket;
  received: () => string;
  send: (text: string) => void;
}

async function rawClient(port: number): Promise<Raw> {
  const socket = netConnect({ host: '127.0.0.1', port });
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, received: () => data, send: (text) => socket.write(text, 'latin1') };
}

/** Sends `text`, waits until `expected` bytes arrived, returns them (and forgets them). */
async function exchange(raw: Raw, text: string, until: (data: string) => boolean): Promise<string> {
  const before = raw.received().length;
  raw.send(text);
  await waitFor(() => until(raw.received().slice(before)), { timeout: 5000, message: `reply to ${JSON.stringify(text)}` });
  return raw.received().slice(before);
}

describe('pub/sub on a running node', () => {
  let node: NodeProcess;
  const clients: Redis[] = [];
  const client = () => {
    const c = node.client();
    c.on('error', () => {});
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await node?.stop();
  });

  it('delivers messages to ioredis channel and pattern subscribers', async () => {
    const sub = client();
    const publisher = client();
    const messages: string[] = [];
    sub.on('message', (channel: string, message: string) => messages.push(`${channel}=${message}`));
    sub.on('pmessage', (pattern: string, channel: string, message: string) => messages.push(`${pattern}:${channel}=${message}`));
    expect(await sub.subscribe('news', 'sport')).toBe(2);
    expect(await sub.psubscribe('n*')).toBe(3);
    expect(await publisher.publish('news', 'hello')).toBe(2);
    expect(await publisher.publish('sport', 'goal')).toBe(1);
    await waitFor(() => messages.length === 3, { message: 'three deliveries' });
    expect(messages.sort()).toEqual(['n*:news=hello', 'news=hello', 'sport=goal']);
    expect(await publisher.pubsub('NUMSUB', 'news')).toEqual(['news', 1]);
    await sub.unsubscribe('news');
    expect(await publisher.publish('news', 'again')).toBe(1);
  });
});

describe.skipIf(!hasRedis())('pub/sub frames: our node sends what redis-server 7.0 sends', () => {
  let ours: NodeProcess;
  let theirs: NodeProcess;
  beforeAll(async () => {
    [ours, theirs] = await Promise.all([startNode(), startNode({ engine: 'redis' })]);
  });
  afterAll(async () => {
    await Promise.all([ours?.stop(), theirs?.stop()]);
  });

  /** The bytes a subscriber and a publisher see for one scripted session, HELLO's id masked. */
  async function session(port: number, proto: 2 | 3): Promise<Record<string, string>> {
    const sub = await rawClient(port);
    const pub = await rawClient(port);
    const out: Record<string, string> = {};
    const lines = (n: number) => (data: string) => data.split('\r\n').length > n;
    try {
      if (proto === 3) out.hello = (await exchange(sub, 'HELLO 3\r\n', (d) => d.includes('modules'))).replace(/id\r\n:\d+/, 'id');
      out.subscribe = await exchange(sub, 'SUBSCRIBE a b\r\n', lines(12));
      out.psubscribe = await exchange(sub, 'PSUBSCRIBE p*\r\n', lines(6));
      const seen = sub.received().length;
      out.publish = await exchange(pub, 'PUBLISH a hi\r\n', lines(1));
      out.ppublish = await exchange(pub, 'PUBLISH pq yo\r\n', lines(1));
      await waitFor(() => sub.received().includes('pmessage'), { message: 'pmessage frame' });
      out.delivered = sub.received().slice(seen);
      out.get = await exchange(sub, 'GET x\r\n', lines(1));
      out.ping = await exchange(sub, 'PING\r\n', lines(proto === 2 ? 5 : 1));
      // Redis walks its hash table to leave every channel, so leave all but one by name first.
      out.unsubscribeOne = await exchange(sub, 'UNSUBSCRIBE b\r\n', lines(6));
      out.unsubscribe = await exchange(sub, 'UNSUBSCRIBE\r\n', lines(6));
      out.punsubscribe = await exchange(sub, 'PUNSUBSCRIBE\r\n', lines(6));
      out.none = await exchange(sub, 'UNSUBSCRIBE\r\n', lines(5));
      return out;
    } finally {
      sub.socket.destroy();
      pub.socket.destroy();
    }
  }

  it('in RESP2 (arrays, subscribed-context errors)', async () => {
    const mine = await session(ours.port, 2);
    expect(mine).toEqual(await session(theirs.port, 2));
    expect(mine.get).toMatch(/^-ERR Can't execute 'get'/);
    expect(mine.delivered).toBe('*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n*4\r\n$8\r\npmessage\r\n$2\r\np*\r\n$2\r\npq\r\n$2\r\nyo\r\n');
  });

  it('in RESP3 (push frames)', async () => {
    const mine = await session(ours.port, 3);
    expect(mine).toEqual(await session(theirs.port, 3));
    expect(mine.subscribe).toMatch(/^>3\r\n\$9\r\nsubscribe\r\n/);
    expect(mine.get).toBe('_\r\n');
  });
});

describe('PUBLISH reaches subscribers of a replica', () => {
  let master: NodeProcess;
  let replica: NodeProcess;
  beforeAll(async () => {
    // No diskless-sync delay: the replica's full sync starts at once.
    master = await startNode({ config: { 'repl-diskless-sync-delay': '0' } });
    replica = await startNode({ config: { replicaof: `127.0.0.1 ${master.port}` } });
  });
  afterAll(async () => {
    await replica?.stop();
    await master?.stop();
  });

  it('because PUBLISH is propagated like a write', async () => {
    const admin = replica.client();
    const sub = replica.client();
    const pub = master.client();
    try {
      await waitFor(async () => (await admin.info('replication')).includes('master_link_status:up'), {
        timeout: 20_000,
        message: 'replica link up',
      });
      const got: string[] = [];
      sub.on('message', (_channel: string, message: string) => got.push(message));
      await sub.subscribe('events');
      expect(await pub.publish('events', 'from-master')).toBe(0);
      await waitFor(() => got.includes('from-master'), { message: 'message relayed by the replica' });
    } finally {
      admin.disconnect();
      sub.disconnect();
      pub.disconnect();
    }
  });
});
