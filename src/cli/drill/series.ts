// Time series of a drill, pure: writes per 100 ms bucket by outcome (the report's chart), the
// longest stretch without a successful write, and first failure / first success after a moment.

import type { Outcome, WriteRecord } from './workload.js';

export const BUCKET_MS = 100;

export interface Bucket {
  /** Start of the bucket, ms since the drill began. */
  atMs: number;
  ok: number;
  failed: number;
  unknown: number;
}

/** Buckets from 0 to `endMs` (inclusive of the last partial one), counted by when each write's outcome arrived. */
export function bucketSeries(records: readonly WriteRecord[], endMs: number, size = BUCKET_MS): Bucket[] {
  const last = Math.max(endMs, ...records.map((r) => r.doneAt));
  const count = Math.floor(last / size) + 1;
  const buckets = Array.from({ length: count }, (_, i) => ({ atMs: i * size, ok: 0, failed: 0, unknown: 0 }));
  for (const record of records) buckets[Math.max(0, Math.floor(record.doneAt / size))]![record.outcome] += 1;
  return buckets;
}

export interface Gap {
  fromMs: number;
  toMs: number;
  ms: number;
}

/**
 * The longest stretch in [startMs, endMs] with no acknowledged write (by arrival of the +OK): the
 * unavailability window as a client saw it.
 */
export function longestGap(records: readonly WriteRecord[], startMs: number, endMs: number): Gap {
  const times = records.filter((r) => r.outcome === 'ok').map((r) => r.doneAt).sort((a, b) => a - b);
  let best: Gap = { fromMs: startMs, toMs: startMs, ms: 0 };
  let previous = startMs;
  for (const time of [...times.filter((t) => t >= startMs && t <= endMs), endMs]) {
    if (time - previous > best.ms) best = { fromMs: previous, toMs: time, ms: time - previous };
    previous = Math.max(previous, time);
  }
  return best;
}

/** The first write sent at or after `atMs` with this outcome, skipping `exclude` keys (null when none). */
export function firstAfter(records: readonly WriteRecord[], atMs: number, outcomes: readonly Outcome[], exclude?: ReadonlySet<string>): WriteRecord | null {
  let first: WriteRecord | null = null;
  for (const record of records) {
    if (record.sentAt >= atMs && outcomes.includes(record.outcome) && !exclude?.has(record.key) && (!first || record.doneAt < first.doneAt)) first = record;
  }
  return first;
}

/** The first write whose outcome arrived at or after `atMs` and was not a success. */
export function firstProblemAfter(records: readonly WriteRecord[], atMs: number): WriteRecord | null {
  let first: WriteRecord | null = null;
  for (const record of records) {
    if (record.doneAt >= atMs && record.outcome !== 'ok' && (!first || record.doneAt < first.doneAt)) first = record;
  }
  return first;
}
