// Partition and heal for drills, through src/cli/ops/node-control/partition.ts (the work behind
// `clusterctl partition` / `heal`): builtin nodes black-hole the named links inside their own process.
// Engine redis has no such command, so there a drill offers no partition steps.

import { healNodes, partitionNode } from '../ops/node-control/partition.js';
import type { RunState } from '../state/run-state.js';

export interface PartitionSupport {
  /** Cuts `node` off from the sentinels, the replicas and every client except `keepClients` (connection-name globs). */
  isolate(state: RunState, node: string, keepClients: string[]): Promise<string>;
  heal(state: RunState, node: string): Promise<string>;
  /** Heals every partition of every running process; a message when something was healed. */
  healAll(state: RunState): Promise<string | null>;
}

export const PARTITION_REDIS = 'engine redis supports kill, stop, start, restart, pause, resume, crash, restart-empty and fill only (redis-server cannot black-hole, slow down or reset its own links)';

const support: PartitionSupport = {
  async isolate(state, node, keepClients) {
    const result = await partitionNode(state, node, { from: ['sentinels', 'replicas', 'clients'], except: keepClients });
    return `${result.message.replace(/\.$/, '')}; clients ${keepClients.join(', ') || 'none'} stay with it.`;
  },
  async heal(state, node) {
    return (await healNodes(state, node)).message;
  },
  async healAll(state) {
    const result = await healNodes(state);
    return result.healed.some((h) => h.partitions > 0) ? result.message : null;
  },
};

export function partitionSupport(engine: string): PartitionSupport | null {
  return engine === 'redis' ? null : support;
}
