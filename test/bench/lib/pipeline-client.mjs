// A minimal raw RESP client for benchmarks: loads keys with pipelined SETs (a window of batches in
// flight, replies counted by bytes) and times single GET round trips with hrtime.

import { connect } from 'node:net';

export function encodeCommand(args) {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${Buffer.byteLength(arg, 'latin1')}\r\n${arg}\r\n`;
  return out;
}

export function keyName(i) {
  return `key:${String(i).padStart(7, '0')}`;
}

/** A 100-byte (or `size`) value that differs per key, so no server can share them. */
export function valueFor(i, size) {
  const head = `value:${i}:`;
  return head + 'x'.repeat(Math.max(0, size - head.length));
}

export class PipelineClient {
  constructor(port) {
    this.port = port;
    this.pending = 0;
    this.waiters = [];
    this.received = 0;
    this.tail = '';
  }

  open() {
    return new Promise((resolve, reject) => {
      this.socket = connect({ port: this.port, host: '127.0.0.1', noDelay: true }, resolve);
      this.socket.once('error', reject);
      this.socket.on('data', (chunk) => this.onData(chunk));
    });
  }

  onData(chunk) {
    this.received += chunk.length;
    // Keep a short tail to report an unexpected reply (an error instead of +OK).
    this.tail = (this.tail + chunk.toString('latin1', Math.max(0, chunk.length - 200))).slice(-200);
    while (this.waiters.length > 0 && this.received >= this.waiters[0].bytes) this.waiters.shift().resolve();
  }

  /** Resolves once `bytes` in total have been received since open. */
  waitBytes(bytes) {
    if (this.received >= bytes) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ bytes, resolve }));
  }

  /** SETs keys [0, count) with `size`-byte values, `batch` commands per write, 4 writes in flight. */
  async loadKeys(count, size, batch = 10_000) {
    let expected = 0;
    const inFlight = [];
    for (let start = 0; start < count; start += batch) {
      const end = Math.min(count, start + batch);
      let text = '';
      for (let i = start; i < end; i++) text += encodeCommand(['SET', keyName(i), valueFor(i, size)]);
      this.socket.write(text, 'latin1');
      expected += (end - start) * '+OK\r\n'.length;
      inFlight.push(this.waitBytes(expected));
      if (inFlight.length >= 4) await inFlight.shift();
    }
    await Promise.all(inFlight);
    if (this.received !== expected || !this.tail.endsWith('+OK\r\n')) {
      throw new Error(`loading keys: unexpected replies (...${JSON.stringify(this.tail)})`);
    }
  }

  /** One GET of a key whose value is `size` bytes; resolves to the round trip in microseconds. */
  async timedGet(key, size) {
    const replyBytes = `$${size}\r\n`.length + size + 2;
    const target = this.received + replyBytes;
    const started = process.hrtime.bigint();
    this.socket.write(encodeCommand(['GET', key]), 'latin1');
    await this.waitBytes(target);
    return Number(process.hrtime.bigint() - started) / 1000;
  }

  close() {
    this.socket?.destroy();
  }
}

/** p50 / p99 / max of a list of numbers. */
export function percentiles(samples) {
  if (samples.length === 0) return { p50: NaN, p99: NaN, max: NaN, count: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1], count: sorted.length };
}
