// Reads a key the way Redis's lookupKeyRead does: lazy expiry (through db.lookup) plus the
// keyspace_hits / keyspace_misses counters of INFO stats and the `keymiss` notification. Write-path lookups (lookupKeyWrite in
// Redis: SET, INCR, DEL, EXPIRE, ...) count nothing and call db.lookup directly.

import type { Db } from '../keyspace/db.js';
import type { Value } from '../keyspace/values.js';
import type { CommandContext } from './command-spec.js';
import { notifyKeyspaceEvent, NOTIFY_KEY_MISS } from '../keyspace/keyspace-events.js';

/** Looks a key up for a read command and counts the hit or miss (Redis db.c lookupKey). */
export function readKey(ctx: CommandContext, key: string, db: Db = ctx.db): Value | undefined {
  const value = db.lookup(key);
  counted(ctx, key, db, value);
  return value;
}

/**
 * readKey without stamping the key's access time (Redis LOOKUP_NOTOUCH: EXISTS, TYPE, TTL, OBJECT
 * and SCAN's TYPE filter look at a key without making it recently used). `missEvent` false: no
 * `keymiss` either (OBJECT adds LOOKUP_NONOTIFY).
 */
export function peekKey(ctx: CommandContext, key: string, db: Db = ctx.db, missEvent = true): Value | undefined {
  const value = db.peek(key);
  counted(ctx, key, db, value, missEvent);
  return value;
}

/** The hit or miss counters, and on a miss the `keymiss` event (class m) lookupKey raises. */
function counted(ctx: CommandContext, key: string, db: Db, value: Value | undefined, missEvent = true): void {
  const stats = ctx.server.stats;
  if (value !== undefined) {
    stats.keyspaceHits++;
    return;
  }
  stats.keyspaceMisses++;
  if (missEvent) notifyKeyspaceEvent(ctx.server, NOTIFY_KEY_MISS, 'keymiss', key, db.id);
}
