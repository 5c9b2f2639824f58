// Owns the composition of the failover cores: one object per node holding the election and
// manual-failover state, with one entry point per bus event and per timer (clusterCron, the
// beforeSleep work) in cluster.c 7.0's order. The I/O layer passes the view, the time and the
// observations in, and carries out the actions that come back, in order.

import { updateState, type ClusterAction } from './actions.js';
import { DeathWatch } from './death-evidence.js';
import { handleConfigEpochCollision } from './epochs.js';
import { ReplicaElection, type ElectionInput } from './election.js';
import { relayFailBeforeVotes } from './fast-election.js';
import {
  markPFailIfTimedOut, onFailMessage, onGossipAbout, onPongFrom,
} from './failure-detection.js';
import { ManualFailover, type ManualFailoverMode } from './manual-failover.js';
import { replicaMigration } from './migration.js';
import { decideVote, type AuthRequest, type VoteDecision } from './voting.js';
import { Bit, has, isMasterNode, isReplicaNode, MsgBit, type ClusterView, type NodeView } from './view.js';

/** What the header of any message from a known node tells the cores (after its epochs and offset were recorded). */
export interface HeaderSeen {
  configEpoch: number;
  mflags: number;
}

export class FailoverCore {
  readonly election = new ReplicaElection();
  readonly manual = new ManualFailover();
  /** Evidence of dead processes (cluster-fast-failover), fed by the I/O layer. */
  readonly deaths = new DeathWatch();

  /**
   * clusterCron's part: PFAIL for silent nodes (a master pings its manual-failover replica each
   * tick instead), the manual failover's timeout and handshake, the election, replica migration.
   */
  cron(view: ClusterView, input: ElectionInput): ClusterAction[] {
    const actions: ClusterAction[] = [];
    let pfailed = false;
    for (const node of view.nodes.values()) {
      if (has(node, Bit.Myself | Bit.NoAddr | Bit.Handshake)) continue;
      if (this.manual.replicaId === node.id && isMasterNode(view.myself) && this.manual.inProgress && node.linkConnected) {
        actions.push({ kind: 'ping', to: node.id });
        continue;
      }
      if (markPFailIfTimedOut(node, input.now, input.settings.nodeTimeout)) pfailed = true;
      if (input.settings.fastFailover) {
        const early = this.deaths.check(view, node, input.now, input.settings.nodeTimeout);
        if (early.length > 0) pfailed = true;
        actions.push(...early);
      }
    }
    actions.push(...this.manual.checkTimeout(input.now));
    if (isReplicaNode(view.myself)) {
      actions.push(...this.manual.handle(input.myOffset).actions);
      actions.push(...this.elect(view, input));
      actions.push(...replicaMigration(view, input.now, input.settings));
    }
    if (pfailed || view.health === 'fail') actions.push(updateState());
    return actions;
  }

  /** Whether beforeSleep has failover work (a vote arrived, a handshake step is due). */
  get hasPending(): boolean {
    return this.election.pending || this.manual.pendingCheck;
  }

  /** clusterBeforeSleep's failover part: the handshake first when it asked, else the election. */
  beforeSleep(view: ClusterView, input: ElectionInput): ClusterAction[] {
    const manualDue = this.manual.pendingCheck;
    const electionDue = this.election.pending;
    this.manual.pendingCheck = false;
    if (manualDue) {
      if (!isReplicaNode(view.myself)) return [];
      const step = this.manual.handle(input.myOffset);
      return [...step.actions, ...this.elect(view, input)];
    }
    return electionDue ? this.elect(view, input) : [];
  }

  /** One election step, with the FAIL relay before a vote request when fast failover is on. */
  private elect(view: ClusterView, input: ElectionInput): ClusterAction[] {
    return relayFailBeforeVotes(this.election.handle(view, this.manual, input), view.myself.masterId, input.settings);
  }

  /** Any message from a known node: the manual failover's PAUSED offset; configEpoch collisions on PING/PONG/MEET. */
  onHeader(view: ClusterView, sender: NodeView, header: HeaderSeen, isPingFamily: boolean): ClusterAction[] {
    const actions = this.manual.onHeader(view, sender, (header.mflags & MsgBit.Paused) !== 0);
    if (isPingFamily && isMasterNode(view.myself) && isMasterNode(sender) && header.configEpoch === view.myself.configEpoch) {
      actions.push(...handleConfigEpochCollision(view, sender));
    }
    return actions;
  }

  onGossip(view: ClusterView, sender: NodeView, about: NodeView, flags: number, now: number, nodeTimeout: number): ClusterAction[] {
    return onGossipAbout(view, sender, about, flags, now, nodeTimeout);
  }

  onFail(senderId: string, failing: NodeView | undefined, now: number): ClusterAction[] {
    return onFailMessage(senderId, failing, now);
  }

  onPong(view: ClusterView, node: NodeView, now: number, nodeTimeout: number): ClusterAction[] {
    return onPongFrom(view, node, now, nodeTimeout);
  }

  onAuthRequest(view: ClusterView, sender: NodeView, request: AuthRequest, now: number, nodeTimeout: number): VoteDecision {
    return decideVote(view, sender, request, now, nodeTimeout);
  }

  onAuthAck(view: ClusterView, sender: NodeView, senderCurrentEpoch: number): boolean {
    return this.election.onAuthAck(view, sender, senderCurrentEpoch);
  }

  onMfStart(view: ClusterView, sender: NodeView | undefined, now: number): ClusterAction[] {
    return this.manual.onMfStart(view, sender, now);
  }

  /** CLUSTER FAILOVER [FORCE|TAKEOVER]: an error text, or the actions (the reply is then +OK). */
  failoverCommand(view: ClusterView, mode: ManualFailoverMode, now: number): { error: string } | { actions: ClusterAction[] } {
    const error = this.manual.refusal(view, mode);
    if (error !== null) return { error };
    return { actions: this.manual.start(view, mode, now) };
  }
}
