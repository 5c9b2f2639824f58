// Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ...): Redis blocked.c semantics. A key that
// gains elements is marked ready; after the command that did it, waiting clients are retried in
// the order they blocked, each retry running as its own command (so a served BLPOP propagates as
// LPOP). Timeouts are checked by the server cron and by a timer for the nearest deadline.

import { type Reply } from '../shared/resp/reply.js';
import type { Client } from './client.js';
import type { BlockRequest } from './commands/types.js';
import type { Db } from './keyspace/db.js';
import type { Server } from './server.js';

export class Blocking {
  /** db id -> key -> clients in blocking order. */
  private readonly waiters = new Map<number, Map<string, Client[]>>();
  private readonly blockedDb = new Map<Client, Db>();
  private ready: { db: Db; key: string }[] = [];
  private timer: NodeJS.Timeout | undefined;

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
    for (const key of request.keys) {
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
    while (this.ready.length > 0) {
      const batch = this.ready;
      this.ready = [];
      for (const { db, key } of batch) {
        const list = this.waiters.get(db.id)?.get(key);
        if (!list) continue;
        for (const client of [...list]) {
          const request = client.blocked;
          if (!request) continue;
          const reply = this.server.retryBlocked(client, db, request);
          if (reply !== undefined) this.unblock(client, reply);
        }
      }
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
    for (const key of request.keys) {
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
  expireTimeouts(now = Date.now()): void {
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
    this.timer = setTimeout(() => this.expireTimeouts(), Math.max(0, nearest - Date.now()));
    this.timer.unref();
  }
}
