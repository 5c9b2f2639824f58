// cluster-fast-failover on a fake clock: the death evidence (core/death-evidence.ts: refused bus
// connections after contact + a refused client port), the shorter election delay and the FAIL relay
// before a vote request (core/fast-election.ts), and whole-cluster scenarios
// (test/helpers/cluster-failover-sim.ts): a killed master replaced well before node-timeout, a paused
// or partitioned one not failed before node-timeout, two dead masters still without a majority.

import { describe, expect, it } from 'vitest';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import type { ClusterAction } from '../../src/server/cluster/core/actions.js';
import { DeathWatch } from '../../src/server/cluster/core/death-evidence.js';
import { electionDelay, rankStep, relayFailBeforeVotes } from '../../src/server/cluster/core/fast-election.js';
import { onFailMessage } from '../../src/server/cluster/core/failure-detection.js';
import { decideVote } from '../../src/server/cluster/core/voting.js';
import { ClusterSim, type Fault } from '../helpers/cluster-failover-sim.js';
import { nid, settings, THREE_SHARDS, viewOf } from '../helpers/cluster-world.js';

const T = 2000; // node-timeout
const FAST = settings({ nodeTimeout: T, fastFailover: true });
const REDIS_RULES = settings({ nodeTimeout: T, fastFailover: false });

describe('death evidence', () => {
  const m3 = nid('m3');

  it('two refused bus connects after contact and a refused client port: dead', () => {
    const w = new DeathWatch();
    w.heardFrom(m3);
    expect(w.busConnectFailed(m3, undefined, 1000)).toBe(false); // the working link closed: no evidence yet
    expect(w.busConnectFailed(m3, 'ECONNREFUSED', 1100)).toBe(true); // probe the client port
    w.clientProbed(m3, true, 1105);
    expect(w.isDead(m3)).toBe(false); // one refusal is not enough
    expect(w.busConnectFailed(m3, 'ECONNREFUSED', 1200)).toBe(false); // already probed for this run
    expect(w.isDead(m3)).toBe(true);
  });

  it('a node never heard from, a client port that accepts, or a connect that hangs is no evidence', () => {
    const never = new DeathWatch();
    for (let t = 0; t < 5; t++) expect(never.busConnectFailed(m3, 'ECONNREFUSED', t * 100)).toBe(false);
    expect(never.isDead(m3)).toBe(false);

    const accepts = new DeathWatch();
    accepts.heardFrom(m3);
    expect(accepts.busConnectFailed(m3, 'ECONNREFUSED', 100)).toBe(true);
    accepts.clientProbed(m3, false, 105); // something still listens on the client port
    accepts.busConnectFailed(m3, 'ECONNREFUSED', 200);
    accepts.busConnectFailed(m3, 'ECONNREFUSED', 300);
    expect(accepts.isDead(m3)).toBe(false);

    const hangs = new DeathWatch();
    hangs.heardFrom(m3);
    hangs.busConnectFailed(m3, 'ECONNREFUSED', 100);
    hangs.clientProbed(m3, true, 105);
    hangs.busConnectFailed(m3, 'ETIMEDOUT', 200); // a timeout starts the count over
    expect(hangs.isDead(m3)).toBe(false);
  });

  it('hearing from the node again clears the evidence; PFAIL is set once and FAIL follows a held report', () => {
    const view = viewOf('m1', THREE_SHARDS);
    const node = view.node(m3)!;
    const w = new DeathWatch();
    w.heardFrom(m3);
    w.busConnectFailed(m3, 'ECONNRESET', 100);
    w.clientProbed(m3, true, 101);
    w.busConnectFailed(m3, 'ECONNREFUSED', 200);
    w.heardFrom(m3); // it restarted and answered
    expect(w.check(view, node, 300, T)).toEqual([]);
    w.busConnectFailed(m3, 'ECONNREFUSED', 400);
    w.clientProbed(m3, true, 401);
    w.busConnectFailed(m3, 'ECONNREFUSED', 500);
    node.failReports.set(nid('m2'), 450); // m2 reported it already
    const kinds = w.check(view, node, 500, T).map((a) => a.kind);
    expect(kinds).toEqual(['log', 'log', 'broadcast-fail', 'update-state', 'save-config', 'broadcast-pong']);
    expect(node.flags & NodeFlag.Fail).toBe(NodeFlag.Fail);
    expect(w.check(view, node, 600, T)).toEqual([]);
  });
});

describe('the election delay', () => {
  it("Redis's rule without fast failover: 500 + random(0..500) + rank x 1000", () => {
    expect(electionDelay(REDIS_RULES, 0, () => 0)).toBe(500);
    expect(electionDelay(REDIS_RULES, 2, () => 0.999)).toBe(500 + 499 + 2000);
    expect(rankStep(REDIS_RULES)).toBe(1000);
  });

  it('fast: random(0..100) + rank x 200, so a better-ranked replica always asks first', () => {
    expect(electionDelay(FAST, 0, () => 0)).toBe(0);
    expect(electionDelay(FAST, 0, () => 0.999)).toBe(99);
    expect(electionDelay(FAST, 1, () => 0)).toBe(200);
    for (let rank = 0; rank < 4; rank++) {
      expect(electionDelay(FAST, rank, () => 0.999)).toBeLessThan(electionDelay(FAST, rank + 1, () => 0));
    }
  });
});

describe('the FAIL relay before a vote request', () => {
  const request: ClusterAction = { kind: 'send-auth-request', epoch: 4, forceAck: false };

  it('goes before an automatic request only, and only with fast failover', () => {
    expect(relayFailBeforeVotes([request], nid('m3'), FAST)).toEqual([{ kind: 'broadcast-fail', nodeId: nid('m3') }, request]);
    const manual: ClusterAction = { ...request, forceAck: true };
    expect(relayFailBeforeVotes([manual], nid('m3'), FAST)).toEqual([manual]);
    expect(relayFailBeforeVotes([request], nid('m3'), REDIS_RULES)).toEqual([request]);
  });

  it('lets a voter that had not seen the FAIL yet vote in the same round', () => {
    const voter = viewOf('m1', THREE_SHARDS);
    const r3 = voter.node(nid('r3'))!;
    const ask = () => {
      voter.currentEpoch = 4;
      return decideVote(voter, r3, { currentEpoch: 4, configEpoch: 3, claimedSlots: [16383], forceAck: false }, 50_000, T);
    };
    expect(ask().granted).toBe(false); // its master is up, for this voter
    onFailMessage(nid('r3'), voter.node(nid('m3')), 50_000); // the relayed FAIL, on the same link first
    expect(ask().granted).toBe(true);
  });
});

/** Ms from the fault to r3's promotion (undefined: none within `limit`), and the FAIL times. */
function afterFault(fault: Fault, fast: boolean, limit = 12_000) {
  const sim = new ClusterSim(THREE_SHARDS, fast ? FAST : REDIS_RULES, () => 0.5);
  sim.runFor(3000);
  const at = sim.now;
  sim.fail('m3', fault);
  sim.runFor(limit, () => sim.promotions().length > 0);
  const promoted = sim.promotions()[0];
  const firstFail = sim.events.find((e) => e.action.kind === 'broadcast-fail');
  return { sim, promotedAfter: promoted ? promoted.at - at : undefined, failAfter: firstFail ? firstFail.at - at : undefined };
}

describe('whole cluster, node-timeout 2000', () => {
  it('a killed master is replaced within a few ticks, well before node-timeout', () => {
    const { sim, promotedAfter, failAfter } = afterFault('killed', true);
    expect(promotedAfter).toBeDefined();
    expect(failAfter!).toBeLessThan(T / 2);
    expect(promotedAfter!).toBeLessThan(T / 2);
    sim.runFor(3000);
    expect(sim.promotions()).toEqual([expect.objectContaining({ node: 'r3', epoch: 4 })]);
    for (const name of ['m1', 'm2', 'r1', 'r2']) expect(sim.node(name).state.slots.owner(16383), name).toBe(nid('r3'));
  });

  it("with Redis's rules the same kill takes node-timeout + the 500 ms floor", () => {
    const { promotedAfter, failAfter } = afterFault('killed', false);
    expect(failAfter!).toBeGreaterThan(T);
    expect(promotedAfter!).toBeGreaterThanOrEqual(T + 500);
  });

  it.each(['paused', 'partitioned'] as const)('a %s master is not flagged before node-timeout, then fails over as Redis would', (fault) => {
    const sim = new ClusterSim(THREE_SHARDS, FAST, () => 0.5);
    sim.runFor(3000);
    const at = sim.now;
    sim.fail('m3', fault);
    sim.runFor(T);
    for (const name of ['m1', 'm2', 'r1', 'r2', 'r3']) {
      expect(sim.node(name).state.node(nid('m3'))!.flags & (NodeFlag.PFail | NodeFlag.Fail), name).toBe(0);
    }
    expect(sim.events.filter((e) => e.action.kind === 'broadcast-fail')).toEqual([]);
    // Past node-timeout silence decides, as in Redis; the election is then the fast one.
    expect(sim.runFor(10_000, () => sim.promotions().length > 0)).toBe(true);
    expect(sim.promotions()[0]!.at - at).toBeGreaterThan(T);
  });

  it('two killed masters of three: each survivor sees the evidence, but one report is no majority', () => {
    const sim = new ClusterSim(THREE_SHARDS, FAST, () => 0.5);
    sim.runFor(3000);
    sim.fail('m2', 'killed');
    sim.fail('m3', 'killed');
    sim.runFor(10_000);
    expect(sim.events.filter((e) => e.action.kind === 'broadcast-fail')).toEqual([]);
    expect(sim.promotions()).toEqual([]);
    expect(sim.node('m1').state.node(nid('m3'))!.flags & NodeFlag.PFail).toBe(NodeFlag.PFail);
  });
});
