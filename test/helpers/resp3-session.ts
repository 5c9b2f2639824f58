// Several raw connections to one server, speaking RESP2 or RESP3, driven step by step so that the
// exact frames each connection receives (replies and pushes alike) can be compared with another
// server's. After every step each connection is sent a PING and its PONG awaited: whatever the step
// caused to be pushed to a connection arrives before that PONG, so no step waits on a quiet window.

import { RawClient, resp } from './raw-client.js';
import { waitFor } from './wait-for.js';

/** The end of the RESP2/RESP3 frame starting at `at`, or -1 if it is not complete yet. */
export function frameEnd(text: string, at: number): number {
  const eol = text.indexOf('\r\n', at);
  if (eol < 0) return -1;
  const type = text[at];
  const head = text.slice(at + 1, eol);
  let next = eol + 2;
  switch (type) {
    case '$':
    case '!':
    case '=': {
      const length = Number(head);
      if (length < 0) return next;
      return text.length >= next + length + 2 ? next + length + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const count = Number(head);
      const items = count < 0 ? 0 : type === '%' || type === '|' ? count * 2 : count;
      for (let i = 0; i < items; i++) {
        next = frameEnd(text, next);
        if (next < 0) return -1;
      }
      // An attribute comes before the value it describes.
      return type === '|' ? frameEnd(text, next) : next;
    }
    default:
      return next;
  }
}

const MARKERS = new Set(['+PONG\r\n', '*2\r\n$4\r\npong\r\n$0\r\n\r\n']);

interface Connection {
  raw: RawClient;
  /** Bytes of `raw.text()` already split into frames. */
  consumed: number;
  /** Frames not yet taken into the transcript. */
  frames: string[];
  id: number;
  /** Under CLIENT REPLY OFF: no PONG to wait for. */
  silent: boolean;
  /** Inside MULTI a PING would be queued: only the connection's own replies are awaited. */
  inMulti: boolean;
}

export class Resp3Session {
  private readonly connections = new Map<string, Connection>();
  /** One line per step and per frame received: what two servers must agree on. */
  readonly transcript: string[] = [];

  constructor(private readonly port: number) {}

  /** Opens a named connection (RESP3 after HELLO 3 when `resp3`), learning its client id. */
  async open(name: string, resp3: boolean): Promise<void> {
    const raw = await RawClient.open(this.port);
    const conn: Connection = { raw, consumed: 0, frames: [], id: 0, silent: false, inMulti: false };
    this.ids.set(name, 0);
    this.connections.set(name, conn);
    if (resp3) {
      await raw.send(resp('HELLO', '3'));
      await this.nextFrames(conn, 1);
    }
    await raw.send(resp('CLIENT', 'ID'));
    const [id] = await this.nextFrames(conn, 1);
    conn.id = Number(id!.slice(1, -2));
    this.ids.set(name, conn.id);
  }

  /** Every connection's id, closed ones too (a broken redirect names one). */
  private readonly ids = new Map<string, number>();

  id(name: string): number {
    return this.ids.get(name)!;
  }

  /** The name of the connection with this id, or the id itself. */
  nameOf(id: number): string {
    return [...this.ids].find(([, known]) => known === id)?.[0] ?? String(id);
  }

  /** Marks a connection as not answering (CLIENT REPLY OFF) or answering again. */
  silence(name: string, silent: boolean): void {
    this.connections.get(name)!.silent = silent;
  }

  /**
   * Sends one command from `name` (`@a` in an argument stands for connection a's id), waits for
   * every connection to settle, and appends what each received to the transcript.
   */
  async step(name: string, ...args: string[]): Promise<void> {
    const conn = this.connections.get(name)!;
    const resolved = args.map((arg) => arg.replace(/^@(\w+)$/, (_, other: string) => String(this.id(other))));
    this.transcript.push(`${name}> ${args.join(' ')}`);
    await conn.raw.send(resp(...resolved));
    this.idReply = args.length === 2 && /^client$/i.test(args[0]!) && /^getredir$/i.test(args[1]!);
    const command = args[0]!.toLowerCase();
    if (command === 'exec' || command === 'discard') conn.inMulti = false;
    else if (command === 'multi') conn.inMulti = true;
    // Inside MULTI, the sender's one reply (+OK, +QUEUED or an error) is what it has to show.
    if (conn.inMulti) this.record(name, await this.nextFrames(conn, 1));
    await this.settle(name);
    this.idReply = false;
  }

  /**
   * Waits for every answering connection's PONG, then records what came before it. The sender goes
   * first: once its PONG is back, its command and the server's end-of-turn work (BCAST
   * invalidations) are done, and the others' PINGs come after them.
   */
  async settle(sender?: string): Promise<void> {
    const order = [...this.connections].sort(([a], [b]) => Number(b === sender) - Number(a === sender));
    for (const [name, conn] of order) {
      // A silent connection's frames wait for the step that makes it answer again.
      if (conn.silent || conn.inMulti) continue;
      await conn.raw.send(resp('PING'));
      await waitFor(() => this.split(conn) && conn.frames.some((f) => MARKERS.has(f)), {
        timeout: 15_000,
        message: `${name}'s PONG (received ${JSON.stringify(conn.raw.text().slice(-300))})`,
      });
      const marker = conn.frames.findIndex((f) => MARKERS.has(f));
      this.record(name, conn.frames.splice(0, marker + 1).slice(0, -1));
    }
  }

  /** Waits until `name` has received `count` frames beyond the transcript (a silent connection). */
  async waitFrames(name: string, count: number): Promise<void> {
    const conn = this.connections.get(name)!;
    await waitFor(() => this.split(conn) && conn.frames.length >= count, { timeout: 15_000, message: `${count} frames on ${name}` });
  }

  private record(name: string, frames: string[]): void {
    const ids = new Map([...this.ids].map(([other, id]) => [`:${id}\r\n`, `:<id of ${other}>\r\n`]));
    for (const frame of frames) {
      // Client ids differ between servers: in the frames that carry one (GETREDIR, TRACKINGINFO,
      // tracking-redir-broken), an integer that is a connection's id is written as its name.
      let text = frame;
      if (this.idReply || /redirect|tracking-redir-broken/.test(frame)) for (const [integer, label] of ids) text = text.split(integer).join(label);
      this.transcript.push(`  ${name}: ${JSON.stringify(text)}`);
    }
  }

  /** The running step answers with a client id (CLIENT GETREDIR). */
  private idReply = false;

  private split(conn: Connection): true {
    const text = conn.raw.text();
    for (;;) {
      const end = conn.consumed < text.length ? frameEnd(text, conn.consumed) : -1;
      if (end < 0) return true;
      conn.frames.push(text.slice(conn.consumed, end));
      conn.consumed = end;
    }
  }

  private async nextFrames(conn: Connection, count: number): Promise<string[]> {
    await waitFor(() => this.split(conn) && conn.frames.length >= count, { timeout: 15_000, message: 'a reply' });
    return conn.frames.splice(0, count);
  }

  /** Closes one connection (its server-side client goes away soon after). */
  destroy(name: string): void {
    this.connections.get(name)!.raw.destroy();
    this.connections.delete(name);
  }

  close(): void {
    for (const conn of this.connections.values()) conn.raw.destroy();
  }
}
