// A raw TCP client for tests that speak bytes a client library would never send (malformed RESP,
// limits, pipelines that are never read): collects everything received and notices the close.

import { connect, type Socket } from 'node:net';
import { waitFor } from './wait-for.js';

export class RawClient {
  readonly socket: Socket;
  private chunks: Buffer[] = [];
  received = 0;
  closed = false;
  private readonly opened: Promise<void>;

  constructor(port: number) {
    this.socket = connect({ port, host: '127.0.0.1', noDelay: true });
    this.opened = new Promise((resolve) => this.socket.once('connect', () => resolve()));
    this.socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.received += chunk.length;
    });
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('error', () => {}); // resets are an expected outcome here
  }

  static async open(port: number): Promise<RawClient> {
    const client = new RawClient(port);
    await client.opened;
    return client;
  }

  /** Writes bytes (a latin1 string or a Buffer); resolves once handed to the kernel. */
  send(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed || this.socket.destroyed) return resolve();
      this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, () => resolve());
    });
  }

  /** Everything received so far, as latin1 text. */
  text(): string {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]?.toString('latin1') ?? '';
  }

  /** Stops holding received bytes (for tests that only count them). */
  discard(): void {
    this.chunks = [];
  }

  async waitFor(what: string, condition: (text: string) => boolean, timeout = 10_000): Promise<void> {
    await waitFor(() => condition(this.text()), { timeout, message: `${what} (received ${JSON.stringify(this.text().slice(-200))})` });
  }

  async waitClosed(timeout = 10_000): Promise<void> {
    await waitFor(() => this.closed, { timeout, message: 'the server to close the connection' });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** RESP multibulk encoding of a command. */
export function resp(...args: (string | number)[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a), 'latin1')}\r\n${a}\r\n`).join('')}`;
}

/** Resident memory of a process in bytes, from /proc/<pid>/status (VmRSS). */
export async function rssBytes(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}
