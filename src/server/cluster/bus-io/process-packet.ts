// Owns clusterProcessPacket for one decoded frame: who sent it (the link's node, or a lookup by the
// sender id that binds an inbound link to its node), liveness (data_received), the epochs and
// offset every header carries, the PONG owed to a PING or MEET (a MEET from a stranger adds it in
// handshake), then the type's own work: PING/PONG/MEET (ping-in.ts), FAIL, PUBLISH, UPDATE. Votes
// and manual failover messages are left to the failover core, which sees every message afterwards.

import { MessageType, type BusMessage, type FailMessage, type PingMessage, type UpdateMessage } from '../bus/messages.js';
import { NodeFlag } from '../bus/node-flags.js';
import { inHandshake, isReplica, makeClusterNode, newNodeId, type ClusterNode } from '../state/cluster-node.js';
import type { BusLink } from './bus-link.js';
import type { BusOps } from './bus-ops.js';
import { processGossip, validId } from './gossip-in.js';
import { processPingConfig } from './ping-in.js';
import { setNodeAsMaster, updateSlotsConfigWith } from './slot-config.js';

/** getNodeFromLinkAndMsg. */
export function senderOf(ops: BusOps, link: BusLink, message: BusMessage): ClusterNode | undefined {
  if (link.node && !inHandshake(link.node)) return link.node;
  const sender = validId(message.sender) ? ops.ctx.state.node(message.sender) : undefined;
  if (sender && !link.node) ops.attachInbound(link, sender);
  return sender;
}

/** Processes one message; returns false when the link was freed. */
export function processMessage(ops: BusOps, link: BusLink, message: BusMessage, sender: ClusterNode | undefined, now: number): boolean {
  if (sender) sender.dataReceived = now;
  if (sender && !inHandshake(sender)) readHeaderEpochs(ops, sender, message);
  const type = message.type;
  if (type === MessageType.Ping || type === MessageType.Meet) answerPing(ops, link, message, sender, now);
  switch (type) {
    case MessageType.Ping:
    case MessageType.Pong:
    case MessageType.Meet:
      return processPingConfig(ops, link, message, sender, now);
    case MessageType.Fail:
      processFail(ops, message, sender, now);
      return true;
    case MessageType.Publish:
    case MessageType.PublishShard:
      if (sender) ops.ctx.deliverPublish(message.channel.toString('latin1'), message.message.toString('latin1'), type === MessageType.PublishShard);
      return true;
    case MessageType.Update:
      if (sender) processUpdate(ops, message);
      return true;
    default:
      return true;
  }
}

/** A newer currentEpoch is ours too; a newer configEpoch of the sender is recorded; its offset. */
function readHeaderEpochs(ops: BusOps, sender: ClusterNode, message: BusMessage): void {
  const { state } = ops.ctx;
  const currentEpoch = Number(message.currentEpoch);
  const configEpoch = Number(message.configEpoch);
  if (currentEpoch > state.currentEpoch) state.currentEpoch = currentEpoch;
  if (configEpoch > sender.configEpoch) {
    sender.configEpoch = configEpoch;
    state.changed({ saveConfig: true, fsyncConfig: true });
  }
  sender.replOffset = Number(message.offset);
}

/**
 * PING and MEET get a PONG on the same link. A MEET (or any PING while we have no address) tells us
 * our own IP: the address the peer reached us at. A MEET from a stranger adds it in handshake.
 */
function answerPing(ops: BusOps, link: BusLink, message: PingMessage, sender: ClusterNode | undefined, now: number): void {
  const { ctx } = ops;
  const myself = ctx.state.myself;
  if ((message.type === MessageType.Meet || myself.ip === '') && ctx.settings().announceIp === '') {
    const ip = link.localIp;
    if (ip !== undefined && ip !== myself.ip) {
      myself.ip = ip;
      ctx.log.warning(`IP address for this node updated to ${ip}`);
      ctx.state.changed({ saveConfig: true });
    }
  }
  if (!sender && message.type === MessageType.Meet) {
    const ip = message.myip !== '' ? message.myip : link.remoteIp ?? '';
    const node = makeClusterNode({ id: newNodeId(), flags: NodeFlag.Handshake, ip, port: message.port, cport: message.cport });
    ctx.state.addNode(node);
    ops.nodeCreated(node);
    ctx.state.changed({ saveConfig: true });
    // A MEET is trusted: its gossip is read although we do not know the sender yet.
    processGossip(ctx, message, undefined, { blacklisted: (id) => ops.blacklisted(id), dropLink: (n) => ops.dropLink(n), now });
  }
  ops.sendPing(link, MessageType.Pong);
}

/** FAIL: the named node is failing for everybody (unless it is us or already FAIL). */
function processFail(ops: BusOps, message: FailMessage, sender: ClusterNode | undefined, now: number): void {
  const { ctx } = ops;
  if (!sender) {
    ctx.log.notice(`Ignoring FAIL message from unknown node ${message.sender} about ${message.nodeId}`);
    return;
  }
  const failing = validId(message.nodeId) ? ctx.state.node(message.nodeId) : undefined;
  if (!failing || failing.flags & (NodeFlag.Fail | NodeFlag.Myself)) return;
  ctx.log.notice(`FAIL message received from ${message.sender} about ${message.nodeId}`);
  failing.flags = (failing.flags | NodeFlag.Fail) & ~NodeFlag.PFail;
  failing.failTime = now;
  ctx.state.changed({ saveConfig: true, updateState: true });
}

/** UPDATE: a newer configEpoch for a node makes it a master of the slots it lists. */
function processUpdate(ops: BusOps, message: UpdateMessage): void {
  const { ctx } = ops;
  const node = validId(message.nodeId) ? ctx.state.node(message.nodeId) : undefined;
  const epoch = Number(message.nodeConfigEpoch);
  if (!node || node.configEpoch >= epoch) return;
  if (isReplica(node)) setNodeAsMaster(ctx, node);
  node.configEpoch = epoch;
  ctx.state.changed({ saveConfig: true, fsyncConfig: true });
  updateSlotsConfigWith(ctx, ops.notClaiming, node, epoch, message.slots);
}
