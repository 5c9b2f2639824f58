// MIGRATE's cached connections per target host:port (Redis cluster.c migrateGetSocket,
// migrateCloseSocket, migrateCloseTimedoutSockets): reused across calls, at most 64 (a full cache
// drops one at random), and closed once unused for more than 10 seconds by a once-a-second sweep
// (Redis runs the sweep from serverCron every 1000 ms and compares whole seconds).

import { clock } from '../base/clock.js';
import { MigrateLink } from './migrate-link.js';

const CACHE_ITEMS = 64;
const CACHE_TTL_SECONDS = 10;
const SWEEP_MS = 1000;

export class MigrateCache {
  private readonly links = new Map<string, MigrateLink>();
  private sweeper: NodeJS.Timeout | undefined;

  get size(): number {
    return this.links.size;
  }

  /**
   * The cached link to host:port, or a new one once its handshake ended. null: the name did not
   * resolve (Redis's only "connecting" failure); a refused or slow connect is cached like any
   * link and fails on the first write, as in Redis.
   */
  async get(host: string, port: number, timeoutMs: number): Promise<MigrateLink | null> {
    const name = `${host}:${port}`;
    const cached = this.links.get(name);
    if (cached) {
      cached.lastUse = clock.now();
      return cached;
    }
    if (this.links.size >= CACHE_ITEMS) this.dropRandom();
    // Redis turns the port argument into a number with atoi(): "abc" is port 0.
    const link = MigrateLink.open(host, Number.isInteger(port) && port >= 0 && port < 65536 ? port : 0);
    if ((await link.handshake(timeoutMs)) === 'resolve') {
      link.close();
      return null;
    }
    this.links.set(name, link);
    this.startSweeper();
    return link;
  }

  /** Closes and forgets host:port's link (after an I/O error: the next call reconnects). */
  close(host: string, port: number): void {
    const name = `${host}:${port}`;
    this.links.get(name)?.close();
    this.links.delete(name);
    if (this.links.size === 0) this.stopSweeper();
  }

  /** Closes the links unused for more than 10 whole seconds. */
  sweep(now = clock.now()): void {
    const nowSec = Math.floor(now / 1000);
    for (const [name, link] of this.links) {
      if (nowSec - Math.floor(link.lastUse / 1000) > CACHE_TTL_SECONDS) {
        link.close();
        this.links.delete(name);
      }
    }
    if (this.links.size === 0) this.stopSweeper();
  }

  closeAll(): void {
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.stopSweeper();
  }

  private dropRandom(): void {
    const names = [...this.links.keys()];
    const name = names[Math.floor(Math.random() * names.length)]!;
    this.links.get(name)!.close();
    this.links.delete(name);
  }

  private startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  private stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
