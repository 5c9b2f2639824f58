// Owns the replica's side of an election (clusterHandleSlaveFailover, cluster.c 7.0). When our
// master is FAIL (or a manual failover is ready) and our data is recent enough, the election is
// scheduled 500 + random(0..500) + rank x 1000 ms ahead (rank: siblings with a larger offset;
// shorter with cluster-fast-failover, fast-election.ts), pushed back if our rank worsens meanwhile; then currentEpoch + 1 and a vote request to all;
// size/2 + 1 votes within max(2 x node-timeout, 2 s) make us the master. A failed round may be
// retried after twice that time.

import { log, saveConfig, updateState, type ClusterAction } from './actions.js';
import { electionDelay, rankStep } from './fast-election.js';
import { behindElectableSibling } from './acked-candidate.js';
import type { ManualFailover } from './manual-failover.js';
import {
  Bit, CANT_FAILOVER_RELOG_SECONDS, has, isFailedNode, isMasterNode, masterOfNode, quorumOf,
  type ClusterView, type FailoverSettings, type NodeView,
} from './view.js';

export interface ElectionInput {
  now: number;
  /** Uniform in [0, 1): the source of the random part of the delay (injected so tests can fix it). */
  random: () => number;
  /** Our replication offset (replicationGetSlaveOffset). */
  myOffset: number;
  /**
   * Ms since our master link last carried data, or since it went down, at Redis's 1 s resolution
   * ((unixtime - lastinteraction or repl_down_since) x 1000).
   */
  dataAge: number;
  settings: FailoverSettings;
}

export type CantFailoverReason = 'none' | 'data-age' | 'waiting-delay' | 'expired' | 'waiting-votes' | 'behind-sibling';

const CANT_FAILOVER_TEXT: Record<Exclude<CantFailoverReason, 'none'>, string> = {
  'data-age': "Disconnected from master for longer than allowed. Please check the 'cluster-replica-validity-factor' configuration option.",
  'waiting-delay': 'Waiting the delay before I can start a new failover.',
  expired: 'Failover attempt expired.',
  'waiting-votes': 'Waiting for votes, but majority still not reached.',
  'behind-sibling': 'A sibling replica that can fail over has more data (cluster-confirm-writes: only a replica holding every acknowledged write stands).',
};

/** Siblings that can fail over and claim more data than we do (clusterGetSlaveRank). */
export function replicaRank(view: ClusterView, myOffset: number): number {
  const masterId = view.myself.masterId;
  if (masterId === null) return 0;
  return view
    .replicasOf(masterId)
    .filter((node) => node !== view.myself && !has(node, Bit.NoFailover) && node.replOffset > myOffset).length;
}

/** max(2 x node-timeout, 2000): how long an election round collects votes. */
export function authTimeoutOf(nodeTimeout: number): number {
  return Math.max(nodeTimeout * 2, 2000);
}

export class ReplicaElection {
  /** Unix ms the election may start at (failover_auth_time); 0 before any. */
  authTime = 0;
  /** Votes collected this round (failover_auth_count). */
  authCount = 0;
  /** Whether this round's request went out (failover_auth_sent). */
  authSent = false;
  authRank = 0;
  /** The epoch this round asked votes for (failover_auth_epoch). */
  authEpoch = 0;
  cantFailoverReason: CantFailoverReason = 'none';
  /** Set when a vote arrived: run the election before the next sleep (CLUSTER_TODO_HANDLE_FAILOVER). */
  pending = false;
  private lastLogSecond = Number.NEGATIVE_INFINITY;

  /** One step of the election; called every cron tick and before sleeping when pending. */
  handle(view: ClusterView, mf: ManualFailover, input: ElectionInput): ClusterAction[] {
    this.pending = false;
    const { now, settings } = input;
    const manual = mf.ready;
    const master = masterOfNode(view, view.myself);
    if (
      isMasterNode(view.myself) || !master || (!isFailedNode(master) && !manual) ||
      (settings.replicaNoFailover && !manual) || view.slots.countOf(master.id) === 0
    ) {
      this.cantFailoverReason = 'none';
      return [];
    }
    if (!manual && this.dataTooOld(input)) return this.cantFailover('data-age', view, master, now, settings);
    const authTimeout = authTimeoutOf(settings.nodeTimeout);
    const authAge = now - this.authTime;
    if (authAge > authTimeout * 2) return this.schedule(view, mf, input);
    if (!this.authSent && !mf.inProgress) this.rerank(view, input.myOffset, rankStep(settings));
    if (now < this.authTime) return this.cantFailover('waiting-delay', view, master, now, settings);
    if (authAge > authTimeout) return this.cantFailover('expired', view, master, now, settings);
    if (!this.authSent && !manual && input.settings.confirmWrites && behindElectableSibling(view, input.myOffset)) {
      return this.cantFailover('behind-sibling', view, master, now, settings);
    }
    if (!this.authSent) return this.requestVotes(view, mf);
    if (this.authCount >= quorumOf(view.size)) return this.win(view, mf, master);
    return this.cantFailover('waiting-votes', view, master, now, settings);
  }

  /** A FAILOVER_AUTH_ACK: counted from a master serving slots, at or past our election's epoch. */
  onAuthAck(view: ClusterView, sender: NodeView, senderCurrentEpoch: number): boolean {
    if (!isMasterNode(sender) || view.slots.countOf(sender.id) === 0 || senderCurrentEpoch < this.authEpoch) return false;
    this.authCount++;
    this.pending = true;
    return true;
  }

  /** Data age beyond repl-ping-period x 1000 + node-timeout x validity-factor (the first node-timeout is free). */
  private dataTooOld({ dataAge, settings }: ElectionInput): boolean {
    if (settings.replicaValidityFactor === 0) return false;
    const age = dataAge > settings.nodeTimeout ? dataAge - settings.nodeTimeout : dataAge;
    return age > settings.replPingReplicaPeriod * 1000 + settings.nodeTimeout * settings.replicaValidityFactor;
  }

  /** A new round: the delay, our rank, and a PONG so siblings compare offsets with ours. */
  private schedule(view: ClusterView, mf: ManualFailover, { now, random, myOffset, settings }: ElectionInput): ClusterAction[] {
    this.authCount = 0;
    this.authSent = false;
    this.authRank = replicaRank(view, myOffset);
    this.authTime = now + electionDelay(settings, this.authRank, random);
    if (mf.inProgress) {
      // A manual failover waits for nothing: the master agreed to stop.
      this.authTime = now;
      this.authRank = 0;
      this.pending = true;
    }
    return [
      log('warning', `Start of election delayed for ${this.authTime - now} milliseconds (rank #${this.authRank}, offset ${myOffset}).`),
      { kind: 'broadcast-pong', to: 'local-replicas' },
    ];
  }

  /** Siblings announced better offsets since we scheduled: wait one rank step more per place lost. */
  private rerank(view: ClusterView, myOffset: number, step: number): void {
    const rank = replicaRank(view, myOffset);
    if (rank <= this.authRank) return;
    this.authTime += (rank - this.authRank) * step;
    this.authRank = rank;
  }

  private requestVotes(view: ClusterView, mf: ManualFailover): ClusterAction[] {
    view.currentEpoch++;
    this.authEpoch = view.currentEpoch;
    this.authSent = true;
    return [
      log('warning', `Starting a failover election for epoch ${view.currentEpoch}.`),
      { kind: 'send-auth-request', epoch: view.currentEpoch, forceAck: mf.inProgress },
      saveConfig(true),
      updateState(),
    ];
  }

  private win(view: ClusterView, mf: ManualFailover, master: NodeView): ClusterAction[] {
    const actions: ClusterAction[] = [log('warning', "Failover election won: I'm the new master.")];
    if (view.myself.configEpoch < this.authEpoch) {
      view.myself.configEpoch = this.authEpoch;
      actions.push(log('warning', `configEpoch set to ${this.authEpoch} after successful failover`));
    }
    actions.push(...mf.reset());
    actions.push({ kind: 'promote-self', epoch: view.myself.configEpoch, oldMasterId: master.id });
    return actions;
  }

  /** clusterLogCantFailover: a changed reason, or the same one after 5 minutes, once the master has been FAIL a while. */
  private cantFailover(
    reason: Exclude<CantFailoverReason, 'none'>, view: ClusterView, master: NodeView, now: number, settings: FailoverSettings,
  ): ClusterAction[] {
    const second = Math.floor(now / 1000);
    if (reason === this.cantFailoverReason && second - this.lastLogSecond < CANT_FAILOVER_RELOG_SECONDS) return [];
    this.cantFailoverReason = reason;
    if (isFailedNode(master) && now - master.failTime < settings.nodeTimeout + 5000) return [];
    this.lastLogSecond = second;
    return [log('warning', `Currently unable to failover: ${CANT_FAILOVER_TEXT[reason]}`)];
  }
}
