// Stream trimming as Redis 7.0 streamTrim does it, node by node from the head: a whole node goes
// when the strategy allows (MAXLEN: the rest still holds maxlen entries; MINID: its last entry,
// tombstone or not, is below the ID). Approximate trimming (`~`) stops at the first node it cannot
// drop whole; exact trimming then flags entries of that node deleted, as Redis does (it never
// rewrites a listpack). Because our nodes hold the same entries as Redis's listpacks, the count
// trimmed is the same as redis-server's for the same history and node limits.

import { compareIds, ZERO_ID, type StreamId } from './stream-id.js';
import type { StreamNode } from './stream-node.js';
import type { StreamValue } from './stream.js';

export type TrimRule = { strategy: 'maxlen'; maxlen: number } | { strategy: 'minid'; minid: StreamId };

export interface TrimOptions {
  approx: boolean;
  /** Most entries to remove, 0 for no limit (LIMIT, or 100 * stream-node-max-entries for `~`). */
  limit: number;
}

/**
 * Trims the stream; returns how many entries were removed (and updates its first ID). With
 * `dryRun` nothing changes and the count is what a real trim would remove: callers use it to
 * announce a change (WATCH, snapshots) only when there will be one.
 */
export function trimStream(stream: StreamValue, rule: TrimRule, options: TrimOptions, dryRun = false): number {
  let length = stream.length;
  let deleted = 0;
  let dropped = 0;
  for (; dropped < stream.nodes.length; dropped++) {
    if (rule.strategy === 'maxlen' && length <= rule.maxlen) break;
    const node = stream.nodes[dropped]!;
    const entries = node.live;
    if (options.limit && deleted + entries > options.limit) break;
    const whole = rule.strategy === 'maxlen' ? length - entries >= rule.maxlen : compareIds(node.id(node.entryCount - 1), rule.minid) < 0;
    if (whole) {
      length -= entries;
      deleted += entries;
      continue;
    }
    if (!options.approx) deleted += flagEntries(node, rule, length, dryRun);
    break;
  }
  if (dryRun) return deleted;
  if (dropped > 0) stream.nodes.splice(0, dropped);
  stream.length -= deleted;
  if (stream.length === 0) stream.firstId = ZERO_ID;
  else if (deleted > 0) stream.firstId = stream.edgeId(true, true);
  return deleted;
}

/** Flags entries of the head node deleted until the rule is met; returns how many it flagged. */
function flagEntries(node: StreamNode, rule: TrimRule, length: number, dryRun: boolean): number {
  let flagged = 0;
  for (let i = 0; i < node.entryCount; i++) {
    const stop = rule.strategy === 'maxlen' ? length - flagged <= rule.maxlen : compareIds(node.id(i), rule.minid) >= 0;
    if (stop) break;
    if (node.isDeleted(i)) continue;
    if (!dryRun) node.markDeleted(i);
    flagged++;
  }
  return flagged;
}
