// Reading every drill key back once the cluster converged: from the master and from each replica,
// MGET in batches of 1000, pipelined, through short-lived connections (no retries: a node that does
// not answer fails the drill's check instead of hiding it).

import { withClient } from '../probe/client.js';
import type { NodeRecord } from '../state/run-state.js';
import type { Readback } from './checker.js';

const BATCH = 1000;

export async function readKeys(port: number, keys: readonly string[]): Promise<Map<string, string | null>> {
  return withClient(
    port,
    async (client) => {
      const pipeline = client.pipeline();
      for (let i = 0; i < keys.length; i += BATCH) pipeline.mget(...keys.slice(i, i + BATCH));
      const replies = (await pipeline.exec()) ?? [];
      const values = new Map<string, string | null>();
      replies.forEach(([error, reply], batch) => {
        if (error) throw error;
        (reply as (string | null)[]).forEach((value, i) => values.set(keys[batch * BATCH + i]!, value));
      });
      return values;
    },
    { timeoutMs: 10_000 },
  );
}

export async function readBack(master: NodeRecord, replicas: readonly NodeRecord[], keys: readonly string[]): Promise<Readback> {
  const [masterValues, ...replicaValues] = await Promise.all([master, ...replicas].map((node) => readKeys(node.port, keys)));
  return { master: masterValues!, replicas: replicas.map((node, i) => ({ node: node.name, values: replicaValues[i]! })) };
}
