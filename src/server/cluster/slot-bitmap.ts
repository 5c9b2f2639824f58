// Owns the 2048-byte slot bitmap of the cluster bus (header `myslots`, UPDATE's `slots`): slot s is
// bit (s & 7) of byte (s >> 3), least significant bit first, as cluster.c's bitmapTestBit reads it.

import { CLUSTER_SLOTS } from '../../shared/key-slot.js';
import { checkSlot, slotsToRanges, type SlotRange } from './slot-range.js';

/** Bytes in a slot bitmap (cluster.h: CLUSTER_SLOTS/8). */
export const SLOT_BITMAP_BYTES = CLUSTER_SLOTS / 8;

/** A fresh all-clear bitmap. */
export function emptySlotBitmap(): Uint8Array {
  return new Uint8Array(SLOT_BITMAP_BYTES);
}

export function bitmapHasSlot(bitmap: Uint8Array, slot: number): boolean {
  return (bitmap[slot >> 3]! & (1 << (slot & 7))) !== 0;
}

export function bitmapSetSlot(bitmap: Uint8Array, slot: number): void {
  checkSlot(slot);
  bitmap[slot >> 3]! |= 1 << (slot & 7);
}

export function bitmapClearSlot(bitmap: Uint8Array, slot: number): void {
  checkSlot(slot);
  bitmap[slot >> 3]! &= ~(1 << (slot & 7));
}

/** A bitmap with every slot of the given inclusive ranges set. */
export function bitmapFromRanges(ranges: Iterable<SlotRange>): Uint8Array {
  const bitmap = emptySlotBitmap();
  for (const { start, end } of ranges) for (let slot = start; slot <= end; slot++) bitmapSetSlot(bitmap, slot);
  return bitmap;
}

/** Every set slot, ascending. */
export function bitmapSlots(bitmap: Uint8Array): number[] {
  const slots: number[] = [];
  for (let byte = 0; byte < SLOT_BITMAP_BYTES; byte++) {
    const bits = bitmap[byte]!;
    if (bits === 0) continue;
    for (let bit = 0; bit < 8; bit++) if (bits & (1 << bit)) slots.push(byte * 8 + bit);
  }
  return slots;
}

/** The set slots as maximal inclusive ranges, ascending. */
export function bitmapToRanges(bitmap: Uint8Array): SlotRange[] {
  return slotsToRanges(bitmapSlots(bitmap));
}

/** Number of set slots. */
export function bitmapCount(bitmap: Uint8Array): number {
  let count = 0;
  for (let byte = 0; byte < SLOT_BITMAP_BYTES; byte++) {
    for (let bits = bitmap[byte]!; bits !== 0; bits &= bits - 1) count++;
  }
  return count;
}
