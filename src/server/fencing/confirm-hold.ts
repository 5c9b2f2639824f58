// Confirmed replies. With asynchronous replication a master cut off from its sentinels and
// replicas keeps acknowledging writes until its lease runs out, and a failover then loses them.
// So a write's reply (never the write itself) waits until a majority of the sentinels are known to
// have heard this master after the write: a confirmation round (confirm-rounds.ts, one round trip,
// well under a millisecond on one machine) or a heartbeat reply sent after the write and
// acknowledged (fence.ts). An OK then means the master was still the master after that write, and
// its stream bytes left for the replicas before the round did. If it fences first, the reply says
// the outcome is unknown (the write is applied here; a failover may drop it into the ledger).
// fence-confirm-writes no: replies wait only while heartbeats are late (0.3 of the lease), which
// costs nothing in steady state but acknowledges the writes of the first ~0.2 s of a partition.

import { ErrorReply, type NoReply, type Reply } from '../../shared/resp/reply.js';
import type { Client } from '../clients/client.js';
import { HeldReplies } from './held-replies.js';
import type { Server } from '../server.js';
import type { ConfirmRounds } from './confirm-rounds.js';
import type { Fence } from './fence.js';
import { UNKNOWN_PREFIX } from './sync-ack.js';
import { clock } from '../base/clock.js';
import { SENTINEL_NAME_PREFIX } from '../../shared/fencing-contract.js';

/** With fence-confirm-writes no: share of the lease without a confirmed heartbeat after which write replies wait (~2.4 heartbeats). */
const HOLD_AFTER_SHARE = 0.3;

/** What decides a held reply's release. */
interface Held {
  /** When the write was applied: a heartbeat reply sent later, once acknowledged, releases it. */
  at: number;
  /** The first confirmation round started after the write: its majority releases it. */
  round: number;
}

export const FENCED_UNKNOWN = new ErrorReply(
  `${UNKNOWN_PREFIX} write applied, but this master lost its sentinels before they confirmed it and fenced itself: a failover may drop it (it would then be in the lost-writes ledger)`,
);

export class ConfirmHold {
  private readonly held: HeldReplies<Held>;

  constructor(
    private readonly server: Server,
    private readonly fence: Fence,
    private readonly rounds: ConfirmRounds,
  ) {
    this.held = new HeldReplies(server);
    fence.onChange = () => this.release();
    rounds.onConfirmed = () => this.release();
  }

  get size(): number {
    return this.held.size;
  }

  /** Replies held since boot (INFO fencing: fence_held_replies). */
  get heldTotal(): number {
    return this.held.total;
  }

  /** The reply to a write: returned as is, or held (NO_REPLY) until confirmed or fenced. */
  hold(client: Client, reply: Reply, now = clock.now()): Reply | NoReply {
    const fence = this.fence;
    // Only with our sentinels, which acknowledge heartbeats and answer rounds; under redis-sentinel
    // nothing could confirm a write sooner than the lease.
    if (!fence.active || fence.fenced || !fence.allAcking || this.server.isReplica) return reply;
    // A sentinel's hello PUBLISH moves its write offset too; holding it would hold the heartbeats it
    // pipelined behind it, the very confirmations this waits for, until the lease ran out.
    if (client.name.startsWith(SENTINEL_NAME_PREFIX)) return reply;
    // CLIENT REPLY OFF / SKIP: the reply is dropped anyway, there is no OK to hold back.
    if (client.replyMode !== 'on') return reply;
    const always = this.server.config.bool('fence-confirm-writes');
    if (!always && this.held.size === 0 && now - fence.majorityHeardAt() <= fence.lease * HOLD_AFTER_SHARE) return reply;
    // What the client pipelined behind this write still runs (its writes can share the next round).
    const held = this.held.hold(client, reply, { at: now, round: this.rounds.next });
    this.rounds.request();
    return held;
  }

  /**
   * Answers every held reply as it is: a FAILOVER target caught up with this master's whole
   * stream, so every held write is on the new master (replication/failover.ts).
   */
  releaseReplicated(): void {
    this.held.releaseWhile((_, reply) => reply);
  }

  /**
   * Answers what a confirmation covers; everything once fenced or no longer a master (UNKNOWN), or
   * once no sentinel holds a lease any more (they all released it: no failover can drop the write,
   * as on redis-server — the original reply).
   */
  release(): void {
    if (this.held.size === 0) return;
    const fence = this.fence;
    const giveUp = fence.fenced || this.server.isReplica;
    const unwatched = !giveUp && !fence.active;
    const heardAt = fence.majorityHeardAt();
    const round = this.rounds.confirmed;
    // A heartbeat reply sent in the same millisecond as the write may have gone out before it.
    this.held.releaseWhile(({ at, round: heldRound }, reply) => {
      if (giveUp) return FENCED_UNKNOWN;
      return unwatched || at < heardAt || heldRound <= round ? reply : null;
    });
    if (this.held.size > 0) this.rounds.request();
  }
}
