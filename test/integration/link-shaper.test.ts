// FAULT SHAPE's socket side on a real loopback connection: what is read comes late but whole and in
// order, a throttled writer is slowed down, clearing delivers what waits at once, and a link both
// partitioned (SocketGate) and shaped gets everything once healed and cleared.

import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkShaper } from '../../src/shared/faults/link-shaper.js';
import { SocketGate } from '../../src/shared/faults/socket-gate.js';
import { waitFor } from '../helpers/wait-for.js';

let server: Server | undefined;
const sockets: Socket[] = [];

afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  server?.close();
  server = undefined;
});

/** A connected pair: `a` (client side) and `b` (server side). */
async function pair(): Promise<{ a: Socket; b: Socket }> {
  const accepted = new Promise<Socket>((resolve) => {
    server = createServer((socket) => resolve(socket));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server!.address() as { port: number }).port;
  const a = connect({ host: '127.0.0.1', port });
  await new Promise((resolve) => a.once('connect', resolve));
  const b = await accepted;
  sockets.push(a, b);
  return { a, b };
}

function collect(socket: Socket): { text: () => string; ended: () => boolean } {
  let text = '';
  let ended = false;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  socket.on('end', () => (ended = true));
  return { text: () => text, ended: () => ended };
}

describe('LinkShaper', () => {
  it('delays reads: nothing at first, then every byte in order, the end after them', async () => {
    const { a, b } = await pair();
    new LinkShaper(b).set({ delayMs: 400, bytesPerSec: 0 }, null);
    const got = collect(b);
    for (let i = 0; i < 50; i++) a.write(`${i},`);
    a.end();
    const expected = Array.from({ length: 50 }, (_, i) => `${i},`).join('');
    // Sent at once, due 400 ms later: a poll right after sees little or nothing of it yet.
    expect(got.text().length).toBeLessThan(expected.length);
    await waitFor(() => got.ended(), { timeout: 10_000, message: 'the end after the delayed bytes' });
    expect(got.text()).toBe(expected);
  });

  it('throttles writes: the writer\'s buffer fills, and clearing delivers what waits at once', async () => {
    const { a, b } = await pair();
    const shaper = new LinkShaper(a);
    shaper.set(null, { delayMs: 0, bytesPerSec: 10_000 });
    const got = collect(b);
    const payload = 'x'.repeat(200_000);
    a.write(payload);
    a.write('tail');
    // 200 KB at 10 KB/s: 20 s; after a moment only a part has gone.
    await waitFor(() => got.text().length > 0, { timeout: 10_000, message: 'the first throttled bytes' });
    expect(a.writableLength + shaper.queuedBytes).toBeGreaterThan(0);
    shaper.set(null, null);
    await waitFor(() => got.text().length === payload.length + 4, { timeout: 10_000, message: 'everything once cleared' });
    expect(got.text().endsWith('xtail')).toBe(true);
  });

  it('a link partitioned and shaped at once gets everything once healed and cleared', async () => {
    const { a, b } = await pair();
    const shaper = new LinkShaper(a);
    const gate = new SocketGate(a);
    shaper.set(null, { delayMs: 200, bytesPerSec: 0 });
    gate.set(false, true);
    const got = collect(b);
    a.write('one,');
    a.write('two,');
    gate.set(false, false);
    a.write('three');
    await waitFor(() => got.text() === 'one,two,three', { timeout: 10_000, message: 'the held and delayed writes, in order' });
    shaper.set(null, null);
    a.write('!');
    await waitFor(() => got.text() === 'one,two,three!', { timeout: 10_000, message: 'a write after clearing' });
  });
});
