// DEBUG OBJECT / SDSLEN / LISTPACK / QUICKLIST (Redis 7.0 debug.c): the low-level view of one key.
// OBJECT reads the key without expiring or stamping it (dictFind), the other three as OBJECT does
// (lookup without touching). Our values are not Redis's C objects, so each figure is what
// redis-server would show for the same content: the encoding (keyspace/encoding.ts), the RDB
// serialized length, the access stamp, the quicklist shape Redis's packing gives
// (keyspace/quicklist-packing.ts) and jemalloc's size classes for sds strings.

import { ErrorReply, SimpleString, type Reply } from '../../../../shared/resp/reply.js';
import type { CommandContext } from '../../../base/command-spec.js';
import { peekKey } from '../../../base/read-key.js';
import { encodingOf } from '../../../keyspace/encoding.js';
import { ListValue } from '../../../keyspace/list.js';
import { SortedSet } from '../../../keyspace/sorted-set.js';
import { allocSize, sdsSize } from '../../../keyspace/memory-size.js';
import { packQuicklist } from '../../../keyspace/quicklist-packing.js';
import { objectRefcount } from '../../../keyspace/refcount.js';
import type { Value } from '../../../keyspace/values.js';
import { savedObjectLength } from '../../../persistence/saved-length.js';

const ERR_NO_SUCH_KEY = new ErrorReply('ERR no such key');
const ROBJ = 16;

export function debugObject(ctx: CommandContext, key: string): Reply {
  const value = ctx.db.data.get(key);
  if (value === undefined) return ERR_NO_SUCH_KEY;
  const { server } = ctx;
  const encoding = encodingOf(value, server.config);
  const stamp = ctx.db.access.get(key) ?? server.accessClock.fresh();
  const extra = value instanceof ListValue ? quicklistFields(ctx, value) : '';
  return new SimpleString(
    `Value at:${pseudoAddress(ctx.db.id, key)} refcount:${objectRefcount(value, server.config)} ` +
      `encoding:${encoding} serializedlength:${savedObjectLength(value, server.config)} ` +
      `lru:${stamp} lru_seconds_idle:${Math.floor(server.accessClock.idleMs(stamp) / 1000)}${extra}`,
  );
}

/** The quicklist fields DEBUG OBJECT appends for a list (ql_nodes, average fill, limits, bytes). */
function quicklistFields(ctx: CommandContext, list: ListValue): string {
  const config = ctx.server.config;
  const { nodes } = packQuicklist(list, config);
  const bytes = nodes.reduce((sum, node) => sum + node.bytes, 0);
  const average = nodes.length === 0 ? 0 : list.length / nodes.length;
  return (
    ` ql_nodes:${nodes.length} ql_avg_node:${average.toFixed(2)}` +
    ` ql_listpack_max:${config.num('list-max-listpack-size')}` +
    ` ql_compressed:${config.num('list-compress-depth') !== 0 ? 1 : 0} ql_uncompressed_size:${bytes}`
  );
}

/**
 * Redis prints the object's heap address (%p). Ours names no memory: a stable number per db and
 * key in the same 0x7f... shape, so tools that parse the line find a pointer there.
 */
function pseudoAddress(db: number, key: string): string {
  let hash = 0x811c9dc5 ^ db;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return `0x7f${hash.toString(16).padStart(8, '0')}${(hash & 0xf).toString(16)}0`;
}

/** DEBUG SDSLEN: the key's and the string value's sds lengths and allocations, as jemalloc sizes them. */
export function debugSdslen(ctx: CommandContext, key: string): Reply {
  const value = ctx.db.data.get(key);
  if (value === undefined) return ERR_NO_SUCH_KEY;
  const encoding = encodingOf(value, ctx.server.config);
  if (typeof value !== 'string' || encoding === 'int') return new ErrorReply('ERR Not an sds encoded string.');
  // An embstr's sds lives in the robj's allocation (getStringObjectSdsUsedMemory: zmalloc_size - robj).
  const valueAlloc = encoding === 'embstr' ? allocSize(ROBJ + 3 + value.length + 1) - ROBJ : sdsSize(value.length);
  return new SimpleString(
    `key_sds_len:${key.length}, key_sds_avail:0, key_zmalloc: ${sdsSize(key.length)}, ` +
      `val_sds_len:${value.length}, val_sds_avail:0, val_zmalloc: ${valueAlloc}`,
  );
}

/** DEBUG LISTPACK: Redis prints the listpack on stdout (lpRepr); we write its entries to the log. */
export function debugListpack(ctx: CommandContext, key: string): Reply {
  const value = peekKey(ctx, key);
  if (value === undefined) return ERR_NO_SUCH_KEY;
  if (encodingOf(value, ctx.server.config) !== 'listpack') return new ErrorReply('ERR Not a listpack encoded object.');
  const entries = listpackEntries(value);
  ctx.server.log.notice(`DEBUG LISTPACK ${key}: {num entries ${entries.length}}`);
  entries.forEach((entry, index) => ctx.server.log.notice(`  {index ${index}} {value ${entry}}`));
  return new SimpleString('Listpack structure printed on stdout');
}

/** DEBUG QUICKLIST <key> [0|1]: Redis prints the nodes on stdout (quicklistRepr); we log them. */
export function debugQuicklist(ctx: CommandContext, key: string, full: boolean): Reply {
  const value = peekKey(ctx, key);
  if (value === undefined) return ERR_NO_SUCH_KEY;
  if (!(value instanceof ListValue)) return new ErrorReply('ERR Not a quicklist encoded object.');
  const { nodes } = packQuicklist(value, ctx.server.config);
  ctx.server.log.notice(`DEBUG QUICKLIST ${key}: {count : ${value.length}} {len : ${nodes.length}}`);
  if (full) nodes.forEach((node, index) => ctx.server.log.notice(`  {node ${index}} {count : ${node.count}} {sz: ${node.bytes}}`));
  return new SimpleString('Quicklist structure printed on stdout');
}

/** A listpack-encoded hash or sorted set as its entries (field, value, ... / member, score, ...). */
function listpackEntries(value: Value): string[] {
  if (value instanceof Map) return [...value].flat();
  if (value instanceof SortedSet) return [...value.scores].flatMap(([member, score]) => [member, String(score)]);
  return [];
}
