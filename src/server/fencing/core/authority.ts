// The authority of a master: the processes that may fail it over, and what this master knows of
// them. Pure bookkeeping (times are parameters). Today the members are the sentinels monitoring it,
// by the first 8 characters of their run id; in a Redis Cluster they would be the slot-owning
// masters by node id, heard over the cluster bus. The rules on top of it (fence-core.ts) are the same.

/** How many of `size` members make a majority (Redis Sentinel's and Redis Cluster's: size/2 + 1). */
export function majorityOf(size: number): number {
  return Math.floor(size / 2) + 1;
}

export class Authority {
  /** Member -> last time it was heard from (0: remembered from before a restart, not heard since). */
  private readonly heard = new Map<string, number>();
  /** Member -> last time it named this node master in a configuration announcement at the newest epoch. */
  private readonly confirmed = new Map<string, number>();
  /**
   * Leases members asked for (FENCING LEASE). Kept for the life of the process, even when a member
   * disconnects or is forgotten: it times its failover by the lease it was granted, so the lease
   * in force may never grow behind its back (a partition closes nothing).
   */
  private readonly requested = new Map<string, number>();
  /**
   * Members that acknowledge our heartbeat replies (FENCING PING <ack>). For them "heard" is the
   * time we *sent* a reply they confirm having read, never the time their traffic reached us: a
   * master whose replies no longer get through (a one-way partition), or whose input queued up
   * during a stall, cannot extend its lease by what it merely receives.
   */
  private readonly acking = new Set<string>();

  get size(): number {
    return this.heard.size;
  }

  ids(): string[] {
    return [...this.heard.keys()];
  }

  has(id: string): boolean {
    return this.heard.has(id);
  }

  /** Known and heard at least once since boot. */
  everHeard(id: string): boolean {
    return !!this.heard.get(id);
  }

  majority(): number {
    return majorityOf(this.heard.size);
  }

  isAcking(id: string): boolean {
    return this.acking.has(id);
  }

  /** Members acknowledging heartbeats, forgotten ones included (INFO fence_acking_sentinels). */
  get ackingCount(): number {
    return this.acking.size;
  }

  /** Every member confirms our replies: heard times are then exact. */
  get allAcking(): boolean {
    if (this.heard.size === 0) return false;
    for (const id of this.heard.keys()) if (!this.acking.has(id)) return false;
    return true;
  }

  /** A member remembered from before a restart: known, never heard since. */
  remember(id: string): void {
    this.heard.set(id, 0);
  }

  /** Data from `id` arrived at `at`. Counts only for members that do not acknowledge heartbeats. */
  hear(id: string, at: number): void {
    if (!this.acking.has(id)) this.heard.set(id, Math.max(this.heard.get(id) ?? 0, at));
  }

  /** `id` acknowledges heartbeats from now on; its heard time moves only by confirmed replies. */
  startAcking(id: string): void {
    this.acking.add(id);
  }

  /** `id` confirmed reading a reply this node sent at `sentAt`. */
  hearConfirmed(id: string, sentAt: number): void {
    this.heard.set(id, Math.max(this.heard.get(id) ?? 0, sentAt));
  }

  /** `id` named this node master at the newest configuration epoch, at `at`. */
  confirm(id: string, at: number): void {
    this.confirmed.set(id, at);
  }

  /** Members whose last confirmation came at or after `since`. */
  confirmations(since: number): number {
    let count = 0;
    for (const at of this.confirmed.values()) if (at >= since) count++;
    return count;
  }

  /** `id` asked for a lease of `ms`; a member asking is a member, heard now if it was unknown. */
  requestLease(id: string, ms: number, now: number): void {
    this.requested.set(id, ms);
    if (!this.heard.has(id)) this.heard.set(id, now);
  }

  /** How many members ever asked for a lease (INFO fence_lease_requests). */
  get leaseRequests(): number {
    return this.requested.size;
  }

  /** `configured`, shortened to the shortest lease a member asked for. */
  shortestLease(configured: number): number {
    let lease = configured;
    for (const ms of this.requested.values()) lease = Math.min(lease, ms);
    return lease;
  }

  /** Members heard within `lease` of `now`. */
  freshCount(now: number, lease: number): number {
    let fresh = 0;
    for (const at of this.heard.values()) if (now - at <= lease) fresh++;
    return fresh;
  }

  /** The latest time a majority of the members were heard (0: never). */
  majorityHeardAt(): number {
    const times = [...this.heard.values()].sort((a, b) => b - a);
    return times[this.majority() - 1] ?? 0;
  }

  /** Drops members never heard since boot (their confirmations with them); returns how many remain. */
  forgetNeverHeard(): number {
    for (const [id, at] of this.heard) {
      if (at === 0) {
        this.heard.delete(id);
        this.confirmed.delete(id);
      }
    }
    return this.heard.size;
  }

  /** For the log: how long ago each member was heard ("?" marks one whose time is not confirmed). */
  describe(now: number): string {
    return [...this.heard].map(([id, at]) => `${id}${this.acking.has(id) ? '' : '?'} ${at === 0 ? 'never' : `${now - at} ms`}`).join(', ');
  }
}
