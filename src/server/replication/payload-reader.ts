// Reading what a master sends before the stream: status lines during the handshake and the
// snapshot payload of a full resync, in both framings (protocol doc 1.4):
//   `$<len>\r\n<len bytes>` or `$EOF:<40 chars>\r\n<bytes><same 40 chars>`,
// with keepalive newlines skipped before the payload header. PayloadReader is pure (bytes in,
// result out); LineReader adapts it to a socket with timeouts.

import { clock } from '../base/clock.js';

export interface PayloadResult {
  rdb: Buffer;
  /** Bytes after the payload: the start of the stream. */
  rest: Buffer;
}

export class PayloadReader {
  private header: string | undefined;
  private mark: Buffer | undefined;
  private length = -1;
  private parts: Buffer[] = [];
  private received = 0;
  private pending: Buffer = Buffer.alloc(0);

  get bytesRead(): number {
    return this.received;
  }

  get totalBytes(): number {
    return this.length;
  }

  /** Feeds bytes; returns the result once the payload is complete, else undefined. */
  feed(chunk: Buffer): PayloadResult | undefined {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (this.header === undefined) {
      const newline = data.indexOf(10);
      if (newline < 0) {
        this.pending = data;
        return undefined;
      }
      const line = data.toString('latin1', 0, newline).replace(/\r$/, '');
      data = data.subarray(newline + 1);
      if (line === '') continue; // keepalive
      if (line.startsWith('-')) throw new Error(`master aborted replication: ${line}`);
      if (!line.startsWith('$')) throw new Error(`bad protocol from MASTER, the first byte is not '$': '${line}'`);
      this.header = line;
      if (line.startsWith('$EOF:') && line.length >= 45) {
        this.mark = Buffer.from(line.slice(5, 45), 'latin1');
      } else {
        this.length = Number(line.slice(1));
        if (!Number.isInteger(this.length) || this.length < 0) throw new Error(`bad payload length '${line}'`);
      }
    }
    return this.mark ? this.feedEof(data) : this.feedLength(data);
  }

  private feedLength(data: Buffer): PayloadResult | undefined {
    const needed = this.length - this.received;
    if (data.length < needed) {
      this.parts.push(data);
      this.received += data.length;
      return undefined;
    }
    this.parts.push(data.subarray(0, needed));
    this.received += needed;
    return { rdb: Buffer.concat(this.parts, this.length), rest: data.subarray(needed) };
  }

  /** The payload ends when the last 40 bytes read equal the mark; nothing may follow it. */
  private feedEof(data: Buffer): PayloadResult | undefined {
    this.parts.push(data);
    this.received += data.length;
    const mark = this.mark!;
    if (this.received < mark.length || !this.endsWithMark(mark)) return undefined;
    const all = Buffer.concat(this.parts, this.received);
    this.parts = [];
    this.length = all.length - mark.length;
    return { rdb: all.subarray(0, this.length), rest: Buffer.alloc(0) };
  }

  /** Compares the last bytes received with the mark, looking only at the tail chunks. */
  private endsWithMark(mark: Buffer): boolean {
    let needed = mark.length;
    let index = this.parts.length - 1;
    while (needed > 0 && index >= 0) {
      const part = this.parts[index]!;
      const take = Math.min(needed, part.length);
      if (!part.subarray(part.length - take).equals(mark.subarray(needed - take, needed))) return false;
      needed -= take;
      index--;
    }
    return needed === 0;
  }
}

/** Buffered socket reader for the handshake: lines, then the payload, then the rest. */
export class LineReader {
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private payload: PayloadReader | undefined;
  private payloadDone: ((result: PayloadResult) => void) | undefined;
  private payloadFail: ((error: Error) => void) | undefined;
  private progress: ((read: number, total: number) => void) | undefined;
  private lastData = clock.now();

  feed(chunk: Buffer): void {
    this.lastData = clock.now();
    if (this.payload) {
      this.feedPayload(chunk);
      return;
    }
    this.buffer = this.buffer.length > 0 ? Buffer.concat([this.buffer, chunk]) : chunk;
    this.waiter?.();
  }

  /** Reads one line (without CRLF); rejects after `timeout` ms without one. */
  async readLine(timeout: number): Promise<string> {
    for (;;) {
      const newline = this.buffer.indexOf(10);
      if (newline >= 0) {
        const line = this.buffer.toString('latin1', 0, newline).replace(/\r$/, '');
        this.buffer = this.buffer.subarray(newline + 1);
        return line;
      }
      await this.waitForData(timeout);
    }
  }

  /** Reads a bulk string reply (`$<len>\r\n<bytes>\r\n`); an error or null reply comes back as null. */
  async readBulk(timeout: number, onError?: (message: string) => void): Promise<string | null> {
    const header = await this.readLine(timeout);
    if (header.startsWith('-')) onError?.(header.slice(1));
    if (!header.startsWith('$')) return null;
    const length = Number(header.slice(1));
    if (!Number.isInteger(length) || length < 0) return null;
    while (this.buffer.length < length + 2) await this.waitForData(timeout);
    const text = this.buffer.toString('latin1', 0, length);
    this.buffer = this.buffer.subarray(length + 2);
    return text;
  }

  /** Bytes already received after the last line read. */
  takeRest(): Buffer {
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest;
  }

  /** Reads the snapshot payload; fails when no byte arrives for `timeout` ms. */
  readPayload(
    payload: PayloadReader,
    timeout: number,
    progress: (read: number, total: number) => void,
  ): Promise<PayloadResult> {
    return new Promise((resolve, reject) => {
      this.payload = payload;
      this.payloadDone = resolve;
      this.payloadFail = reject;
      this.progress = progress;
      const timer = setInterval(() => {
        if (clock.now() - this.lastData > timeout) {
          clearInterval(timer);
          this.failPayload(new Error('Timeout receiving bulk data from MASTER'));
        }
      }, 1000);
      const finish = this.payloadDone;
      this.payloadDone = (result) => {
        clearInterval(timer);
        finish(result);
      };
      const initial = this.takeRest();
      if (initial.length > 0) this.feedPayload(initial);
    });
  }

  private feedPayload(chunk: Buffer): void {
    const payload = this.payload!;
    try {
      const result = payload.feed(chunk);
      this.progress?.(payload.bytesRead, payload.totalBytes);
      if (result) {
        this.payload = undefined;
        this.payloadDone?.(result);
      }
    } catch (error) {
      this.failPayload(error as Error);
    }
  }

  private failPayload(error: Error): void {
    this.payload = undefined;
    this.payloadFail?.(error);
  }

  private waitForData(timeout: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error('Timeout connecting to the MASTER...'));
      }, timeout);
      this.waiter = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve();
      };
    });
  }
}
