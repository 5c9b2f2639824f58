// Owns cluster-confirm-writes on a node in cluster mode: the `cluster-confirm` reply policy, which
// holds a write's reply (fencing/held-replies.ts, the queue confirmed replies use under our
// sentinels) until the pure core (fencing/core/cluster-confirm.ts) lets it go: the replicas ACKed
// it (REPLCONF GETACK asked at once, as WAIT does) and a majority of the slot-owning masters
// answered a bus PING sent after it. A round is one PING to each slot-owning master, sent at the
// end of the event-loop turn so the turn's writes share it; a PONG read on our link to that peer
// answers it once as many PONGs as PINGs arrived there (a peer answers each PING with one PONG, in
// order: clusterProcessPacket in cluster.c). Not confirmed within node-timeout/2: -UNKNOWN.

import { ErrorReply, type NoReply, type Reply } from '../../shared/resp/reply.js';
import type { Client } from '../clients/client.js';
import type { Server } from '../server.js';
import type { ReplyPolicy } from '../request/request-path.js';
import { HeldReplies } from '../fencing/held-replies.js';
import { neverHeld } from '../fencing/request-steps.js';
import { UNKNOWN_PREFIX } from '../fencing/sync-ack.js';
import {
  ackedOffsetOf, clusterVerdict, electableWindowMs, MajorityRounds, neededAcks, type ClusterHeld, type ClusterObservation,
} from '../fencing/core/cluster-confirm.js';
import { clock } from '../base/clock.js';
import { MessageType } from './bus/messages.js';
import { NodeFlag } from './bus/node-flags.js';
import type { BusLink } from './bus-io/bus-link.js';
import type { ClusterBus } from './bus-io/bus.js';
import { quorumOf } from './core/view.js';

/** Held replies and no round started for this long: the rounds on their way are presumed lost (a PING dropped, a link re-made), another starts. */
const ROUND_RETRY_MS = 100;

export const CLUSTER_DEMOTED_UNKNOWN = new ErrorReply(
  `${UNKNOWN_PREFIX} write applied, but this node stopped being the master of its slots before the write was confirmed: a failover may drop it (it would then be in this node's lost-writes ledger)`,
);

function notConfirmed(boundMs: number): ErrorReply {
  return new ErrorReply(
    `${UNKNOWN_PREFIX} write applied, but not confirmed within ${boundMs} ms by the replicas and a majority of the cluster's masters: it may or may not survive a failover`,
  );
}

export class ClusterConfirm {
  private readonly held: HeldReplies<ClusterHeld>;
  private readonly rounds = new MajorityRounds();
  /** Peer id -> our link to it and the confirmation PINGs awaiting their PONG there (which PING on the link, which round). */
  private readonly awaiting = new Map<string, { link: BusLink; pings: { seq: number; round: number }[] }>();
  /** When the last round started. */
  private lastRoundAt = 0;
  private scheduled = false;
  /** Replica address (ip:port) -> when its link to us was last seen online. */
  private readonly lastOnline = new Map<string, number>();
  /** Replies answered -UNKNOWN since boot. */
  unknownTotal = 0;

  constructor(
    private readonly server: Server,
    private readonly bus: ClusterBus,
  ) {
    this.held = new HeldReplies(server);
    bus.onMessage(({ sender, message, inbound }) => {
      if (!inbound && sender && message.type === MessageType.Pong) this.onPong(sender.id);
    });
    server.replication?.ackListeners.push(() => this.release());
    server.addCronTask(() => this.cron());
  }

  get roundsStarted(): number {
    return this.rounds.next - 1;
  }

  get heldTotal(): number {
    return this.held.total;
  }

  get size(): number {
    return this.held.size;
  }

  /** The reply policy: undefined when not ours to decide (directive off, a replica, replication traffic). */
  hold(client: Client, reply: Reply): Reply | NoReply | undefined {
    const server = this.server;
    if (!server.config.bool('cluster-confirm-writes') || server.isReplica || neverHeld(client)) return undefined;
    // CLIENT REPLY OFF / SKIP: no OK goes out, there is nothing to hold back.
    if (client.replyMode !== 'on') return reply;
    const now = clock.now();
    const held = this.held.hold(client, reply, {
      offset: client.lastWriteOffset,
      round: this.rounds.next,
      deadline: now + this.boundMs(),
    });
    this.requestRound();
    if (server.replication && server.replication.links.size > 0) server.replication.requestAcks();
    return held;
  }

  /** node-timeout/2: well before the replica of a silent master can be elected (node-timeout + 500 ms at least). */
  private boundMs(): number {
    return Math.max(1, Math.floor(this.server.config.num('cluster-node-timeout') / 2));
  }

  /** Answers what the observations cover, from the front. */
  release(now = clock.now()): void {
    if (this.held.size === 0) return;
    const seen = this.observe(now);
    this.held.releaseWhile((meta, reply) => {
      const verdict = clusterVerdict(meta, seen);
      if (verdict === 'wait') return null;
      if (verdict === 'ok') {
        const replication = this.server.replication;
        if (replication && meta.offset > replication.ackedWriteOffset) replication.ackedWriteOffset = meta.offset;
        return reply;
      }
      this.unknownTotal++;
      return seen.master ? notConfirmed(this.boundMs()) : CLUSTER_DEMOTED_UNKNOWN;
    });
  }

  private observe(now: number): ClusterObservation {
    const replication = this.server.replication;
    const state = this.bus.ctx.state;
    const acks: number[] = [];
    for (const link of replication?.links ?? []) if (link.state === 'online') acks.push(link.ackOffset);
    this.noteOnline(now);
    const config = this.server.config;
    const window = electableWindowMs(config.num('repl-ping-replica-period'), config.num('cluster-node-timeout'), config.num('cluster-replica-validity-factor'));
    let electable = 0;
    for (const node of state.replicasOf(state.myself.id)) {
      if (node.flags & (NodeFlag.Fail | NodeFlag.NoFailover)) continue;
      const seen = this.lastOnline.get(`${node.ip}:${node.port}`);
      if (seen !== undefined && now - seen <= window) electable++;
    }
    const needed = neededAcks(acks.length, electable, this.server.config.num('sync-replicas'));
    return {
      now,
      master: !this.server.isReplica,
      confirmedRound: this.rounds.confirmed,
      ackedOffset: ackedOffsetOf(acks, needed),
    };
  }

  /** Remembers when each replica was last online with us (every cron tick, and when replies are decided). */
  private noteOnline(now: number): void {
    for (const link of this.server.replication?.links ?? []) if (link.state === 'online') this.lastOnline.set(`${link.ip}:${link.port}`, now);
  }

  private cron(): void {
    this.noteOnline(clock.now());
    if (this.held.size === 0) return;
    this.release();
    // The oldest held reply's round got no majority in time (a PING dropped, a link re-made): a
    // later round confirms it as well.
    if (this.held.size > 0 && clock.now() - this.lastRoundAt >= ROUND_RETRY_MS) this.requestRound();
  }

  /**
   * A round at the end of this turn, so that the writes of every pipeline read in it share it.
   * Rounds are pipelined: one starts each turn that held a write, without waiting for the one on
   * its way (a write waits one round trip, not up to two).
   */
  private requestRound(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.startRound();
    });
  }

  private startRound(): void {
    const state = this.bus.ctx.state;
    const round = this.rounds.start(this.quorum());
    this.lastRoundAt = clock.now();
    for (const node of state.slotOwningMasters()) {
      if (node === state.myself) continue;
      const sent = this.bus.confirmPing(node);
      if (!sent) continue;
      let waiting = this.awaiting.get(node.id);
      // A new link: the PINGs of the old one will never be answered.
      if (!waiting || waiting.link !== sent.link) this.awaiting.set(node.id, (waiting = { link: sent.link, pings: [] }));
      waiting.pings.push({ seq: sent.seq, round });
    }
    if (this.rounds.confirmed >= round) this.confirmed();
  }

  private onPong(peerId: string): void {
    const waiting = this.awaiting.get(peerId);
    if (!waiting || waiting.link.isFreed) return;
    let round = 0;
    while (waiting.pings.length > 0 && waiting.pings[0]!.seq <= waiting.link.pongsReceived) round = waiting.pings.shift()!.round;
    if (round === 0) return;
    const state = this.bus.ctx.state;
    const voters = state.slotOwningMasters().filter((node) => node !== state.myself).map((node) => node.id);
    if (this.rounds.answer(peerId, round, voters, this.quorum())) this.confirmed();
  }

  private confirmed(): void {
    this.release();
  }

  /** A majority of the slot-owning masters (cluster_size as of the last state update, us included). */
  private quorum(): number {
    const state = this.bus.ctx.state;
    return quorumOf(Math.max(state.size, 1));
  }
}

const attached = new WeakMap<Server, ClusterConfirm>();

/** Called once the bus runs (bus-io/bus-install.ts). */
export function installClusterConfirm(server: Server, bus: ClusterBus): ClusterConfirm {
  const confirm = new ClusterConfirm(server, bus);
  attached.set(server, confirm);
  return confirm;
}

export function clusterConfirmOf(server: Server): ClusterConfirm | undefined {
  return attached.get(server);
}

/** The `cluster-confirm` reply policy, registered in main.ts before the bus exists. */
export function clusterConfirmPolicy(server: Server): ReplyPolicy {
  return (client, reply) => attached.get(server)?.hold(client, reply);
}
