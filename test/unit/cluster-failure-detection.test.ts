// Failure detection of the cluster core (cluster.c 7.0 markNodeAsFailingIfNeeded & co.), scripted
// on a fake clock: PFAIL after node-timeout of silence, FAIL on reports from a majority of
// slot-owning masters valid 2 x node-timeout, the FAIL broadcast, and FAIL undone when the node
// is back (at once for a replica or a master without slots, after 2 x node-timeout for a master
// still holding slots).

import { describe, expect, it } from 'vitest';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import {
  failureReportCount, markPFailIfTimedOut, onFailMessage, onGossipAbout, onPongFrom,
} from '../../src/server/cluster/core/failure-detection.js';
import { Bit, MsgBit } from '../../src/server/cluster/core/view.js';
import { nid, THREE_SHARDS, viewOf } from '../helpers/cluster-world.js';

const T = 1000; // node-timeout
const PFAIL = NodeFlag.PFail;

function world(me = 'm1') {
  const view = viewOf(me, THREE_SHARDS);
  return { view, node: (name: string) => view.node(nid(name))! };
}

describe('the core restates the bus flag bits', () => {
  it('agrees with bus/node-flags.ts', () => {
    for (const name of ['Master', 'Slave', 'PFail', 'Fail', 'Myself', 'Handshake', 'NoAddr', 'MigrateTo', 'NoFailover'] as const) {
      expect(Bit[name], name).toBe(NodeFlag[name]);
    }
    expect(MsgBit.Paused).toBe(1);
    expect(MsgBit.ForceAck).toBe(2);
  });
});

describe('PFAIL', () => {
  it('a node silent for longer than node-timeout with a PING outstanding becomes PFAIL', () => {
    const { node } = world();
    const m3 = node('m3');
    m3.pingSent = 10_000;
    m3.dataReceived = 9_900;
    expect(markPFailIfTimedOut(m3, 11_000, T)).toBe(false); // exactly node-timeout: not yet
    expect(markPFailIfTimedOut(m3, 11_001, T)).toBe(true);
    expect(m3.flags & PFAIL).toBe(PFAIL);
    expect(markPFailIfTimedOut(m3, 11_002, T)).toBe(false); // already PFAIL: no second update
  });

  it('any data received counts as liveness, and no PING outstanding means nothing to judge', () => {
    const { node } = world();
    const m3 = node('m3');
    m3.pingSent = 10_000;
    m3.dataReceived = 10_800; // pub/sub traffic kept flowing
    expect(markPFailIfTimedOut(m3, 11_500, T)).toBe(false);
    m3.pingSent = 0;
    m3.dataReceived = 0;
    expect(markPFailIfTimedOut(m3, 50_000, T)).toBe(false);
  });

  it('a PONG clears PFAIL by itself', () => {
    const { view, node } = world();
    const m3 = node('m3');
    m3.flags |= PFAIL;
    expect(onPongFrom(view, m3, 5000, T)).toEqual([{ kind: 'save-config', fsync: false }, { kind: 'update-state' }]);
    expect(m3.flags & PFAIL).toBe(0);
  });
});

describe('FAIL by reports of a majority of masters', () => {
  it('a master holding m3 in PFAIL reaches FAIL with one more master report (2 of 3) and broadcasts it', () => {
    const { view, node } = world('m1');
    const m3 = node('m3');
    m3.flags |= PFAIL;
    const actions = onGossipAbout(view, node('m2'), m3, PFAIL, 20_000, T);
    expect(actions.filter((a) => a.kind !== 'log')).toEqual([
      { kind: 'broadcast-fail', nodeId: m3.id },
      { kind: 'update-state' },
      { kind: 'save-config', fsync: false },
    ]);
    expect(m3.flags & (NodeFlag.Fail | PFAIL)).toBe(NodeFlag.Fail);
    expect(m3.failTime).toBe(20_000);
  });

  it('a replica does not count itself: it needs two master reports for 3 masters', () => {
    const { view, node } = world('r1');
    const m3 = node('m3');
    m3.flags |= PFAIL;
    expect(onGossipAbout(view, node('m2'), m3, PFAIL, 20_000, T).some((a) => a.kind === 'broadcast-fail')).toBe(false);
    expect(m3.flags & NodeFlag.Fail).toBe(0);
    const actions = onGossipAbout(view, node('m1'), m3, NodeFlag.Fail, 20_100, T);
    expect(actions).toContainEqual({ kind: 'broadcast-fail', nodeId: m3.id });
  });

  it('reports from replicas are ignored, and a minority of masters is not enough', () => {
    const { view, node } = world('r1');
    const m3 = node('m3');
    m3.flags |= PFAIL;
    onGossipAbout(view, node('r2'), m3, PFAIL, 20_000, T);
    onGossipAbout(view, node('r3'), m3, PFAIL, 20_000, T);
    onGossipAbout(view, node('m2'), m3, PFAIL, 20_000, T);
    expect(failureReportCount(m3, 20_000, T)).toBe(1);
    expect(m3.flags & NodeFlag.Fail).toBe(0);
  });

  it('without our own PFAIL, reports alone never make FAIL', () => {
    const { view, node } = world('m1');
    const m3 = node('m3');
    onGossipAbout(view, node('m2'), m3, PFAIL, 20_000, T);
    expect(m3.flags & NodeFlag.Fail).toBe(0);
    expect(failureReportCount(m3, 20_000, T)).toBe(1);
  });

  it('a report expires after 2 x node-timeout, so an old one does not complete the majority', () => {
    const { view, node } = world('r1');
    const m3 = node('m3');
    onGossipAbout(view, node('m2'), m3, PFAIL, 20_000, T);
    m3.flags |= PFAIL;
    // m1's report comes 2 x node-timeout + 1 ms after m2's: m2's is gone, 1 of 2 needed.
    const late = onGossipAbout(view, node('m1'), m3, PFAIL, 22_001, T);
    expect(late.some((a) => a.kind === 'broadcast-fail')).toBe(false);
    expect(failureReportCount(m3, 22_001, T)).toBe(1);
    // m2 again, while m1's report of 22_001 is still valid: the majority is there.
    expect(onGossipAbout(view, node('m2'), m3, PFAIL, 23_000, T)).toContainEqual({ kind: 'broadcast-fail', nodeId: m3.id });
  });

  it('a report exactly 2 x node-timeout old still counts', () => {
    const { view, node } = world('r1');
    const m3 = node('m3');
    m3.flags |= PFAIL;
    onGossipAbout(view, node('m2'), m3, PFAIL, 20_000, T);
    expect(onGossipAbout(view, node('m1'), m3, PFAIL, 22_000, T)).toContainEqual({ kind: 'broadcast-fail', nodeId: m3.id });
  });

  it('a master reporting the node healthy again withdraws its report', () => {
    const { view, node } = world('r1');
    const m3 = node('m3');
    onGossipAbout(view, node('m2'), m3, PFAIL, 20_000, T);
    onGossipAbout(view, node('m2'), m3, 0, 20_100, T);
    m3.flags |= PFAIL;
    expect(onGossipAbout(view, node('m1'), m3, PFAIL, 20_200, T).some((a) => a.kind === 'broadcast-fail')).toBe(false);
  });

  it('gossip about ourselves is not a report', () => {
    const { view, node } = world('m1');
    onGossipAbout(view, node('m2'), view.myself, PFAIL, 20_000, T);
    expect(view.myself.failReports.size).toBe(0);
  });

  it('a FAIL message marks a known node FAIL at once, never ourselves or a node already FAIL', () => {
    const { view, node } = world('r1');
    const m3 = node('m3');
    m3.flags |= PFAIL;
    expect(onFailMessage(nid('m2'), m3, 30_000)).toContainEqual({ kind: 'update-state' });
    expect(m3.flags & (NodeFlag.Fail | PFAIL)).toBe(NodeFlag.Fail);
    expect(onFailMessage(nid('m2'), m3, 30_500)).toEqual([]);
    expect(m3.failTime).toBe(30_000);
    expect(onFailMessage(nid('m2'), view.myself, 30_000)).toEqual([]);
    expect(onFailMessage(nid('m2'), undefined, 30_000)).toEqual([]);
  });
});

describe('FAIL undone', () => {
  it('a replica reachable again is cleared at once', () => {
    const { view, node } = world('m1');
    const r3 = node('r3');
    r3.flags |= NodeFlag.Fail;
    r3.failTime = 40_000;
    const actions = onPongFrom(view, r3, 40_001, T);
    expect(actions[0]).toEqual({ kind: 'log', level: 'notice', message: `Clear FAIL state for node ${r3.id}: replica is reachable again.` });
    expect(r3.flags & NodeFlag.Fail).toBe(0);
  });

  it('a master without slots reachable again is cleared at once', () => {
    const { view, node } = world('m1');
    const m3 = node('m3');
    view.slots.unassignNode(m3.id);
    m3.flags |= NodeFlag.Fail;
    m3.failTime = 40_000;
    onPongFrom(view, m3, 40_001, T);
    expect(m3.flags & NodeFlag.Fail).toBe(0);
  });

  it('a master still holding slots stays FAIL until node-timeout x 2 has passed without a failover', () => {
    const { view, node } = world('m1');
    const m3 = node('m3');
    m3.flags |= NodeFlag.Fail;
    m3.failTime = 40_000;
    expect(onPongFrom(view, m3, 42_000, T)).toEqual([]);
    expect(m3.flags & NodeFlag.Fail).toBe(NodeFlag.Fail);
    expect(onPongFrom(view, m3, 42_001, T)).toContainEqual({ kind: 'update-state' });
    expect(m3.flags & NodeFlag.Fail).toBe(0);
  });
});
