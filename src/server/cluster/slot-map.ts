// Owns the pure slot table of one node's view of the cluster: which node id serves each of the
// 16384 slots (clusterState.slots), and which slots are migrating to / importing from another node
// (migrating_slots_to / importing_slots_from). No I/O, no checks of who may change what: the
// CLUSTER commands and the bus decide that; this only records and answers.

import { CLUSTER_SLOTS } from '../../shared/key-slot.js';
import { bitmapSetSlot, emptySlotBitmap } from './slot-bitmap.js';
import { checkRange, checkSlot, slotsToRanges, type SlotRange } from './slot-range.js';
import { splitSlotsLikeRedisCli } from './slot-split.js';

/** A run of consecutive slots served by one node (the unit of CLUSTER SLOTS / SHARDS). */
export interface OwnedRange extends SlotRange {
  owner: string;
}

export class SlotMap {
  /** Owner node id per slot; null = unassigned. */
  private readonly owners: (string | null)[] = new Array<string | null>(CLUSTER_SLOTS).fill(null);
  /** slot -> node id it migrates to (SETSLOT <slot> MIGRATING <id>). */
  private readonly migrating = new Map<number, string>();
  /** slot -> node id it is imported from (SETSLOT <slot> IMPORTING <id>). */
  private readonly importing = new Map<number, string>();
  /**
   * Told whenever a slot leaves the node that served it (reassigned or unassigned: clusterDelSlot),
   * before the change: cluster-mode.ts drops the shard channels of a slot our shard stops serving.
   */
  onRelease: ((slot: number, previousOwner: string) => void) | undefined;

  /** Owner of a slot, or null when no node serves it. */
  owner(slot: number): string | null {
    checkSlot(slot);
    return this.owners[slot]!;
  }

  /** Binds a slot to a node (overwriting any owner); returns the previous owner. */
  assign(slot: number, nodeId: string): string | null {
    checkSlot(slot);
    const previous = this.owners[slot]!;
    if (previous !== null && previous !== nodeId) this.onRelease?.(slot, previous);
    this.owners[slot] = nodeId;
    return previous;
  }

  /** Binds every slot of start..end (inclusive) to a node. */
  assignRange(start: number, end: number, nodeId: string): void {
    checkRange(start, end);
    if (this.onRelease) for (let slot = start; slot <= end; slot++) this.assign(slot, nodeId);
    else this.owners.fill(nodeId, start, end + 1);
  }

  /**
   * Leaves a slot unassigned; returns the previous owner. Migration state is untouched: callers
   * decide (CLUSTER ADDSLOTS/DELSLOTS clear only the importing mark, in clusterUpdateSlots).
   */
  unassign(slot: number): string | null {
    checkSlot(slot);
    const previous = this.owners[slot]!;
    if (previous !== null) this.onRelease?.(slot, previous);
    this.owners[slot] = null;
    return previous;
  }

  /** Unbinds every slot a node serves (clusterDelNodeSlots); returns how many it had. */
  unassignNode(nodeId: string): number {
    let count = 0;
    for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
      if (this.owners[slot] === nodeId) {
        this.onRelease?.(slot, nodeId);
        this.owners[slot] = null;
        count++;
      }
    }
    return count;
  }

  /** Every slot a node serves, ascending. */
  slotsOf(nodeId: string): number[] {
    const slots: number[] = [];
    for (let slot = 0; slot < CLUSTER_SLOTS; slot++) if (this.owners[slot] === nodeId) slots.push(slot);
    return slots;
  }

  /** A node's slots as maximal ranges, ascending (its slot_info_pairs). */
  rangesOf(nodeId: string): SlotRange[] {
    return slotsToRanges(this.slotsOf(nodeId));
  }

  /** How many slots a node serves (clusterNode.numslots). */
  countOf(nodeId: string): number {
    let count = 0;
    for (let slot = 0; slot < CLUSTER_SLOTS; slot++) if (this.owners[slot] === nodeId) count++;
    return count;
  }

  /** The node's slots as the 2048-byte bus bitmap (header myslots). */
  bitmapOf(nodeId: string): Uint8Array {
    const bitmap = emptySlotBitmap();
    for (let slot = 0; slot < CLUSTER_SLOTS; slot++) if (this.owners[slot] === nodeId) bitmapSetSlot(bitmap, slot);
    return bitmap;
  }

  /** Every maximal run of slots with one owner, ascending by start; unassigned slots are left out. */
  ranges(): OwnedRange[] {
    const ranges: OwnedRange[] = [];
    let current: OwnedRange | undefined;
    for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
      const owner = this.owners[slot]!;
      if (owner === null) current = undefined;
      else if (current && current.owner === owner) current.end = slot;
      else ranges.push((current = { start: slot, end: slot, owner }));
    }
    return ranges;
  }

  /** Node ids that serve at least one slot, in order of their lowest slot. */
  owningNodes(): string[] {
    return [...new Set(this.owners.filter((owner): owner is string => owner !== null))];
  }

  /** Slots with an owner (CLUSTER INFO cluster_slots_assigned). */
  assignedCount(): number {
    let count = 0;
    for (const owner of this.owners) if (owner !== null) count++;
    return count;
  }

  /** True when every slot has an owner (the first condition of cluster_state:ok). */
  fullyCovered(): boolean {
    return this.owners.every((owner) => owner !== null);
  }

  /** Slots with no owner, ascending. */
  unassignedSlots(): number[] {
    const slots: number[] = [];
    for (let slot = 0; slot < CLUSTER_SLOTS; slot++) if (this.owners[slot] === null) slots.push(slot);
    return slots;
  }

  setMigrating(slot: number, targetId: string): void {
    checkSlot(slot);
    this.migrating.set(slot, targetId);
  }

  setImporting(slot: number, sourceId: string): void {
    checkSlot(slot);
    this.importing.set(slot, sourceId);
  }

  /** SETSLOT <slot> STABLE: neither migrating nor importing. */
  setStable(slot: number): void {
    checkSlot(slot);
    this.migrating.delete(slot);
    this.importing.delete(slot);
  }

  /** Drops only the migrating mark (SETSLOT NODE once the slot's keys are gone). */
  clearMigrating(slot: number): void {
    this.migrating.delete(slot);
  }

  /** Drops only the importing mark (the slot became ours). */
  clearImporting(slot: number): void {
    this.importing.delete(slot);
  }

  /** Node the slot is migrating to, if any. */
  migratingTo(slot: number): string | undefined {
    return this.migrating.get(slot);
  }

  /** Node the slot is importing from, if any. */
  importingFrom(slot: number): string | undefined {
    return this.importing.get(slot);
  }

  /** Open slots, ascending: what the `[slot->-id]` / `[slot-<-id]` suffixes of CLUSTER NODES show. */
  openSlots(): { migrating: [number, string][]; importing: [number, string][] } {
    const sorted = (map: Map<number, string>) => [...map].sort((a, b) => a[0] - b[0]);
    return { migrating: sorted(this.migrating), importing: sorted(this.importing) };
  }

  /** Drops all migration state (clusterCloseAllSlots). */
  closeAllSlots(): void {
    this.migrating.clear();
    this.importing.clear();
  }

  /**
   * Gives the masters the ranges `redis-cli --cluster create` would, in the order given (use
   * interleaveByHost first to pick that order as redis-cli does). Returns each master's range.
   */
  assignEvenly(masterIds: readonly string[]): OwnedRange[] {
    const split = splitSlotsLikeRedisCli(masterIds.length);
    return split.map((range, i) => {
      this.assignRange(range.start, range.end, masterIds[i]!);
      return { ...range, owner: masterIds[i]! };
    });
  }
}
