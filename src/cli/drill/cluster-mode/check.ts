// The cluster drill's verdict, pure: every write goes to the shard owning its key's slot after
// convergence; within each shard the sentinel drill's checker (../checker.ts) compares what the
// shard's master holds with each write's outcome and each of the shard's replicas with its master;
// the shards' results add up to the drill's.

import { checkWrites, type CheckResult, type Readback } from '../checker.js';
import type { WriteRecord } from '../workload.js';

export interface ShardReadback extends Readback {
  shard: number;
  masterName: string;
  /** The slots this shard's master owns after convergence. */
  owns: (slot: number) => boolean;
}

export interface ShardCheck extends CheckResult {
  shard: number;
  master: string;
}

/** Splits the writes by owning shard (a slot no shard owns leaves its writes unchecked: returned apart). */
export function splitByShard(records: readonly WriteRecord[], slotOf: (key: string) => number, shards: readonly Pick<ShardReadback, 'shard' | 'owns'>[]): { byShard: Map<number, WriteRecord[]>; unowned: WriteRecord[] } {
  const byShard = new Map<number, WriteRecord[]>(shards.map((s) => [s.shard, []]));
  const unowned: WriteRecord[] = [];
  for (const record of records) {
    const slot = slotOf(record.key);
    const shard = shards.find((s) => s.owns(slot));
    if (shard) byShard.get(shard.shard)!.push(record);
    else unowned.push(record);
  }
  return { byShard, unowned };
}

export function checkCluster(byShard: ReadonlyMap<number, readonly WriteRecord[]>, readbacks: readonly ShardReadback[], ledger: ReadonlyMap<string, string>): { total: CheckResult; shards: ShardCheck[] } {
  const shards = readbacks.map((readback) => ({ shard: readback.shard, master: readback.masterName, ...checkWrites(byShard.get(readback.shard) ?? [], readback, ledger) }));
  const total: CheckResult = {
    verdict: shards.some((s) => s.verdict === 'loss') ? 'loss' : shards.some((s) => s.verdict === 'diverged') ? 'diverged' : 'pass',
    writes: { total: 0, ok: 0, failed: 0, unknown: 0 },
    acknowledgedLost: { count: 0, keys: [] },
    recoveredByLedger: { count: 0, keys: [] },
    unknown: { present: 0, absent: 0 },
    failedButPresent: { count: 0, keys: [] },
    replicas: [],
  };
  for (const s of shards) {
    for (const k of ['total', 'ok', 'failed', 'unknown'] as const) total.writes[k] += s.writes[k];
    for (const k of ['acknowledgedLost', 'recoveredByLedger', 'failedButPresent'] as const) {
      total[k].count += s[k].count;
      total[k].keys.push(...s[k].keys);
    }
    total.unknown.present += s.unknown.present;
    total.unknown.absent += s.unknown.absent;
    total.replicas.push(...s.replicas);
  }
  return { total, shards };
}
