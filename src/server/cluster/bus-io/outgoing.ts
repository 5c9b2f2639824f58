// Owns building the messages this node sends over the bus, field for field as cluster.c 7.0 fills
// them: the header (clusterBuildMessageHdr: a replica sends its master's slots and configEpoch),
// PING / PONG / MEET with their gossip section (clusterSendPing: max(3, N/10) random healthy nodes
// plus every node in PFAIL) and hostname extension, FAIL, UPDATE and PUBLISH / PUBLISHSHARD.

import { makeHeader } from '../bus/header.js';
import { MessageType, type BusHeader, type GossipEntry, type PingExtension, type PingMessage, type PingType } from '../bus/messages.js';
import { ClusterStateByte, MessageFlag, NodeFlag } from '../bus/node-flags.js';
import { bitmapClearSlot, bitmapHasSlot } from '../slot-bitmap.js';
import { inHandshake, isPFailed, isReplica, type ClusterNode } from '../state/cluster-node.js';
import type { BusContext } from './bus-context.js';

/** clusterBuildMessageHdr: what every message says about us. */
export function buildHeader(ctx: BusContext): BusHeader {
  const { state } = ctx;
  const myself = state.myself;
  const master = isReplica(myself) && myself.masterId !== null ? state.node(myself.masterId) ?? myself : myself;
  const settings = ctx.settings();
  return makeHeader({
    sender: myself.id,
    port: settings.port,
    pport: settings.pport,
    cport: settings.cport,
    currentEpoch: BigInt(state.currentEpoch),
    configEpoch: BigInt(master.configEpoch),
    offset: ctx.replicationOffset(),
    myslots: state.slots.bitmapOf(master.id),
    slaveof: myself.masterId,
    myip: settings.announceIp,
    flags: myself.flags,
    state: state.health === 'ok' ? ClusterStateByte.Ok : ClusterStateByte.Fail,
    mflags: ctx.manualFailoverPaused() && !isReplica(myself) ? MessageFlag.Paused : 0,
  });
}

/** clusterSetGossipEntry: times go out in seconds. */
export function gossipEntry(node: ClusterNode): GossipEntry {
  return {
    nodeId: node.id,
    pingSent: Math.floor(node.pingSent / 1000),
    pongReceived: Math.floor(node.pongReceived / 1000),
    ip: node.ip,
    port: node.port,
    cport: node.cport,
    flags: node.flags,
    pport: 0,
  };
}

export interface GossipView {
  /** Whether we hold an outbound link to the node (node->link != NULL). */
  hasLink(node: ClusterNode): boolean;
  /** Nodes counted in PFAIL by the last cron (stats_pfail_nodes). */
  pfailCount: number;
}

/** The gossip section of a PING / PONG / MEET (clusterSendPing). */
export function chooseGossip(ctx: BusContext, view: GossipView): GossipEntry[] {
  const { state } = ctx;
  const nodes = [...state.nodes.values()];
  let fresh = nodes.length - 2;
  const wanted = Math.min(Math.max(3, Math.floor(nodes.length / 10)), fresh);
  const chosen = new Set<ClusterNode>();
  const entries: GossipEntry[] = [];
  for (let iterations = wanted * 3; fresh > 0 && entries.length < wanted && iterations > 0; iterations--) {
    const node = nodes[Math.floor(Math.random() * nodes.length)]!;
    if (node === state.myself || isPFailed(node)) continue;
    const noLinkNoSlots = !view.hasLink(node) && state.slots.countOf(node.id) === 0;
    if (node.flags & (NodeFlag.Handshake | NodeFlag.NoAddr) || noLinkNoSlots) {
      fresh--;
      continue;
    }
    if (chosen.has(node)) continue;
    chosen.add(node);
    entries.push(gossipEntry(node));
    fresh--;
  }
  // Every node in PFAIL goes last, so failure reports spread fast enough to reach FAIL.
  let pfailWanted = view.pfailCount;
  for (const node of nodes) {
    if (pfailWanted <= 0) break;
    if (inHandshake(node) || node.flags & NodeFlag.NoAddr || !isPFailed(node)) continue;
    entries.push(gossipEntry(node));
    pfailWanted--;
  }
  return entries;
}

/** A PING / PONG / MEET; the hostname extension only when we announce one (7.0 sends nothing else). */
export function buildPing(ctx: BusContext, type: PingType, view: GossipView): PingMessage {
  const extensions: PingExtension[] = [];
  const hostname = ctx.state.myself.hostname;
  if (hostname !== '') extensions.push({ kind: 'hostname', hostname });
  return { ...buildHeader(ctx), type, gossip: chooseGossip(ctx, view), extensions };
}

/** clusterSendFail's message. */
export function buildFail(ctx: BusContext, nodeId: string) {
  return { ...buildHeader(ctx), type: MessageType.Fail, nodeId } as const;
}

/**
 * clusterSendUpdate's message about `node`: its configEpoch and slots, less the slots it stopped
 * claiming (owner_not_claiming_slot), which must not be advertised for it.
 */
export function buildUpdate(ctx: BusContext, node: ClusterNode, notClaiming: ReadonlyMap<number, string>) {
  const slots = ctx.state.slots.bitmapOf(node.id);
  for (const [slot, owner] of notClaiming) if (owner === node.id && bitmapHasSlot(slots, slot)) bitmapClearSlot(slots, slot);
  return { ...buildHeader(ctx), type: MessageType.Update, nodeConfigEpoch: BigInt(node.configEpoch), nodeId: node.id, slots } as const;
}

/** clusterSendPublish's message; channel and message are the node's latin1 strings. */
export function buildPublish(ctx: BusContext, channel: string, message: string, sharded: boolean) {
  const type = sharded ? MessageType.PublishShard : MessageType.Publish;
  return { ...buildHeader(ctx), type, channel: Buffer.from(channel, 'latin1'), message: Buffer.from(message, 'latin1') } as const;
}
