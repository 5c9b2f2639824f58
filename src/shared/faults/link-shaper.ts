// A slow link on one TCP connection, inside the process (FAULT SHAPE): what we read from it is
// handed to the socket's owner late (delay) and no faster than a bandwidth (throttle); what we
// write is taken in at that bandwidth (the Writable's buffer fills, as a full send buffer would:
// a master sees its replica's output buffer grow) and reaches the kernel `delayMs` later.
// Reads: the socket's own `emit` holds 'data' (and an 'end' behind it) and releases it on time;
// beyond 1 MB waiting, the socket is paused so the sender backs up. Writes: the socket's own
// `_write`/`_writev`/`_final` (the stream's internals, untouched by SocketGate, which swaps
// `write`/`end`/`pause`/`resume`, so a link can be partitioned and shaped at once).
// Clearing a direction delivers what waits at once, in order; the socket's methods are put back.

import { Socket } from 'node:net';
import { ShapeSchedule, type Shape } from './shape-schedule.js';

type Callback = (error?: Error | null) => void;
interface Chunk {
  chunk: Buffer | string;
  encoding: BufferEncoding;
}

/** Reads waiting past this are paused at the socket (the sender's TCP window closes). */
const READ_QUEUE_PAUSE = 1024 * 1024;

const proto = Socket.prototype as unknown as {
  emit(this: Socket, event: string | symbol, ...args: unknown[]): boolean;
  _write(this: Socket, chunk: Buffer | string, encoding: BufferEncoding, cb: Callback): void;
  _final(this: Socket, cb: Callback): void;
};

type Own = Record<'emit' | '_write' | '_writev' | '_final', unknown>;

export class LinkShaper {
  private inSchedule: ShapeSchedule | null = null;
  private outSchedule: ShapeSchedule | null = null;
  private reads: { at: number; event: 'data' | 'end'; chunk?: Buffer }[] = [];
  private readBytes = 0;
  private readTimer: NodeJS.Timeout | undefined;
  private pausedByUs = false;
  private writes: { at: number; chunks: Chunk[] }[] = [];
  private writeTimer: NodeJS.Timeout | undefined;
  private finalWaiting: Callback | undefined;

  constructor(
    readonly socket: Socket,
    private readonly now: () => number = Date.now,
  ) {
    socket.once('close', () => this.drop());
  }

  get shapesReads(): boolean {
    return this.inSchedule !== null;
  }

  get shapesWrites(): boolean {
    return this.outSchedule !== null;
  }

  /** Bytes read and not yet handed on, plus bytes written and not yet in the kernel. */
  get queuedBytes(): number {
    let bytes = this.readBytes;
    for (const w of this.writes) for (const c of w.chunks) bytes += c.chunk.length;
    return bytes;
  }

  set(inShape: Shape | null, outShape: Shape | null): void {
    if (inShape && !this.inSchedule) this.shapeReads(inShape);
    else if (inShape) this.inSchedule!.shape = inShape;
    else if (this.inSchedule) this.unshapeReads();
    if (outShape && !this.outSchedule) this.shapeWrites(outShape);
    else if (outShape) this.outSchedule!.shape = outShape;
    else if (this.outSchedule) this.unshapeWrites();
  }

  // ---- reads -------------------------------------------------------------------------------------

  private shapeReads(shape: Shape): void {
    this.inSchedule = new ShapeSchedule(shape);
    const socket = this.socket;
    (socket as unknown as Own).emit = (event: string | symbol, ...args: unknown[]): boolean => {
      if (event === 'data' && this.inSchedule) {
        const chunk = args[0] as Buffer;
        this.reads.push({ at: this.inSchedule.next(this.now(), chunk.length).deliverAt, event: 'data', chunk });
        this.readBytes += chunk.length;
        if (this.readBytes > READ_QUEUE_PAUSE && !socket.isPaused()) {
          socket.pause();
          this.pausedByUs = true;
        }
        this.armReads();
        return true;
      }
      if (event === 'end' && this.reads.length > 0) {
        this.reads.push({ at: this.reads.at(-1)!.at, event: 'end' });
        return true;
      }
      return proto.emit.call(socket, event, ...args);
    };
  }

  private armReads(): void {
    if (this.readTimer || this.reads.length === 0) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = undefined;
      this.releaseReads(this.now());
      this.armReads();
    }, Math.max(0, this.reads[0]!.at - this.now()));
  }

  private releaseReads(upTo: number): void {
    while (this.reads.length > 0 && this.reads[0]!.at <= upTo && !this.socket.destroyed) {
      const item = this.reads.shift()!;
      if (item.chunk) this.readBytes -= item.chunk.length;
      proto.emit.call(this.socket, item.event, ...(item.chunk ? [item.chunk] : []));
    }
    if (this.pausedByUs && this.readBytes < READ_QUEUE_PAUSE / 4) {
      this.pausedByUs = false;
      this.socket.resume();
    }
  }

  private unshapeReads(): void {
    this.inSchedule = null;
    clearTimeout(this.readTimer);
    this.readTimer = undefined;
    this.releaseReads(Infinity);
    delete (this.socket as unknown as Partial<Own>).emit;
  }

  // ---- writes ------------------------------------------------------------------------------------

  private shapeWrites(shape: Shape): void {
    this.outSchedule = new ShapeSchedule(shape);
    const own = this.socket as unknown as Own;
    own._write = (chunk: Buffer | string, encoding: BufferEncoding, cb: Callback) => this.write([{ chunk, encoding }], cb);
    own._writev = (chunks: Chunk[], cb: Callback) => this.write(chunks, cb);
    own._final = (cb: Callback) => {
      if (this.writes.length === 0) proto._final.call(this.socket, cb);
      else this.finalWaiting = cb;
    };
  }

  private write(chunks: Chunk[], cb: Callback): void {
    const bytes = chunks.reduce((sum, c) => sum + (typeof c.chunk === 'string' ? Buffer.byteLength(c.chunk, c.encoding) : c.chunk.length), 0);
    const now = this.now();
    const slot = this.outSchedule ? this.outSchedule.next(now, bytes) : { acceptAt: now, deliverAt: now };
    this.writes.push({ at: slot.deliverAt, chunks });
    this.armWrites();
    // Taken in once serialised: until then the stream buffers what follows (writableLength grows).
    if (slot.acceptAt <= now) cb();
    else setTimeout(cb, slot.acceptAt - now);
  }

  private armWrites(): void {
    if (this.writeTimer || this.writes.length === 0) return;
    this.writeTimer = setTimeout(() => {
      this.writeTimer = undefined;
      this.releaseWrites(this.now());
      this.armWrites();
    }, Math.max(0, this.writes[0]!.at - this.now()));
  }

  private releaseWrites(upTo: number): void {
    while (this.writes.length > 0 && this.writes[0]!.at <= upTo) {
      for (const { chunk, encoding } of this.writes.shift()!.chunks) proto._write.call(this.socket, chunk, encoding, (error) => error && this.socket.destroy(error));
    }
    if (this.writes.length === 0 && this.finalWaiting) {
      const cb = this.finalWaiting;
      this.finalWaiting = undefined;
      proto._final.call(this.socket, cb);
    }
  }

  private unshapeWrites(): void {
    this.outSchedule = null;
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    this.releaseWrites(Infinity);
    const own = this.socket as unknown as Partial<Own>;
    delete own._write;
    delete own._writev;
    delete own._final;
  }

  /** The connection is gone: what waited dies with it. */
  private drop(): void {
    clearTimeout(this.readTimer);
    clearTimeout(this.writeTimer);
    this.reads = [];
    this.readBytes = 0;
    this.writes = [];
  }
}
