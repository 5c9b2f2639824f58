// The member -> score map of a sorted set (Redis's zset dict). It is exposed as `SortedSet.scores`;
// writes made through it are routed to the owning set, so the skiplist order never goes stale.

/** What the map needs from its sorted set. */
interface ScoreOwner {
  add(member: string, score: number): boolean;
  remove(member: string): boolean;
  clear(): void;
}

/** The member -> score map; its writes go through the owning set so the order stays in sync. */
export class ScoreMap extends Map<string, number> {
  owner: ScoreOwner | undefined;

  override set(member: string, score: number): this {
    if (this.owner) this.owner.add(member, score);
    else super.set(member, score);
    return this;
  }

  override delete(member: string): boolean {
    return this.owner ? this.owner.remove(member) : super.delete(member);
  }

  override clear(): void {
    if (this.owner) this.owner.clear();
    else super.clear();
  }

  rawSet(member: string, score: number): void {
    super.set(member, score);
  }

  rawDelete(member: string): void {
    super.delete(member);
  }

  rawClear(): void {
    super.clear();
  }
}
