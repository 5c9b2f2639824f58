// Owns the keys of db 0 by hash slot, for CLUSTER COUNTKEYSINSLOT / GETKEYSINSLOT and SETSLOT (Redis
// keeps slots_to_keys for the same reason: a reshard asks for the keys of every slot in turn, and
// scanning the whole keyspace for each would be quadratic). Kept without touching the keyspace: it
// watches changes as a ChangeObserver (every insert, overwrite and delete goes through
// beforeChange), marks the key, and settles the marked keys against db 0 when asked. Built lazily
// on the first question; dropped (and rebuilt on the next one) when the marks grow large or the
// counts disagree with db 0.

import type { ChangeObserver, Server } from '../server.js';
import type { Db } from '../keyspace/db.js';
import { keySlot } from '../../shared/key-slot.js';

/** Marked keys beyond which rebuilding from db 0 is cheaper than settling them one by one. */
const MAX_PENDING = 100_000;

export class SlotKeyIndex implements ChangeObserver {
  private bySlot: Map<number, Set<string>> | undefined;
  private total = 0;
  private readonly pending = new Set<string>();

  constructor(private readonly db: Db) {}

  beforeChange(db: Db, key: string): void {
    if (db !== this.db || !this.bySlot) return;
    this.pending.add(key);
    if (this.pending.size > MAX_PENDING) this.drop();
  }

  private drop(): void {
    this.bySlot = undefined;
    this.total = 0;
    this.pending.clear();
  }

  private build(): Map<number, Set<string>> {
    const bySlot = new Map<number, Set<string>>();
    for (const key of this.db.data.keys()) {
      const slot = keySlot(key);
      let keys = bySlot.get(slot);
      if (!keys) bySlot.set(slot, (keys = new Set()));
      keys.add(key);
    }
    this.bySlot = bySlot;
    this.total = this.db.data.size;
    this.pending.clear();
    return bySlot;
  }

  /** The index, up to date with db 0. */
  private current(): Map<number, Set<string>> {
    const bySlot = this.bySlot ?? this.build();
    for (const key of this.pending) {
      const slot = keySlot(key);
      let keys = bySlot.get(slot);
      if (this.db.data.has(key)) {
        if (!keys) bySlot.set(slot, (keys = new Set()));
        if (!keys.has(key)) {
          keys.add(key);
          this.total++;
        }
      } else if (keys?.delete(key)) {
        this.total--;
        if (keys.size === 0) bySlot.delete(slot);
      }
    }
    this.pending.clear();
    // A change that bypassed beforeChange would show here: start again from db 0.
    return this.total === this.db.data.size ? bySlot : this.build();
  }

  count(slot: number): number {
    return this.current().get(slot)?.size ?? 0;
  }

  /** Up to `limit` keys of the slot, newest first (Redis links a slot's keys with the newest at the head). */
  keys(slot: number, limit = Infinity): string[] {
    const keys = this.current().get(slot);
    if (!keys || limit <= 0) return [];
    const all = [...keys];
    all.reverse();
    return all.length > limit ? all.slice(0, limit) : all;
  }
}

const indexes = new WeakMap<Server, SlotKeyIndex>();

/** The server's slot index, made and attached as a change observer on first use. */
export function slotIndexOf(server: Server): SlotKeyIndex {
  let index = indexes.get(server);
  if (!index) {
    index = new SlotKeyIndex(server.dbs[0]!);
    server.observers.add(index);
    indexes.set(server, index);
  }
  return index;
}
