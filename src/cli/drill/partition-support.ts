// Partition and heal for drills, through src/cli/ops/partition.ts (the `clusterctl partition` /
// `heal` commands' work). Until that module is part of this build there is no partition support:
// the partition-master scenario and partition/heal steps are refused with that reason.

import type { RunState } from '../state/run-state.js';

export interface PartitionSupport {
  /** Cuts `node` off from the sentinels and the other nodes; `clients` (connection names) stay with it. */
  isolate(state: RunState, node: string, clients: string[]): Promise<string>;
  heal(state: RunState, node: string): Promise<string>;
  /** Heals every partition; a message when something was healed. */
  healAll(state: RunState): Promise<string | null>;
}

export const PARTITION_UNAVAILABLE = 'partition/heal are not available in this build of clusterctl yet (no partition support)';

export async function loadPartitionSupport(): Promise<PartitionSupport | null> {
  return null;
}
