// Sharded pub/sub outside cluster mode, our node vs redis-server 7.0.15: SSUBSCRIBE / SUNSUBSCRIBE
// confirmations (counting shard channels only), SPUBLISH delivery as `smessage` in RESP2 and RESP3,
// no crossing with channels or patterns, PUBSUB SHARDCHANNELS / SHARDNUMSUB, CLIENT LIST's ssub,
// INFO's pubsubshard_channels, SSUBSCRIBE refused inside EXEC. The bytes each connection receives
// must be the same on both.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { RawClient, resp } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait-for.js';

/** Sends a command and waits until the reply bytes stop coming. */
async function step(client: RawClient, ...args: (string | number)[]): Promise<void> {
  const before = client.received;
  await client.send(resp(...args));
  await waitFor(() => client.received > before, { timeout: 5000, message: `a reply to ${args.join(' ')}` });
  let last = -1;
  while (last !== client.received) {
    last = client.received;
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

async function script(port: number): Promise<Record<string, string>> {
  const sub = await RawClient.open(port);
  const sub3 = await RawClient.open(port);
  const pub = await RawClient.open(port);
  // CLIENT LIST and INFO answer on their own connection: only a few of their fields compare.
  const meta = await RawClient.open(port);
  try {
    await step(sub, 'CLIENT', 'SETNAME', 'shardsub');
    await step(sub, 'SSUBSCRIBE', 'a', 'b', 'a');
    await step(sub, 'SUBSCRIBE', 'a');
    await step(sub, 'PSUBSCRIBE', '*');
    await step(sub, 'PING');
    await step(sub3, 'HELLO', '3');
    sub3.discard();
    await step(sub3, 'SSUBSCRIBE', 'a');
    await step(pub, 'SPUBLISH', 'a', 'hello');
    await step(pub, 'SPUBLISH', 'b', 'world');
    await step(pub, 'SPUBLISH', 'zzz', 'nobody');
    await step(pub, 'PUBLISH', 'a', 'plain');
    // Redis lists channels in its hash table's order: compared as a set.
    await step(meta, 'PUBSUB', 'SHARDCHANNELS');
    const channels = meta.text().split('\r\n').filter((l, i) => i > 0 && !l.startsWith('$') && l !== '').sort();
    meta.discard();
    await step(pub, 'PUBSUB', 'SHARDCHANNELS', 'b*');
    await step(pub, 'PUBSUB', 'SHARDNUMSUB', 'a', 'b', 'zzz');
    await step(pub, 'PUBSUB', 'NUMSUB', 'a');
    await step(meta, 'CLIENT', 'LIST');
    const line = meta.text().split('\n').find((l) => l.includes('name=shardsub')) ?? '';
    const list = [...line.matchAll(/ (flags|sub|psub|ssub)=(\S+)/g)].map((m) => m[0]).join('');
    meta.discard();
    await step(meta, 'INFO', 'stats');
    const info = meta.text().match(/pubsubshard_channels:\d+/)?.[0] ?? '';
    await step(sub, 'SUNSUBSCRIBE', 'a', 'nope');
    await step(sub, 'SUNSUBSCRIBE');
    await step(sub, 'SUNSUBSCRIBE');
    await step(sub, 'UNSUBSCRIBE');
    await step(sub, 'PUNSUBSCRIBE');
    await step(sub, 'MULTI');
    await step(sub, 'SSUBSCRIBE', 'x');
    await step(sub, 'EXEC');
    await step(pub, 'SSUBSCRIBE');
    await step(pub, 'SPUBLISH', 'a');
    return { sub: sub.text(), sub3: sub3.text(), pub: pub.text(), list, info, channels };
  } finally {
    for (const c of [sub, sub3, pub, meta]) c.destroy();
  }
}

describe.skipIf(!hasRedis())('sharded pub/sub (standalone): our node vs redis-server', () => {
  let nodes: NodeProcess[] = [];
  beforeAll(async () => {
    nodes = await Promise.all([startNode(), startNode({ engine: 'redis' })]);
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('every connection receives the same bytes', async () => {
    const [ours, theirs] = [await script(nodes[0]!.port), await script(nodes[1]!.port)];
    expect(theirs.list).toMatch(/ssub=2/);
    expect(theirs.info).toBe('pubsubshard_channels:2');
    expect(theirs.channels).toEqual(['a', 'b']);
    expect(ours).toEqual(theirs);
  });
});
