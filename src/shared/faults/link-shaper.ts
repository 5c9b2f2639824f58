// A slow link on one TCP connection, inside the process (FAULT SHAPE): what we read from it is
// handed to the socket's owner late (delay) and no faster than a bandwidth (throttle); what we
// write is taken in at that bandwidth (the Writable's buffer fills, as a full send buffer would:
// a master sees its replica's output buffer grow) and reaches the kernel `delayMs` later.
// Reads: the socket's own `push` (where net.js hands the stream what the kernel read, and the end
// of the stream) holds the bytes and the end behind them and hands them on in time; beyond 1 MB
// waiting, reading from the kernel stops so the sender backs up. Writes: the socket's own
// `_write`/`_writev`/`_final` (the stream's internals; SocketGate swaps
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
  push(this: Socket, chunk: Buffer | null): boolean;
  _write(this: Socket, chunk: Buffer | string, encoding: BufferEncoding, cb: Callback): void;
  _final(this: Socket, cb: Callback): void;
};

type Own = Record<'push' | '_write' | '_writev' | '_final', unknown>;

/** A link delivers a large batch progressively: scheduled in pieces of at most this. */
const PIECE = 16 * 1024;

/**
 * Stops or restarts reading from the kernel without touching the stream's flowing state, as net.js
 * does itself when a push is refused (onStreamRead: handle.readStop) and in tryReadStart.
 */
function kernelReads(socket: Socket, on: boolean): void {
  const handle = (socket as unknown as { _handle?: { reading: boolean; readStart(): number; readStop(): number } | null })._handle;
  if (!handle || handle.reading === on) return;
  handle.reading = on;
  if (on) handle.readStart();
  else handle.readStop();
}

function pieces(chunk: Buffer): Buffer[] {
  if (chunk.length <= PIECE) return [chunk];
  const out: Buffer[] = [];
  for (let i = 0; i < chunk.length; i += PIECE) out.push(chunk.subarray(i, i + PIECE));
  return out;
}

export class LinkShaper {
  private inSchedule: ShapeSchedule | null = null;
  private outSchedule: ShapeSchedule | null = null;
  private reads: { at: number; chunk: Buffer | null }[] = [];
  private readBytes = 0;
  private readTimer: NodeJS.Timeout | undefined;
  private pausedByUs = false;
  private writes: { at: number; chunks: Chunk[] }[] = [];
  private writeTimer: NodeJS.Timeout | undefined;
  private finalWaiting: Callback | undefined;
  /** Writes not yet taken in (still serialising): the stream's callbacks, on timers. */
  private readonly accepting = new Set<{ cb: Callback; timer: NodeJS.Timeout }>();

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
    // What the kernel hands the stream (net.js onStreamRead -> push), the end of the stream
    // (push(null)) included: held here, the stream sees bytes, 'end' and the close after it late.
    (socket as unknown as Own).push = (chunk: Buffer | null): boolean => {
      if (!this.inSchedule) return proto.push.call(socket, chunk);
      if (chunk === null) {
        this.reads.push({ at: this.reads.at(-1)?.at ?? 0, chunk: null });
      } else {
        for (const piece of pieces(chunk)) this.reads.push({ at: this.inSchedule.next(this.now(), piece.length).deliverAt, chunk: piece });
        this.readBytes += chunk.length;
        if (this.readBytes > READ_QUEUE_PAUSE && !this.pausedByUs) {
          this.pausedByUs = true;
          kernelReads(socket, false);
        }
      }
      this.armReads();
      return true;
    };
  }

  private armReads(): void {
    this.readTimer ??= this.arm(this.reads, () => {
      this.readTimer = undefined;
      this.releaseReads(this.now());
      this.armReads();
    });
  }

  /** A timer for when the head of `queue` is due (undefined when it is empty). */
  private arm(queue: readonly { at: number }[], fire: () => void): NodeJS.Timeout | undefined {
    return queue.length === 0 ? undefined : setTimeout(fire, Math.max(0, queue[0]!.at - this.now()));
  }

  private releaseReads(upTo: number): void {
    while (this.reads.length > 0 && this.reads[0]!.at <= upTo && !this.socket.destroyed) {
      const { chunk } = this.reads.shift()!;
      if (chunk) this.readBytes -= chunk.length;
      proto.push.call(this.socket, chunk);
    }
    if (this.pausedByUs && this.readBytes < READ_QUEUE_PAUSE / 4) {
      this.pausedByUs = false;
      // Unless the owner or a partition (SocketGate) paused the stream meanwhile: its resume() reads again.
      if (!this.socket.isPaused()) kernelReads(this.socket, true);
    }
  }

  private unshapeReads(): void {
    this.inSchedule = null;
    clearTimeout(this.readTimer);
    this.readTimer = undefined;
    this.releaseReads(Infinity);
    delete (this.socket as unknown as Partial<Own>).push;
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
    const now = this.now();
    let slot = { acceptAt: now, deliverAt: now };
    for (const { chunk, encoding } of chunks) {
      for (const piece of pieces(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk)) {
        if (this.outSchedule) slot = this.outSchedule.next(now, piece.length);
        this.writes.push({ at: slot.deliverAt, chunks: [{ chunk: piece, encoding: 'buffer' as BufferEncoding }] });
      }
    }
    this.armWrites();
    // Taken in once serialised: until then the stream buffers what follows (writableLength grows).
    if (slot.acceptAt <= now) return cb();
    const pending = { cb, timer: setTimeout(() => this.accept(pending), slot.acceptAt - now) };
    this.accepting.add(pending);
  }

  private accept(pending: { cb: Callback; timer: NodeJS.Timeout }): void {
    clearTimeout(pending.timer);
    this.accepting.delete(pending);
    pending.cb();
  }

  private armWrites(): void {
    this.writeTimer ??= this.arm(this.writes, () => {
      this.writeTimer = undefined;
      this.releaseWrites(this.now());
      this.armWrites();
    });
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
    const own = this.socket as unknown as Partial<Own>;
    delete own._write;
    delete own._writev;
    delete own._final;
    this.releaseWrites(Infinity);
    // The stream goes on with what it buffered behind them, now at full speed.
    for (const pending of [...this.accepting]) this.accept(pending);
  }

  /** The connection is gone: what waited dies with it. */
  private drop(): void {
    clearTimeout(this.readTimer);
    clearTimeout(this.writeTimer);
    this.reads = [];
    this.readBytes = 0;
    this.writes = [];
    for (const pending of this.accepting) clearTimeout(pending.timer);
    this.accepting.clear();
  }
}
