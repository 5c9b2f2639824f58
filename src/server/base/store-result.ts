// Where a *STORE command's result goes (SINTERSTORE & co., ZUNIONSTORE & co., ZRANGESTORE,
// GEORADIUS/GEOSEARCHSTORE, SORT STORE, BITOP): a non-empty result replaces the destination and raises
// the command's event; an empty one deletes the destination, raising `del` only if it existed
// (Redis t_set.c sinterGenericCommand, t_zset.c zunionInterDiffGenericCommand, geo.c, sort.c, bitops.c).

import type { Value } from '../keyspace/values.js';
import { notifyKey, NOTIFY_GENERIC } from '../keyspace/keyspace-events.js';
import type { CommandContext } from './command-spec.js';

/** Stores `value` at `key` with event `event` of class `type`, or deletes `key` when `value` is null. */
export function storeOrDelete(ctx: CommandContext, key: string, value: Value | null, type: number, event: string): void {
  if (value === null) {
    if (ctx.db.delete(key)) notifyKey(ctx, NOTIFY_GENERIC, 'del', key);
    return;
  }
  ctx.db.set(key, value);
  notifyKey(ctx, type, event, key);
}
