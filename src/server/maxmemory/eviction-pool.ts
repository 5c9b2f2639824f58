// The eviction pool (Redis evict.c evictionPoolPopulate): the best candidates seen over successive
// samples, kept across evictions, in ascending order of score (idle time under LRU, 255 minus the
// frequency under LFU, "sooner expiry" under volatile-ttl), so the best is on the right. A sample
// enters when the pool has room or when it beats the worst entry, which then falls off the left.
// Entries are not removed when their key goes away: the picker skips such ghosts, as Redis does.

/** EVPOOL_SIZE. */
export const EVICTION_POOL_SIZE = 16;

export interface PoolEntry {
  readonly score: number;
  readonly key: string;
  readonly db: number;
}

export class EvictionPool {
  /** Ascending by score; at most EVICTION_POOL_SIZE entries. */
  private readonly entries: PoolEntry[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** Offers a sampled key; keeps it if the pool has room or it beats the worst entry. */
  offer(score: number, key: string, db: number): void {
    const entries = this.entries;
    // First position whose entry does not score below ours (Redis: first empty or >= bucket).
    let k = 0;
    while (k < entries.length && entries[k]!.score < score) k++;
    const full = entries.length === EVICTION_POOL_SIZE;
    if (k === 0 && full) return; // worse than everything and no room
    if (full) {
      // No room on the right: drop the worst (leftmost) and insert just left of k.
      entries.shift();
      k--;
    }
    entries.splice(k, 0, { score, key, db });
  }

  /** Removes and returns the best entry (the rightmost), undefined when empty. */
  popBest(): PoolEntry | undefined {
    return this.entries.pop();
  }

  /** The entries worst to best (for tests and DEBUG). */
  snapshot(): readonly PoolEntry[] {
    return [...this.entries];
  }
}
