// One client socket: bytes in -> parser -> dispatch -> replies gathered and written once per turn
// (Redis writes all replies of a pipelined read in one write). Protocol errors answer and close
// only this connection. Reading pauses while the socket's unsent output is large, so a client
// that pipelines without reading cannot grow our memory without bound.

import type { Socket } from 'node:net';
import { encodeReply } from '../../shared/resp/encoder.js';
import { ErrorReply, NO_REPLY, PushReply, RawReply, type Reply } from '../../shared/resp/reply.js';
import { ProtocolError, RequestParser } from '../../shared/resp/request-parser.js';
import type { Client, ClientSink, ReplySlot } from '../clients/client.js';
import { execute } from '../request/dispatch.js';
import { whenUnpaused } from '../request/client-pause.js';
import { POSTPONE } from '../request/request-path.js';
import type { Server } from '../server.js';
import { SocketReader } from './socket-reader.js';
import { writeAfterTurn, type PendingWriter } from './reply-batch.js';
import { faultSwitch, faultsOf } from '../faults/faults.js';
import { clock } from '../base/clock.js';

/** Unsent output above which we stop reading from the client until the socket drains. */
const OUTPUT_PAUSE_BYTES = 16 * 1024 * 1024;

/** Pub/sub frames: Redis delivers them whatever CLIENT REPLY says. */
function isPushing(reply: Reply): boolean {
  return reply instanceof PushReply || (reply instanceof RawReply && reply.pushing);
}

export class Connection implements ClientSink, PendingWriter {
  readonly client: Client;
  private readonly parser: RequestParser;
  private readonly reader: SocketReader;
  private out = '';
  private flushScheduled = false;
  /** Queued for the end-of-turn write (reply-batch.ts). */
  private writeQueued = false;
  private closed = false;
  /** A parsed request held back by CLIENT PAUSE, run first when the connection resumes. */
  private postponed: string[] | null = null;
  /** Set when another module (replication) owns the socket from now on. */
  private detached = false;
  /**
   * Replies not yet given (reserveReply), oldest first, each with the output that came after it:
   * output goes out in order, so nothing passes a reply still held.
   */
  private readonly slots: { reply: string | null; after: string }[] = [];

  constructor(
    private readonly server: Server,
    readonly socket: Socket,
  ) {
    const addr = `${socket.remoteAddress}:${socket.remotePort}`;
    const laddr = `${socket.localAddress}:${socket.localPort}`;
    this.client = server.createClient(addr, laddr, this);
    this.parser = new RequestParser({
      maxBulkLength: server.config.num('proto-max-bulk-len'),
      maxMultibulkLength: 2147483647,
    });
    socket.setNoDelay(true);
    this.reader = new SocketReader(socket, (chunk, borrowed) => this.onData(chunk, borrowed));
    socket.on('drain', () => {
      if (!this.closed && !this.detached) socket.resume();
    });
    socket.on('error', () => this.teardown());
    socket.on('close', () => this.teardown());
  }

  private onData(chunk: Buffer, borrowed: boolean): void {
    // After a protocol error or QUIT nothing more is parsed or held: a client that keeps sending
    // garbage must not make us buffer it (Redis stops reading a CLOSE_AFTER_REPLY client).
    if (this.detached || this.closed) return;
    try {
      this.consume(chunk, borrowed);
    } finally {
      // A borrowed chunk is reused by the next read: the parser copies what it still needs.
      this.parser.keepUnread();
    }
  }

  private consume(chunk: Buffer, borrowed: boolean): void {
    this.server.stats.netInputBytes += chunk.length;
    this.client.lastInteraction = clock.now();
    this.parser.feed(chunk, borrowed);
    // Redis reads proto-max-bulk-len at parse time, so CONFIG SET applies to open connections too.
    this.parser.limits.maxBulkLength = this.server.config.num('proto-max-bulk-len');
    if (this.parser.bufferedBytes > this.server.config.num('client-query-buffer-limit')) {
      this.server.log.warning(`Closing client that reached max query buffer length: id=${this.client.id} addr=${this.client.addr}`);
      this.teardown();
      this.socket.destroy();
      return;
    }
    this.processInput();
    // Written after the turn's other reads (reply-batch.ts): one stream write per replica per turn.
    if (this.out.length > 0 && !this.writeQueued) {
      this.writeQueued = true;
      writeAfterTurn(this);
    }
  }

  flushPending(): void {
    this.writeQueued = false;
    this.flush();
  }

  /** Runs every complete request in the buffer, stopping while the client is blocked. */
  private processInput(): void {
    while (!this.client.blocked && !this.closed && !this.detached) {
      let args: string[] | null;
      // Before AUTH, Redis caps requests at 10 arguments of 16KB (authRequired in networking.c).
      this.parser.authRequired = this.server.acl.authRequired(this.client);
      try {
        args = this.postponed ?? this.parser.next();
        this.postponed = null;
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        this.server.log.verbose(`Protocol error (${error.message}) from client id=${this.client.id} addr=${this.client.addr}`);
        this.emit(encodeReply(new ErrorReply(`ERR ${error.message}`), this.client.proto));
        this.close('protocol error');
        return;
      }
      if (args === null) return;
      // FAULT PARTITION (faults/): a partitioned link's requests wait for the heal, which resumes us.
      if (faultSwitch.on && faultsOf(this.server).holdRequest(this, args)) {
        this.postponed = args;
        return;
      }
      const reply = execute(this.server, this.client, args);
      // CLIENT PAUSE (the request path's client-pause check): park the request and carry on from
      // it when the pause ends.
      if (reply === POSTPONE) {
        this.postponed = args;
        whenUnpaused(this.server, () => this.resume());
        return;
      }
      if (reply !== NO_REPLY && (this.client.replyMode === 'on' || isPushing(reply))) this.emit(encodeReply(reply, this.client.proto));
      // What must follow the reply (client-side caching's own invalidations): only while a client
      // tracks keys, so the request path pays one check otherwise.
      if (this.server.tracking.clientCount > 0) for (const hook of this.server.requestPath.afterReplies) hook(this.client, args);
      // CLIENT REPLY SKIP silences exactly the reply of the command after it (Redis resetClient).
      if (this.client.replyMode === 'skip') this.client.replyMode = 'on';
      else if (this.client.replyMode === 'skip-next') this.client.replyMode = 'skip';
      // ASKING lasts for the next command, or a whole transaction (Redis resetClient).
      if (this.client.asking && this.client.multi === null && args[0]!.toLowerCase() !== 'asking') this.client.asking = false;
      // QUIT, or CLIENT KILL naming the caller: answer first, then close.
      if (this.client.closing) {
        this.close('closed by its own command');
        return;
      }
    }
  }

  private flush(): void {
    if (this.out.length === 0 || this.detached) return;
    for (const hook of this.server.requestPath.beforeReplies) hook();
    if (!this.socket.destroyed) {
      this.server.stats.netOutputBytes += this.out.length;
      this.socket.write(this.out, 'latin1');
      if (this.socket.writableLength > OUTPUT_PAUSE_BYTES) this.socket.pause();
    }
    this.out = '';
  }

  /** Output in order: behind every reply still reserved, if any. */
  private emit(text: string): void {
    if (this.slots.length === 0) this.out += text;
    else this.slots[this.slots.length - 1]!.after += text;
  }

  reserveReply(): ReplySlot {
    const slot = { reply: null as string | null, after: '' };
    this.slots.push(slot);
    return {
      fill: (reply) => {
        if (slot.reply !== null) return;
        slot.reply = encodeReply(reply, this.client.proto);
        while (this.slots.length > 0 && this.slots[0]!.reply !== null) {
          const done = this.slots.shift()!;
          this.out += done.reply! + done.after;
        }
        this.scheduleFlush();
      },
    };
  }

  push(reply: Reply): void {
    if (this.closed) return;
    // Under CLIENT REPLY OFF Redis drops late replies too (an unblocked BLPOP, MONITOR lines):
    // only pushes get through (prepareClientToWrite with CLIENT_PUSHING).
    if (this.client.replyMode === 'off' && !isPushing(reply)) return;
    this.emit(encodeReply(reply, this.client.proto));
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.closed) return;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => {
        this.flushScheduled = false;
        this.flush();
        this.enforceOutputLimit();
      });
    }
  }

  resume(): void {
    process.nextTick(() => {
      this.processInput();
      this.flush();
    });
  }

  close(reason: string): void {
    if (this.closed) return;
    this.client.closing = true;
    this.flush();
    this.server.log.verbose(`Closing client id=${this.client.id}: ${reason}`);
    // Fully closed once the last reply is written, as Redis frees the client then: bytes the
    // peer still sends are refused instead of read.
    this.socket.end(() => this.socket.destroy());
    this.teardown();
  }

  /**
   * Hands the socket to another owner (a replica link after PSYNC): replies queued so far are
   * written first, then this connection stops parsing and writing.
   */
  detach(): Socket {
    this.flush();
    this.detached = true;
    this.reader.release();
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('drain');
    return this.socket;
  }

  /** Pub/sub clients over their hard output limit are dropped, as Redis's client-output-buffer-limit. */
  private enforceOutputLimit(): void {
    const cls = this.client.kind === 'pubsub' ? 'pubsub' : 'normal';
    const limits = this.server.config.list('client-output-buffer-limit');
    const index = limits.indexOf(cls);
    const hard = Number(limits[index + 1]);
    if (hard > 0 && this.socket.writableLength > hard) {
      this.server.log.warning(`Client id=${this.client.id} closed for overcoming of output buffer limits.`);
      this.socket.destroy();
      this.teardown();
    }
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.closing = true;
    this.server.removeClient(this.client);
  }
}
