// A minimal RESP2 client connection over a raw socket: commands are pipelined and their replies
// matched to callbacks in order; on a pub/sub connection `message` frames go to a handler instead.
// A closed connection fails every pending callback once and is never reused (the link manager
// makes a new one), which keeps "what is in flight" easy to reason about.

import { Socket } from 'node:net';
import { encodeCommand } from '../../shared/resp/encoder.js';
import { ErrorReply } from '../../shared/resp/reply.js';
import { type ParsedReply, ReplyParser } from '../../shared/resp/reply-parser.js';
import { sentinelFaults } from '../faults/faults.js';

export type ReplyCallback = (reply: ParsedReply) => void;

/** What pending callbacks receive when the connection closes before their reply. */
export const CONNECTION_LOST = new ErrorReply('ERR connection lost');

export interface ClientEvents {
  onConnect(): void;
  onClose(): void;
  /** Pub/sub `message` frames: [channel, payload]. */
  onMessage?(channel: string, payload: string): void;
}

export class RespClient {
  private readonly socket: Socket;
  private readonly parser = new ReplyParser();
  private readonly pending: ReplyCallback[] = [];
  private closed = false;
  connected = false;
  readonly createdAt = Date.now();
  /** Last time anything arrived (the pub/sub link is torn down when silent for too long). */
  lastActivity = Date.now();

  constructor(host: string, port: number, private readonly events: ClientEvents, connectTimeoutMs = 1000) {
    this.socket = new Socket();
    this.socket.setNoDelay(true);
    this.socket.setTimeout(connectTimeoutMs, () => this.close());
    this.socket.on('connect', () => {
      this.socket.setTimeout(0);
      this.socket.setKeepAlive(true, 10_000);
      this.connected = true;
      this.events.onConnect();
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', () => this.close());
    this.socket.on('close', () => this.close());
    // FAULT PARTITION (faults/): a link to a cut-off instance is held from its first byte.
    sentinelFaults.track(this.socket, host, port);
    this.socket.connect(port, host);
  }

  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(args: string[], callback: ReplyCallback = () => {}): void {
    if (this.closed) {
      callback(CONNECTION_LOST);
      return;
    }
    this.pending.push(callback);
    this.socket.write(Buffer.from(encodeCommand(args), 'latin1'));
  }

  /** Closes now; `graceful`: after what was written is sent (a FENCING RELEASE must arrive). */
  close(graceful = false): void {
    if (this.closed) return;
    this.closed = true;
    this.connected = false;
    if (graceful) {
      this.socket.end();
      // A peer that never acknowledges the FIN must not keep the socket forever.
      setTimeout(() => this.socket.destroy(), 1000).unref();
    } else {
      this.socket.destroy();
    }
    const callbacks = this.pending.splice(0);
    for (const callback of callbacks) callback(CONNECTION_LOST);
    this.events.onClose();
  }

  private onData(chunk: Buffer): void {
    this.lastActivity = Date.now();
    this.parser.feed(chunk);
    for (;;) {
      let reply: ParsedReply | undefined;
      try {
        reply = this.parser.next();
      } catch {
        this.close();
        return;
      }
      if (reply === undefined || this.closed) return;
      if (this.events.onMessage && Array.isArray(reply) && reply[0] === 'message' && reply.length === 3) {
        const [, channel, payload] = reply;
        if (typeof channel === 'string' && typeof payload === 'string') this.events.onMessage(channel, payload);
        continue;
      }
      const callback = this.pending.shift();
      callback?.(reply);
    }
  }
}
