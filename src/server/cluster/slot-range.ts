// Owns the slot-range vocabulary shared by the slot map, the bus codec and replies: a validated slot
// number, an inclusive [start, end] range, and the `start-end` / `start` text CLUSTER NODES uses.

import { CLUSTER_SLOTS } from '../../shared/key-slot.js';

/** An inclusive range of slots, as CLUSTER SLOTS / SHARDS / NODES report them. */
export interface SlotRange {
  start: number;
  end: number;
}

/** Throws a RangeError unless `slot` is an integer in 0..16383. */
export function checkSlot(slot: number): void {
  if (!Number.isInteger(slot) || slot < 0 || slot >= CLUSTER_SLOTS) {
    throw new RangeError(`slot ${slot} is not in 0..${CLUSTER_SLOTS - 1}`);
  }
}

/** Throws a RangeError unless start..end is a valid, non-empty inclusive slot range. */
export function checkRange(start: number, end: number): void {
  checkSlot(start);
  checkSlot(end);
  if (end < start) throw new RangeError(`slot range ${start}-${end} ends before it starts`);
}

/**
 * Collapses ascending slot numbers into maximal runs, the way Redis keeps slot_info_pairs.
 * The input must be sorted ascending without repeats.
 */
export function slotsToRanges(slots: Iterable<number>): SlotRange[] {
  const ranges: SlotRange[] = [];
  let current: SlotRange | undefined;
  for (const slot of slots) {
    if (current && slot === current.end + 1) current.end = slot;
    else ranges.push((current = { start: slot, end: slot }));
  }
  return ranges;
}

/** `5` for a single slot, `0-5460` for a run: the form CLUSTER NODES and nodes.conf print. */
export function formatRange({ start, end }: SlotRange): string {
  return start === end ? String(start) : `${start}-${end}`;
}

/** Number of slots in a range. */
export function rangeSize({ start, end }: SlotRange): number {
  return end - start + 1;
}
