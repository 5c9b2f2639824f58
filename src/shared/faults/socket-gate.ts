// A black hole on one TCP connection, inside the process: no reset, no close. While reads are held
// the socket is paused, so the bytes wait in the kernel (and the peer's sends back up) and even a
// FIN or reset goes unnoticed; while writes are held they are queued here, FIN included. Healing
// delivers the queued writes in order (as TCP retransmission would) and resumes reading where the
// kernel left off. Costs nothing on a link that is not held: it swaps the socket's own write/end/
// pause/resume for the time of the fault and puts them back on heal.

import type { Socket } from 'node:net';

interface HeldWrite {
  data: string | Buffer;
  encoding: BufferEncoding | undefined;
  callback: ((error?: Error | null) => void) | undefined;
}

type Overridable = Record<'write' | 'end' | 'pause' | 'resume', unknown>;

export class SocketGate {
  private readsHeld = false;
  private writesHeld = false;
  private held: HeldWrite[] = [];
  private endHeld = false;
  /** What the socket's owner last asked for (pause/resume) while reads were held. */
  private ownerPaused = false;
  /** Bytes queued by held writes. */
  heldBytes = 0;

  constructor(readonly socket: Socket) {}

  get holdsReads(): boolean {
    return this.readsHeld;
  }

  get holdsWrites(): boolean {
    return this.writesHeld;
  }

  /** Applies the wanted state; healing writes goes before healing reads (replies first, then requests). */
  set(holdReads: boolean, holdWrites: boolean): void {
    if (holdWrites && !this.writesHeld) this.holdWrites();
    else if (!holdWrites && this.writesHeld) this.releaseWrites();
    if (holdReads && !this.readsHeld) this.holdReads();
    else if (!holdReads && this.readsHeld) this.releaseReads();
  }

  private holdWrites(): void {
    this.writesHeld = true;
    const socket = this.socket;
    const own = socket as unknown as Overridable;
    own.write = (data: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error | null) => void), callback?: (e?: Error | null) => void) => {
      if (typeof encoding === 'function') {
        callback = encoding;
        encoding = undefined;
      }
      const copy = typeof data === 'string' ? data : Buffer.from(data);
      this.held.push({ data: copy, encoding, callback });
      this.heldBytes += typeof copy === 'string' ? copy.length : copy.length;
      return true;
    };
    own.end = (...args: unknown[]) => {
      if (typeof args[0] === 'string' || args[0] instanceof Uint8Array) (own.write as (d: unknown) => void)(args[0]);
      this.endHeld = true;
      return socket;
    };
  }

  private releaseWrites(): void {
    this.writesHeld = false;
    const socket = this.socket;
    const own = socket as unknown as Partial<Overridable>;
    delete own.write;
    delete own.end;
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    if (socket.destroyed) return;
    for (const { data, encoding, callback } of held) {
      if (encoding) socket.write(data, encoding, callback);
      else socket.write(data, callback);
    }
    if (this.endHeld) socket.end();
    this.endHeld = false;
  }

  private holdReads(): void {
    this.readsHeld = true;
    const socket = this.socket;
    this.ownerPaused = socket.isPaused();
    socket.pause();
    const own = socket as unknown as Overridable;
    own.pause = () => {
      this.ownerPaused = true;
      return socket;
    };
    own.resume = () => {
      this.ownerPaused = false;
      return socket;
    };
  }

  private releaseReads(): void {
    this.readsHeld = false;
    const own = this.socket as unknown as Partial<Overridable>;
    delete own.pause;
    delete own.resume;
    if (!this.ownerPaused && !this.socket.destroyed) this.socket.resume();
  }
}
