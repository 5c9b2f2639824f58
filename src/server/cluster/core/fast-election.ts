// Owns our replicas' faster election timing (on by `cluster-fast-failover yes`) and the FAIL relay
// that makes it safe with any voter. clusterHandleSlaveFailover (cluster.c 7.0) waits
// 500 ms + random(0..500) + rank x 1000 ms after seeing its master FAIL: the fixed 500 ms lets the
// FAIL broadcast reach the masters before they are asked to vote (clusterSendFailoverAuthIfNeeded
// refuses while the master is not FAIL for the voter), the random part spreads siblings apart, and
// the rank part lets the replica with the most data ask first.
//
// We keep the rank order (the most up-to-date replica still asks first, the others a whole step
// later) with random(0..100) + rank x 200 ms, and replace the fixed wait by a relay: a replica
// broadcasts FAIL about its master just before its vote request. Both go on the same outbound link
// to each voter, so every voter, redis-server included (it accepts FAIL from any known node),
// processes the FAIL before the request and can vote in that round. The FAIL itself was decided by
// a majority of the masters; relaying it changes no one's decision.

import type { ClusterAction } from './actions.js';
import type { FailoverSettings } from './view.js';

/** Redis's fixed part, random part and step per rank (clusterHandleSlaveFailover). */
const REDIS = { fixed: 500, random: 500, rankStep: 1000 } as const;
/** Ours: no fixed part (the FAIL relay replaces it), a short random part, a shorter step per rank. */
const FAST = { fixed: 0, random: 100, rankStep: 200 } as const;

const timing = (settings: FailoverSettings) => (settings.fastFailover ? FAST : REDIS);

/** Ms a replica of `rank` waits after scheduling before asking for votes. */
export function electionDelay(settings: FailoverSettings, rank: number, random: () => number): number {
  const t = timing(settings);
  return t.fixed + Math.floor(random() * t.random) + rank * t.rankStep;
}

/** Ms added per place lost when a sibling announces a better offset before we asked. */
export function rankStep(settings: FailoverSettings): number {
  return timing(settings).rankStep;
}

/**
 * Puts a FAIL broadcast about `masterId` before each automatic vote request among `actions` (a
 * manual failover asks with FORCEACK: its master is not FAIL and need not be).
 */
export function relayFailBeforeVotes(actions: ClusterAction[], masterId: string | null, settings: FailoverSettings): ClusterAction[] {
  if (!settings.fastFailover || masterId === null) return actions;
  return actions.flatMap((a) =>
    a.kind === 'send-auth-request' && !a.forceAck ? [{ kind: 'broadcast-fail', nodeId: masterId } as const, a] : [a],
  );
}
