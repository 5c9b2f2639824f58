// Owns reading what a PING / PONG / MEET says about other nodes (clusterProcessGossipSection) and
// about its sender beyond the header (clusterProcessPingExtensions): failure reports from masters
// (kept in ClusterNode.failReports; the failover core decides FAIL from them), pong times learned
// second hand, new addresses of nodes we cannot reach, and nodes we did not know, added under their
// own id (never by address: the address may belong to another cluster by now).

import { NodeFlag } from '../bus/node-flags.js';
import type { PingMessage } from '../bus/messages.js';
import { isMaster, makeClusterNode, type ClusterNode } from '../state/cluster-node.js';
import type { BusContext } from './bus-context.js';

const FAILING = NodeFlag.Fail | NodeFlag.PFail;

export interface GossipHooks {
  /** The node id was FORGOTten less than 60 s ago (clusterBlacklistExists). */
  blacklisted(id: string): boolean;
  /** Frees our outbound link to a node whose address changed. */
  dropLink(node: ClusterNode): void;
  now: number;
}

/** clusterProcessGossipSection; `sender` is undefined for a MEET from a node we do not know yet. */
export function processGossip(ctx: BusContext, message: PingMessage, sender: ClusterNode | undefined, hooks: GossipHooks): void {
  for (const entry of message.gossip) {
    const node = ctx.state.node(entry.nodeId);
    if (node) {
      if (sender && isMaster(sender) && node !== ctx.state.myself) noteReport(ctx, node, sender, entry.flags, hooks.now);
      adoptPongTime(node, entry.flags, entry.pongReceived, hooks.now);
      adoptAddress(ctx, node, entry, hooks);
    } else if (sender && !(entry.flags & NodeFlag.NoAddr) && !hooks.blacklisted(entry.nodeId) && validId(entry.nodeId)) {
      // Added with the flags the sender sees and no link: the cron connects and pings it.
      ctx.state.addNode(
        makeClusterNode({ id: entry.nodeId, flags: entry.flags, ip: entry.ip, port: entry.port, cport: entry.cport }),
      );
    }
  }
}

/** A master's word that `node` is failing (or no longer) adds or removes its failure report. */
function noteReport(ctx: BusContext, node: ClusterNode, sender: ClusterNode, flags: number, now: number): void {
  if (flags & FAILING) {
    if (!node.failReports.has(sender.id)) ctx.log.verbose(`Node ${sender.id} reported node ${node.id} as not reachable.`);
    node.failReports.set(sender.id, now);
  } else if (node.failReports.delete(sender.id)) {
    ctx.log.verbose(`Node ${sender.id} reported node ${node.id} is back online.`);
  }
}

/**
 * A healthy node we are not waiting on and nobody reports: take a newer pong time from the sender's
 * view, unless it is more than 500 ms in our future.
 */
function adoptPongTime(node: ClusterNode, flags: number, pongSeconds: number, now: number): void {
  if (flags & FAILING || node.pingSent !== 0 || node.failReports.size !== 0) return;
  const pongTime = pongSeconds * 1000;
  if (pongTime <= now + 500 && pongTime > node.pongReceived) node.pongReceived = pongTime;
}

/** A node we cannot reach, seen healthy elsewhere at another address: reconnect to that one. */
function adoptAddress(ctx: BusContext, node: ClusterNode, entry: PingMessage['gossip'][number], hooks: GossipHooks): void {
  if (!(node.flags & FAILING) || entry.flags & (NodeFlag.NoAddr | FAILING)) return;
  if (node.ip.toLowerCase() === entry.ip.toLowerCase() && node.port === entry.port && node.cport === entry.cport) return;
  hooks.dropLink(node);
  node.ip = entry.ip;
  node.port = entry.port;
  node.cport = entry.cport;
  node.flags &= ~NodeFlag.NoAddr;
  ctx.state.changed({ saveConfig: true });
}

/**
 * clusterProcessPingExtensions: the hostname extension sets the sender's; none clears it
 * (updateAnnouncedHostname, which leaves saving to the next config save).
 */
export function processExtensions(ctx: BusContext, message: PingMessage, sender: ClusterNode): void {
  let hostname = '';
  for (const extension of message.extensions) {
    if (extension.kind === 'hostname') hostname = extension.hostname;
    else ctx.log.warning(`Received unknown extension type ${extension.type}`);
  }
  sender.hostname = hostname;
}

/** verifyClusterNodeId: 40 characters of [a-z0-9]; clusterLookupNode finds nothing else. */
export function validId(id: string): boolean {
  return /^[a-z0-9]{40}$/.test(id);
}
