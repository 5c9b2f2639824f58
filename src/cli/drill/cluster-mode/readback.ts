// Reading every drill key back once the cluster converged, shard by shard: from the master that owns
// the key's slot now and from each of that shard's replicas (READONLY, so a replica answers for its
// master's slots instead of redirecting), MGET per slot (a multi-key command must stay in one slot),
// pipelined, through short-lived connections with no retries.

import { withClient } from '../../probe/client.js';
import type { ShardView } from '../../sharded/analyze.js';
import type { NodeRecord } from '../../state/run-state.js';
import type { ShardReadback } from './check.js';

async function readSlots(port: number, bySlot: ReadonlyMap<number, string[]>, readonly: boolean): Promise<Map<string, string | null>> {
  return withClient(
    port,
    async (client) => {
      if (readonly) await client.call('READONLY');
      const pipeline = client.pipeline();
      const batches = [...bySlot.values()];
      for (const keys of batches) pipeline.mget(...keys);
      const replies = (await pipeline.exec()) ?? [];
      const values = new Map<string, string | null>();
      replies.forEach(([error, reply], i) => {
        if (error) throw error;
        (reply as (string | null)[]).forEach((value, j) => values.set(batches[i]![j]!, value));
      });
      return values;
    },
    { timeoutMs: 10_000 },
  );
}

export function ownsSlot(shard: Pick<ShardView, 'slots'>): (slot: number) => boolean {
  return (slot) => shard.slots.some((span) => span.start <= slot && slot <= span.end);
}

/** `keys`: the writes of this shard, grouped by slot. */
export async function readShard(shard: ShardView, nodes: readonly NodeRecord[], bySlot: ReadonlyMap<number, string[]>): Promise<ShardReadback> {
  const port = (name: string) => nodes.find((node) => node.name === name)!.port;
  const [master, ...replicas] = await Promise.all([readSlots(port(shard.master!), bySlot, false), ...shard.replicas.map((name) => readSlots(port(name), bySlot, true))]);
  return {
    shard: shard.shard,
    masterName: shard.master!,
    owns: ownsSlot(shard),
    master: master!,
    replicas: shard.replicas.map((node, i) => ({ node, values: replicas[i]! })),
  };
}
