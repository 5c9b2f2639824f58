// The HyperLogLog family (Redis 7.0 hyperloglog.c): PFADD PFCOUNT PFMERGE here, PFDEBUG PFSELFTEST in
// pfdebug.ts. Values are ordinary strings holding Redis's exact bytes (the encoding core is
// `keyspace/hll/`), so a value built here counts the same in redis-server after replication, RDB or
// DUMP/RESTORE, and the other way round. Propagation as Redis: PFADD only when a register changed,
// PFMERGE always, and PFCOUNT of one key when it refreshed the cached cardinality in the header
// (a readonly command that writes: redis-server 7.0 propagates that `PFCOUNT key` as typed).

import { ErrorReply, OK, type Reply } from '../../../shared/resp/reply.js';
import { readKey } from '../../base/read-key.js';
import { ALL_KEYS, command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { hllAdd, hllCount, hllMaxInto, hllRaise, hllToDense, rawCount } from '../../keyspace/hll/hll.js';
import { encodingOf, HLL_DENSE, HLL_REGISTERS, invalidateCache, type HllBytes } from '../../keyspace/hll/layout.js';
import { emptySparse } from '../../keyspace/hll/sparse.js';
import { cachedCardinality, checkHll, denseAddToString, ERR_CORRUPT_HLL, toBytes, toValue, withCachedCardinality } from './hll-value.js';
import { pfdebugCommands } from './pfdebug.js';
import { notifyKey, NOTIFY_STRING } from '../../keyspace/keyspace-events.js';

/** PFADDs with more elements than this go through a byte copy even on a dense value. */
const DENSE_PATCH_MAX = 8;

const sparseMaxBytes = (ctx: CommandContext): number => ctx.server.config.num('hll-sparse-max-bytes');

/** PFADD through bytes: sparse values (opcodes split, merge and grow), new ones, long dense batches. */
function addThroughBytes(ctx: CommandContext, key: string, hll: HllBytes, elements: string[], created: boolean): Reply {
  const maxBytes = sparseMaxBytes(ctx);
  let updated = created;
  for (const element of elements) {
    const result = hllAdd(hll, element, maxBytes);
    if (result === -1) {
      // Redis changed the value in place for the elements before the corrupt spot, without
      // counting a change: it stays here too, and nothing is propagated.
      if (updated) {
        ctx.db.set(key, toValue(hll), true);
        ctx.suppressPropagation();
      }
      return ERR_CORRUPT_HLL;
    }
    if (result === 1) updated = true;
  }
  if (!updated) return 0;
  invalidateCache(hll.bytes);
  ctx.db.set(key, toValue(hll), true);
  notifyKey(ctx, NOTIFY_STRING, 'pfadd', key);
  return 1;
}

/** PFADD key [element ...]: 1 when the key was created or a register grew, else 0. */
function pfadd(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const elements = args.slice(2);
  const value = ctx.db.lookup(key);
  if (value === undefined) return addThroughBytes(ctx, key, emptySparse(), elements, true);
  const checked = checkHll(value);
  if (checked instanceof ErrorReply) return checked;
  // A few elements on a dense value: patched into the string. Each patch costs the next read a
  // 12 KB join, so a long batch goes through one copy of the bytes instead.
  if (checked.charCodeAt(4) !== HLL_DENSE || elements.length > DENSE_PATCH_MAX) {
    return addThroughBytes(ctx, key, toBytes(checked), elements, false);
  }
  const next = denseAddToString(checked, elements);
  if (next === null) return 0;
  ctx.db.set(key, next, true);
  notifyKey(ctx, NOTIFY_STRING, 'pfadd', key);
  return 1;
}

/** The union of the sources' registers (destkey included); whether one of them is dense. */
function unionOf(ctx: CommandContext, keys: string[]): { max: Uint8Array; dense: boolean } | ErrorReply {
  const max = new Uint8Array(HLL_REGISTERS);
  let dense = false;
  for (const key of keys) {
    const value = readKey(ctx, key);
    if (value === undefined) continue;
    const checked = checkHll(value);
    if (checked instanceof ErrorReply) return checked;
    const hll = toBytes(checked);
    if (encodingOf(hll) === HLL_DENSE) dense = true;
    if (!hllMaxInto(hll, max)) return ERR_CORRUPT_HLL;
  }
  return { max, dense };
}

/** PFCOUNT key [key ...]: one key answers its cached cardinality, refreshing the cache if stale. */
function pfcount(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 2) {
    // Several keys: the count of their union, computed on a copy (nothing is written).
    const union = unionOf(ctx, args.slice(1));
    return union instanceof ErrorReply ? union : rawCount(union.max);
  }
  const key = args[1]!;
  const value = readKey(ctx, key);
  if (value === undefined) return 0;
  const checked = checkHll(value);
  if (checked instanceof ErrorReply) return checked;
  const cached = cachedCardinality(checked);
  if (cached !== undefined) return cached;
  const card = hllCount(toBytes(checked));
  if (card === null) return ERR_CORRUPT_HLL;
  ctx.db.set(key, withCachedCardinality(checked, card), true);
  return card;
}

/**
 * PFMERGE destkey [sourcekey ...]: destkey gets the register-wise maximum. It turns dense when any
 * input is dense; otherwise registers are raised one by one in the sparse form, as Redis does (so
 * the bytes match). Always a write, even when nothing changed.
 */
function pfmerge(ctx: CommandContext, args: string[]): Reply {
  const union = unionOf(ctx, args.slice(1));
  if (union instanceof ErrorReply) return union;
  const dest = args[1]!;
  const current = ctx.db.lookup(dest);
  // Already checked as an HLL by the union above.
  const hll = current === undefined ? emptySparse() : toBytes(current as string);
  if (union.dense && !hllToDense(hll)) return ERR_CORRUPT_HLL;
  const maxBytes = sparseMaxBytes(ctx);
  for (let i = 0; i < HLL_REGISTERS; i++) {
    if (union.max[i]! !== 0) hllRaise(hll, i, union.max[i]!, maxBytes);
  }
  invalidateCache(hll.bytes);
  ctx.db.set(dest, toValue(hll), true);
  // Redis pfmergeCommand raises `pfadd` on the destination, changed or not.
  notifyKey(ctx, NOTIFY_STRING, 'pfadd', dest);
  return OK;
}

export const hyperLogLogCommands: CommandSpec[] = [
  command('pfadd', -2, ['write', 'denyoom', 'fast'], pfadd, KEY1),
  command('pfcount', -2, ['readonly'], pfcount, ALL_KEYS),
  command('pfmerge', -2, ['write', 'denyoom'], pfmerge, ALL_KEYS),
  ...pfdebugCommands,
];
