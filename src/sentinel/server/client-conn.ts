// One client connection to the sentinel: the socket, the request parser, the protocol chosen by
// HELLO, the name, auth state and subscriptions. Replies to one batch of pipelined requests are
// gathered and written at once.

import type { Socket } from 'node:net';
import { encodeReply, type Protocol } from '../../shared/resp/encoder.js';
import type { Reply } from '../../shared/resp/reply.js';
import { RequestParser } from '../../shared/resp/request-parser.js';
import type { Subscriber } from './pubsub.js';

export class ClientConn implements Subscriber {
  readonly parser = new RequestParser();
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly createdAt = Date.now();
  lastCommandAt = Date.now();
  lastCommand = 'NULL';
  name = '';
  libName = '';
  libVersion = '';
  protocol: Protocol = 2;
  authenticated: boolean;
  closeAfterReply = false;
  private batch: string | null = null;

  constructor(readonly id: number, readonly socket: Socket, needsAuth: boolean) {
    this.authenticated = !needsAuth;
  }

  get subscriptionCount(): number {
    return this.channels.size + this.patterns.size;
  }

  get address(): string {
    return formatPeer(this.socket.remoteAddress, this.socket.remotePort);
  }

  get localAddress(): string {
    return formatPeer(this.socket.localAddress, this.socket.localPort);
  }

  /** Starts gathering replies; `endBatch` writes them in one go. */
  beginBatch(): void {
    this.batch = '';
  }

  endBatch(): void {
    const out = this.batch;
    this.batch = null;
    if (out) this.write(out);
  }

  reply(reply: Reply): void {
    const encoded = encodeReply(reply, this.protocol);
    if (this.batch !== null) this.batch += encoded;
    else this.write(encoded);
  }

  /** Pub/sub messages and events go out with the current batch or at once. */
  push(reply: Reply): void {
    this.reply(reply);
  }

  private write(data: string): void {
    if (this.socket.destroyed) return;
    this.socket.write(Buffer.from(data, 'latin1'));
  }
}

function formatPeer(host: string | undefined, port: number | undefined): string {
  const h = (host ?? '?').replace(/^::ffff:/, '');
  return h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`;
}
