// Owns the cluster bus of this node: the links (one outbound per known node, inbound ones as peers
// connect), sending (clusterSendMessage / clusterBroadcastMessage, with FAULT PARTITION dropping a
// cut peer's traffic both ways), reading (every frame goes through process-packet.ts, then to the
// message listeners), the nodes blacklist of CLUSTER FORGET, and the hooks the failover core uses:
// header(), sendTo(), broadcast(), onMessage(), onTick(). The cron is bus-cron.ts; the sockets
// are opened by bus-listener.ts and here (connect).

import { connect, type Server as NetServer, type Socket } from 'node:net';
import { encodeMessage } from '../bus/encode.js';
import type { FrameResult } from '../bus/decode.js';
import { MessageType, type BusHeader, type BusMessage, type PingType } from '../bus/messages.js';
import { NodeFlag } from '../bus/node-flags.js';
import { inHandshake, type ClusterNode } from '../state/cluster-node.js';
import { clock } from '../../base/clock.js';
import type { BusContext } from './bus-context.js';
import { BusLink, type LinkEvents } from './bus-link.js';
import type { BusOps } from './bus-ops.js';
import { BusStats } from './bus-stats.js';
import { buildFail, buildHeader, buildPing, buildPublish, buildUpdate } from './outgoing.js';
import { processMessage, senderOf } from './process-packet.js';
import type { NotClaiming } from './slot-config.js';

/** What every processed message tells the listeners (the failover core reads reports and votes here). */
export interface BusEvent {
  /** The known node that sent it; undefined for a stranger (a MEET, a node we forgot). */
  sender: ClusterNode | undefined;
  message: BusMessage;
  /** Whether it came on a link the peer opened (PINGs, votes) or on ours (PONGs). */
  inbound: boolean;
}

/** The per-node part of clusterNode that only the bus keeps: its links and timings. */
interface NodeRecord {
  link: BusLink | undefined;
  inbound: BusLink | undefined;
  /** Unix ms the record was made (ctime: the handshake timeout counts from it). */
  ctime: number;
}

/** CLUSTER_BLACKLIST_TTL: a forgotten node is not re-added from gossip for 60 s. */
const BLACKLIST_TTL_SECONDS = 60;

export class ClusterBus implements BusOps, LinkEvents {
  readonly stats = new BusStats();
  readonly notClaiming: NotClaiming = new Map();
  /** Nodes counted in PFAIL by the last cron (stats_pfail_nodes): all of them go in every gossip. */
  pfailCount = 0;
  readonly listeners: NetServer[] = [];
  private readonly records = new Map<ClusterNode, NodeRecord>();
  /** Accepted links whose sender we do not know yet. */
  private readonly strangers = new Set<BusLink>();
  private readonly blacklist = new Map<string, number>();
  private readonly messageListeners: ((event: BusEvent) => void)[] = [];
  readonly tickListeners: ((now: number) => void)[] = [];
  private readonly linkFailureListeners: ((node: ClusterNode, code: string | undefined) => void)[] = [];

  constructor(readonly ctx: BusContext) {}

  // ---- hooks for the failover core -------------------------------------------------------------

  /** Called with every message after the bus processed it (clusterProcessPacket's work done). */
  onMessage(listener: (event: BusEvent) => void): void {
    this.messageListeners.push(listener);
  }

  /** Called at the end of every cron run (every 100 ms, as clusterCron). */
  onTick(listener: (now: number) => void): void {
    this.tickListeners.push(listener);
  }

  /**
   * Called when our outbound link to a node is freed on a socket error or close, with the error's
   * code (ECONNREFUSED for a refused connect; undefined for a plain close): the evidence
   * cluster-fast-failover reads (core/death-evidence.ts).
   */
  onLinkFailure(listener: (node: ClusterNode, code: string | undefined) => void): void {
    this.linkFailureListeners.push(listener);
  }

  /** clusterBuildMessageHdr: the header to spread into a message of one's own. */
  header(): BusHeader {
    return buildHeader(this.ctx);
  }

  /** Sends to one node over our outbound link; false when there is none (Redis skips it too). */
  sendTo(node: ClusterNode, message: BusMessage): boolean {
    const link = this.records.get(node)?.link;
    if (!link) return false;
    this.send(link, message);
    return true;
  }

  /** clusterBroadcastMessage: every node with a link but ourselves and nodes in handshake. */
  broadcast(message: BusMessage): void {
    const frame = this.encode(message);
    if (!frame) return;
    for (const [node, record] of this.records) {
      if (node.flags & (NodeFlag.Myself | NodeFlag.Handshake) || !record.link) continue;
      this.write(record.link, frame, message.type);
    }
  }

  /** clusterSendFail: every reachable node must flag `nodeId` FAIL. */
  sendFail(nodeId: string): void {
    this.broadcast(buildFail(this.ctx, nodeId));
  }

  /** clusterSendPing on the node's outbound link. */
  sendPingTo(node: ClusterNode, type: PingType): boolean {
    const link = this.records.get(node)?.link;
    if (link) this.sendPing(link, type);
    return link !== undefined;
  }

  /**
   * A PING asked for by cluster-confirm-writes (cluster/confirm-writes.ts): its PONG proves the peer
   * heard us after it was sent. A PING already awaiting its PONG keeps its send time, which failure
   * detection counts from. Returns the link and the PING's number on it, or undefined without one.
   */
  confirmPing(node: ClusterNode): { link: BusLink; seq: number } | undefined {
    const link = this.records.get(node)?.link;
    if (!link || !link.isConnected || link.isFreed) return undefined;
    const pending = node.pingSent;
    const before = link.pingsSent;
    this.sendPing(link, MessageType.Ping);
    if (pending !== 0) node.pingSent = pending;
    // Dropped by FAULT PARTITION: no PONG will answer it.
    return link.pingsSent === before ? undefined : { link, seq: link.pingsSent };
  }

  /** clusterBroadcastPong: to all nodes, or only to our master's replicas and our own. */
  broadcastPong(target: 'all' | 'local-replicas'): void {
    const myself = this.ctx.state.myself;
    // A PFAIL flagged since the last cron must be in this gossip: count again.
    this.pfailCount = [...this.ctx.state.nodes.values()].filter((n) => n.flags & NodeFlag.PFail).length;
    for (const [node, record] of this.records) {
      if (!record.link || node === myself || inHandshake(node)) continue;
      const localReplica = node.masterId !== null && (node.masterId === myself.id || node.masterId === myself.masterId);
      if (target === 'local-replicas' && !localReplica) continue;
      this.sendPing(record.link, MessageType.Pong);
    }
  }

  /**
   * clusterPropagatePublish: PUBLISH goes to every node; SPUBLISH to the nodes of our shard (our
   * master, or ourselves, and its replicas).
   */
  propagatePublish(channel: string, message: string, sharded: boolean): void {
    const built = buildPublish(this.ctx, channel, message, sharded);
    if (!sharded) return this.broadcast(built);
    const { state } = this.ctx;
    const masterId = state.myself.masterId ?? state.myself.id;
    const shard = [state.node(masterId), ...state.replicasOf(masterId)];
    for (const node of shard) if (node && !(node.flags & (NodeFlag.Myself | NodeFlag.Handshake))) this.sendTo(node, built);
  }

  // ---- links -------------------------------------------------------------------------------------

  /** A socket accepted by the bus listener. */
  accept(socket: Socket): void {
    const link = new BusLink(socket, true, null, this);
    this.strangers.add(link);
  }

  /** Opens our outbound link to a node (clusterNodeCronHandleReconnect). */
  connect(node: ClusterNode): void {
    const record = this.record(node);
    if (record.link) return;
    const socket = connect({ host: node.ip, port: node.cport });
    record.link = new BusLink(socket, false, node, this);
    node.linkConnected = true;
  }

  /** The records of every node, for the cron and CLUSTER LINKS. */
  entries(): IterableIterator<[ClusterNode, NodeRecord]> {
    return this.records.entries();
  }

  record(node: ClusterNode): NodeRecord {
    let record = this.records.get(node);
    if (!record) this.records.set(node, (record = { link: undefined, inbound: undefined, ctime: clock.now() }));
    return record;
  }

  /** Frees the links of records whose node left the state (FORGET, RESET, a deleted handshake). */
  sweep(): void {
    for (const [node, record] of this.records) {
      if (this.ctx.state.nodes.get(node.id) === node) continue;
      record.link?.free('node forgotten');
      record.inbound?.free('node forgotten');
      this.records.delete(node);
    }
  }

  close(): void {
    for (const listener of this.listeners) listener.close();
    for (const [, record] of this.records) {
      record.link?.free('shutdown');
      record.inbound?.free('shutdown');
    }
    for (const link of this.strangers) link.free('shutdown');
  }

  // ---- BusOps --------------------------------------------------------------------------------------

  outboundLink(node: ClusterNode): BusLink | undefined {
    return this.records.get(node)?.link;
  }

  inboundLink(node: ClusterNode): BusLink | undefined {
    return this.records.get(node)?.inbound;
  }

  attachInbound(link: BusLink, node: ClusterNode): void {
    const record = this.record(node);
    // A peer may reconnect before we saw its old link close: the newer link replaces it.
    if (record.inbound && record.inbound !== link) record.inbound.free('replaced by a newer inbound link');
    this.strangers.delete(link);
    record.inbound = link;
    link.node = node;
  }

  dropLink(node: ClusterNode): void {
    this.records.get(node)?.link?.free('address changed');
  }

  deleteNode(node: ClusterNode): void {
    this.ctx.state.deleteNode(node.id);
    this.sweep();
  }

  nodeCreated(node: ClusterNode): void {
    this.record(node);
  }

  blacklisted(id: string): boolean {
    const until = this.blacklist.get(id);
    if (until === undefined) return false;
    if (until >= Math.floor(clock.now() / 1000)) return true;
    this.blacklist.delete(id);
    return false;
  }

  /** CLUSTER FORGET: the node is dropped and kept out of gossip for 60 s (clusterBlacklistAddNode). */
  forget(node: ClusterNode): void {
    this.blacklist.set(node.id, Math.floor(clock.now() / 1000) + BLACKLIST_TTL_SECONDS);
    this.deleteNode(node);
  }

  sendPing(link: BusLink, type: PingType): void {
    if (!link.inbound && type === MessageType.Ping && link.node) link.node.pingSent = clock.now();
    this.send(link, buildPing(this.ctx, type, { hasLink: (node) => this.records.get(node)?.link !== undefined, pfailCount: this.pfailCount }));
  }

  sendUpdate(to: ClusterNode, about: ClusterNode): void {
    this.sendTo(to, buildUpdate(this.ctx, about, this.notClaiming));
  }

  // ---- LinkEvents ------------------------------------------------------------------------------

  connected(link: BusLink): void {
    const node = link.node!;
    const pingSent = node.pingSent;
    // A PING at once on a new link: crucial to avoid false failure detection (a MEET when asked).
    this.sendPing(link, node.flags & NodeFlag.Meet ? MessageType.Meet : MessageType.Ping);
    if (pingSent !== 0) node.pingSent = pingSent;
    node.flags &= ~NodeFlag.Meet;
  }

  closed(link: BusLink, reason: string): void {
    this.strangers.delete(link);
    const node = link.node;
    const record = node ? this.records.get(node) : undefined;
    if (node && record?.link === link) {
      record.link = undefined;
      node.linkConnected = false;
      // A connect that failed before any PING: claim one was sent, so failure detection can work.
      if (!link.isConnected && node.pingSent === 0) node.pingSent = clock.now();
      if (reason !== 'shutdown') for (const listener of this.linkFailureListeners) listener(node, link.errorCode);
    } else if (record?.inbound === link) {
      record.inbound = undefined;
    }
    this.ctx.log.debug(`Cluster bus link ${link.inbound ? 'from' : 'to'} ${node?.id ?? 'unknown node'} freed: ${reason}`);
  }

  frame(link: BusLink, frame: FrameResult): boolean {
    const now = clock.now();
    this.stats.countReceived(frame.kind === 'message' ? frame.message.type : frame.type);
    if (frame.kind === 'dropped') {
      this.ctx.log.warning(`Received invalid cluster bus packet: ${frame.reason}`);
      return true;
    }
    const message = frame.message;
    if (this.cutOff(link, message, 'in')) return true;
    if (!link.inbound && message.type === MessageType.Pong) link.pongsReceived++;
    const sender = senderOf(this, link, message);
    const alive = processMessage(this, link, message, sender, now);
    for (const listener of this.messageListeners) listener({ sender, message, inbound: link.inbound });
    return alive && !link.isFreed;
  }

  // ---- sending -----------------------------------------------------------------------------------

  private send(link: BusLink, message: BusMessage): void {
    const frame = this.encode(message);
    if (frame) this.write(link, frame, message.type);
  }

  private encode(message: BusMessage): Buffer | undefined {
    try {
      return encodeMessage(message);
    } catch (error) {
      this.ctx.log.warning(`Cannot encode a cluster bus message: ${(error as Error).message}`);
      return undefined;
    }
  }

  private write(link: BusLink, frame: Buffer, type: number): void {
    if (link.isFreed || this.cutOff(link, undefined, 'out')) return;
    link.send(frame);
    if (!link.inbound && (type === MessageType.Ping || type === MessageType.Meet)) link.pingsSent++;
    this.stats.countSent(type);
  }

  /** FAULT PARTITION: traffic with a cut peer is dropped (the link stays, as a black hole would). */
  private cutOff(link: BusLink, message: BusMessage | undefined, direction: 'in' | 'out'): boolean {
    const node = link.node;
    const ip = node && node.ip !== '' ? node.ip : message?.myip || link.remoteIp || '';
    const port = node && node.port !== 0 ? node.port : message?.port ?? 0;
    const cport = node && node.cport !== 0 ? node.cport : message?.cport ?? 0;
    if (port === 0 && cport === 0) return false;
    const cut = this.ctx.partitioned(ip, port, cport)[direction];
    if (cut) link.framesDropped = true;
    return cut;
  }

  /**
   * Whether a link that lost frames to a partition is no longer cut. Over a real black hole TCP
   * keeps retransmitting and delivers those frames after the heal; ours were dropped, and a PING
   * dropped for ever leaves the peer PFAIL while it talks to us on its own link (clusterCron only
   * pings again once the last PING was answered). Such a link is closed at the heal instead, and
   * the reconnect's PING settles it, as after a connection reset.
   */
  healedAfterDrops(link: BusLink): boolean {
    return link.framesDropped && !this.cutOff(link, undefined, 'in') && !this.cutOff(link, undefined, 'out');
  }

  /**
   * The same for accepted links not yet tied to a node: a peer that reconnected during the
   * partition sent its PING on one, and we dropped it before learning who sent it. Without this its
   * PFAIL of us would last until its link timeout (node-timeout) frees the link.
   */
  freeHealedStrangers(): void {
    for (const link of [...this.strangers]) if (this.healedAfterDrops(link)) link.free('FAULT HEAL: the link lost frames to the partition');
  }
}
