// A list value: a growable ring buffer, so pushes and pops at both ends are O(1) and LINDEX/LSET
// are O(1) too (Redis's quicklist gives O(1) ends and O(n) index; we do no worse anywhere).
// Capacity is a power of two (index arithmetic is a mask) and shrinks when a list drains, so a
// queue that once held a million items does not keep a million slots.

const MIN_CAPACITY = 8;

export class ListValue {
  private items: (string | undefined)[];
  private head = 0;
  private count = 0;
  private mask = MIN_CAPACITY - 1;

  constructor(initial: Iterable<string> = []) {
    this.items = new Array(MIN_CAPACITY);
    for (const item of initial) this.pushBack(item);
  }

  get length(): number {
    return this.count;
  }

  /** Moves the content into a buffer of `capacity` slots (a power of two >= count). */
  private resize(capacity: number): void {
    const next: (string | undefined)[] = new Array(capacity);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = capacity - 1;
  }

  private shrinkIfSparse(): void {
    const capacity = this.mask + 1;
    if (capacity > MIN_CAPACITY && this.count < capacity >>> 2) this.resize(capacity >>> 1);
  }

  pushBack(item: string): void {
    if (this.count > this.mask) this.resize((this.mask + 1) * 2);
    this.items[(this.head + this.count) & this.mask] = item;
    this.count++;
  }

  pushFront(item: string): void {
    if (this.count > this.mask) this.resize((this.mask + 1) * 2);
    this.head = (this.head - 1) & this.mask;
    this.items[this.head] = item;
    this.count++;
  }

  popFront(): string | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    this.shrinkIfSparse();
    return item;
  }

  popBack(): string | undefined {
    if (this.count === 0) return undefined;
    const index = (this.head + this.count - 1) & this.mask;
    const item = this.items[index];
    this.items[index] = undefined;
    this.count--;
    this.shrinkIfSparse();
    return item;
  }

  /** Element at a zero-based index from the head; undefined when out of range. */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.items[(this.head + index) & this.mask];
  }

  set(index: number, item: string): void {
    if (index < 0 || index >= this.count) throw new RangeError('index out of range');
    this.items[(this.head + index) & this.mask] = item;
  }

  /** Elements from start to end inclusive (already clamped by the caller). */
  range(start: number, end: number): string[] {
    const out: string[] = new Array(Math.max(0, end - start + 1));
    for (let i = start; i <= end; i++) out[i - start] = this.items[(this.head + i) & this.mask]!;
    return out;
  }

  toArray(): string[] {
    return this.count === 0 ? [] : this.range(0, this.count - 1);
  }

  /** Inserts before the element at `index` (index === length appends): O(n), as LINSERT is. */
  insertAt(index: number, item: string): void {
    if (index < 0 || index > this.count) throw new RangeError('index out of range');
    if (index === 0) return this.pushFront(item);
    if (index === this.count) return this.pushBack(item);
    const items = this.toArray();
    items.splice(index, 0, item);
    this.replaceAll(items);
  }

  /** Replaces the whole content (LREM, LINSERT rebuild: both O(n) in Redis too). */
  replaceAll(items: string[]): void {
    let capacity = MIN_CAPACITY;
    while (capacity < items.length) capacity *= 2;
    this.items = new Array(capacity);
    for (let i = 0; i < items.length; i++) this.items[i] = items[i];
    this.head = 0;
    this.count = items.length;
    this.mask = capacity - 1;
  }

  clone(): ListValue {
    const copy = new ListValue();
    copy.replaceAll(this.toArray());
    return copy;
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) & this.mask]!;
  }
}
