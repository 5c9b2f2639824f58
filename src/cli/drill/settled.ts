// The drill's own last check before reading back: every other node replicates the master's current
// history. Offsets alone cannot tell (a demoted master about to full-resync reports an offset of its
// own, diverged history, which can be larger than the master's), so compare replication IDs too: a
// replica is settled when its link is up, it carries the master's master_replid (sub-replicas of a
// chain too), and it has applied at least the offset the master reported just before.

import { call } from '../probe/client.js';
import { intField, parseInfo, type InfoFields } from '../probe/info.js';
import type { NodeRecord } from '../state/run-state.js';

async function replicationInfo(port: number): Promise<InfoFields> {
  return parseInfo(String(await call(port, ['INFO', 'replication'], { timeoutMs: 2000 })));
}

/** Why `replica` does not hold the master's data yet, or null when it does. Pure. */
export function unsettled(name: string, master: InfoFields, replica: InfoFields): string | null {
  if (replica.role !== 'slave') return `${name} is ${replica.role ?? 'not answering INFO'}, not a replica`;
  if (replica.master_link_status !== 'up') return `${name}: link to the master is ${replica.master_link_status}`;
  if (replica.master_replid !== master.master_replid) return `${name} is on history ${replica.master_replid}, the master on ${master.master_replid} (resync not done)`;
  const offset = intField(replica, 'slave_repl_offset') ?? -1;
  const wanted = intField(master, 'master_repl_offset') ?? 0;
  return offset >= wanted ? null : `${name} at offset ${offset}, the master at ${wanted}`;
}

export async function replicasSettled(master: NodeRecord, others: readonly NodeRecord[]): Promise<string[]> {
  try {
    const masterInfo = await replicationInfo(master.port);
    const problems = await Promise.all(
      others.map(async (node) => {
        try {
          return unsettled(node.name, masterInfo, await replicationInfo(node.port));
        } catch (error) {
          return `${node.name}: ${(error as Error).message}`;
        }
      }),
    );
    return problems.filter((problem): problem is string => problem !== null);
  } catch (error) {
    return [`${master.name} (master): ${(error as Error).message}`];
  }
}
