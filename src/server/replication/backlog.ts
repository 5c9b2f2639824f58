// The replication backlog: a fixed-size ring over the most recent bytes of the replication stream,
// so a replica that briefly lost its link can continue from its offset (PSYNC) instead of copying
// everything again. Offsets are 1-based stream positions (protocol doc 3.1): the byte at offset
// `firstByteOffset` is the oldest kept; `firstByteOffset + histlen - 1` is the newest.

export class Backlog {
  private ring: Buffer;
  /** Index in `ring` where the next byte goes. */
  private writeIndex = 0;
  histlen = 0;
  firstByteOffset: number;

  /** `masterOffset` is the stream offset before the first byte this backlog will hold. */
  constructor(size: number, masterOffset: number) {
    this.ring = Buffer.allocUnsafe(Math.max(16 * 1024, size));
    this.firstByteOffset = masterOffset + 1;
  }

  get size(): number {
    return this.ring.length;
  }

  /** Appends stream bytes, overwriting the oldest when full. */
  append(data: Buffer): void {
    const size = this.ring.length;
    let source = data;
    if (source.length > size) source = source.subarray(source.length - size);
    const first = Math.min(source.length, size - this.writeIndex);
    source.copy(this.ring, this.writeIndex, 0, first);
    if (first < source.length) source.copy(this.ring, 0, first);
    this.writeIndex = (this.writeIndex + source.length) % size;
    const grown = this.histlen + data.length;
    if (grown > size) {
      this.firstByteOffset += grown - size;
      this.histlen = size;
    } else {
      this.histlen = grown;
    }
  }

  /** True when every byte from `offset` to the end of the stream is still here (offset may be end+1). */
  covers(offset: number): boolean {
    return offset >= this.firstByteOffset && offset <= this.firstByteOffset + this.histlen;
  }

  /** Copies the bytes from `offset` (inclusive) to the newest byte. The caller checks covers(). */
  readFrom(offset: number): Buffer {
    const length = this.firstByteOffset + this.histlen - offset;
    if (length <= 0) return Buffer.alloc(0);
    const size = this.ring.length;
    const start = (this.writeIndex - length + size * 2) % size;
    if (start + length <= size) return Buffer.from(this.ring.subarray(start, start + length));
    return Buffer.concat([this.ring.subarray(start), this.ring.subarray(0, length - (size - start))]);
  }

  /** Changes the capacity (CONFIG SET repl-backlog-size), keeping the newest bytes that fit. */
  resize(size: number): void {
    const newSize = Math.max(16 * 1024, size);
    if (newSize === this.ring.length) return;
    const keep = Math.min(this.histlen, newSize);
    const tail = this.readFrom(this.firstByteOffset + this.histlen - keep);
    this.ring = Buffer.allocUnsafe(newSize);
    tail.copy(this.ring, 0);
    this.writeIndex = keep % newSize;
    this.firstByteOffset += this.histlen - keep;
    this.histlen = keep;
  }
}
