// Rebuilds a stream node from the elements of a listpack read from an RDB file or a DUMP payload,
// checking the layout as Redis 7.0's streamValidateListpackIntegrity does (master entry, each
// entry's field count and lp-count) and that the live count matches the entries' flags.

import { FLAG_SAMEFIELDS, StreamNode } from './stream-node.js';
import type { StreamId } from './stream-id.js';
import type { LpItem } from './stream-listpack.js';

const INTEGER = /^(?:0|-?[1-9][0-9]*)$/;

/** An integer element (a decoder may hand integers over as their decimal text). */
function integerAt(items: readonly LpItem[], at: number): number | bigint {
  const item = items[at];
  if (item === undefined) throw new Error('stream listpack ends early');
  if (typeof item !== 'string') return item;
  if (!INTEGER.test(item)) throw new Error(`stream listpack element ${at} is not an integer`);
  const value = BigInt.asIntN(64, BigInt(item));
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
}

function countAt(items: readonly LpItem[], at: number): number {
  const value = integerAt(items, at);
  if (typeof value === 'bigint' || value < 0 || value > 0xffffffff) throw new Error(`stream listpack element ${at} is out of range`);
  return value;
}

/** A node from its listpack's elements; throws an Error saying what is wrong. */
export function nodeFromListpack(master: StreamId, items: readonly LpItem[]): StreamNode {
  const live = countAt(items, 0);
  const deleted = countAt(items, 1);
  const masterCount = countAt(items, 2);
  if (3 + masterCount >= items.length) throw new Error('bad stream master entry');
  const node = new StreamNode(master, items.slice(3, 3 + masterCount).map(String));
  if (integerAt(items, 3 + masterCount) !== 0) throw new Error('stream master entry is not zero-terminated');
  let at = 4 + masterCount;
  for (let n = 0; n < live + deleted; n++) at = readEntry(node, items, at, masterCount);
  if (at !== items.length) throw new Error('stream listpack has elements past its entries');
  let seenLive = 0;
  for (let i = 0; i < node.entryCount; i++) if (!node.isDeleted(i)) seenLive++;
  if (seenLive !== live) throw new Error('stream listpack live count does not match its entries');
  node.live = live;
  node.deleted = deleted;
  node.shrinkToFit();
  return node;
}

/** Copies one entry's elements into the node, checking its lp-count; returns the next index. */
function readEntry(node: StreamNode, items: readonly LpItem[], at: number, masterCount: number): number {
  const flags = countAt(items, at);
  if (flags > 3) throw new Error(`bad stream entry flags ${flags}`);
  const entry: LpItem[] = [flags, integerAt(items, at + 1), integerAt(items, at + 2)];
  let length = 3 + masterCount;
  if (!(flags & FLAG_SAMEFIELDS)) {
    const fields = countAt(items, at + 3);
    entry.push(fields);
    length = 4 + fields * 2;
  }
  if (at + length >= items.length) throw new Error('stream entry runs past the listpack');
  for (let i = entry.length; i < length; i++) entry.push(String(items[at + i]));
  if (integerAt(items, at + length) !== length) throw new Error('stream entry lp-count mismatch');
  entry.push(length);
  node.restoreEntry(entry);
  return at + length + 1;
}
