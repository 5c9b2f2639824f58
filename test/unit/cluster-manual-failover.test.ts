// CLUSTER FAILOVER [FORCE|TAKEOVER] in the cluster core (cluster.c 7.0), both sides on one fake
// clock: the replica's MFSTART, the master pausing writes for 10 s and pinging with PAUSED, the
// offset match, the election with FORCEACK and no delay, the 5 s limit; FORCE without the
// handshake; TAKEOVER with a new epoch and no vote; the command's refusals.

import { describe, expect, it } from 'vitest';
import { MessageFlag, NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import type { ClusterAction } from '../../src/server/cluster/core/actions.js';
import { FailoverCore } from '../../src/server/cluster/core/failover-core.js';
import { MF_ERRORS } from '../../src/server/cluster/core/manual-failover.js';
import { nid, settings, THREE_SHARDS, viewOf } from '../helpers/cluster-world.js';

const kinds = (actions: ClusterAction[]) => actions.filter((a) => a.kind !== 'log');

function pair() {
  const replica = { view: viewOf('r3', THREE_SHARDS), core: new FailoverCore() };
  const master = { view: viewOf('m3', THREE_SHARDS), core: new FailoverCore() };
  let now = 200_000;
  const s = settings();
  const input = (offset: number) => ({ now, random: () => 0.9, myOffset: offset, dataAge: 0, settings: s });
  return {
    replica, master, s, input,
    get now() { return now; },
    advance(ms: number) { now += ms; },
  };
}

describe('CLUSTER FAILOVER (default): the handshake', () => {
  it('MFSTART, master pauses writes and pings PAUSED with its offset, the replica catches up, wins with FORCEACK at once', () => {
    const w = pair();
    const { replica, master } = w;
    const started = replica.core.failoverCommand(replica.view, 'default', w.now);
    expect('actions' in started && kinds(started.actions)).toEqual([{ kind: 'send-mfstart', to: nid('m3') }]);
    expect(replica.core.manual.end).toBe(w.now + 5000);

    // The master: pause writes for 2 x 5 s, ping the replica now and at every cron tick.
    const onStart = master.core.onMfStart(master.view, master.view.node(nid('r3')), w.now);
    expect(kinds(onStart)).toEqual([{ kind: 'pause-clients', until: w.now + 10_000 }, { kind: 'ping', to: nid('r3') }]);
    expect(master.core.manual.pausedFlag(master.view)).toBe(true);
    w.advance(100);
    expect(master.core.cron(master.view, w.input(5000))).toContainEqual({ kind: 'ping', to: nid('r3') });

    // The replica hears the paused master's offset (5000) while it has only 4800.
    const m3 = replica.view.node(nid('m3'))!;
    m3.replOffset = 5000;
    replica.core.onHeader(replica.view, m3, { configEpoch: 3, mflags: MessageFlag.Paused }, true);
    expect(replica.core.manual.masterOffset).toBe(5000);
    expect(replica.core.beforeSleep(replica.view, w.input(4800))).toEqual([]);
    expect(replica.core.manual.canStart).toBe(false);

    // Caught up: the election starts with no delay and FORCEACK.
    const epoch = replica.view.currentEpoch + 1;
    const ready = replica.core.beforeSleep(replica.view, w.input(5000));
    expect(kinds(ready)).toEqual([{ kind: 'broadcast-pong', to: 'local-replicas' }]);
    expect(replica.core.election.authTime).toBe(w.now);
    expect(kinds(replica.core.beforeSleep(replica.view, w.input(5000))).slice(0, 1)).toEqual([{ kind: 'send-auth-request', epoch, forceAck: true }]);
    for (const name of ['m1', 'm2']) replica.core.onAuthAck(replica.view, replica.view.node(nid(name))!, epoch);
    expect(replica.core.beforeSleep(replica.view, w.input(5000))).toContainEqual({ kind: 'promote-self', epoch, oldMasterId: nid('m3') });
    expect(replica.core.manual.inProgress).toBe(false);
  });

  it('a PAUSED header from another node, or an unpaused one from our master, gives no offset', () => {
    const { replica, now } = pair();
    replica.core.failoverCommand(replica.view, 'default', now);
    replica.core.onHeader(replica.view, replica.view.node(nid('m1'))!, { configEpoch: 1, mflags: MessageFlag.Paused }, true);
    replica.core.onHeader(replica.view, replica.view.node(nid('m3'))!, { configEpoch: 3, mflags: 0 }, true);
    expect(replica.core.manual.masterOffset).toBe(-1);
  });

  it('times out after 5 s on both sides; the master resumes its clients', () => {
    const w = pair();
    const { replica, master } = w;
    replica.core.failoverCommand(replica.view, 'default', w.now);
    master.core.onMfStart(master.view, master.view.node(nid('r3')), w.now);
    w.advance(5000);
    expect(replica.core.cron(replica.view, w.input(0)).some((a) => a.kind === 'log' && a.message === 'Manual failover timed out.')).toBe(false);
    expect(master.core.cron(master.view, w.input(0))).not.toContainEqual({ kind: 'unpause-clients' });
    w.advance(1);
    expect(replica.core.cron(replica.view, w.input(0))).toContainEqual({ kind: 'log', level: 'warning', message: 'Manual failover timed out.' });
    expect(replica.core.manual.inProgress).toBe(false);
    expect(master.core.cron(master.view, w.input(0))).toContainEqual({ kind: 'unpause-clients' });
    expect(master.core.manual.pausedFlag(master.view)).toBe(false);
    // With the master up and no manual failover left, no election ever starts.
    for (let i = 0; i < 50; i++) {
      w.advance(100);
      expect(replica.core.cron(replica.view, w.input(0)).some((a) => a.kind === 'send-auth-request')).toBe(false);
    }
  });

  it('MFSTART is accepted only from one of our replicas', () => {
    const { master, now } = pair();
    expect(master.core.onMfStart(master.view, master.view.node(nid('r1')), now)).toEqual([]);
    expect(master.core.onMfStart(master.view, undefined, now)).toEqual([]);
    expect(master.core.manual.inProgress).toBe(false);
  });
});

describe('CLUSTER FAILOVER FORCE and TAKEOVER', () => {
  it('FORCE skips the handshake: the election runs at once with FORCEACK though the master is up', () => {
    const w = pair();
    const { replica } = w;
    const started = replica.core.failoverCommand(replica.view, 'force', w.now);
    expect('actions' in started && kinds(started.actions)).toEqual([]);
    w.advance(100);
    const first = replica.core.cron(replica.view, w.input(0));
    expect(first).toContainEqual({ kind: 'broadcast-pong', to: 'local-replicas' });
    expect(replica.core.beforeSleep(replica.view, w.input(0))).toContainEqual({ kind: 'send-auth-request', epoch: 4, forceAck: true });
  });

  it('a manual failover is neither delayed nor re-ranked by a sibling with a larger offset', () => {
    const w = pair();
    const { replica } = w;
    replica.view.addNode({ ...replica.view.node(nid('r3'))!, id: nid('r3b'), flags: NodeFlag.Slave, replOffset: 99_999, failReports: new Map() });
    replica.core.failoverCommand(replica.view, 'force', w.now);
    w.advance(100);
    replica.core.cron(replica.view, w.input(0));
    expect(replica.core.election.authRank).toBe(0);
    expect(replica.core.beforeSleep(replica.view, w.input(0))).toContainEqual({ kind: 'send-auth-request', epoch: 4, forceAck: true });
  });

  it('FORCE is allowed with the master FAIL or unreachable; the default mode is refused then', () => {
    const { replica, now } = pair();
    const m3 = replica.view.node(nid('m3'))!;
    m3.flags |= NodeFlag.Fail;
    expect(replica.core.failoverCommand(replica.view, 'default', now)).toEqual({ error: MF_ERRORS.masterDown });
    m3.flags &= ~NodeFlag.Fail;
    m3.linkConnected = false;
    expect(replica.core.failoverCommand(replica.view, 'default', now)).toEqual({ error: MF_ERRORS.masterDown });
    expect('actions' in replica.core.failoverCommand(replica.view, 'force', now)).toBe(true);
  });

  it('TAKEOVER bumps the epoch without any vote and promotes at once', () => {
    const { replica, now } = pair();
    const before = replica.view.currentEpoch;
    const started = replica.core.failoverCommand(replica.view, 'takeover', now);
    expect('actions' in started && kinds(started.actions)).toEqual([
      { kind: 'save-config', fsync: true },
      { kind: 'promote-self', epoch: before + 1, oldMasterId: nid('m3') },
    ]);
    expect(replica.view.myself.configEpoch).toBe(before + 1);
    expect(replica.core.manual.inProgress).toBe(false);
  });

  it('TAKEOVER keeps a configEpoch that is already the largest known (clusterBumpConfigEpochWithoutConsensus)', () => {
    const { replica, now } = pair();
    replica.view.myself.configEpoch = 9;
    const started = replica.core.failoverCommand(replica.view, 'takeover', now);
    expect('actions' in started && kinds(started.actions)).toEqual([{ kind: 'promote-self', epoch: 9, oldMasterId: nid('m3') }]);
    expect(replica.view.currentEpoch).toBe(3);
  });

  it('refuses on a master and on a replica whose master it does not know', () => {
    const { master, replica, now } = pair();
    expect(master.core.failoverCommand(master.view, 'default', now)).toEqual({ error: MF_ERRORS.notReplica });
    expect(master.core.failoverCommand(master.view, 'takeover', now)).toEqual({ error: MF_ERRORS.notReplica });
    replica.view.deleteNode(nid('m3'));
    expect(replica.core.failoverCommand(replica.view, 'force', now)).toEqual({ error: MF_ERRORS.unknownMaster });
  });
});
