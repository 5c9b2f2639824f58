// One connection MIGRATE keeps to a target (Redis cluster.c migrateCachedSocket): the socket, the
// db last SELECTed on it, its last use, and the waits MIGRATE does on it — a write of the whole
// request in 64KB pieces and a read of one reply line, each bounded by the command's timeout
// (Redis connSyncWrite / connSyncReadLine). Nothing here blocks the event loop: each wait is a
// promise the caller awaits while the server goes on serving other clients.

import { connect, type Socket } from 'node:net';
import { clock } from '../base/clock.js';

/** A wait's outcome: done, or failed by the timeout (Redis ETIMEDOUT: never retried) or another error. */
export type IoFailure = 'timeout' | 'error';

/** Redis writes the buffered request in chunks of at most 64KB, each with the full timeout. */
const WRITE_CHUNK = 64 * 1024;

export class MigrateLink {
  /** The db selected on the target, -1 when unknown (Redis last_dbid). */
  lastDbid = -1;
  lastUse = clock.now();
  private input = '';
  private failed: Error | undefined;
  private ended = false;
  private waiter: (() => void) | undefined;
  /** Settles once the TCP handshake ended, with the error when it failed. */
  private readonly connected: Promise<Error | undefined>;

  constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.unref();
    this.connected = new Promise((resolve) => {
      socket.once('connect', () => resolve(undefined));
      socket.once('error', (error) => resolve(error));
    });
    socket.on('data', (text: string) => {
      this.input += text;
      this.wake();
    });
    socket.on('error', (error) => {
      this.failed = error;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  /** Starts connecting; a failure shows on the first write, as with Redis's non-blocking connect. */
  static open(host: string, port: number): MigrateLink {
    return new MigrateLink(connect({ host, port }));
  }

  /**
   * Waits until the handshake ends. 'resolve' is a name that does not resolve: the only connect
   * failure Redis reports as such (anetTcpNonBlockConnect fails; a refused or slow connect only
   * shows later, when writing).
   */
  async handshake(timeoutMs: number): Promise<'ok' | 'resolve' | IoFailure> {
    const error = await within(this.connected, timeoutMs);
    if (error === TIMED_OUT) return 'timeout';
    if (error === undefined) return 'ok';
    return (error as NodeJS.ErrnoException).syscall === 'getaddrinfo' ? 'resolve' : 'error';
  }

  /** Writes `data` (latin1) in 64KB chunks, each flushed within the timeout. */
  async write(data: string, timeoutMs: number): Promise<'ok' | IoFailure> {
    for (let pos = 0; pos < data.length; pos += WRITE_CHUNK) {
      if (this.failed || this.ended || this.socket.destroyed) return 'error';
      const chunk = data.slice(pos, pos + WRITE_CHUNK);
      const flushed = new Promise<Error | null | undefined>((resolve) => this.socket.write(chunk, 'latin1', resolve));
      const result = await within(flushed, timeoutMs);
      if (result === TIMED_OUT) return 'timeout';
      if (result) return 'error';
    }
    return 'ok';
  }

  /** One reply line without its CRLF (Redis connSyncReadLine), or why none came. */
  async readLine(timeoutMs: number): Promise<string | IoFailure> {
    const deadline = clock.monotonic() + timeoutMs;
    for (;;) {
      const end = this.input.indexOf('\n');
      if (end >= 0) {
        const line = this.input.slice(0, end);
        this.input = this.input.slice(end + 1);
        return line.endsWith('\r') ? line.slice(0, -1) : line;
      }
      if (this.failed || this.ended) return 'error';
      const left = deadline - clock.monotonic();
      if (left <= 0) return 'timeout';
      await within(new Promise<void>((resolve) => (this.waiter = resolve)), left);
      this.waiter = undefined;
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    this.waiter?.();
  }
}

const TIMED_OUT: unique symbol = Symbol('timed out');

/** `promise`'s value, or TIMED_OUT when it takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
