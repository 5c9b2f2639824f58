// One node of a stream: what Redis 7.0 keeps as one listpack under one radix-tree key (t_stream.c
// streamAppendItem). Its entries are held as listpack bytes, the very bytes Redis would hold, so
// a node costs about what it costs Redis, approximate trimming removes the same whole nodes as
// redis-server, the node size follows stream-node-max-bytes exactly, and RDB / DUMP write the
// listpack as Redis would. The listpack is
//
//   master entry:  live-count deleted-count num-fields field_1 .. field_N 0
//   each entry:    flags ms-delta seq-delta [num-fields field_1 value_1 ..] | [value_1 ..] lp-count
//
// The counters and master fields are kept as numbers and strings (they change, or are compared,
// on every XADD); `data` holds the entries' elements. IDs are deltas from the node's master ID
// (the radix-tree key), wrapping as Redis's uint64 maths. `starts` holds each entry's offset in
// `data`, so an ID is found by binary search inside a node.

import { compareIds, type StreamId } from './stream-id.js';
import { encodeListpack, LP_EMPTY_SIZE, lpItemSize, LpReader, lpWriteItem, type LpItem } from './stream-listpack.js';

export const FLAG_DELETED = 1;
export const FLAG_SAMEFIELDS = 2;

/** Room the tail node starts with; it doubles as entries come and shrinks to fit once full. */
const INITIAL_CAPACITY = 256;
const reader = new LpReader(Buffer.alloc(0));

/** Interprets a uint64 difference as Redis stores it: a signed 64-bit integer. */
function toDelta(value: bigint): number | bigint {
  const signed = BigInt.asIntN(64, value);
  return signed >= -9007199254740991n && signed <= 9007199254740991n ? Number(signed) : signed;
}

export class StreamNode {
  live = 0;
  deleted = 0;
  /** The entries' listpack elements; bytes past `used` are spare room. */
  private data: Buffer = Buffer.allocUnsafeSlow(INITIAL_CAPACITY);
  private used = 0;
  /** Elements in `data` (the listpack header counts them). */
  private elements = 0;
  /** Offset in `data` of each entry's flags element. */
  private readonly starts: number[] = [];
  private readonly masterBytes: number;

  constructor(
    readonly master: StreamId,
    readonly masterFields: readonly string[],
  ) {
    let size = lpItemSize(masterFields.length) + lpItemSize(0);
    for (const field of masterFields) size += lpItemSize(field);
    this.masterBytes = size;
  }

  /** lpBytes of the listpack this node stands for. */
  get bytes(): number {
    return LP_EMPTY_SIZE + lpItemSize(this.live) + lpItemSize(this.deleted) + this.masterBytes + this.used;
  }

  get entryCount(): number {
    return this.starts.length;
  }

  /** Appends an entry; `fieldsValues` alternates field, value. Counts it live. */
  append(id: StreamId, fieldsValues: readonly string[]): void {
    const numFields = fieldsValues.length / 2;
    const same = this.sameFields(fieldsValues);
    const items: LpItem[] = [same ? FLAG_SAMEFIELDS : 0, toDelta(id.ms - this.master.ms), toDelta(id.seq - this.master.seq)];
    if (same) {
      for (let i = 1; i < fieldsValues.length; i += 2) items.push(fieldsValues[i]!);
      items.push(numFields + 3);
    } else {
      items.push(numFields, ...fieldsValues, numFields * 2 + 4);
    }
    this.restoreEntry(items);
    this.live++;
  }

  /** Appends an entry's elements as they are (also the RDB reader's path, which counts live itself). */
  restoreEntry(items: readonly LpItem[]): void {
    let size = 0;
    for (const item of items) size += lpItemSize(item);
    this.reserve(size);
    this.starts.push(this.used);
    for (const item of items) this.used = lpWriteItem(this.data, this.used, item);
    this.elements += items.length;
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.data.length) return;
    let capacity = this.data.length * 2;
    while (capacity < this.used + extra) capacity *= 2;
    const bigger = Buffer.allocUnsafeSlow(capacity);
    this.data.copy(bigger, 0, 0, this.used);
    this.data = bigger;
  }

  /** Gives back the spare room: called when the node stops being the tail (lpShrinkToFit). */
  shrinkToFit(): void {
    if (this.data.length === this.used) return;
    const exact = Buffer.allocUnsafeSlow(this.used);
    this.data.copy(exact, 0, 0, this.used);
    this.data = exact;
  }

  private sameFields(fieldsValues: readonly string[]): boolean {
    const fields = this.masterFields;
    if (fieldsValues.length !== fields.length * 2) return false;
    for (let i = 0; i < fields.length; i++) if (fieldsValues[i * 2] !== fields[i]) return false;
    return true;
  }

  /** Flags of entry `index`: 0..3 are one-byte integers, the byte being the value itself. */
  flags(index: number): number {
    return this.data[this.starts[index]!]!;
  }

  isDeleted(index: number): boolean {
    return (this.flags(index) & FLAG_DELETED) !== 0;
  }

  /** The ID of entry `index` (master ID plus the stored deltas, modulo 2^64). */
  id(index: number): StreamId {
    reader.at(this.data, this.starts[index]!).read();
    const ms = reader.readInt();
    const seq = reader.readInt();
    return {
      ms: ms === 0 ? this.master.ms : BigInt.asUintN(64, this.master.ms + BigInt(ms)),
      seq: seq === 0 ? this.master.seq : BigInt.asUintN(64, this.master.seq + BigInt(seq)),
    };
  }

  /** Fields and values of entry `index`, alternating, as strings (lpGet's text for integers). */
  fieldsValues(index: number): string[] {
    const flags = this.flags(index);
    reader.at(this.data, this.starts[index]!).skip(3);
    const out: string[] = [];
    if (flags & FLAG_SAMEFIELDS) {
      for (const field of this.masterFields) out.push(field, String(reader.read()));
    } else {
      const count = Number(reader.read());
      for (let i = 0; i < count * 2; i++) out.push(String(reader.read()));
    }
    return out;
  }

  /** Flags an entry deleted and moves it from the live to the deleted count. */
  markDeleted(index: number): void {
    // 0 -> 1 and 2 -> 3: the one-byte encoding stays one byte, nothing moves.
    this.data[this.starts[index]!]! |= FLAG_DELETED;
    this.live--;
    this.deleted++;
  }

  /** Index of the first entry (tombstones included) with an ID >= id, or entryCount. */
  lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.id(mid), id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The listpack this node stands for, byte for byte as Redis holds it. */
  listpack(): Buffer {
    const head = encodeListpack([this.live, this.deleted, this.masterFields.length, ...this.masterFields, 0]);
    const total = head.length + this.used;
    const out = Buffer.allocUnsafe(total);
    head.copy(out, 0, 0, head.length - 1);
    this.data.copy(out, head.length - 1, 0, this.used);
    out[total - 1] = 0xff;
    out.writeUInt32LE(total, 0);
    const count = head.readUInt16LE(4) + this.elements;
    out.writeUInt16LE(Math.min(count, 65535), 4);
    return out;
  }

  /** Every element of the listpack, master entry first (integers as numbers). */
  listpackItems(): LpItem[] {
    const items: LpItem[] = [this.live, this.deleted, this.masterFields.length, ...this.masterFields, 0];
    reader.at(this.data, 0);
    while (reader.pos < this.used) items.push(reader.read());
    return items;
  }

  clone(): StreamNode {
    const copy = new StreamNode(this.master, this.masterFields);
    copy.live = this.live;
    copy.deleted = this.deleted;
    copy.data = Buffer.allocUnsafeSlow(this.used);
    this.data.copy(copy.data, 0, 0, this.used);
    copy.used = this.used;
    copy.elements = this.elements;
    for (const start of this.starts) copy.starts.push(start);
    return copy;
  }
}
