// `rebalance`: even out the slots among the masters that own some, as redis-cli --cluster rebalance
// does with equal weights (redis-cli.c clusterManagerCommandRebalance): each master should own
// 16384 / N slots (the remainder one each to the first masters); nothing moves unless some master
// is off by more than --threshold percent; then the most overloaded master gives its lowest slots
// to the most underloaded one, pair after pair, through the same per-slot move as `reshard`.

import { acquireLock } from '../../state/lock.js';
import { writeState, type ClusterPaths, type RunState } from '../../state/run-state.js';
import { HASH_SLOTS } from '../../../shared/slot-split.js';
import { moveSlots, NodeClients, type SlotOwner } from '../../sharded/move-slot.js';
import { analyzeLive, waitClusterReady } from '../../sharded/ready.js';
import { masters, ranges, refuseOpenSlots } from './reshard.js';

export interface RebalanceOptions {
  thresholdPct: number;
  pipeline: number;
  timeoutMs: number;
  onProgress?: (done: number, total: number, keys: number) => void;
  /** Masters owning no slot take part too (redis-cli's --cluster-use-empty-masters): `add-shard`. */
  useEmptyMasters?: boolean;
  /** Slots in flight at once (default 1, as redis-cli). */
  concurrency?: number;
}

export interface RebalanceMove {
  from: string;
  to: string;
  slots: string[];
  slotCount: number;
}

export interface RebalanceResult {
  cluster: string;
  /** Slots per master before and after, by node name. */
  before: Record<string, number>;
  after: Record<string, number>;
  moves: RebalanceMove[];
  keysMoved: number;
  /** False when every master was within the threshold (nothing moved). */
  changed: boolean;
  /** False when Ctrl-C stopped it early. */
  complete: boolean;
  settled: boolean;
  durationMs: number;
}

/** The moves that even out `owned` (slots per master, in order); pure. */
export function planRebalance(owned: { name: string; slots: number[] }[], thresholdPct: number): { from: string; to: string; slots: number[] }[] {
  const n = owned.length;
  if (n < 2) return [];
  const base = Math.floor(HASH_SLOTS / n);
  const expected = owned.map((_, i) => base + (i < HASH_SLOTS % n ? 1 : 0));
  const off = owned.some((master, i) => Math.abs((expected[i]! / Math.max(master.slots.length, 1) - 1) * 100) > thresholdPct);
  if (!off) return [];
  const nodes = owned.map((master, i) => ({ name: master.name, slots: [...master.slots].sort((a, b) => a - b), balance: master.slots.length - expected[i]! }));
  const moves: { from: string; to: string; slots: number[] }[] = [];
  for (;;) {
    const source = [...nodes].sort((a, b) => b.balance - a.balance)[0]!;
    const target = [...nodes].sort((a, b) => a.balance - b.balance)[0]!;
    const count = Math.min(source.balance, -target.balance);
    if (count <= 0) return moves;
    const slots = source.slots.splice(0, count);
    target.slots.push(...slots);
    source.balance -= count;
    target.balance += count;
    moves.push({ from: source.name, to: target.name, slots });
  }
}

export async function rebalance(state: RunState, paths: ClusterPaths, options: RebalanceOptions): Promise<RebalanceResult> {
  const release = acquireLock(paths.lockFile, state.name);
  try {
    return await rebalanceLocked(state, paths, options);
  } finally {
    release();
  }
}

/** `rebalance` for a caller that holds the cluster's lock already (`add-shard`). */
export async function rebalanceLocked(state: RunState, paths: ClusterPaths, options: RebalanceOptions): Promise<RebalanceResult> {
  const begin = Date.now();
  const { analysis, probes } = await analyzeLive(state);
  refuseOpenSlots(analysis);
  const owners = masters(probes).filter((owner) => options.useEmptyMasters || (probes.find((p) => p.name === owner.name)!.self!.slots.length ?? 0) > 0);
  const slotsOf = (owner: SlotOwner) => probes.find((p) => p.name === owner.name)!.self!.slots.flatMap((span) => Array.from({ length: span.end - span.start + 1 }, (_, i) => span.start + i));
  const owned = owners.map((owner) => ({ name: owner.name, slots: slotsOf(owner) }));
  const before = Object.fromEntries(owned.map((o) => [o.name, o.slots.length]));
  const plan = planRebalance(owned, options.thresholdPct);
  const total = plan.reduce((sum, move) => sum + move.slots.length, 0);
  const clients = new NodeClients();
  let keys = 0;
  let done = 0;
  // Ctrl-C finishes the slot in flight and stops: no slot is left open.
  let stop = false;
  const onSignal = () => (stop = true);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const moved: { from: string; to: string; slots: number[] }[] = [];
  try {
    const all = masters(probes);
    for (const move of plan) {
      const source = all.find((m) => m.name === move.from)!;
      const target = all.find((m) => m.name === move.to)!;
      const others = all.filter((m) => m !== source && m !== target);
      const record = { from: move.from, to: move.to, slots: [] as number[] };
      moved.push(record);
      await moveSlots(clients, move.slots, source, target, others, {
        pipeline: options.pipeline,
        timeoutMs: 60_000,
        concurrency: options.concurrency ?? 1,
        stopped: () => stop,
        onMoved: (slot, count) => {
          keys += count;
          record.slots.push(slot);
          options.onProgress?.(++done, total, keys);
        },
      });
      if (stop) break;
    }
    const settled = plan.length === 0 || (await waitClusterReady(state, begin + options.timeoutMs, () => {}).then(() => true, () => false));
    writeState(paths, state);
    const after = { ...before };
    for (const move of moved) {
      after[move.from]! -= move.slots.length;
      after[move.to]! += move.slots.length;
    }
    return {
      cluster: state.name,
      before,
      after,
      moves: moved.filter((move) => move.slots.length > 0).map((move) => ({ from: move.from, to: move.to, slots: ranges(move.slots), slotCount: move.slots.length })),
      keysMoved: keys,
      changed: done > 0,
      complete: done === total,
      settled,
      durationMs: Date.now() - begin,
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    clients.close();
  }
}
