// Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ...): Redis blocked.c semantics. A key that
// gains elements is marked ready; after the command that did it, waiting clients are retried in
// the order they blocked, each retry running as its own command (so a served BLPOP propagates as
// LPOP). Timeouts are checked by the server cron and by a timer for the nearest deadline.
// As in Redis 7.0 (serveClientsBlockedOnListKey) a client is served from the key that became
// ready, not from the first of its keys; keys made ready while serving (BLMOVE's destination) are
// served in the same loop, never by re-entering it.

import { type Reply } from '../../shared/resp/reply.js';
import type { Client } from './client.js';
import type { BlockRequest } from '../base/command-spec.js';
import type { Db } from '../keyspace/db.js';
import type { Server } from '../server.js';
import { clock } from '../base/clock.js';

/** Longest delay setTimeout honours. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

export class Blocking {
  /** db id -> key -> clients in blocking order. */
  private readonly waiters = new Map<number, Map<string, Client[]>>();
  private readonly blockedDb = new Map<Client, Db>();
  private ready: { db: Db; key: string }[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** True inside serveReady: a served client's own command end must not re-enter the loop. */
  private serving = false;

  constructor(private readonly server: Server) {}

  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  get blockedCount(): number {
    return this.blockedDb.size;
  }

  block(client: Client, db: Db, request: BlockRequest): void {
    client.blocked = request;
    this.blockedDb.set(client, db);
    let keys = this.waiters.get(db.id);
    if (!keys) this.waiters.set(db.id, (keys = new Map()));
    // A key named twice (BLPOP k k 0) waits once, so unblock removes every trace of the client.
    for (const key of new Set(request.keys)) {
      let list = keys.get(key);
      if (!list) keys.set(key, (list = []));
      list.push(client);
      db.blockedKeys.set(key, list.length);
    }
    this.scheduleTimeouts();
  }

  markReady(db: Db, key: string): void {
    if (!this.ready.some((r) => r.db === db && r.key === key)) this.ready.push({ db, key });
  }

  /** Serves clients blocked on ready keys, FIFO per key, until the keys run dry. */
  serveReady(): void {
    // Each retry ends its own execution unit, whose end calls back here: without this guard a
    // BLMOVE ping-pong between two keys would recurse forever and serve a client twice.
    if (this.serving) return;
    this.serving = true;
    try {
      while (this.ready.length > 0) {
        const batch = this.ready;
        this.ready = [];
        for (const { db, key } of batch) this.serveKey(db, key);
      }
    } finally {
      this.serving = false;
    }
  }

  private serveKey(db: Db, key: string): void {
    const list = this.waiters.get(db.id)?.get(key);
    if (!list) return;
    for (const client of [...list]) {
      const request = client.blocked;
      if (!request || this.blockedDb.get(client) !== db) continue;
      const fromKey: BlockRequest = { ...request, retry: (ctx) => request.retry(ctx, key) };
      const reply = this.server.retryBlocked(client, db, fromKey);
      if (reply !== undefined) this.unblock(client, reply);
    }
  }

  /** Unblocks a client; sends `reply` if given (undefined when the client is going away). */
  unblock(client: Client, reply: Reply | undefined): void {
    const request = client.blocked;
    const db = this.blockedDb.get(client);
    if (!request || !db) return;
    client.blocked = null;
    this.blockedDb.delete(client);
    const keys = this.waiters.get(db.id);
    for (const key of new Set(request.keys)) {
      const list = keys?.get(key);
      if (!list) continue;
      const index = list.indexOf(client);
      if (index >= 0) list.splice(index, 1);
      if (list.length === 0) {
        keys!.delete(key);
        db.blockedKeys.delete(key);
      }
    }
    if (reply !== undefined) {
      client.sink.push(reply);
      client.sink.resume();
    }
  }

  /** Unblocks clients whose deadline passed, answering their timeout reply. */
  expireTimeouts(now = clock.now()): void {
    for (const [client] of this.blockedDb) {
      const request = client.blocked;
      if (request && request.deadline > 0 && request.deadline <= now) this.unblock(client, request.timeoutReply);
    }
    this.scheduleTimeouts();
  }

  private scheduleTimeouts(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let nearest = Infinity;
    for (const client of this.blockedDb.keys()) {
      const deadline = client.blocked?.deadline ?? 0;
      if (deadline > 0 && deadline < nearest) nearest = deadline;
    }
    if (nearest === Infinity) return;
    // setTimeout fires after 1 ms for delays above 2^31-1 ms (~24.8 days): clamp, then re-arm.
    const delay = Math.min(MAX_TIMER_DELAY, Math.max(0, nearest - clock.now()));
    this.timer = setTimeout(() => this.expireTimeouts(), delay);
    this.timer.unref();
  }
}
