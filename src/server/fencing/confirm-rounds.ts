// Confirmation rounds: how a master learns, within one round trip, that a majority of its sentinels
// still hear it after a write (the sentinels' counterpart is in sentinel/io/links.ts). A round is a
// message pushed on each acknowledging sentinel's pub/sub link; the sentinel answers
// `FENCING CONFIRM <round>` on its command link. Reading round R proves the sentinel received
// something this master sent after every write applied before R started — like Raft's ReadIndex
// check, but against the sentinels that would run a failover. confirm-hold.ts waits on them.

import { CONFIRM_CHANNEL, SENTINEL_PUBSUB_NAME } from '../../shared/fencing-contract.js';
import { PushReply } from '../../shared/resp/reply.js';
import type { Server } from '../server.js';
import type { Fence } from './fence.js';
import { clock } from '../base/clock.js';

/**
 * A round that got no majority in this long is presumed lost (a sentinel's pub/sub link was being
 * re-made): a new one starts. Heartbeat confirmations (a few per 100 ms) release writes meanwhile.
 */
const ROUND_RETRY_MS = 50;

export class ConfirmRounds {
  /** The number the next round gets: a write applied now is covered by this round or a later one. */
  next = 1;
  /** The highest round a majority of the known sentinels confirmed. */
  confirmed = 0;
  /** Rounds started since boot (INFO fencing: fence_confirm_rounds). */
  started = 0;
  private inFlight: { round: number; startedAt: number } | null = null;
  private scheduled = false;
  /** Sentinel id -> highest round it confirmed. */
  private readonly confirmedBy = new Map<string, number>();

  /** Called when `confirmed` moved on. */
  onConfirmed: (() => void) | undefined;

  constructor(
    private readonly server: Server,
    private readonly fence: Fence,
  ) {}

  /**
   * Starts a round unless one is already on its way (and not presumed lost): at the end of this
   * event-loop turn, so that every write of the pipelines read in it shares that one round.
   */
  request(): void {
    if (this.scheduled) return;
    if (this.inFlight && clock.now() - this.inFlight.startedAt < ROUND_RETRY_MS) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.start(clock.now());
    });
  }

  private start(now: number): void {
    const round = this.next++;
    this.inFlight = { round, startedAt: now };
    this.started++;
    const message = new PushReply(['message', CONFIRM_CHANNEL, String(round)]);
    for (const client of this.server.clients.values()) {
      const match = SENTINEL_PUBSUB_NAME.exec(client.name);
      // Only our sentinels (they acknowledge heartbeats) know this message; redis-sentinel would
      // read any message on its hello link as a hello.
      if (match && this.fence.isAcking(match[1]!) && client.channels.size > 0) client.sink.push(message);
    }
  }

  /** FENCING CONFIRM <round> from sentinel `sentinelId`. */
  confirm(sentinelId: string, round: number): void {
    if (!this.fence.isKnown(sentinelId) || round >= this.next) return;
    if ((this.confirmedBy.get(sentinelId) ?? 0) >= round) return;
    this.confirmedBy.set(sentinelId, round);
    const rounds: number[] = [];
    for (const [id, confirmed] of this.confirmedBy) if (this.fence.isKnown(id)) rounds.push(confirmed);
    rounds.sort((a, b) => b - a);
    const majorityRound = rounds[this.fence.majority() - 1] ?? 0;
    if (majorityRound <= this.confirmed) return;
    this.confirmed = majorityRound;
    if (this.inFlight && this.inFlight.round <= majorityRound) this.inFlight = null;
    this.onConfirmed?.();
  }
}
