// Master side of one attached replica: its state (wait_bgsave -> send_bulk -> online, as INFO
// shows it), what it announced, its ACKs, and the bytes owed to it. Stream bytes are queued and
// written once per event-loop turn; while a snapshot is in flight they wait. After an EOF-marked
// snapshot nothing more is written until the replica's first ACK (protocol doc 1.4).

import type { Socket } from 'node:net';
import { RequestParser } from '../../shared/resp/request-parser.js';
import type { Client } from '../clients/client.js';
import { clock } from '../base/clock.js';

export type ReplicaState = 'wait_bgsave' | 'send_bulk' | 'online';

export interface ReplicaLinkEvents {
  ack(link: ReplicaLink): void;
  closed(link: ReplicaLink, reason: string): void;
}

export class ReplicaLink {
  state: ReplicaState = 'wait_bgsave';
  ackOffset = 0;
  /** ms of the last ACK or keepalive newline. */
  ackTime = clock.now();
  /** Set after an EOF-marked snapshot: hold the stream until the first ACK arrives. */
  holdUntilAck = false;
  /** Stream bytes not yet handed to the socket. */
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private flushScheduled = false;
  private closed = false;
  /** When the soft output limit was first exceeded (ms), 0 when under it. */
  softLimitSince = 0;
  /** Snapshot payload bytes still in the socket buffer: not counted against the output limit. */
  private payloadInFlight = 0;
  private readonly parser = new RequestParser();

  constructor(
    readonly socket: Socket,
    readonly client: Client,
    /** Came with the pre-PSYNC `SYNC`: no +FULLRESYNC line, no ACKs expected (Redis CLIENT_PRE_PSYNC). */
    readonly legacySync: boolean,
    private readonly events: ReplicaLinkEvents,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => (this.payloadInFlight = 0));
    socket.on('close', () => this.close('connection closed'));
    socket.on('error', () => this.close('connection error'));
  }

  get ip(): string {
    if (this.client.replAnnouncedIp) return this.client.replAnnouncedIp;
    const address = this.socket.remoteAddress ?? '?';
    return address.startsWith('::ffff:') ? address.slice(7) : address;
  }

  get port(): number {
    return this.client.replListeningPort;
  }

  get capaEof(): boolean {
    return this.client.replCapabilities.has('eof');
  }

  get capaPsync2(): boolean {
    return this.client.replCapabilities.has('psync2');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Stream bytes owed to this replica and not yet accepted by the kernel: the output-buffer limit
   * input. The snapshot payload is left out, as in Redis, where the child process sends it.
   */
  get outputBytes(): number {
    return this.queuedBytes + Math.max(0, this.socket.writableLength - this.payloadInFlight);
  }

  /** Writes immediately, bypassing the stream queue (handshake lines, snapshot payload). */
  writeNow(data: Buffer | string): void {
    if (this.closed) return;
    this.payloadInFlight += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    this.socket.write(data);
  }

  /** Queues stream bytes; they go out once per event-loop turn unless held. */
  send(data: Buffer): void {
    if (this.closed) return;
    this.queue.push(data);
    this.queuedBytes += data.length;
    if (this.state === 'online' && !this.holdUntilAck) this.scheduleFlush();
  }

  goOnline(holdUntilAck: boolean): void {
    this.state = 'online';
    this.holdUntilAck = holdUntilAck;
    this.ackTime = clock.now();
    if (!holdUntilAck) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Writes the queued stream bytes now (before client replies: the request path's beforeReplies hook). */
  flush(): void {
    if (this.closed || this.queue.length === 0 || this.state !== 'online' || this.holdUntilAck) return;
    const data = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queuedBytes);
    this.queue = [];
    this.queuedBytes = 0;
    this.socket.write(data);
  }

  private onData(chunk: Buffer): void {
    this.parser.feed(chunk);
    for (;;) {
      let args: string[] | null;
      try {
        args = this.parser.next();
      } catch {
        this.close('protocol error from replica');
        return;
      }
      if (args === null) break;
      this.handle(args);
    }
    // A bare newline is the replica's keepalive while it loads (protocol doc 1.5).
    if (chunk.includes(10)) this.ackTime = clock.now();
  }

  /** Replies to replicas are never sent (Redis drops them); only REPLCONF ACK matters here. */
  private handle(args: string[]): void {
    if (args.length >= 3 && args[0]!.toLowerCase() === 'replconf' && args[1]!.toLowerCase() === 'ack') {
      const offset = Number(args[2]);
      if (Number.isFinite(offset) && offset > this.ackOffset) this.ackOffset = offset;
      this.ackTime = clock.now();
      if (this.holdUntilAck) {
        this.holdUntilAck = false;
        this.scheduleFlush();
      }
      this.events.ack(this);
    }
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.queuedBytes = 0;
    this.socket.destroy();
    this.events.closed(this, reason);
  }
}
