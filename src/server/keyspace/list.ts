// A list value: a growable ring buffer, so pushes and pops at both ends are O(1) and LINDEX/LSET
// are O(1) too (Redis's quicklist gives O(1) ends and O(n) index; we do no worse anywhere).

export class ListValue {
  private items: (string | undefined)[];
  private head = 0;
  private count = 0;

  constructor(initial: Iterable<string> = []) {
    this.items = new Array(8);
    for (const item of initial) this.pushBack(item);
  }

  get length(): number {
    return this.count;
  }

  private grow(): void {
    const bigger: (string | undefined)[] = new Array(this.items.length * 2);
    for (let i = 0; i < this.count; i++) bigger[i] = this.items[(this.head + i) % this.items.length];
    this.items = bigger;
    this.head = 0;
  }

  pushBack(item: string): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) % this.items.length] = item;
    this.count++;
  }

  pushFront(item: string): void {
    if (this.count === this.items.length) this.grow();
    this.head = (this.head - 1 + this.items.length) % this.items.length;
    this.items[this.head] = item;
    this.count++;
  }

  popFront(): string | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.count--;
    return item;
  }

  popBack(): string | undefined {
    if (this.count === 0) return undefined;
    const index = (this.head + this.count - 1) % this.items.length;
    const item = this.items[index];
    this.items[index] = undefined;
    this.count--;
    return item;
  }

  /** Element at a zero-based index from the head; undefined when out of range. */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.items[(this.head + index) % this.items.length];
  }

  set(index: number, item: string): void {
    if (index < 0 || index >= this.count) throw new RangeError('index out of range');
    this.items[(this.head + index) % this.items.length] = item;
  }

  /** Elements from start to end inclusive (already clamped by the caller). */
  range(start: number, end: number): string[] {
    const out: string[] = [];
    for (let i = start; i <= end; i++) out.push(this.items[(this.head + i) % this.items.length]!);
    return out;
  }

  toArray(): string[] {
    return this.count === 0 ? [] : this.range(0, this.count - 1);
  }

  /** Replaces the whole content (LREM, LINSERT, LTRIM rebuild: all O(n) in Redis too). */
  replaceAll(items: string[]): void {
    let capacity = 8;
    while (capacity < items.length) capacity *= 2;
    this.items = new Array(capacity);
    for (let i = 0; i < items.length; i++) this.items[i] = items[i];
    this.head = 0;
    this.count = items.length;
  }

  clone(): ListValue {
    const copy = new ListValue();
    copy.replaceAll(this.toArray());
    return copy;
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) % this.items.length]!;
  }
}
