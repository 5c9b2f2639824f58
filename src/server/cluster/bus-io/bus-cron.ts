// Owns the bus part of clusterCron, run every 100 ms: links over cluster-link-sendbuf-limit are
// freed, handshakes older than node-timeout (at least 1 s) are dropped, missing links reconnected,
// one random node among five with the oldest PONG pinged each second, every node whose PONG is
// older than node-timeout/2 pinged, a silent link reconnected, and a node that neither answered our
// PING nor sent anything for node-timeout flagged PFAIL. Then the tick listeners run (the failover
// core: PFAIL -> FAIL, elections, manual failover, replica migration).

import { MessageType } from '../bus/messages.js';
import { NodeFlag } from '../bus/node-flags.js';
import { inHandshake, type ClusterNode } from '../state/cluster-node.js';
import { clock } from '../../base/clock.js';
import type { ClusterBus } from './bus.js';

const SKIPPED = NodeFlag.Myself | NodeFlag.NoAddr | NodeFlag.Handshake;

export function clusterCron(bus: ClusterBus, iteration: number): void {
  const { state } = bus.ctx;
  const settings = bus.ctx.settings();
  if (state.myself.hostname !== settings.announceHostname) {
    state.myself.hostname = settings.announceHostname;
    state.changed({ saveConfig: true });
  }
  bus.sweep();
  reconnectAll(bus, settings.nodeTimeout, settings.sendbufLimit);
  if (iteration % 10 === 0) pingOldestOfFive(bus);
  let updateState = false;
  for (const node of [...state.nodes.values()]) {
    if (node.flags & SKIPPED) continue;
    if (checkNode(bus, node, settings.nodeTimeout)) updateState = true;
  }
  if (updateState || state.health === 'fail') state.changed({ updateState: true });
  const now = clock.now();
  for (const listener of bus.tickListeners) listener(now);
}

/** The first loop of clusterCron: buffers, handshake timeouts, reconnects; counts PFAIL nodes. */
function reconnectAll(bus: ClusterBus, nodeTimeout: number, sendbufLimit: number): void {
  const handshakeTimeout = Math.max(nodeTimeout, 1000);
  const now = clock.now();
  let pfail = 0;
  bus.freeHealedStrangers();
  for (const node of [...bus.ctx.state.nodes.values()]) {
    const record = bus.record(node);
    for (const link of [record.link, record.inbound]) {
      if (link && bus.healedAfterDrops(link)) {
        link.free('FAULT HEAL: the link lost frames to the partition');
        continue;
      }
      if (!link || sendbufLimit === 0 || link.sendBufferUsed <= sendbufLimit) continue;
      bus.ctx.log.warning(`Freeing cluster link(${link.inbound ? 'from' : 'to'} node ${node.id}, used memory: ${link.sendBufferUsed}) due to exceeding send buffer memory limit.`);
      link.free('send buffer limit');
      bus.stats.linksBufferLimitExceeded++;
    }
    if (node.flags & (NodeFlag.Myself | NodeFlag.NoAddr)) continue;
    if (node.flags & NodeFlag.PFail) pfail++;
    if (inHandshake(node) && now - record.ctime > handshakeTimeout) {
      bus.deleteNode(node);
      continue;
    }
    if (!record.link && node.ip !== '' && node.cport > 0) bus.connect(node);
  }
  bus.pfailCount = pfail;
}

/** Once a second: of five random nodes, ping the one whose PONG is oldest (none with a ping pending). */
function pingOldestOfFive(bus: ClusterBus): void {
  const nodes = [...bus.ctx.state.nodes.values()];
  let oldest: ClusterNode | undefined;
  for (let i = 0; i < 5; i++) {
    const node = nodes[Math.floor(Math.random() * nodes.length)]!;
    if (!bus.outboundLink(node) || node.pingSent !== 0) continue;
    if (node.flags & (NodeFlag.Myself | NodeFlag.Handshake)) continue;
    if (!oldest || oldest.pongReceived > node.pongReceived) oldest = node;
  }
  if (oldest) bus.sendPingTo(oldest, MessageType.Ping);
}

/** The second loop of clusterCron for one node; true when it just became PFAIL. */
function checkNode(bus: ClusterBus, node: ClusterNode, nodeTimeout: number): boolean {
  const now = clock.now();
  const pingDelay = now - node.pingSent;
  const dataDelay = now - node.dataReceived;
  const link = bus.outboundLink(node);
  // Waiting on a PONG for over half the timeout on an old link, with no traffic at all: reconnect.
  if (link && now - link.ctime > nodeTimeout && node.pingSent !== 0 && pingDelay > nodeTimeout / 2 && dataDelay > nodeTimeout / 2) {
    link.free('no traffic for half the node timeout');
  }
  if (bus.outboundLink(node) && node.pingSent === 0 && now - node.pongReceived > nodeTimeout / 2) {
    bus.sendPingTo(node, MessageType.Ping);
    return false;
  }
  if (node.pingSent === 0) return false;
  // Any data counts as liveness: a busy bus (pub/sub) may delay PONGs.
  if (Math.min(pingDelay, dataDelay) <= nodeTimeout || node.flags & (NodeFlag.PFail | NodeFlag.Fail)) return false;
  bus.ctx.log.debug(`*** NODE ${node.id} possibly failing`);
  node.flags |= NodeFlag.PFail;
  return true;
}
