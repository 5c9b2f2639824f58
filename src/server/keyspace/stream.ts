// The stream value (Redis 7.0 t_stream.c): nodes sorted by master ID standing for Redis's radix tree
// of listpacks (stream-node.ts), the stream's counters (length, last ID, first recorded ID,
// max deleted ID, entries added, all as 7.0 keeps them) and its consumer groups. Lookups binary-search
// the nodes, then the entries of one node: O(log n). Trimming lives in stream-trim.ts.

import { compareIds, MAX_ID, ZERO_ID, type StreamId } from './stream-id.js';
import { StreamNode } from './stream-node.js';
import { bytewise, ConsumerGroup } from './stream-groups.js';

/** STREAM_LISTPACK_MAX_SIZE: no node grows past 1 GiB whatever stream-node-max-bytes says. */
export const LISTPACK_MAX_SIZE = 2 ** 30;

export interface NodeLimits {
  /** stream-node-max-bytes (0 = the 1 GiB cap). */
  maxBytes: number;
  /** stream-node-max-entries (0 = no limit), live and deleted entries counted. */
  maxEntries: number;
}

/** One entry met by an iteration: its node, its index there and its ID. */
export interface EntryRef {
  node: StreamNode;
  index: number;
  id: StreamId;
}

export class StreamValue {
  nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamId = ZERO_ID;
  /** The first live entry's ID as recorded (0-0 when empty): XINFO's recorded-first-entry-id. */
  firstId: StreamId = ZERO_ID;
  maxDeletedId: StreamId = ZERO_ID;
  entriesAdded = 0n;
  /** Created on first XGROUP CREATE, as Redis creates s->cgroups on demand. */
  groups: Map<string, ConsumerGroup> | null = null;

  /** Appends an entry whose ID the caller checked is above lastId (streamAppendItem). */
  append(id: StreamId, fieldsValues: readonly string[], limits: NodeLimits): void {
    let node: StreamNode | undefined = this.nodes[this.nodes.length - 1];
    if (node !== undefined && this.nodeIsFull(node, fieldsValues, limits)) {
      node.shrinkToFit();
      node = undefined;
    }
    if (node === undefined) {
      const fields: string[] = [];
      for (let i = 0; i < fieldsValues.length; i += 2) fields.push(fieldsValues[i]!);
      node = new StreamNode(id, fields);
      this.nodes.push(node);
    }
    node.append(id, fieldsValues);
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  private nodeIsFull(node: StreamNode, fieldsValues: readonly string[], limits: NodeLimits): boolean {
    let maxBytes = limits.maxBytes;
    if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
    let elementBytes = 0;
    for (const item of fieldsValues) elementBytes += item.length;
    if (node.bytes + elementBytes >= maxBytes) return true;
    return limits.maxEntries > 0 && node.live + node.deleted >= limits.maxEntries;
  }

  /** Index of the last node whose master ID is <= id, or -1. */
  nodeIndexFor(id: StreamId): number {
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.nodes[mid]!.master, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Entries with start <= ID <= end, in order (reverse when rev); tombstones only when asked. */
  *range(start: StreamId, end: StreamId, rev = false, tombstones = false): Generator<EntryRef> {
    if (compareIds(start, end) > 0) return;
    if (rev) {
      yield* this.backward(start, end, tombstones);
      return;
    }
    let n = Math.max(0, this.nodeIndexFor(start));
    let i = n < this.nodes.length ? this.nodes[n]!.lowerBound(start) : 0;
    for (; n < this.nodes.length; n++, i = 0) {
      const node = this.nodes[n]!;
      for (; i < node.entryCount; i++) {
        if (!tombstones && node.isDeleted(i)) continue;
        const id = node.id(i);
        if (compareIds(id, end) > 0) return;
        yield { node, index: i, id };
      }
    }
  }

  private *backward(start: StreamId, end: StreamId, tombstones: boolean): Generator<EntryRef> {
    let n = this.nodeIndexFor(end);
    if (n < 0) return;
    const last = this.nodes[n]!;
    let i = last.lowerBound(end);
    if (i < last.entryCount && compareIds(last.id(i), end) === 0) i++;
    for (; n >= 0; n--, i = n >= 0 ? this.nodes[n]!.entryCount : 0) {
      const node = this.nodes[n]!;
      for (i--; i >= 0; i--) {
        if (!tombstones && node.isDeleted(i)) continue;
        const id = node.id(i);
        if (compareIds(id, start) < 0) return;
        yield { node, index: i, id };
      }
    }
  }

  /** The live entry with this exact ID (streamEntryExists). */
  find(id: StreamId): EntryRef | undefined {
    const n = this.nodeIndexFor(id);
    if (n < 0) return undefined;
    const node = this.nodes[n]!;
    const index = node.lowerBound(id);
    if (index >= node.entryCount || node.isDeleted(index) || compareIds(node.id(index), id) !== 0) return undefined;
    return { node, index, id };
  }

  /** XDEL of one ID: marks it deleted, dropping its node when it held the last live entry. */
  deleteEntry(id: StreamId): boolean {
    const entry = this.find(id);
    if (!entry) return false;
    if (entry.node.live === 1) this.nodes.splice(this.nodes.indexOf(entry.node), 1);
    else entry.node.markDeleted(entry.index);
    this.length--;
    return true;
  }

  /** First or last entry ID, tombstones included or not; MAX (first) or 0-0 (last) when none. */
  edgeId(first: boolean, skipTombstones: boolean): StreamId {
    const entries = first ? this.range(ZERO_ID, MAX_ID, false, !skipTombstones) : this.range(ZERO_ID, MAX_ID, true, !skipTombstones);
    const found = entries.next();
    if (!found.done) return found.value.id;
    return first ? MAX_ID : ZERO_ID;
  }

  /** The last live entry's ID (streamLastValidID); 0-0 when the stream is empty. */
  lastValidId(): StreamId {
    return this.edgeId(false, true);
  }

  group(name: string): ConsumerGroup | undefined {
    return this.groups?.get(name);
  }

  /** Adds a group; null when the name is taken (streamCreateCG). */
  createGroup(name: string, lastId: StreamId, entriesRead: bigint): ConsumerGroup | null {
    if (this.groups === null) this.groups = new Map();
    if (this.groups.has(name)) return null;
    const group = new ConsumerGroup(lastId, entriesRead);
    this.groups.set(name, group);
    return group;
  }

  /** [name, group] pairs in Redis's order. */
  sortedGroups(): [string, ConsumerGroup][] {
    if (this.groups === null) return [];
    const groups = this.groups;
    return [...groups.keys()].sort(bytewise).map((name) => [name, groups.get(name)!]);
  }

  clone(): StreamValue {
    const copy = new StreamValue();
    copy.nodes = this.nodes.map((node) => node.clone());
    copy.length = this.length;
    copy.lastId = this.lastId;
    copy.firstId = this.firstId;
    copy.maxDeletedId = this.maxDeletedId;
    copy.entriesAdded = this.entriesAdded;
    if (this.groups !== null) {
      copy.groups = new Map();
      for (const [name, group] of this.groups) copy.groups.set(name, group.clone());
    }
    return copy;
  }
}
