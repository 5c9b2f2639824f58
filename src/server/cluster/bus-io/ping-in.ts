// Owns what a PING / PONG / MEET tells us about its sender, in clusterProcessPacket's order: the
// handshake completing (the random id renamed to the real one) or a PONG from the wrong id, the
// sender's address, the PONG that ends our wait (and clears PFAIL, or FAIL when Redis would), the
// sender's role, its slots (claims with a newer configEpoch win; a stale claim gets an UPDATE), the
// configEpoch collision rule, then its gossip section and ping extensions.

import { MessageType, type PingMessage } from '../bus/messages.js';
import { NodeFlag } from '../bus/node-flags.js';
import { bitmapHasSlot } from '../slot-bitmap.js';
import { CLUSTER_SLOTS } from '../../../shared/key-slot.js';
import { inHandshake, isFailed, isMaster, isPFailed, isReplica, type ClusterNode } from '../state/cluster-node.js';
import type { BusLink } from './bus-link.js';
import type { BusOps } from './bus-ops.js';
import { processExtensions, processGossip } from './gossip-in.js';
import { handleConfigEpochCollision, isSlotUnclaimed, setNodeAsMaster, setNodeAsReplica, updateSlotsConfigWith } from './slot-config.js';

/** CLUSTER_FAIL_UNDO_TIME_MULT: a master's FAIL is undone after 2 x node-timeout if nobody took its slots. */
const FAIL_UNDO_TIME_MULT = 2;

/** Returns false when the link was freed (a handshake with a node we know, a mismatching id). */
export function processPingConfig(ops: BusOps, link: BusLink, message: PingMessage, sender: ClusterNode | undefined, now: number): boolean {
  const { ctx } = ops;
  if (!link.inbound && link.node && !handshakeStep(ops, link, link.node, message, sender)) return false;
  if (sender) sender.flags = (sender.flags & ~NodeFlag.NoFailover) | (message.flags & NodeFlag.NoFailover);
  if (sender && message.type === MessageType.Ping && !inHandshake(sender) && updateAddressIfNeeded(ops, sender, link, message)) {
    ctx.state.changed({ saveConfig: true, updateState: true });
  }
  if (!link.inbound && link.node && message.type === MessageType.Pong) pongReceived(ops, link.node, now);
  if (!sender) return true;
  roleSwitch(ops, sender, message);
  const senderMaster = isMaster(sender) ? sender : sender.masterId === null ? undefined : ctx.state.node(sender.masterId);
  const dirtySlots = senderMaster !== undefined && !sameBitmap(ctx.state.slots.bitmapOf(senderMaster.id), message.myslots);
  const senderEpoch = Number(message.configEpoch);
  if (isMaster(sender) && dirtySlots) updateSlotsConfigWith(ctx, ops.notClaiming, sender, senderEpoch, message.myslots);
  if (dirtySlots) sendUpdateIfStale(ops, sender, message.myslots, senderEpoch);
  if (isMaster(ctx.state.myself) && isMaster(sender) && senderEpoch === ctx.state.myself.configEpoch) handleConfigEpochCollision(ctx, sender);
  processGossip(ctx, message, sender, { blacklisted: (id) => ops.blacklisted(id), dropLink: (node) => ops.dropLink(node), now });
  processExtensions(ctx, message, sender);
  return true;
}

/** Our outbound link to a node in handshake got its first answer, or a known node answered. */
function handshakeStep(ops: BusOps, link: BusLink, node: ClusterNode, message: PingMessage, sender: ClusterNode | undefined): boolean {
  const { state } = ops.ctx;
  if (inHandshake(node)) {
    if (sender) {
      // We met an address of a node we already know: keep the known record, drop the handshake one.
      if (updateAddressIfNeeded(ops, sender, link, message)) state.changed({ saveConfig: true, updateState: true });
      ops.deleteNode(node);
      return false;
    }
    state.renameNode(node.id, message.sender);
    ops.ctx.log.verbose(`Handshake with node ${message.sender} completed.`);
    node.flags = (node.flags & ~NodeFlag.Handshake) | (message.flags & (NodeFlag.Master | NodeFlag.Slave));
    state.changed({ saveConfig: true });
    return true;
  }
  if (node.id === message.sender) return true;
  // Someone else answers at that address now: forget the address until gossip gives a new one.
  ops.ctx.log.verbose(`PONG contains mismatching sender ID. About node ${node.id} having flags ${node.flags}`);
  node.flags |= NodeFlag.NoAddr;
  node.ip = '';
  node.port = 0;
  node.cport = 0;
  link.free('mismatching sender id');
  state.changed({ saveConfig: true });
  return false;
}

/** nodeUpdateAddressIfNeeded: the address a node talks to us from (or announces) is its address. */
export function updateAddressIfNeeded(ops: BusOps, node: ClusterNode, link: BusLink, message: PingMessage): boolean {
  if (ops.outboundLink(node) === link) return false;
  const ip = message.myip !== '' ? message.myip : link.remoteIp;
  if (ip === undefined) return false;
  if (node.port === message.port && node.cport === message.cport && node.ip === ip) return false;
  node.ip = ip;
  node.port = message.port;
  node.cport = message.cport;
  ops.dropLink(node);
  node.flags &= ~NodeFlag.NoAddr;
  ops.ctx.log.warning(`Address updated for node ${node.id}, now ${ip}:${node.port}`);
  const myself = ops.ctx.state.myself;
  if (isReplica(myself) && myself.masterId === node.id) ops.ctx.masterAddressChanged(node);
  return true;
}

/** The PONG we waited for: the node is reachable; PFAIL goes, FAIL goes when Redis lets it. */
function pongReceived(ops: BusOps, node: ClusterNode, now: number): void {
  const { state } = ops.ctx;
  node.pongReceived = now;
  node.pingSent = 0;
  if (isPFailed(node)) {
    node.flags &= ~NodeFlag.PFail;
    state.changed({ saveConfig: true, updateState: true });
  } else if (isFailed(node)) {
    clearFailureIfNeeded(ops, node, now);
  }
}

/** clearNodeFailureIfNeeded: replicas and slotless masters at once; masters after 2 x node-timeout. */
function clearFailureIfNeeded(ops: BusOps, node: ClusterNode, now: number): void {
  const { ctx } = ops;
  const slots = ctx.state.slots.countOf(node.id);
  const replicaOrEmpty = isReplica(node) || slots === 0;
  const stale = isMaster(node) && slots > 0 && now - node.failTime > ctx.settings().nodeTimeout * FAIL_UNDO_TIME_MULT;
  if (!replicaOrEmpty && !stale) return;
  ctx.log.notice(`Clear FAIL state for node ${node.id}: ${replicaOrEmpty ? 'is reachable again.' : 'is reachable again and nobody is serving its slots after some time.'}`);
  node.flags &= ~NodeFlag.Fail;
  ctx.state.changed({ saveConfig: true, updateState: true });
}

/** The sender says whom it replicates: master -> replica, replica -> master, a new master. */
function roleSwitch(ops: BusOps, sender: ClusterNode, message: PingMessage): void {
  const { ctx } = ops;
  if (message.slaveof === null) {
    setNodeAsMaster(ctx, sender);
    return;
  }
  if (isMaster(sender)) setNodeAsReplica(ctx, sender);
  const master = ctx.state.node(message.slaveof);
  if (master && sender.masterId !== master.id) {
    sender.masterId = master.id;
    ctx.state.changed({ saveConfig: true });
  }
}

/** The sender claims slots whose owner has a newer configEpoch: tell it (one UPDATE, as Redis). */
function sendUpdateIfStale(ops: BusOps, sender: ClusterNode, claimed: Uint8Array, senderEpoch: number): void {
  const { state } = ops.ctx;
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
    if (!bitmapHasSlot(claimed, slot)) continue;
    const owner = state.slots.owner(slot);
    if (owner === sender.id || isSlotUnclaimed(ops.ctx, ops.notClaiming, slot)) continue;
    const ownerNode = owner === null ? undefined : state.node(owner);
    if (ownerNode && ownerNode.configEpoch > senderEpoch) {
      ops.ctx.log.verbose(`Node ${sender.id} has old slots configuration, sending an UPDATE message about ${ownerNode.id}`);
      ops.sendUpdate(sender, ownerNode);
      return;
    }
  }
}

function sameBitmap(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
