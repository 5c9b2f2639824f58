// Confirmed replies in cluster mode (cluster-confirm-writes): which held write replies may be
// answered, given what the master observed. Pure: the wiring (cluster/confirm-writes.ts) feeds it
// the replicas' ACK offsets, the bus rounds a majority of slot-owning masters answered, the role
// and the clock, and carries out the verdicts.
//
// Why both conditions, for "a replica that wins holds every acknowledged write":
// - ACKs: the write's stream bytes handed to a replica's socket are not on the replica yet (a
//   SIGKILL with unread input resets the connection and drops what the kernel still held; a
//   partition holds them). Only REPLCONF ACK proves the replica applied them. Every online replica
//   must ACK, and at least one when the shard has a replica that could be elected: then a replica
//   that lacks the write was offline when it was made, so it is behind a sibling that holds it, and
//   such a replica does not stand (cluster/core/acked-candidate.ts). With one replica per shard the
//   only possible winner ACKed every OK.
// - Rounds: a majority of the slot-owning masters answered a PING sent after the write (Redis
//   elects a replica with the votes of that majority: clusterHandleSlaveFailover, needed_quorum),
//   so the write was made while this master was still the one they knew, not after it had been
//   replaced on the other side of a partition (split brain), where a sibling that ACKed may have
//   lost the election.
// Neither in time (`boundMs`): the reply says the outcome is unknown, as sync-replicas does.

/** One held reply, as the core sees it. */
export interface ClusterHeld {
  /** Stream offset right after the write (the client's write offset). */
  readonly offset: number;
  /** The first bus round started after the write: its majority confirms it. */
  readonly round: number;
  /** When the reply gives up waiting (write time + bound). */
  readonly deadline: number;
}

export interface ClusterObservation {
  readonly now: number;
  /** Still a master (a replica, after a failover or UPDATE, no longer vouches for anything). */
  readonly master: boolean;
  /** The highest round a majority of slot-owning masters answered. */
  readonly confirmedRound: number;
  /** The highest offset every needed replica ACKed (Infinity: no ACK needed; -1: none possible). */
  readonly ackedOffset: number;
}

export type ClusterVerdict = 'wait' | 'ok' | 'unknown';

export function clusterVerdict(held: ClusterHeld, seen: ClusterObservation): ClusterVerdict {
  if (!seen.master) return 'unknown';
  if (held.round <= seen.confirmedRound && held.offset <= seen.ackedOffset) return 'ok';
  return seen.now >= held.deadline ? 'unknown' : 'wait';
}

/**
 * How many replica ACKs an OK needs: every online replica, at least one while the shard has a
 * replica that could be elected (not FAIL, not cluster-replica-no-failover, online with us within
 * electableWindowMs), and at least sync-replicas N.
 */
export function neededAcks(online: number, electableReplicas: number, syncReplicas: number): number {
  return Math.max(online, electableReplicas > 0 ? 1 : 0, syncReplicas);
}

/**
 * How long a replica stays electable after its link to us was last online: Redis lets a replica
 * stand while its data age is at most repl-ping-replica-period x 1000 + node-timeout x
 * cluster-replica-validity-factor, the first node-timeout not counted (clusterHandleSlaveFailover,
 * data_age). A replica we never saw online (a fresh cluster, a node in its first sync) has no data
 * of ours it could be elected with. Factor 0: any age may stand, so no end.
 */
export function electableWindowMs(replPingPeriodSeconds: number, nodeTimeout: number, validityFactor: number): number {
  if (validityFactor === 0) return Number.POSITIVE_INFINITY;
  return replPingPeriodSeconds * 1000 + nodeTimeout * (validityFactor + 1);
}

/** The highest offset `needed` of the online replicas ACKed (the needed-th highest ACK offset). */
export function ackedOffsetOf(ackOffsets: readonly number[], needed: number): number {
  if (needed === 0) return Number.POSITIVE_INFINITY;
  if (ackOffsets.length < needed) return -1;
  return [...ackOffsets].sort((a, b) => b - a)[needed - 1]!;
}

/** Round bookkeeping: which peers answered which round, and the highest round a majority answered. */
export class MajorityRounds {
  /** The number the next round gets: a write held now waits for this round or a later one. */
  next = 1;
  confirmed = 0;
  /** Peer id -> highest round it answered. */
  private readonly answered = new Map<string, number>();

  /** Starts a round; returns its number. Alone (quorum 1: the only slot-owning master), it is confirmed at once. */
  start(quorum: number): number {
    const round = this.next++;
    if (quorum <= 1) this.confirmed = round;
    return round;
  }

  /**
   * Peer `id` answered round `round`. `voters`: the slot-owning masters other than us; `quorum`:
   * how many of all slot-owning masters (us included) make a majority. True when `confirmed` moved.
   */
  answer(id: string, round: number, voters: readonly string[], quorum: number): boolean {
    if ((this.answered.get(id) ?? 0) < round) this.answered.set(id, round);
    const rounds = voters.map((voter) => this.answered.get(voter) ?? 0).sort((a, b) => b - a);
    // We count as one: quorum - 1 peers must have answered.
    const majorityRound = rounds[quorum - 2] ?? 0;
    if (majorityRound <= this.confirmed) return false;
    this.confirmed = majorityRound;
    return true;
  }
}
