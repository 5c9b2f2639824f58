// Owns one cluster bus connection (clusterLink in cluster.c): its socket, the frames read from it
// (BusDecoder, as clusterReadHandler assembles them), what waits to be written (the kernel-side
// queue Node keeps for the socket stands in for link->sndbuf), its direction and the node it
// belongs to. An outbound link is ours to a known node; an inbound one is accepted and learns its
// node from the first message whose sender we know. A bad frame or an I/O error frees the link.

import type { Socket } from 'node:net';
import { BusDecoder, BusFrameError, type FrameResult } from '../bus/decode.js';
import type { ClusterNode } from '../state/cluster-node.js';
import { clock } from '../../base/clock.js';

export interface LinkEvents {
  /** A whole frame arrived; returns false when processing freed the link. */
  frame(link: BusLink, frame: FrameResult): boolean;
  /** The outbound connection is up (clusterLinkConnectHandler). */
  connected(link: BusLink): void;
  /** The link is gone, for whatever reason; called once. */
  closed(link: BusLink, reason: string): void;
}

let nextLinkId = 1;

export class BusLink {
  readonly id = nextLinkId++;
  /** Unix ms the link was created (CLUSTER LINKS create-time, the reconnect rule of clusterCron). */
  readonly ctime = clock.now();
  private readonly decoder = new BusDecoder();
  private freed = false;
  /** False until an outbound connection completes; inbound links start connected. */
  isConnected: boolean;
  /** FAULT PARTITION dropped a frame of this link: once healed, it is closed and made afresh (bus-cron.ts). */
  framesDropped = false;
  /** The code of the socket error that freed the link (ECONNREFUSED, ECONNRESET, ...), if one did. */
  errorCode: string | undefined;
  /** PINGs and MEETs written on this outbound link, and PONGs read from it (cluster-confirm-writes: the peer answers each in order). */
  pingsSent = 0;
  pongsReceived = 0;

  constructor(
    readonly socket: Socket,
    readonly inbound: boolean,
    public node: ClusterNode | null,
    private readonly events: LinkEvents,
  ) {
    this.isConnected = inbound;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.errorCode ??= error.code;
      this.free(`I/O error: ${error.message}`);
    });
    socket.on('close', () => this.free('connection closed'));
    if (!inbound) {
      socket.once('connect', () => {
        this.isConnected = true;
        if (!this.freed) this.events.connected(this);
      });
    }
  }

  get isFreed(): boolean {
    return this.freed;
  }

  /** Bytes queued and not yet handed to the kernel (sdslen(link->sndbuf)). */
  get sendBufferUsed(): number {
    return this.freed ? 0 : this.socket.writableLength;
  }

  /** The address of our end of the socket (connSockName), IPv4-mapped addresses unwrapped. */
  get localIp(): string | undefined {
    return unmapIp(this.socket.localAddress);
  }

  /** The peer's address (connPeerToString). */
  get remoteIp(): string | undefined {
    return unmapIp(this.socket.remoteAddress);
  }

  send(frame: Buffer): void {
    if (!this.freed) this.socket.write(frame);
  }

  /** freeClusterLink: closes the socket; the owner forgets the link in `closed`. */
  free(reason: string): void {
    if (this.freed) return;
    this.freed = true;
    this.socket.destroy();
    this.events.closed(this, reason);
  }

  private onData(chunk: Buffer): void {
    if (this.freed) return;
    this.decoder.push(chunk);
    for (;;) {
      let result;
      try {
        result = this.decoder.next();
      } catch (error) {
        // clusterReadHandler: a bad signature or a length below the header drops the link.
        if (error instanceof BusFrameError) this.free(`Bad message length or signature received from Cluster bus: ${error.message}`);
        else this.free(`frame error: ${(error as Error).message}`);
        return;
      }
      if (result.kind === 'need-more') return;
      if (!this.events.frame(this, result) || this.freed) return;
    }
  }
}

export function unmapIp(address: string | undefined): string | undefined {
  return address?.startsWith('::ffff:') ? address.slice(7) : address;
}
