// A sorted set value: member -> score map plus an ordered index by (score, member).
// PLACEHOLDER interface; the sorted-set family fills in the skiplist.

export class SortedSet {
  readonly scores = new Map<string, number>();

  get size(): number {
    return this.scores.size;
  }

  clone(): SortedSet {
    const copy = new SortedSet();
    for (const [member, score] of this.scores) copy.scores.set(member, score);
    return copy;
  }
}
