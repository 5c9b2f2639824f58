// The authority of a master: the processes that may fail it over, and what this master knows of
// them. Pure bookkeeping (times are parameters). Today the members are the sentinels monitoring it,
// by the first 8 characters of their run id; in a Redis Cluster they would be the slot-owning
// masters by node id, heard over the cluster bus. The rules on top of it (fence-core.ts) are the same.
//
// A member is a sentinel that asked this node for a lease (FENCING LEASE) and has not released it,
// or one remembered from before a restart. A sentinel that never asked (redis-sentinel) is only seen:
// it counts as a member under `fence-heuristic yes` alone, since nothing it does tells this node
// when it would fail it over.

/** How many of `size` members make a majority (Redis Sentinel's and Redis Cluster's: size/2 + 1). */
export function majorityOf(size: number): number {
  return Math.floor(size / 2) + 1;
}

export class Authority {
  /** Sentinel -> last time it was heard from (0: remembered from before a restart, not heard since). */
  private readonly heard = new Map<string, number>();
  /** Member -> last time it named this node master in a configuration announcement at the newest epoch. */
  private readonly confirmed = new Map<string, number>();
  /**
   * Leases members asked for (FENCING LEASE), kept until released, even when a member disconnects:
   * it times its failover by the lease it was granted, so the lease in force may never grow behind
   * its back (a partition closes nothing).
   */
  private readonly leased = new Map<string, number>();
  /** Members remembered from before a restart (until they are confirmed, released or forgotten). */
  private readonly remembered = new Set<string>();
  /**
   * Members that acknowledge our heartbeat replies (FENCING PING <ack>). For them "heard" is the
   * time we *sent* a reply they confirm having read, never the time their traffic reached us: a
   * master whose replies no longer get through (a one-way partition), or whose input queued up
   * during a stall, cannot extend its lease by what it merely receives.
   */
  private readonly acking = new Set<string>();
  /** `fence-heuristic`: sentinels merely seen count as members too. */
  private countSeen = false;
  /** The members, recomputed when any of the above changes (the write gate reads it every write). */
  private members: string[] = [];

  /** Whether merely seen sentinels count (fence-heuristic); cheap when unchanged. */
  setHeuristic(on: boolean): void {
    if (on === this.countSeen) return;
    this.countSeen = on;
    this.refresh();
  }

  get size(): number {
    return this.members.length;
  }

  ids(): string[] {
    return this.members;
  }

  has(id: string): boolean {
    return this.leased.has(id) || this.remembered.has(id) || (this.countSeen && this.heard.has(id));
  }

  /** A member heard at least once since boot. */
  everHeard(id: string): boolean {
    return !!this.heard.get(id);
  }

  heardAt(id: string): number {
    return this.heard.get(id) ?? 0;
  }

  majority(): number {
    return majorityOf(this.members.length);
  }

  isAcking(id: string): boolean {
    return this.acking.has(id);
  }

  /** Sentinels acknowledging heartbeats, released ones included (INFO fence_acking_sentinels). */
  get ackingCount(): number {
    return this.acking.size;
  }

  /** Every member confirms our replies: heard times are then exact. */
  get allAcking(): boolean {
    if (this.members.length === 0) return false;
    return this.members.every((id) => this.acking.has(id));
  }

  /** A member remembered from before a restart: known, never heard since. */
  remember(id: string): void {
    this.remembered.add(id);
    this.heard.set(id, 0);
    this.refresh();
  }

  /** Data from `id` arrived at `at`. Counts only for sentinels that do not acknowledge heartbeats. */
  hear(id: string, at: number): void {
    if (this.acking.has(id)) return;
    const known = this.heard.has(id);
    this.heard.set(id, Math.max(this.heard.get(id) ?? 0, at));
    if (!known) this.refresh();
  }

  /** `id` acknowledges heartbeats from now on; its heard time moves only by confirmed replies. */
  startAcking(id: string): void {
    this.acking.add(id);
  }

  /** `id` confirmed reading a reply this node sent at `sentAt`. */
  hearConfirmed(id: string, sentAt: number): void {
    const known = this.heard.has(id);
    this.heard.set(id, Math.max(this.heard.get(id) ?? 0, sentAt));
    if (!known) this.refresh();
  }

  /** `id` named this node master at the newest configuration epoch, at `at`. */
  confirm(id: string, at: number): void {
    this.confirmed.set(id, at);
  }

  /** Members whose last confirmation came at or after `since`. */
  confirmations(since: number): number {
    return this.members.filter((id) => (this.confirmed.get(id) ?? -Infinity) >= since).length;
  }

  /** Members that did not confirm since `since` (what a fence waits for). */
  unconfirmed(since: number): string[] {
    return this.members.filter((id) => !((this.confirmed.get(id) ?? -Infinity) >= since));
  }

  /** `id` asked for a lease of `ms`: a member from now on, heard now if it was unknown. */
  requestLease(id: string, ms: number, now: number): void {
    this.leased.set(id, ms);
    if (!this.heard.get(id)) this.heard.set(id, now);
    this.refresh();
  }

  /** How many members hold a lease (INFO fence_lease_requests). */
  get leaseRequests(): number {
    return this.leased.size;
  }

  /** `configured`, shortened to the shortest lease a member asked for. */
  shortestLease(configured: number): number {
    let lease = configured;
    for (const ms of this.leased.values()) lease = Math.min(lease, ms);
    return lease;
  }

  /** Members heard within `lease` of `now`. */
  freshCount(now: number, lease: number): number {
    return this.members.filter((id) => now - (this.heard.get(id) ?? 0) <= lease).length;
  }

  /** The latest time a majority of the members were heard (0: never). */
  majorityHeardAt(): number {
    const times = this.members.map((id) => this.heard.get(id) ?? 0).sort((a, b) => b - a);
    return times[this.majority() - 1] ?? 0;
  }

  /**
   * `id` will not time a failover on our lease any more (FENCING RELEASE, or FENCING FORGET by an
   * operator): it leaves the authority. Returns whether it was a member.
   */
  release(id: string): boolean {
    const was = this.has(id);
    this.leased.delete(id);
    this.remembered.delete(id);
    this.heard.delete(id);
    this.confirmed.delete(id);
    this.acking.delete(id);
    this.refresh();
    return was;
  }

  /** Drops remembered members never heard since boot (their confirmations with them); returns how many remain. */
  forgetNeverHeard(): number {
    for (const [id, at] of this.heard) {
      if (at !== 0) continue;
      this.heard.delete(id);
      this.confirmed.delete(id);
      this.remembered.delete(id);
    }
    this.refresh();
    return this.members.length;
  }

  /** For the log: how long ago each member was last heard ("?" marks one whose time is not confirmed). */
  describe(now: number): string {
    return this.members.map((id) => `${id}${this.acking.has(id) ? '' : '?'} ${this.heard.get(id) ? `${now - this.heard.get(id)!} ms` : 'never'}`).join(', ');
  }

  /** Every member is in `heard` (a lease request or a remembered id puts it there): keep its order. */
  private refresh(): void {
    this.members = [...this.heard.keys()].filter((id) => this.has(id));
  }
}
