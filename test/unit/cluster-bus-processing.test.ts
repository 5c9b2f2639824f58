// What the live cluster bus does with each message (src/server/cluster/bus-io), without sockets: a
// fake link and a recording BusOps stand in for bus.ts. MEET from a stranger, the handshake PONG
// that renames a node, a PONG from the wrong id, failure reports and new nodes in gossip, slot
// claims by configEpoch (rebinding, UPDATE for a stale claim, following the node that took our last
// slot, dropping keys of a lost slot), FAIL, UPDATE, the configEpoch collision, and what we send.

import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/server/cluster/state/cluster-state.js';
import { makeClusterNode, type ClusterNode } from '../../src/server/cluster/state/cluster-node.js';
import { makeHeader } from '../../src/server/cluster/bus/header.js';
import { MessageType, type BusMessage, type GossipEntry, type PingMessage } from '../../src/server/cluster/bus/messages.js';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import { bitmapFromRanges } from '../../src/server/cluster/slot-bitmap.js';
import type { BusContext, BusSettings } from '../../src/server/cluster/bus-io/bus-context.js';
import type { BusLink } from '../../src/server/cluster/bus-io/bus-link.js';
import type { BusOps } from '../../src/server/cluster/bus-io/bus-ops.js';
import { processMessage, senderOf } from '../../src/server/cluster/bus-io/process-packet.js';
import { buildHeader, chooseGossip } from '../../src/server/cluster/bus-io/outgoing.js';
import { BusStats } from '../../src/server/cluster/bus-io/bus-stats.js';
import { Logger } from '../../src/shared/log.js';
import { faultsOf } from '../../src/server/faults/faults.js';
import { parsePartition } from '../../src/shared/faults/spec.js';
import { makeServer } from '../helpers/unit-server.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const NOW = 1_800_000_000_000;

interface World {
  state: ClusterState;
  ops: BusOps;
  sent: { link: FakeLink; type: number }[];
  updates: { to: string; about: string }[];
  followed: string[];
  deletedSlots: number[];
  keysIn: Set<number>;
}

interface FakeLink {
  inbound: boolean;
  node: ClusterNode | null;
  remoteIp: string;
  localIp: string;
  isFreed: boolean;
  free(reason: string): void;
}

function world(myId = '0'.repeat(40)): World {
  const state = new ClusterState(myId);
  state.myself.port = 7000;
  state.myself.cport = 17000;
  const settings: BusSettings = { nodeTimeout: 5000, announceIp: '', announceHostname: '', port: 7000, pport: 0, cport: 17000, sendbufLimit: 0, allowReplicaMigration: true };
  const w = { state, sent: [], updates: [], followed: [], deletedSlots: [], keysIn: new Set<number>() } as unknown as World;
  const ctx: BusContext = {
    state,
    log: new Logger(undefined, 'nothing'),
    settings: () => settings,
    replicationOffset: () => 42n,
    manualFailoverPaused: () => false,
    becomeReplicaOf: (master) => {
      w.followed.push(master.id);
      state.myself.flags = NodeFlag.Myself | NodeFlag.Slave;
      state.myself.masterId = master.id;
    },
    masterAddressChanged: () => {},
    countKeysInSlot: (slot) => (w.keysIn.has(slot) ? 1 : 0),
    deleteKeysInSlot: (slot) => w.deletedSlots.push(slot),
    deliverPublish: () => {},
    partitioned: () => ({ in: false, out: false }),
  };
  const outbound = new Map<ClusterNode, FakeLink>();
  w.ops = {
    ctx,
    notClaiming: new Map(),
    outboundLink: (node) => outbound.get(node) as unknown as BusLink | undefined,
    attachInbound: (link, node) => {
      link.node = node;
    },
    dropLink: (node) => outbound.delete(node),
    deleteNode: (node) => state.deleteNode(node.id),
    nodeCreated: () => {},
    blacklisted: (id) => id === C,
    sendPing: (link, type) => w.sent.push({ link: link as unknown as FakeLink, type }),
    sendUpdate: (to, about) => w.updates.push({ to: to.id, about: about.id }),
  };
  return w;
}

function link(inbound: boolean, node: ClusterNode | null = null): FakeLink {
  return {
    inbound,
    node,
    remoteIp: '10.0.0.2',
    localIp: '10.0.0.1',
    isFreed: false,
    free() {
      this.isFreed = true;
    },
  };
}

function ping(type: PingMessage['type'], sender: string, fields: Partial<PingMessage> = {}): PingMessage {
  return { ...makeHeader({ sender, port: 7001, cport: 17001, flags: NodeFlag.Master }), type, gossip: [], extensions: [], ...fields };
}

function deliver(w: World, l: FakeLink, message: BusMessage): boolean {
  const busLink = l as unknown as BusLink;
  return processMessage(w.ops, busLink, message, senderOf(w.ops, busLink, message), NOW);
}

function known(w: World, id: string, fields: Partial<ClusterNode> = {}): ClusterNode {
  const node = makeClusterNode({ id, flags: NodeFlag.Master, ip: '10.0.0.9', port: 7001, cport: 17001, ...fields });
  w.state.addNode(node);
  return node;
}

function gossip(nodeId: string, flags: number, fields: Partial<GossipEntry> = {}): GossipEntry {
  return { nodeId, pingSent: 0, pongReceived: 0, ip: '10.0.0.5', port: 7005, cport: 17005, flags, pport: 0, ...fields };
}

describe('cluster bus processing', () => {
  it('answers a MEET from a stranger with a PONG, adds it in handshake and learns our IP', () => {
    const w = world();
    const l = link(true);
    expect(deliver(w, l, ping(MessageType.Meet, A))).toBe(true);
    expect(w.sent.map((s) => s.type)).toEqual([MessageType.Pong]);
    const added = [...w.state.nodes.values()].find((n) => n !== w.state.myself)!;
    expect(added.flags).toBe(NodeFlag.Handshake);
    expect(added.id).not.toBe(A);
    expect([added.ip, added.port, added.cport]).toEqual(['10.0.0.2', 7001, 17001]);
    expect(w.state.myself.ip).toBe('10.0.0.1');
    expect(w.state.drainTodo().saveConfig).toBe(true);
  });

  it('renames a handshake node on its first PONG and takes its role', () => {
    const w = world();
    const node = known(w, '9'.repeat(40), { flags: NodeFlag.Handshake | NodeFlag.Meet });
    const l = link(false, node);
    expect(deliver(w, l, ping(MessageType.Pong, A, { flags: NodeFlag.Slave }))).toBe(true);
    expect(w.state.node(A)).toBe(node);
    expect(w.state.node('9'.repeat(40))).toBeUndefined();
    expect(node.flags).toBe(NodeFlag.Meet | NodeFlag.Slave);
    expect(node.pongReceived).toBe(NOW);
  });

  it('drops the handshake record when the address belongs to a node we know', () => {
    const w = world();
    known(w, A);
    const handshake = known(w, '9'.repeat(40), { flags: NodeFlag.Handshake });
    expect(deliver(w, link(false, handshake), ping(MessageType.Pong, A))).toBe(false);
    expect(w.state.node('9'.repeat(40))).toBeUndefined();
  });

  it('forgets the address of a node when another id answers there', () => {
    const w = world();
    const node = known(w, A);
    const l = link(false, node);
    expect(deliver(w, l, ping(MessageType.Pong, B))).toBe(false);
    expect(l.isFreed).toBe(true);
    expect(node.flags & NodeFlag.NoAddr).toBe(NodeFlag.NoAddr);
    expect([node.ip, node.port]).toEqual(['', 0]);
  });

  it('clears PFAIL on the awaited PONG', () => {
    const w = world();
    const node = known(w, A, { flags: NodeFlag.Master | NodeFlag.PFail, pingSent: NOW - 9000 });
    deliver(w, link(false, node), ping(MessageType.Pong, A));
    expect(node.flags & NodeFlag.PFail).toBe(0);
    expect(node.pingSent).toBe(0);
  });

  it('keeps failure reports from masters only, and adds unknown nodes unless blacklisted or without address', () => {
    const w = world();
    const reporter = known(w, A);
    const failing = known(w, B);
    const inbound = link(true);
    deliver(w, inbound, ping(MessageType.Ping, A, { gossip: [gossip(B, NodeFlag.Master | NodeFlag.PFail), gossip(C, NodeFlag.Master), gossip('d'.repeat(40), NodeFlag.Master)] }));
    expect(failing.failReports.get(A)).toBe(NOW);
    expect(w.state.node(C)).toBeUndefined();
    expect(w.state.node('d'.repeat(40))?.ip).toBe('10.0.0.5');
    deliver(w, inbound, ping(MessageType.Ping, A, { gossip: [gossip(B, NodeFlag.Master), gossip('e'.repeat(40), NodeFlag.NoAddr)] }));
    expect(failing.failReports.size).toBe(0);
    expect(w.state.node('e'.repeat(40))).toBeUndefined();
    // A replica's word is no report (the header makes A a replica of D before its gossip is read).
    deliver(w, inbound, ping(MessageType.Ping, A, { slaveof: 'd'.repeat(40), flags: NodeFlag.Slave, gossip: [gossip(B, NodeFlag.PFail)] }));
    expect(reporter.flags & NodeFlag.Slave).toBe(NodeFlag.Slave);
    expect(reporter.masterId).toBe('d'.repeat(40));
    expect(failing.failReports.has(A)).toBe(false);
  });

  it('rebinds slots claimed with a newer configEpoch and answers a stale claim with an UPDATE', () => {
    const w = world();
    const a = known(w, A, { configEpoch: 1 });
    const b = known(w, B, { configEpoch: 5 });
    w.state.slots.assignRange(0, 99, A);
    w.state.slots.assignRange(100, 199, B);
    const inbound = link(true);
    // A claims 100-109 with epoch 3 < B's 5: nothing moves, A gets an UPDATE about B.
    deliver(w, inbound, ping(MessageType.Ping, A, { configEpoch: 3n, myslots: bitmapFromRanges([{ start: 0, end: 109 }]) }));
    expect(w.state.slots.owner(105)).toBe(B);
    expect(w.updates).toEqual([{ to: A, about: B }]);
    expect(a.configEpoch).toBe(3);
    // With epoch 7 the claim wins.
    deliver(w, inbound, ping(MessageType.Ping, A, { configEpoch: 7n, myslots: bitmapFromRanges([{ start: 0, end: 109 }]) }));
    expect(w.state.slots.owner(105)).toBe(A);
    expect(w.state.slots.owner(110)).toBe(B);
    expect(b.configEpoch).toBe(5);
  });

  it('leaves an importing slot alone and follows the node that took our last slot', () => {
    const w = world();
    const me = w.state.myself;
    me.configEpoch = 1;
    known(w, A, { configEpoch: 1 });
    w.state.slots.assignRange(0, 9, me.id);
    w.state.slots.setImporting(20, B);
    w.keysIn.add(3);
    deliver(w, link(true), ping(MessageType.Ping, A, { configEpoch: 2n, myslots: bitmapFromRanges([{ start: 0, end: 9 }, { start: 20, end: 20 }]) }));
    expect(w.state.slots.owner(20)).toBeNull();
    expect(w.state.slots.countOf(me.id)).toBe(0);
    expect(w.followed).toEqual([A]);
    // Demoted: the keys come from the new master, none are deleted slot by slot.
    expect(w.deletedSlots).toEqual([]);
  });

  it('deletes the keys of a lost slot when we keep serving others', () => {
    const w = world();
    w.state.myself.configEpoch = 1;
    known(w, A, { configEpoch: 1 });
    w.state.slots.assignRange(0, 9, w.state.myself.id);
    w.keysIn.add(3);
    deliver(w, link(true), ping(MessageType.Ping, A, { configEpoch: 2n, myslots: bitmapFromRanges([{ start: 3, end: 3 }]) }));
    expect(w.state.slots.owner(3)).toBe(A);
    expect(w.deletedSlots).toEqual([3]);
    expect(w.followed).toEqual([]);
  });

  it('flags a node FAIL on a FAIL message from a known node only', () => {
    const w = world();
    known(w, A);
    const failing = known(w, B, { flags: NodeFlag.Master | NodeFlag.PFail });
    const message = { ...makeHeader({ sender: C }), type: MessageType.Fail, nodeId: B } as const;
    deliver(w, link(true), message);
    expect(failing.flags & NodeFlag.Fail).toBe(0);
    deliver(w, link(true), { ...message, sender: A });
    expect(failing.flags & (NodeFlag.Fail | NodeFlag.PFail)).toBe(NodeFlag.Fail);
    expect(failing.failTime).toBe(NOW);
  });

  it('applies an UPDATE with a newer configEpoch', () => {
    const w = world();
    known(w, A);
    const b = known(w, B, { flags: NodeFlag.Slave, masterId: A, configEpoch: 1 });
    w.state.slots.assignRange(0, 9, A);
    const update = { ...makeHeader({ sender: A }), type: MessageType.Update, nodeConfigEpoch: 4n, nodeId: B, slots: bitmapFromRanges([{ start: 0, end: 4 }]) } as const;
    deliver(w, link(true), update);
    expect(b.flags & NodeFlag.Master).toBe(NodeFlag.Master);
    expect(b.configEpoch).toBe(4);
    expect(w.state.slots.owner(4)).toBe(B);
    expect(w.state.slots.owner(5)).toBe(A);
  });

  it('moves to a new configEpoch when a master with a larger id shares ours', () => {
    const w = world('1'.repeat(40));
    w.state.myself.configEpoch = 3;
    w.state.currentEpoch = 3;
    known(w, A, { configEpoch: 3 });
    deliver(w, link(true), ping(MessageType.Ping, A, { configEpoch: 3n, currentEpoch: 3n }));
    expect(w.state.myself.configEpoch).toBe(4);
    expect(w.state.currentEpoch).toBe(4);
  });

  it('sends a replica\'s master slots and epoch, and gossips every PFAIL node', () => {
    const w = world();
    const master = known(w, A, { configEpoch: 9 });
    w.state.slots.assignRange(0, 9, A);
    w.state.myself.flags = NodeFlag.Myself | NodeFlag.Slave;
    w.state.myself.masterId = A;
    const header = buildHeader(w.ops.ctx);
    expect([header.configEpoch, header.slaveof, header.offset]).toEqual([9n, A, 42n]);
    expect(header.myslots).toEqual(bitmapFromRanges([{ start: 0, end: 9 }]));
    for (let i = 0; i < 30; i++) known(w, `f${String(i).padStart(39, '0')}`, { flags: NodeFlag.Master | (i < 4 ? NodeFlag.PFail : 0) });
    const entries = chooseGossip(w.ops.ctx, { hasLink: () => true, pfailCount: 4 });
    const pfail = entries.filter((e) => e.flags & NodeFlag.PFail);
    expect(pfail).toHaveLength(4);
    expect(entries.length - pfail.length).toBeLessThanOrEqual(3);
    expect(new Set(entries.map((e) => e.nodeId)).size).toBe(entries.length);
    expect(entries.some((e) => e.nodeId === w.state.myself.id)).toBe(false);
    void master;
  });

  it('prints the CLUSTER INFO counters as redis-server does', () => {
    const stats = new BusStats();
    stats.countSent(MessageType.Ping);
    stats.countSent(MessageType.Ping);
    stats.countSent(MessageType.Meet);
    stats.countReceived(MessageType.Pong);
    stats.countReceived(42);
    expect(stats.infoLines()).toEqual([
      'cluster_stats_messages_ping_sent:2',
      'cluster_stats_messages_meet_sent:1',
      'cluster_stats_messages_sent:3',
      'cluster_stats_messages_pong_received:1',
      'cluster_stats_messages_received:1',
      'total_cluster_links_buffer_limit_exceeded:0',
    ]);
  });
});

describe('FAULT PARTITION and the cluster bus', () => {
  it('cuts a cluster node named by its client or bus port, in the directions asked', () => {
    const faults = faultsOf(makeServer());
    expect(faults.holdsBus('127.0.0.1', 7001, 17001)).toEqual({ in: false, out: false });
    const rule = parsePartition(['127.0.0.1:7001', 'OUT']);
    if (typeof rule === 'string') throw new Error(rule);
    faults.partition(rule);
    expect(faults.holdsBus('127.0.0.1', 7001, 17001)).toEqual({ in: false, out: true });
    expect(faults.holdsBus('127.0.0.1', 7002, 17002)).toEqual({ in: false, out: false });
    const byBusPort = parsePartition(['localhost:17002']);
    if (typeof byBusPort === 'string') throw new Error(byBusPort);
    faults.partition(byBusPort);
    expect(faults.holdsBus('127.0.0.1', 7002, 17002)).toEqual({ in: true, out: true });
    faults.heal();
    expect(faults.holdsBus('127.0.0.1', 7002, 17002)).toEqual({ in: false, out: false });
  });
});
