// Sharded pub/sub across a cluster's bus, in every pairing of our node and redis-server 7.0: a
// master and its replica, an SSUBSCRIBE on the replica receiving what SPUBLISH sent on the master
// (PUBLISHSHARD over the bus, delivered and not sent on), and a slot leaving the shard (DELSLOTS on
// the master) unsubscribing the master's subscribers of that slot's channels with a `sunsubscribe`
// push while channels of other slots stay (removeChannelsInSlot).

import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startClusterNode } from '../helpers/cluster-ports.js';
import { hasRedis, type Engine, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const started: NodeProcess[] = [];
const clients: Redis[] = [];

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all(started.map((node) => node.stop()));
});

async function node(engine: Engine): Promise<{ proc: NodeProcess; client: Redis }> {
  const proc = await startClusterNode(engine, { 'cluster-node-timeout': '3000' });
  started.push(proc);
  const client = proc.client();
  client.on('error', () => {});
  clients.push(client);
  return { proc, client };
}

function subscriber(proc: NodeProcess): { client: Redis; received: string[][] } {
  const client = proc.client();
  client.on('error', () => {});
  clients.push(client);
  const received: string[][] = [];
  client.on('smessage', (channel: string, message: string) => received.push(['smessage', channel, message]));
  return { client, received };
}

const PAIRINGS: [Engine, Engine][] = [
  ['builtin', 'builtin'],
  ['redis', 'redis'],
  ['builtin', 'redis'],
  ['redis', 'builtin'],
];

describe.skipIf(!hasRedis())('sharded pub/sub across the cluster bus', () => {
  for (const [masterEngine, replicaEngine] of PAIRINGS) {
    it(`master ${masterEngine}, replica ${replicaEngine}: SPUBLISH reaches the replica's subscribers; a lost slot unsubscribes its channels`, async () => {
      const master = await node(masterEngine);
      const replica = await node(replicaEngine);
      expect(await master.client.call('cluster', 'addslotsrange', '0', '16383')).toBe('OK');
      expect(await replica.client.call('cluster', 'meet', '127.0.0.1', String(master.proc.port), String(master.proc.port + 10000))).toBe('OK');
      const masterId = String(await master.client.call('cluster', 'myid'));
      await waitFor(async () => String(await replica.client.call('cluster', 'nodes')).includes(masterId), { timeout: 30_000, message: 'the replica to know the master' });
      expect(await replica.client.call('cluster', 'replicate', masterId)).toBe('OK');
      await waitFor(async () => (await replica.client.info('replication')).includes('master_link_status:up'), { timeout: 30_000, message: 'the link up' });
      await waitFor(async () => String(await master.client.call('cluster', 'info')).includes('cluster_state:ok'), { timeout: 30_000, message: 'cluster_state:ok' });

      // {a} and {b} hash to different slots: one is dropped, the other stays.
      const onReplica = subscriber(replica.proc);
      await onReplica.client.ssubscribe('news{a}');
      const onMaster = subscriber(master.proc);
      // One SSUBSCRIBE per slot: channels of several slots in one call are CROSSSLOT.
      await onMaster.client.ssubscribe('news{a}');
      await onMaster.client.ssubscribe('news{b}');
      // The replica learns the shard's messages over the bus; its subscriber gets them as smessage.
      await waitFor(
        async () => {
          await master.client.call('spublish', 'news{a}', 'hello');
          return onReplica.received.some((m) => m.join(' ') === 'smessage news{a} hello');
        },
        { timeout: 30_000, message: "the replica's subscriber to receive the message" },
      );
      expect(onMaster.received).toContainEqual(['smessage', 'news{a}', 'hello']);

      // The master gives up news{a}'s slot: its subscribers of that channel are told, and the
      // channel no longer counts; news{b} is untouched.
      const slotA = Number(await master.client.call('cluster', 'keyslot', 'news{a}'));
      expect(await master.client.call('cluster', 'delslots', String(slotA))).toBe('OK');
      await waitFor(async () => JSON.stringify(await master.client.call('pubsub', 'shardnumsub', 'news{a}', 'news{b}')) === '["news{a}",0,"news{b}",1]', {
        timeout: 10_000,
        message: 'news{a} to lose its subscriber',
      });
      expect(await master.client.call('pubsub', 'shardchannels')).toEqual(['news{b}']);
    }, 120_000);
  }
});
