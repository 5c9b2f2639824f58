// The failover wiring (cluster/failover/) on a recording bus and a fake clock: bus messages reach
// the cores, and their actions become bus messages (AUTH_REQUEST with FORCEACK, AUTH_ACK, MFSTART),
// promotion (REPLICAOF NO ONE, the old master's slots, a PONG to all), and the manual failover's
// write pause and PAUSED flag; CLUSTER FAILOVER's handler replies as redis-server 7.0.15.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHeader } from '../../src/server/cluster/bus/header.js';
import { MessageType, type BusMessage } from '../../src/server/cluster/bus/messages.js';
import { MessageFlag, NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import type { BusContext } from '../../src/server/cluster/bus-io/bus-context.js';
import type { BusEvent } from '../../src/server/cluster/bus-io/bus.js';
import { attachFailover, detachFailover } from '../../src/server/cluster/failover/attach.js';
import { ClusterFailover, type FailoverBus } from '../../src/server/cluster/failover/cluster-failover.js';
import type { FailoverHost } from '../../src/server/cluster/failover/failover-host.js';
import type { ClusterState } from '../../src/server/cluster/state/cluster-state.js';
import type { ClusterNode } from '../../src/server/cluster/state/cluster-node.js';
import { useClock } from '../../src/server/base/clock.js';
import { clusterFailoverCommand } from '../../src/server/commands/cluster/failover.js';
import type { CommandContext } from '../../src/server/base/command-spec.js';
import { Logger } from '../../src/shared/log.js';
import { ErrorReply } from '../../src/shared/resp/reply.js';
import { nid, settings, THREE_SHARDS, viewOf } from '../helpers/cluster-world.js';

let now = 1_000_000;
let restore: () => void;
beforeEach(() => {
  now = 1_000_000;
  restore = useClock({ now: () => now, monotonic: () => now });
});
afterEach(() => restore());

function rig(me: string) {
  const state: ClusterState = viewOf(me, THREE_SHARDS);
  const sent: { to: string | 'all'; message: BusMessage }[] = [];
  const pongs: string[] = [];
  const pings: string[] = [];
  const fails: string[] = [];
  const messageListeners: ((event: BusEvent) => void)[] = [];
  const tickListeners: ((now: number) => void)[] = [];
  const host = { promoted: 0, pausedUntil: 0, unpaused: 0, followed: [] as string[] };
  let failover: ClusterFailover;
  const ctx = {
    state,
    log: new Logger(undefined, 'nothing'),
    manualFailoverPaused: () => failover.manualFailoverPaused(),
    becomeReplicaOf: (master: ClusterNode) => void host.followed.push(master.id),
  } as unknown as BusContext;
  const bus: FailoverBus = {
    ctx,
    onMessage: (l) => void messageListeners.push(l),
    onTick: (l) => void tickListeners.push(l),
    onLinkFailure: () => {},
    header: () => makeHeader({ sender: state.myself.id, currentEpoch: BigInt(state.currentEpoch), mflags: failover.manualFailoverPaused() ? MessageFlag.Paused : 0 }),
    sendTo: (node, message) => (sent.push({ to: node.id, message }), true),
    broadcast: (message) => void sent.push({ to: 'all', message }),
    sendFail: (id) => void fails.push(id),
    sendPingTo: (node) => (pings.push(node.id), true),
    broadcastPong: (to) => void pongs.push(to),
  };
  const failoverHost: FailoverHost = {
    log: ctx.log,
    settings: () => settings(),
    replicationOffset: () => 1000,
    dataAge: () => 0,
    promote: () => void host.promoted++,
    pauseWrites: (until) => void (host.pausedUntil = until),
    unpauseWrites: () => void host.unpaused++,
    random: () => 0,
  };
  failover = new ClusterFailover(bus, failoverHost);
  failover.install();
  const node = (name: string) => state.node(nid(name))!;
  return {
    state, sent, pongs, pings, fails, host, failover, node,
    tick(ms = 100) {
      now += ms;
      for (const l of tickListeners) l(now);
    },
    deliver(from: ClusterNode, type: number, fields: Partial<BusMessage> = {}) {
      const message = { ...makeHeader({ sender: from.id, currentEpoch: BigInt(state.currentEpoch) }), type, ...fields } as BusMessage;
      for (const l of messageListeners) l({ sender: from, message, inbound: true });
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the failover wiring on a replica', () => {
  it('a FAIL master: AUTH_REQUEST broadcast after the delay, two AUTH_ACKs, then promotion with the slots and a PONG to all', async () => {
    const r = rig('r3');
    r.node('m3').flags |= NodeFlag.Fail;
    r.node('m3').failTime = now;
    for (let i = 0; i < 10 && !r.sent.some((s) => s.message.type === MessageType.FailoverAuthRequest); i++) r.tick();
    const request = r.sent.find((s) => s.message.type === MessageType.FailoverAuthRequest)!;
    expect(request.to).toBe('all');
    expect(request.message.mflags & MessageFlag.ForceAck).toBe(0);
    expect(Number(request.message.currentEpoch)).toBe(4);
    r.deliver(r.node('m1'), MessageType.FailoverAuthAck, { currentEpoch: 4n });
    r.deliver(r.node('m2'), MessageType.FailoverAuthAck, { currentEpoch: 4n });
    await settle();
    expect(r.host.promoted).toBe(1);
    expect(r.state.myself.flags & NodeFlag.Master).toBe(NodeFlag.Master);
    expect(r.state.myself.masterId).toBeNull();
    expect(r.state.slots.owner(12000)).toBe(nid('r3'));
    expect(r.state.myself.configEpoch).toBe(4);
    expect(r.pongs).toContain('all');
    expect(r.state.drainTodo()).toMatchObject({ saveConfig: true, fsyncConfig: true, updateState: true });
  });

  it('PFAIL gossip from masters reaches FAIL and a FAIL broadcast; a replica reporting is not heard', () => {
    const r = rig('r1');
    r.node('m3').flags |= NodeFlag.PFail;
    const gossip = (flags: number) => ({ gossip: [{ nodeId: nid('m3'), pingSent: 0, pongReceived: 0, ip: '', port: 0, cport: 0, flags, pport: 0 }], extensions: [] });
    // The bus records masters' reports (gossip-in.ts); the wiring asks the core whether FAIL is reached.
    r.deliver(r.node('r2'), MessageType.Ping, gossip(NodeFlag.PFail));
    r.node('m3').failReports.set(nid('m2'), now);
    r.deliver(r.node('m2'), MessageType.Ping, gossip(NodeFlag.PFail));
    expect(r.fails).toEqual([]); // one master of three: no majority
    r.node('m3').failReports.set(nid('m1'), now);
    r.deliver(r.node('m1'), MessageType.Ping, gossip(NodeFlag.PFail));
    expect(r.fails).toEqual([nid('m3')]);
  });

  it('CLUSTER FAILOVER: MFSTART to the master, then the paused offset lets the election run with FORCEACK', async () => {
    const r = rig('r3');
    expect(r.failover.failover('default')).toBeNull();
    expect(r.sent.map((s) => [s.to, s.message.type])).toEqual([[nid('m3'), MessageType.MfStart]]);
    r.node('m3').replOffset = 1000; // the bus records the header's offset before the listeners run
    r.deliver(r.node('m3'), MessageType.Ping, { mflags: MessageFlag.Paused, offset: 1000n, gossip: [], extensions: [] });
    await settle();
    await settle();
    const request = r.sent.find((s) => s.message.type === MessageType.FailoverAuthRequest);
    expect(request?.message.mflags! & MessageFlag.ForceAck).toBe(MessageFlag.ForceAck);
  });
});

describe('replica migration through the wiring', () => {
  it('the chosen replica follows the orphaned master (clusterSetMaster) once it was orphaned over 5 s', () => {
    const r = rig('r1');
    r.state.addNode({ ...r.node('r1'), id: nid('r1b'), flags: NodeFlag.Slave, failReports: new Map() });
    r.node('m3').flags |= NodeFlag.MigrateTo;
    r.node('r3').flags |= NodeFlag.Fail;
    // The first tick notes the orphan (orphaned_time); Redis moves only once strictly more than
    // CLUSTER_SLAVE_MIGRATION_DELAY (5000 ms) passed since then (clusterHandleSlaveMigration).
    r.tick();
    const orphanedAt = now;
    while (now - orphanedAt < 5000) r.tick();
    expect(now - orphanedAt).toBe(5000);
    expect(r.host.followed).toEqual([]);
    r.tick(1);
    expect(r.host.followed).toEqual([nid('m3')]);
  });
});

describe('the failover wiring on a master', () => {
  it('votes with an AUTH_ACK to a replica of a FAIL master, once per epoch', () => {
    const r = rig('m1');
    r.node('m3').flags |= NodeFlag.Fail;
    r.state.currentEpoch = 4; // the bus adopted the request's epoch
    r.deliver(r.node('r3'), MessageType.FailoverAuthRequest, { currentEpoch: 4n, configEpoch: 3n, myslots: r.state.slots.bitmapOf(nid('m3')) });
    expect(r.sent).toEqual([{ to: nid('r3'), message: expect.objectContaining({ type: MessageType.FailoverAuthAck }) }]);
    expect(r.state.lastVoteEpoch).toBe(4);
    r.deliver(r.node('r3'), MessageType.FailoverAuthRequest, { currentEpoch: 4n, configEpoch: 3n, myslots: r.state.slots.bitmapOf(nid('m3')) });
    expect(r.sent).toHaveLength(1);
  });

  it('MFSTART from our replica pauses writes for 10 s, flags our headers PAUSED, pings it every tick, resumes after 5 s', () => {
    const r = rig('m3');
    r.deliver(r.node('r3'), MessageType.MfStart);
    expect(r.host.pausedUntil).toBe(now + 10_000);
    expect(r.failover.manualFailoverPaused()).toBe(true);
    expect(r.pings).toEqual([nid('r3')]);
    r.tick();
    expect(r.pings).toEqual([nid('r3'), nid('r3')]);
    r.tick(5000);
    expect(r.host.unpaused).toBe(1);
    expect(r.failover.manualFailoverPaused()).toBe(false);
  });
});

describe('CLUSTER FAILOVER handler', () => {
  it('replies as redis-server 7.0.15', () => {
    const calls: string[] = [];
    // The handler looks the wiring up by the Server object it runs on.
    const ctxServer = { config: { bool: () => true } };
    attachFailover(ctxServer, { failover: (mode) => (calls.push(mode), mode === 'takeover' ? null : 'You should send CLUSTER FAILOVER to a replica') });
    const run = (...args: string[]) => clusterFailoverCommand.handler({ server: ctxServer } as unknown as CommandContext, ['cluster', ...args]);
    expect(run('failover')).toEqual(new ErrorReply('ERR You should send CLUSTER FAILOVER to a replica'));
    expect(run('failover', 'FORCE')).toEqual(new ErrorReply('ERR You should send CLUSTER FAILOVER to a replica'));
    expect(run('failover', 'takeover')).toMatchObject({ value: 'OK' });
    expect(run('failover', 'bogus')).toEqual(new ErrorReply('ERR syntax error'));
    expect(run('FAILOVER', 'force', 'x')).toEqual(new ErrorReply("ERR unknown subcommand or wrong number of arguments for 'FAILOVER'. Try CLUSTER HELP."));
    expect(calls).toEqual(['default', 'force', 'takeover']);
    detachFailover(ctxServer);
    const disabled = { server: { config: { bool: () => false } } } as unknown as CommandContext;
    expect(clusterFailoverCommand.handler(disabled, ['cluster', 'failover', 'force', 'x'])).toEqual(new ErrorReply('ERR This instance has cluster support disabled'));
  });
});
