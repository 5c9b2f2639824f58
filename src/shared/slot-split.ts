// Owns the initial split of the 16384 hash slots among N masters exactly as `redis-cli --cluster
// create` computes it (redis-cli.c clusterManagerCommandCreate), and the order it picks masters in.
// Shared because two programs need it: the node (src/server/cluster) and clusterctl's `up`, which
// must create the same cluster redis-cli would.

/** Number of hash slots in a Redis Cluster (cluster.h CLUSTER_SLOTS). */
export const HASH_SLOTS = 16384;

/** An inclusive range of slots. */
export interface SlotSpan {
  start: number;
  end: number;
}

/** C's lround: nearest integer, halves away from zero (Math.round sends -0.5 to -0, not -1). */
function lround(value: number): number {
  return Math.sign(value) * Math.floor(Math.abs(value) + 0.5);
}

/**
 * The contiguous range each of `masters` masters gets, in master order. redis-cli does this in
 * single-precision floats: slots_per_node = 16384 / (float)N; master i gets first..last with
 * last = lround(cursor + slots_per_node - 1) (float sums), the final master always ends at 16383,
 * a range never ends before it starts, and cursor += slots_per_node (float). Math.fround reproduces
 * each float rounding, which decides where some boundaries fall (e.g. N = 3: 0-5460, 5461-10922,
 * 10923-16383). redis-cli refuses fewer than 3 masters; this function accepts any N >= 1.
 */
export function splitSlotsLikeRedisCli(masters: number): SlotSpan[] {
  if (!Number.isInteger(masters) || masters < 1) throw new RangeError(`cannot split slots among ${masters} masters`);
  const perNode = Math.fround(HASH_SLOTS / masters);
  const ranges: SlotSpan[] = [];
  let first = 0;
  let cursor = 0;
  for (let i = 0; i < masters; i++) {
    let last = lround(Math.fround(Math.fround(cursor + perNode) - 1));
    if (last > HASH_SLOTS || i === masters - 1) last = HASH_SLOTS - 1;
    if (last < first) last = first;
    ranges.push({ start: first, end: last });
    first = last + 1;
    cursor = Math.fround(cursor + perNode);
  }
  return ranges;
}

/**
 * The order redis-cli picks masters in: nodes are grouped by IP (groups in first-seen order) and
 * taken round-robin, one from each group per turn; the first `masters` of that order are masters.
 * With every node on one IP (a local cluster) the order is the order given.
 */
export function interleaveByHost<T>(nodes: readonly T[], hostOf: (node: T) => string): T[] {
  const groups = new Map<string, T[]>();
  for (const node of nodes) {
    const host = hostOf(node);
    const group = groups.get(host);
    if (group) group.push(node);
    else groups.set(host, [node]);
  }
  const order: T[] = [];
  const queues = [...groups.values()];
  for (let turn = 0; order.length < nodes.length; turn++) {
    for (const queue of queues) if (turn < queue.length) order.push(queue[turn]!);
  }
  return order;
}

/** `5` for a single slot, `0-5460` for a run: the form CLUSTER NODES prints. */
export function formatSlotSpan({ start, end }: SlotSpan): string {
  return start === end ? String(start) : `${start}-${end}`;
}
