// The live cluster bus (src/server/cluster/bus-io) against Debian's redis-server 7.0.15: one
// in-process bus node and two redis-server cluster nodes meet, complete their handshakes, gossip
// until every one lists the other two connected with the same slot owners, exchange PUBLISH both
// ways, settle slot claims by configEpoch (an UPDATE repairs a stale claim; a newer claim wins),
// see FAULT PARTITION's cut as a silent peer, and agree on FAIL for a killed node.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHandshake } from '../../src/server/cluster/bus-io/handshake.js';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import { MessageType } from '../../src/server/cluster/bus/messages.js';
import { freeClusterPort, startClusterNode } from '../helpers/cluster-ports.js';
import { startBusHarness, type BusHarness } from '../helpers/bus-harness.js';
import { hasRedis, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const NODE_TIMEOUT = 3000;

function startClusterRedis(): Promise<NodeProcess> {
  return startClusterNode('redis', { 'cluster-node-timeout': String(NODE_TIMEOUT) });
}

interface NodeLine {
  id: string;
  flags: string[];
  link: string;
  slots: string[];
}

function parseNodes(text: string): NodeLine[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const fields = line.split(' ');
      return { id: fields[0]!, flags: fields[2]!.split(','), link: fields[7]!, slots: fields.slice(8) };
    });
}

describe.skipIf(!hasRedis())('cluster bus: our bus node with redis-server nodes', () => {
  let r1: NodeProcess;
  let r2: NodeProcess;
  let c1: Redis;
  let c2: Redis;
  let ours: BusHarness;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [r1, r2] = await Promise.all([startClusterRedis(), startClusterRedis()]);
    c1 = r1.client();
    c2 = r2.client();
    c2.on('error', () => {}); // r2 is killed by the last test
    ours = await startBusHarness(await freeClusterPort(), { nodeTimeout: NODE_TIMEOUT });
    ids.r1 = (await c1.call('cluster', 'myid')) as string;
    ids.r2 = (await c2.call('cluster', 'myid')) as string;
    ids.ours = ours.state.myself.id;
    await c1.call('cluster', 'addslotsrange', '0', '5000');
    await c1.call('cluster', 'set-config-epoch', '1');
    await c2.call('cluster', 'addslotsrange', '5001', '10000');
    await c2.call('cluster', 'set-config-epoch', '2');
    ours.state.slots.assignRange(10001, 16383, ids.ours);
    // As SET-CONFIG-EPOCH does: currentEpoch follows.
    ours.state.myself.configEpoch = 3;
    ours.state.currentEpoch = 3;
  });

  afterAll(async () => {
    c1?.disconnect();
    c2?.disconnect();
    ours?.stop();
    await Promise.all([r1?.stop(), r2?.stop()]);
  });

  it('meets, completes the handshakes and agrees on the slot owners everywhere', async () => {
    expect(startHandshake(ours.running.bus, '127.0.0.1', r1.port, r1.port + 10000)).toBe('started');
    expect(startHandshake(ours.running.bus, '127.0.0.1', r1.port, r1.port + 10000)).toBe('in-progress');
    expect(startHandshake(ours.running.bus, 'not-an-ip', r1.port, r1.port + 10000)).toBe('invalid');
    await c1.call('cluster', 'meet', '127.0.0.1', String(r2.port));
    const expected = new Map([
      [ids.r1, ['0-5000']],
      [ids.r2, ['5001-10000']],
      [ids.ours, ['10001-16383']],
    ]);
    for (const client of [c1, c2]) {
      await waitFor(
        async () => {
          const lines = parseNodes((await client.call('cluster', 'nodes')) as string);
          return (
            lines.length === 3 &&
            lines.every((l) => l.link === 'connected' && !l.flags.includes('handshake') && expected.get(l.id)?.join() === l.slots.join())
          );
        },
        { timeout: 30_000, message: 'redis-server to list all three nodes connected with their slots' },
      );
    }
    await waitFor(
      () =>
        ours.state.nodes.size === 3 &&
        [...ours.state.nodes.values()].every((n) => !(n.flags & NodeFlag.Handshake) && (n === ours.state.myself || n.linkConnected)) &&
        ours.state.slots.owner(0) === ids.r1 &&
        ours.state.slots.owner(10000) === ids.r2,
      { timeout: 30_000, message: 'our bus node to know both redis-server nodes and their slots' },
    );
    expect(ours.state.node(ids.r1)!.configEpoch).toBe(1);
    expect(ours.state.node(ids.r2)!.port).toBe(r2.port);
    // We learnt our own address from the MEET's socket, and the redis-server nodes from gossip.
    expect(ours.state.myself.ip).toBe('127.0.0.1');
    expect(ours.running.bus.stats.sent[MessageType.Meet]).toBeGreaterThan(0);
    expect(ours.running.bus.stats.received[MessageType.Pong]).toBeGreaterThan(0);
  });

  it('carries PUBLISH both ways', async () => {
    const subscriber = r2.client();
    try {
      const got: string[] = [];
      subscriber.on('message', (channel: string, message: string) => got.push(`${channel}:${message}`));
      await subscriber.subscribe('news');
      ours.running.bus.propagatePublish('news', 'from-ours', false);
      await waitFor(() => got.includes('news:from-ours'), { timeout: 15_000, message: 'the redis-server subscriber to get our PUBLISH' });
      await c1.publish('events', 'from-redis');
      await waitFor(() => ours.published.some((p) => p.channel === 'events' && p.message === 'from-redis' && !p.sharded), {
        timeout: 15_000,
        message: 'our bus to deliver the PUBLISH of redis-server',
      });
    } finally {
      subscriber.disconnect();
    }
  });

  it('settles slot claims by configEpoch: UPDATE repairs a stale claim, a newer one wins', async () => {
    // r1 claims one of our slots with configEpoch 1 < our 3: we (and r2) send it an UPDATE.
    await c1.call('cluster', 'setslot', '16383', 'node', ids.r1);
    await waitFor(async () => parseNodes((await c1.call('cluster', 'nodes')) as string).find((l) => l.id === ids.ours)?.slots.join() === '10001-16383', {
      timeout: 20_000,
      message: 'r1 to give slot 16383 back after an UPDATE',
    });
    // With a newer epoch than ours, r1's claim wins in our view.
    expect(await c1.call('cluster', 'bumpepoch')).toBe('BUMPED 4');
    await c1.call('cluster', 'setslot', '16383', 'node', ids.r1);
    await waitFor(() => ours.state.slots.owner(16383) === ids.r1, { timeout: 20_000, message: 'our view to move slot 16383 to r1' });
    expect(ours.state.slots.owner(16382)).toBe(ids.ours);
  });

  it('makes a cut-off peer silent (FAULT PARTITION) and recovers when healed', async () => {
    ours.cut = { in: true, out: true };
    await waitFor(() => (ours.state.node(ids.r1)!.flags & (NodeFlag.PFail | NodeFlag.Fail)) !== 0, {
      timeout: 30_000,
      message: 'our node to flag r1 as failing while cut off',
    });
    ours.cut = { in: false, out: false };
    await waitFor(() => (ours.state.node(ids.r1)!.flags & (NodeFlag.PFail | NodeFlag.Fail)) === 0, {
      timeout: 30_000,
      message: 'our node to clear r1 once healed',
    });
  });

  it('agrees with redis-server that a killed node is FAIL', async () => {
    r2.kill('SIGKILL');
    await waitFor(() => (ours.state.node(ids.r2)!.flags & NodeFlag.Fail) !== 0, {
      timeout: 40_000,
      message: 'our node to flag the killed r2 FAIL (our PFAIL report + r1 reaching the quorum)',
    });
  });
});
