// cluster-confirm-writes, the pure parts scripted on a fake clock: which held write replies are
// answered OK (every needed replica ACKed past the write and a majority of slot-owning masters
// answered a round started after it), which -UNKNOWN (the bound passed, or the node was demoted),
// how many ACKs an OK needs, the rounds' majority; and the election rule it adds: a replica behind
// a sibling that could stand does not ask for votes.

import { describe, expect, it } from 'vitest';
import {
  ackedOffsetOf, clusterVerdict, electableWindowMs, MajorityRounds, neededAcks, type ClusterHeld, type ClusterObservation,
} from '../../src/server/fencing/core/cluster-confirm.js';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import type { ClusterAction } from '../../src/server/cluster/core/actions.js';
import { behindElectableSibling } from '../../src/server/cluster/core/acked-candidate.js';
import { FailoverCore } from '../../src/server/cluster/core/failover-core.js';
import { makeClusterNode } from '../../src/server/cluster/state/cluster-node.js';
import { nid, settings, THREE_SHARDS, viewOf } from '../helpers/cluster-world.js';

/** A master holding writes, on a fake clock: rounds answered by peers, ACKs by replicas. */
function master(quorum = 2) {
  let now = 1_000;
  const rounds = new MajorityRounds();
  const voters = ['m2', 'm3'];
  const held: ClusterHeld[] = [];
  let acks: number[] = [0];
  let electable = 1;
  let isMaster = true;
  const seen = (): ClusterObservation => ({
    now,
    master: isMaster,
    confirmedRound: rounds.confirmed,
    ackedOffset: ackedOffsetOf(acks, neededAcks(acks.length, electable, 0)),
  });
  return {
    rounds,
    /** A write applied now, ending at `offset`; its reply waits 500 ms at most. */
    write(offset: number) {
      held.push({ offset, round: rounds.next, deadline: now + 500 });
    },
    startRound: () => rounds.start(quorum),
    pong: (peer: string, round: number) => rounds.answer(peer, round, voters, quorum),
    ack: (...offsets: number[]) => (acks = offsets),
    setElectable: (n: number) => (electable = n),
    demote: () => (isMaster = false),
    advance: (ms: number) => (now += ms),
    verdicts: () => held.map((h) => clusterVerdict(h, seen())),
  };
}

describe('cluster-confirm-writes: when a held reply is answered', () => {
  it('OK only once the replica ACKed past the write and a majority answered a round started after it', () => {
    const m = master();
    m.write(100);
    m.startRound();
    expect(m.verdicts()).toEqual(['wait']);
    m.ack(100);
    expect(m.verdicts()).toEqual(['wait']); // ACKed, but no peer answered yet
    expect(m.pong('m2', 1)).toBe(true); // us + m2 = 2 of 3
    expect(m.verdicts()).toEqual(['ok']);
  });

  it('a round started before the write does not confirm it, even when answered after it', () => {
    const m = master();
    m.startRound(); // round 1, on its way
    m.write(100); // waits for round 2
    m.ack(100);
    m.pong('m2', 1);
    m.pong('m3', 1);
    expect(m.verdicts()).toEqual(['wait']);
    m.startRound();
    m.pong('m3', 2);
    expect(m.verdicts()).toEqual(['ok']);
  });

  it('a majority answered but the replica ACKed an older offset: wait, then -UNKNOWN once the bound passed', () => {
    const m = master();
    m.write(100);
    m.startRound();
    m.pong('m2', 1);
    m.ack(60);
    m.advance(499);
    expect(m.verdicts()).toEqual(['wait']);
    m.advance(1);
    expect(m.verdicts()).toEqual(['unknown']);
  });

  it('a shard whose replicas are gone (FAIL) needs no ACK; one that has a replica offline gets -UNKNOWN', () => {
    const gone = master();
    gone.ack();
    gone.setElectable(0);
    gone.write(100);
    gone.startRound();
    gone.pong('m3', 1);
    expect(gone.verdicts()).toEqual(['ok']);

    const offline = master();
    offline.ack(); // no online replica, but one is known and could be elected
    offline.write(100);
    offline.startRound();
    offline.pong('m3', 1);
    offline.advance(500);
    expect(offline.verdicts()).toEqual(['unknown']);
  });

  it('a node demoted to replica answers what it still holds -UNKNOWN at once', () => {
    const m = master();
    m.write(100);
    m.startRound();
    m.demote();
    expect(m.verdicts()).toEqual(['unknown']);
  });

  it('the only slot-owning master confirms its rounds by itself', () => {
    const m = master(1);
    m.write(100);
    m.ack(100);
    m.startRound();
    expect(m.verdicts()).toEqual(['ok']);
  });
});

describe('cluster-confirm-writes: ACKs and rounds', () => {
  it('needs every online replica, at least one while the shard has an electable replica, at least sync-replicas', () => {
    expect(neededAcks(2, 2, 0)).toBe(2);
    expect(neededAcks(0, 1, 0)).toBe(1);
    expect(neededAcks(0, 0, 0)).toBe(0);
    expect(neededAcks(1, 1, 3)).toBe(3);
  });

  it('the acknowledged offset is the lowest ACK among the needed replicas; none possible with too few online', () => {
    expect(ackedOffsetOf([300, 100, 200], 3)).toBe(100);
    expect(ackedOffsetOf([300, 100, 200], 1)).toBe(300);
    expect(ackedOffsetOf([300], 2)).toBe(-1);
    expect(ackedOffsetOf([], 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('a round is confirmed by a majority of all slot-owning masters, a later answer covering earlier rounds', () => {
    const rounds = new MajorityRounds();
    const voters = ['m2', 'm3', 'm4', 'm5'];
    for (let i = 0; i < 3; i++) rounds.start(3);
    expect(rounds.answer('m2', 3, voters, 3)).toBe(false); // us + m2 = 2 of 5
    expect(rounds.answer('m4', 1, voters, 3)).toBe(true); // us + m2 (3) + m4 (1): round 1
    expect(rounds.confirmed).toBe(1);
    expect(rounds.answer('m5', 3, voters, 3)).toBe(true);
    expect(rounds.confirmed).toBe(3);
    // An answer from a node that is no voter (a replica, a master without slots) counts for nothing.
    rounds.start(3);
    expect(rounds.answer('r1', 4, voters, 3)).toBe(false);
  });
});

describe('cluster-confirm-writes: only a replica at its shard\'s highest offset stands', () => {
  /** r3, its master m3 FAIL, a sibling r3b at `siblingOffset` with `siblingFlags`; the election's log of actions. */
  function election(siblingOffset: number, siblingFlags = 0, confirmWrites = true) {
    const view = viewOf('r3', THREE_SHARDS);
    view.node(nid('m3'))!.flags |= NodeFlag.Fail;
    view.node(nid('m3'))!.failTime = 100_000;
    view.addNode(makeClusterNode({ id: nid('r3b'), flags: NodeFlag.Slave | siblingFlags, masterId: nid('m3'), replOffset: siblingOffset }));
    const core = new FailoverCore();
    const s = settings({ confirmWrites });
    const actions: ClusterAction[] = [];
    for (let now = 100_100; now <= 103_000; now += 100) {
      actions.push(...core.cron(view, { now, random: () => 0, myOffset: 1000, dataAge: 1000, settings: s }));
    }
    return { view, core, requested: actions.some((a) => a.kind === 'send-auth-request') };
  }

  it('a sibling ahead that could stand holds the election back', () => {
    const behind = election(1200);
    expect(behindElectableSibling(behind.view, 1000)).toBe(true);
    expect(behind.requested).toBe(false);
    expect(behind.core.election.cantFailoverReason).toBe('behind-sibling');
  });

  it('siblings behind or equal, in PFAIL or FAIL, or NOFAILOVER do not; nor without cluster-confirm-writes (Redis: rank delay only)', () => {
    expect(election(1000).requested).toBe(true);
    expect(election(900).requested).toBe(true);
    expect(election(5000, NodeFlag.PFail).requested).toBe(true);
    expect(election(5000, NodeFlag.Fail).requested).toBe(true);
    expect(election(5000, NodeFlag.NoFailover).requested).toBe(true);
    expect(election(1200, 0, false).requested).toBe(true);
  });
});

describe('cluster-confirm-writes: which replicas count as electable', () => {
  it('one online with us within Redis data-age validity (repl-ping period + node-timeout x (factor + 1)); factor 0: always', () => {
    expect(electableWindowMs(10, 1000, 10)).toBe(21_000);
    expect(electableWindowMs(10, 15_000, 10)).toBe(175_000);
    expect(electableWindowMs(10, 1000, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});
