// Owns the master's side of an election (clusterSendFailoverAuthIfNeeded, cluster.c 7.0): whether
// this node gives its one vote of the current epoch to a replica asking for it. Only a master
// serving slots votes; the vote is persisted (lastVoteEpoch, saved with fsync) before the ACK goes out.

import { log, saveConfig, type ClusterAction } from './actions.js';
import { isFailedNode, isMasterNode, isReplicaNode, masterOfNode, type ClusterView, type NodeView } from './view.js';

/** What a FAILOVER_AUTH_REQUEST carries that the vote reads (its header). */
export interface AuthRequest {
  currentEpoch: number;
  configEpoch: number;
  /** The slots the requester claims (its master's, from the header bitmap). */
  claimedSlots: Iterable<number>;
  /** mflags[0] FORCEACK: a manual failover, vote though the master is up. */
  forceAck: boolean;
}

export interface VoteDecision {
  granted: boolean;
  /** Why it was refused, as redis-server logs it ('' when granted or silently ignored). */
  reason: string;
  actions: ClusterAction[];
}

const refuse = (requester: NodeView, why: string): VoteDecision => ({
  granted: false,
  reason: why,
  actions: [log('warning', `Failover auth denied to ${requester.id}: ${why}`)],
});

/**
 * Decides the vote for `requester`. Our currentEpoch must already have been raised to the
 * request's, as the header processing does before any message is handled.
 */
export function decideVote(
  view: ClusterView, requester: NodeView, request: AuthRequest, now: number, nodeTimeout: number,
): VoteDecision {
  // Voters are the masters serving slots: the same set cluster_size counts.
  if (isReplicaNode(view.myself) || view.slots.countOf(view.myself.id) === 0) return { granted: false, reason: '', actions: [] };
  if (request.currentEpoch < view.currentEpoch) {
    return refuse(requester, `reqEpoch (${request.currentEpoch}) < curEpoch(${view.currentEpoch})`);
  }
  if (view.lastVoteEpoch === view.currentEpoch) return refuse(requester, `already voted for epoch ${view.currentEpoch}`);
  const master = masterOfNode(view, requester);
  if (isMasterNode(requester)) return refuse(requester, 'it is a master node');
  if (!master) return refuse(requester, "I don't know its master");
  if (!isFailedNode(master) && !request.forceAck) return refuse(requester, 'its master is up');
  // One vote per failed master per 2 x node-timeout: not needed for safety, but it keeps
  // competing replicas of one master from splitting the votes round after round.
  const sinceVote = now - master.votedTime;
  if (sinceVote < nodeTimeout * 2) {
    return refuse(requester, `can't vote about this master before ${nodeTimeout * 2 - sinceVote} milliseconds`);
  }
  const stale = newerClaim(view, request);
  if (stale) return refuse(requester, `slot ${stale.slot} epoch (${stale.epoch}) > reqEpoch (${request.configEpoch})`);
  view.lastVoteEpoch = view.currentEpoch;
  master.votedTime = now;
  return {
    granted: true,
    reason: '',
    actions: [
      saveConfig(true),
      { kind: 'send-auth-ack', to: requester.id },
      log('warning', `Failover auth granted to ${requester.id} for epoch ${view.currentEpoch}`),
    ],
  };
}

/** The first claimed slot whose owner here has a newer configEpoch than the request's. */
function newerClaim(view: ClusterView, request: AuthRequest): { slot: number; epoch: number } | undefined {
  for (const slot of request.claimedSlots) {
    const ownerId = view.slots.owner(slot);
    const owner = ownerId === null ? undefined : view.nodes.get(ownerId);
    if (owner && owner.configEpoch > request.configEpoch) return { slot, epoch: owner.configEpoch };
  }
  return undefined;
}
