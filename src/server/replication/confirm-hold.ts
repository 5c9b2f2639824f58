// Heartbeat-confirmed replies. With asynchronous replication a master cut off from its sentinels and
// replicas keeps acknowledging writes until its lease runs out, and a failover then loses them. When
// the sentinels' heartbeats stop being confirmed for a while (a small part of the lease), the reply
// to a write is held until a majority of sentinels confirm a heartbeat reply sent after the write:
// an OK then means the master was still the master after that write. If it fences first, the reply
// says the outcome is unknown (the write is applied here; a failover may drop it into the ledger).
// In steady state heartbeats arrive every lease/8, so nothing is ever held.

import { ErrorReply, NO_REPLY, type NoReply, type Reply } from '../../shared/resp/reply.js';
import type { Client } from '../client.js';
import type { Server } from '../server.js';
import type { Fence } from './fence.js';
import { UNKNOWN_PREFIX } from './sync-ack.js';

/** Share of the lease without a confirmed heartbeat after which write replies wait (~2.4 heartbeats). */
const HOLD_AFTER_SHARE = 0.3;

interface Held {
  client: Client;
  reply: Reply;
  /** When the write was applied: a heartbeat confirmed after this releases it. */
  at: number;
}

export const FENCED_UNKNOWN = new ErrorReply(
  `${UNKNOWN_PREFIX} write applied, but this master lost its sentinels before they confirmed it and fenced itself: a failover may drop it (it would then be in the lost-writes ledger)`,
);

export class ConfirmHold {
  private readonly held: Held[] = [];

  constructor(
    private readonly server: Server,
    private readonly fence: Fence,
  ) {
    fence.onChange = () => this.release();
  }

  get size(): number {
    return this.held.length;
  }

  /** The reply to a write: returned as is, or held (NO_REPLY) until confirmed or fenced. */
  hold(client: Client, reply: Reply, now = Date.now()): Reply | NoReply {
    const fence = this.fence;
    if (!fence.active || fence.fenced || !fence.allAcking || this.server.isReplica) return reply;
    // A sentinel's hello PUBLISH moves its write offset too; holding it would hold the heartbeats it
    // pipelined behind it, the very confirmations this waits for, until the lease ran out.
    if (client.name.startsWith('sentinel-')) return reply;
    if (this.held.length === 0 && now - fence.majorityHeardAt() <= fence.lease * HOLD_AFTER_SHARE) return reply;
    // The client waits as in WAIT: what it pipelined behind this write stays behind its reply.
    client.blocked = { keys: [], deadline: 0, retry: () => undefined, timeoutReply: 0 };
    this.held.push({ client, reply, at: now });
    return NO_REPLY;
  }

  /** Answers what a confirmed heartbeat covers; everything once fenced or no longer a master. */
  release(): void {
    if (this.held.length === 0) return;
    const fence = this.fence;
    const giveUp = fence.fenced || !fence.active || this.server.isReplica;
    const confirmedAt = fence.majorityHeardAt();
    while (this.held.length > 0 && (giveUp || this.held[0]!.at <= confirmedAt)) {
      const { client, reply } = this.held.shift()!;
      if (!this.server.clients.has(client.id)) continue;
      client.blocked = null;
      client.sink.push(giveUp ? FENCED_UNKNOWN : reply);
      client.sink.resume();
    }
  }
}
