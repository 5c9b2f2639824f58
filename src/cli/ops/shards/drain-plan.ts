// Where a leaving shard's slots go (`remove-shard`): to the staying masters so that their counts end
// as even as they can — each slot, in turn, to the master owning the fewest (water-filling), as
// redis-cli --cluster rebalance would even them out afterwards, but without moving any slot twice
// or between staying masters. Each master gets one contiguous run of the leaving master's slots
// (taken lowest first, as redis-cli's clusterManagerComputeReshardTable does). Pure.

export interface DrainTarget {
  name: string;
  /** Slots it owns now. */
  count: number;
}

export interface DrainMove {
  to: string;
  slots: number[];
}

export function planDrain(slots: number[], targets: DrainTarget[]): DrainMove[] {
  if (targets.length === 0) return [];
  const take = targets.map(() => 0);
  for (let i = 0; i < slots.length; i++) {
    let least = 0;
    for (let t = 1; t < targets.length; t++) if (targets[t]!.count + take[t]! < targets[least]!.count + take[least]!) least = t;
    take[least]!++;
  }
  const sorted = [...slots].sort((a, b) => a - b);
  const moves: DrainMove[] = [];
  let at = 0;
  targets.forEach((target, t) => {
    if (take[t] === 0) return;
    moves.push({ to: target.name, slots: sorted.slice(at, at + take[t]!) });
    at += take[t]!;
  });
  return moves;
}
