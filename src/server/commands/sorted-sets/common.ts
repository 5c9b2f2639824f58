// Shared pieces of the sorted-set commands: typed key lookup (read path counts keyspace hits, as
// lookupKeyRead), the reply shape of member/score lists, and lazy "about to change" marking.

import { DoubleReply, ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { SortedSet, type ZNode } from '../../keyspace/sorted-set.js';
import { ERR_WRONGTYPE } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import type { CommandContext } from '../../base/command-spec.js';
import { NOTIFY_ZSET } from '../../keyspace/keyspace-events.js';
import { storeOrDelete } from '../../base/store-result.js';

/** Looks up a sorted set: undefined when missing, WRONGTYPE for another type. */
export function getZset(ctx: CommandContext, key: string, forWrite = false): SortedSet | undefined | ErrorReply {
  const value = forWrite ? ctx.db.lookup(key) : readKey(ctx, key);
  if (value === undefined) return undefined;
  return value instanceof SortedSet ? value : ERR_WRONGTYPE;
}

/**
 * Member/score pairs as Redis's zrange result handler emits them: members only, or with scores
 * flat (RESP2) or as [member, score] pairs (RESP3).
 */
export function pairsReply(ctx: CommandContext, pairs: [string, number][], withScores: boolean): Reply[] {
  const out: Reply[] = [];
  if (!withScores) {
    for (const [member] of pairs) out.push(member);
  } else if (ctx.client.proto === 3) {
    for (const [member, score] of pairs) out.push([member, new DoubleReply(score)]);
  } else {
    for (const [member, score] of pairs) out.push(member, new DoubleReply(score));
  }
  return out;
}

/** Walks `count` nodes (all when negative) from `start`, forwards or backwards. */
export function collect(start: ZNode | null, count: number, reverse: boolean, keep: (node: ZNode) => boolean = () => true) {
  const pairs: [string, number][] = [];
  for (let node = start; node && count !== 0 && keep(node); node = reverse ? node.prev : node.next) {
    pairs.push([node.member, node.score]);
    count--;
  }
  return pairs;
}

/** Calls db.willModify once, right before the first real change (a no-op must not count). */
export function modifier(ctx: CommandContext, key: string): () => void {
  let marked = false;
  return () => {
    if (marked) return;
    marked = true;
    ctx.db.willModify(key);
  };
}

/**
 * Stores a computed sorted set at `key` the way the *STORE commands do (setKey or dbDelete): an
 * empty result deletes the destination. Returns the stored size.
 */
export function storeZset(ctx: CommandContext, key: string, result: SortedSet, event: string): number {
  storeOrDelete(ctx, key, result.size === 0 ? null : result, NOTIFY_ZSET, event);
  return result.size;
}
