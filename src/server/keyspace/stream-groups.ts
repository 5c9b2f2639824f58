// Consumer groups of a stream (Redis 7.0 stream.h streamCG / streamConsumer / streamNACK): the
// group's last delivered ID and entries-read counter, its pending entries list (PEL), and its
// consumers, each with a PEL sharing the group's NACK objects. PELs are arrays sorted by ID (the
// common case, XREADGROUP appending new IDs, is O(1)); names sort as Redis's rax orders them
// (bytewise, which latin1 string comparison is).

import { compareIds, type StreamId } from './stream-id.js';

/** A delivered, not yet acknowledged entry. */
export class Nack {
  constructor(
    readonly id: StreamId,
    /** Last delivery, ms since the epoch. */
    public deliveryTime: number,
    public deliveryCount: bigint,
    /** The consumer it was last delivered to; null only while XCLAIM FORCE or a load builds it. */
    public consumer: Consumer | null,
  ) {}
}

/** NACKs sorted by ID. */
export class Pel {
  readonly items: Nack[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Index of the first NACK with an ID >= id. */
  lowerBound(id: StreamId): number {
    const items = this.items;
    let lo = 0;
    let hi = items.length;
    if (hi > 0 && compareIds(items[hi - 1]!.id, id) < 0) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(items[mid]!.id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(id: StreamId): Nack | undefined {
    const at = this.lowerBound(id);
    const nack = this.items[at];
    return nack !== undefined && compareIds(nack.id, id) === 0 ? nack : undefined;
  }

  /** Adds a NACK; false when its ID is already there. */
  insert(nack: Nack): boolean {
    const at = this.lowerBound(nack.id);
    const there = this.items[at];
    if (there !== undefined && compareIds(there.id, nack.id) === 0) return false;
    if (at === this.items.length) this.items.push(nack);
    else this.items.splice(at, 0, nack);
    return true;
  }

  remove(id: StreamId): Nack | undefined {
    const at = this.lowerBound(id);
    const there = this.items[at];
    if (there === undefined || compareIds(there.id, id) !== 0) return undefined;
    this.items.splice(at, 1);
    return there;
  }
}

export class Consumer {
  readonly pel = new Pel();

  constructor(
    readonly name: string,
    /** Last time the consumer was active, ms since the epoch. */
    public seenTime: number,
  ) {}
}

/** SCG_INVALID_ENTRIES_READ: the group's read counter is unknown. */
export const INVALID_ENTRIES_READ = -1n;

export class ConsumerGroup {
  readonly pel = new Pel();
  readonly consumers = new Map<string, Consumer>();

  constructor(
    public lastId: StreamId,
    public entriesRead: bigint,
  ) {}

  /** Consumers in Redis's order (bytewise by name). */
  sortedConsumers(): Consumer[] {
    return sortedValues(this.consumers);
  }

  /** A new consumer, or null when the name exists (streamCreateConsumer). */
  createConsumer(name: string, now: number): Consumer | null {
    if (this.consumers.has(name)) return null;
    const consumer = new Consumer(name, now);
    this.consumers.set(name, consumer);
    return consumer;
  }

  /** Removes a consumer and its pending entries from the group PEL; returns how many it had. */
  deleteConsumer(consumer: Consumer): number {
    for (const nack of consumer.pel.items) this.pel.remove(nack.id);
    this.consumers.delete(consumer.name);
    return consumer.pel.size;
  }

  /** Acknowledges an ID: drops it from both PELs; false when it was not pending. */
  acknowledge(id: StreamId): boolean {
    const nack = this.pel.remove(id);
    if (!nack) return false;
    nack.consumer?.pel.remove(id);
    return true;
  }

  clone(): ConsumerGroup {
    const copy = new ConsumerGroup(this.lastId, this.entriesRead);
    const byId = new Map<Nack, Nack>();
    for (const nack of this.pel.items) {
      const twin = new Nack(nack.id, nack.deliveryTime, nack.deliveryCount, null);
      byId.set(nack, twin);
      copy.pel.items.push(twin);
    }
    for (const consumer of this.consumers.values()) {
      const twin = new Consumer(consumer.name, consumer.seenTime);
      for (const nack of consumer.pel.items) {
        const shared = byId.get(nack)!;
        shared.consumer = twin;
        twin.pel.items.push(shared);
      }
      copy.consumers.set(twin.name, twin);
    }
    return copy;
  }
}

/** Map values sorted bytewise by key (Redis iterates rax keys in that order). */
export function sortedValues<T>(map: Map<string, T>): T[] {
  return [...map.keys()].sort(bytewise).map((key) => map.get(key)!);
}

export function bytewise(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
