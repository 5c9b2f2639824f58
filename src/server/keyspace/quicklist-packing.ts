// How redis-server 7.0 packs a list's entries into quicklist nodes (quicklist.c
// _quicklistNodeAllowInsert with list-max-listpack-size: a negative fill is a byte limit of 4 KB ..
// 64 KB per node's listpack, a positive one an entry count). We keep lists as plain arrays, so
// MEMORY USAGE and DEBUG OBJECT (ql_nodes, ql_uncompressed_size) replay the packing to get the node
// shape Redis would have from the same entries pushed in order.

import type { Config } from '../config/config.js';
import type { ListValue } from './list.js';
import { LP_EMPTY_SIZE, lpItemSize } from './stream-listpack.js';

export interface QuicklistPacking {
  /** Each node packed, in order: its listpack's bytes (node->sz) and entry count. */
  nodes: { bytes: number; count: number }[];
  /** Entries walked (all of them unless stopped after `maxNodes`). */
  entries: number;
}

/** Packs the list's entries into nodes, stopping once `maxNodes` nodes are closed (sampling). */
export function packQuicklist(list: ListValue, config: Config, maxNodes = Infinity): QuicklistPacking {
  const fill = config.num('list-max-listpack-size');
  const maxBytes = fill < 0 ? 4096 * 2 ** (-fill - 1) : Infinity;
  const maxCount = fill > 0 ? fill : Infinity;
  const nodes: QuicklistPacking['nodes'] = [];
  let entries = 0;
  let bytes = LP_EMPTY_SIZE;
  let count = 0;
  for (const item of list) {
    const size = lpItemSize(item);
    if (count > 0 && (bytes + size > maxBytes || count + 1 > maxCount)) {
      nodes.push({ bytes, count });
      bytes = LP_EMPTY_SIZE;
      count = 0;
      if (nodes.length >= maxNodes) return { nodes, entries };
    }
    bytes += size;
    count++;
    entries++;
  }
  if (count > 0) nodes.push({ bytes, count });
  return { nodes, entries };
}
