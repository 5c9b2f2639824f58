// The per-command latency histogram of LATENCY HISTOGRAM and INFO latencystats, kept as Redis 7.0
// reports it: Redis records each call's duration in an HDR histogram (1 ns .. 1 s, two
// significant digits) and reports it through a logarithmic iterator whose levels double from
// 1024 ns; a level's label is the highest value equivalent to it, in microseconds. We keep the
// counts per level directly: a call lands in the first level whose equivalent range holds it.

/** LATENCY_HISTOGRAM_MIN_VALUE / MAX_VALUE of server.h, in ns. */
const MIN_NS = 1;
const MAX_NS = 1_000_000_000;
/** The first reporting level of the iterator Redis reports with (hdr_iter_log_init(..., 1024, 2)). */
const FIRST_LEVEL_NS = 1024;
/** HDR with 2 significant digits from 1 ns: 256 sub-buckets, the half count's magnitude being 7. */
const SUB_BUCKET_HALF_BITS = 7;

/** The highest value HDR takes as equal to `ns` (hdr highest_equivalent_value), for a power of two ≥ 1024. */
function highestEquivalent(ns: number): number {
  const magnitude = Math.floor(Math.log2(ns));
  return ns + 2 ** Math.max(0, magnitude - SUB_BUCKET_HALF_BITS) - 1;
}

/** Level k covers durations up to LEVEL_TOP_NS[k]; 21 levels reach past one second. */
const LEVEL_TOP_NS: number[] = Array.from({ length: 21 }, (_, k) => highestEquivalent(FIRST_LEVEL_NS * 2 ** k));

/** The labels Redis prints for the levels: their highest equivalent value in whole microseconds. */
export const LEVEL_LABELS_US: readonly number[] = LEVEL_TOP_NS.map((ns) => Math.floor(ns / 1000));

/** The level a call of `durationUs` microseconds counts in (clamped to Redis's tracked range). */
export function histogramLevel(durationUs: number): number {
  const ns = Math.min(Math.max(durationUs * 1000, MIN_NS), MAX_NS);
  // The first level whose plain value reaches ns, or the one before when its range already does.
  let level = ns <= FIRST_LEVEL_NS ? 0 : 32 - Math.clz32(Math.ceil(ns / FIRST_LEVEL_NS) - 1);
  if (level > 0 && ns <= LEVEL_TOP_NS[level - 1]!) level--;
  return level;
}

/** Counts one call in `counts` (one slot per level, grown on demand). */
export function recordLatency(counts: number[], durationUs: number): void {
  const level = histogramLevel(durationUs);
  while (counts.length <= level) counts.push(0);
  counts[level]!++;
}

/** [label µs, cumulative count] for every level where the count grows (fillCommandCDF). */
export function cumulativeBuckets(counts: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  let total = 0;
  for (let level = 0; level < counts.length; level++) {
    if (counts[level]! === 0) continue;
    total += counts[level]!;
    out.push([LEVEL_LABELS_US[level]!, total]);
  }
  return out;
}
