// XINFO STREAM's radix-tree-nodes: how many nodes Redis's rax holds for the stream's node keys
// (16-byte big-endian master IDs). rax keeps a compressed trie: a branching point is one node, a
// run of single-child bytes one compressed node, each key ends in a leaf; an empty tree is its
// root alone. Checked against redis-server 7.0 over random inserts and deletions.

import { encodeId, type StreamId } from './stream-id.js';

const KEY_BYTES = 16;

export function raxNodeCount(masters: readonly StreamId[]): number {
  if (masters.length === 0) return 1;
  return countFrom(masters.map(encodeId), 0);
}

/** Nodes under a point where all `keys` (sorted) share their first `depth` bytes. */
function countFrom(keys: Buffer[], depth: number): number {
  if (depth === KEY_BYTES) return 1;
  const first = keys[0]!;
  const last = keys[keys.length - 1]!;
  let shared = 0;
  while (depth + shared < KEY_BYTES && first[depth + shared] === last[depth + shared]) shared++;
  if (shared === 0) return branch(keys, depth);
  // A compressed node for the shared run, then a leaf or a branching node.
  return 1 + (depth + shared === KEY_BYTES ? 1 : branch(keys, depth + shared));
}

function branch(keys: Buffer[], depth: number): number {
  let nodes = 1;
  let i = 0;
  while (i < keys.length) {
    let j = i + 1;
    while (j < keys.length && keys[j]![depth] === keys[i]![depth]) j++;
    nodes += countFrom(keys.slice(i, j), depth + 1);
    i = j;
  }
  return nodes;
}
