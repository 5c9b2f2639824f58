// What the lost-writes ledgers hold for this drill's keys: key -> value of every SET a node recorded
// (the divergent commands a demoted node extracted before its full resync), read through
// ops/lost-writes/lost-writes.ts, the reader `clusterctl lost-writes` uses.

import { readLostWrites } from '../ops/lost-writes/lost-writes.js';
import type { RunState } from '../state/run-state.js';

/** The SETs of drill keys among ledger entries (exact bytes: `args`). Pure. */
export function drillWritesInLedger(entries: readonly { args: string[] }[], keyPrefix: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const { args } of entries) {
    if (args.length >= 3 && args[0]!.toUpperCase() === 'SET' && args[1]!.startsWith(keyPrefix)) found.set(args[1]!, args[2]!);
  }
  return found;
}

/** Ledger SETs for the drill's keys; a ledger that cannot be read counts as holding none (and says why). */
export function readDrillLedger(state: RunState, keyPrefix: string): { writes: Map<string, string>; warning: string | null } {
  if (state.engine === 'redis') return { writes: new Map(), warning: null };
  try {
    return { writes: drillWritesInLedger(readLostWrites(state).entries, keyPrefix), warning: null };
  } catch (error) {
    return { writes: new Map(), warning: `lost-writes ledger unreadable: ${(error as Error).message}` };
  }
}
