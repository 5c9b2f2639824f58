// The master's vote (cluster.c 7.0 clusterSendFailoverAuthIfNeeded), scripted on a fake clock:
// one vote per epoch (persisted with fsync before the ACK), only for a replica whose master is
// FAIL unless FORCEACK, not twice for replicas of one master within 2 x node-timeout, and never
// for a claim on slots whose owner here has a newer configEpoch.

import { describe, expect, it } from 'vitest';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import { decideVote, type AuthRequest } from '../../src/server/cluster/core/voting.js';
import { nid, THREE_SHARDS, viewOf } from '../helpers/cluster-world.js';

const T = 1000;
const M3_SLOTS = { *[Symbol.iterator]() { for (let s = 10923; s <= 16383; s++) yield s; } };

function world(me = 'm1') {
  const view = viewOf(me, THREE_SHARDS);
  const node = (name: string) => view.node(nid(name))!;
  node('m3').flags |= NodeFlag.Fail;
  return { view, node };
}

/** r3's request after it raised its epoch: the header's epochs, its master's slots. */
function request(view: ReturnType<typeof world>['view'], overrides: Partial<AuthRequest> = {}): AuthRequest {
  view.currentEpoch += 1; // header processing adopts the requester's newer currentEpoch first
  return { currentEpoch: view.currentEpoch, configEpoch: 3, claimedSlots: M3_SLOTS, forceAck: false, ...overrides };
}

describe('votes', () => {
  it('grants the vote: lastVoteEpoch and the master voted time recorded, saved with fsync, then the ACK', () => {
    const { view, node } = world();
    const decision = decideVote(view, node('r3'), request(view), 50_000, T);
    expect(decision.granted).toBe(true);
    expect(decision.actions.slice(0, 2)).toEqual([{ kind: 'save-config', fsync: true }, { kind: 'send-auth-ack', to: nid('r3') }]);
    expect(view.lastVoteEpoch).toBe(view.currentEpoch);
    expect(node('m3').votedTime).toBe(50_000);
  });

  it('refuses a second vote in the same epoch', () => {
    const { view, node } = world();
    const req = request(view);
    expect(decideVote(view, node('r3'), req, 50_000, T).granted).toBe(true);
    const again = decideVote(view, node('r3'), req, 60_000, T);
    expect(again).toMatchObject({ granted: false, reason: `already voted for epoch ${view.currentEpoch}` });
    expect(again.actions).toEqual([{ kind: 'log', level: 'warning', message: `Failover auth denied to ${nid('r3')}: already voted for epoch ${view.currentEpoch}` }]);
  });

  it('refuses a request from an older epoch', () => {
    const { view, node } = world();
    const req = request(view);
    view.currentEpoch += 2;
    expect(decideVote(view, node('r3'), req, 50_000, T)).toMatchObject({ granted: false, reason: `reqEpoch (${req.currentEpoch}) < curEpoch(${view.currentEpoch})` });
  });

  it('refuses while the master is up, unless the request carries FORCEACK (manual failover)', () => {
    const { view, node } = world();
    node('m3').flags &= ~NodeFlag.Fail;
    expect(decideVote(view, node('r3'), request(view), 50_000, T)).toMatchObject({ granted: false, reason: 'its master is up' });
    expect(decideVote(view, node('r3'), request(view, { forceAck: true }), 50_000, T).granted).toBe(true);
  });

  it('refuses a master, a replica of an unknown master, and does not vote at all as a replica or a slotless master', () => {
    const { view, node } = world();
    expect(decideVote(view, node('m2'), request(view), 50_000, T).reason).toBe('it is a master node');
    view.deleteNode(nid('m3'));
    expect(decideVote(view, node('r3'), request(view), 50_000, T).reason).toBe("I don't know its master");
    const asReplica = world('r1');
    expect(decideVote(asReplica.view, asReplica.node('r3'), request(asReplica.view), 50_000, T)).toEqual({ granted: false, reason: '', actions: [] });
    const slotless = world('m1');
    slotless.view.slots.unassignNode(nid('m1'));
    expect(decideVote(slotless.view, slotless.node('r3'), request(slotless.view), 50_000, T).actions).toEqual([]);
  });

  it('does not vote for a replica of the same master twice within 2 x node-timeout', () => {
    const { view, node } = world();
    view.addNode({ ...node('r3'), id: nid('r3b'), failReports: new Map() });
    expect(decideVote(view, node('r3'), request(view), 50_000, T).granted).toBe(true);
    const soon = decideVote(view, node('r3b'), request(view), 51_500, T);
    expect(soon).toMatchObject({ granted: false, reason: "can't vote about this master before 500 milliseconds" });
    expect(decideVote(view, node('r3b'), request(view), 52_000, T).granted).toBe(true);
  });

  it('refuses a claim on slots whose owner has a newer configEpoch than the request', () => {
    const { view, node } = world();
    node('m3').configEpoch = 7;
    const decision = decideVote(view, node('r3'), request(view, { configEpoch: 6 }), 50_000, T);
    expect(decision).toMatchObject({ granted: false, reason: 'slot 10923 epoch (7) > reqEpoch (6)' });
    expect(view.lastVoteEpoch).toBe(0);
    // An equal configEpoch is fine; unassigned slots are not checked.
    expect(decideVote(view, node('r3'), request(view, { configEpoch: 7 }), 50_000, T).granted).toBe(true);
  });
});
