// The table of partition rules a process holds, shared by nodes and sentinels: FAULT PARTITION adds
// a rule (healing itself after FOR <ms>), FAULT HEAL removes rules or peers from them. What a rule
// holds (which sockets, which requests) is each process's own business (server/faults,
// sentinel/faults); they are told of every change.

import { formatPeer, type PartitionRequest, type Peer } from './spec.js';

export type PartitionRule<R extends PartitionRequest = PartitionRequest> = R & {
  id: number;
  /** ms when it heals by itself, 0 = until FAULT HEAL. */
  until: number;
  timer?: NodeJS.Timeout;
};

/** Also holds FAULT SHAPE rules (R = ShapeRequest): the same peers, lifetime and healing. */
export class PartitionRules<R extends PartitionRequest = PartitionRequest> {
  private readonly rules = new Map<number, PartitionRule<R>>();
  private nextId = 1;

  constructor(
    /** Called after every change: the process recomputes what its links hold. */
    private readonly changed: () => void,
    /** The process's clock (the node's is replaceable in tests). */
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.rules.size;
  }

  values(): IterableIterator<PartitionRule<R>> {
    return this.rules.values();
  }

  /** Adds a rule; one with FOR <ms> heals by itself then, and `onExpired` hears of it. */
  add(request: R, onExpired?: (rule: PartitionRule<R>) => void): PartitionRule<R> {
    const rule: PartitionRule<R> = { ...request, id: this.nextId++, until: request.forMs > 0 ? this.now() + request.forMs : 0 };
    if (request.forMs > 0) {
      rule.timer = setTimeout(() => {
        this.rules.delete(rule.id);
        onExpired?.(rule);
        this.changed();
      }, request.forMs);
      rule.timer.unref();
    }
    this.rules.set(rule.id, rule);
    this.changed();
    return rule;
  }

  /** Heals every rule, or removes the given peers from every rule (a rule left with none heals). Returns the rules touched. */
  heal(peers?: readonly Peer[]): number {
    let touched = 0;
    const names = peers ? new Set(peers.map((p) => formatPeer(p).toLowerCase())) : null;
    for (const rule of [...this.rules.values()]) {
      if (names) {
        const left = rule.peers.filter((p) => !names.has(formatPeer(p).toLowerCase()));
        if (left.length === rule.peers.length) continue;
        rule.peers = left;
        touched++;
        if (left.length > 0) continue;
      } else {
        touched++;
      }
      clearTimeout(rule.timer);
      this.rules.delete(rule.id);
    }
    if (touched > 0) this.changed();
    return touched;
  }
}
