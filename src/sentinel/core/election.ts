// Leader election by epochs (Redis 7.0 sentinelVoteLeader / sentinelGetLeader): one vote per epoch,
// persisted before it is answered; a winner needs a majority of all known sentinels and the quorum.

import { MAX_DESYNC } from './constants.js';
import type { CoreContext } from './context.js';
import { EV } from './events.js';
import type { MasterInstance } from './types.js';

/**
 * Vote for `candidate` in `epoch` unless this sentinel already voted in that epoch or a later one.
 * A higher epoch is adopted first (`+new-epoch`). Returns the vote now recorded (maybe an older one)
 * and its epoch. Voting for someone else pushes our own next attempt back, so the winner can work.
 */
export function voteLeader(
  ctx: CoreContext,
  master: MasterInstance,
  epoch: number,
  candidate: string,
): { leader: string | null; epoch: number } {
  if (epoch > ctx.currentEpoch) {
    ctx.currentEpoch = epoch;
    ctx.save();
    ctx.event('warning', EV.newEpoch, master, String(epoch), true);
  }
  if (master.leaderEpoch < epoch && ctx.currentEpoch <= epoch) {
    master.leader = candidate;
    master.leaderEpoch = ctx.currentEpoch;
    ctx.save();
    ctx.event('warning', EV.voteForLeader, master, `${candidate} ${master.leaderEpoch}`, true);
    if (candidate.toLowerCase() !== ctx.myid.toLowerCase()) {
      master.failoverStartTime = ctx.now + Math.floor(ctx.random() * MAX_DESYNC);
    }
  }
  return { leader: master.leader, epoch: master.leaderEpoch };
}

/**
 * The leader of `epoch` if one has enough votes: the peers' votes for the current epoch, plus our
 * own for the most voted candidate (ourselves when nobody has votes yet).
 */
export function getLeader(ctx: CoreContext, master: MasterInstance, epoch: number): string | null {
  const counts = new Map<string, number>();
  for (const sentinel of master.sentinels.values()) {
    if (sentinel.leader !== null && sentinel.leaderEpoch === ctx.currentEpoch) {
      counts.set(sentinel.leader, (counts.get(sentinel.leader) ?? 0) + 1);
    }
  }
  let winner: string | null = null;
  let maxVotes = 0;
  for (const [candidate, votes] of counts) {
    if (votes > maxVotes) {
      maxVotes = votes;
      winner = candidate;
    }
  }
  const myVote = voteLeader(ctx, master, epoch, winner ?? ctx.myid);
  if (myVote.leader !== null && myVote.epoch === epoch) {
    const votes = (counts.get(myVote.leader) ?? 0) + 1;
    counts.set(myVote.leader, votes);
    if (votes > maxVotes) {
      maxVotes = votes;
      winner = myVote.leader;
    }
  }
  const voters = master.sentinels.size + 1;
  const majority = Math.floor(voters / 2) + 1;
  if (winner !== null && (maxVotes < majority || maxVotes < master.settings.quorum)) return null;
  return winner;
}
