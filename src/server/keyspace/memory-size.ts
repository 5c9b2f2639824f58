// MEMORY USAGE's figure (object.c objectComputeSize), also what our used_memory adds up per key
// (memory-accounting.ts): the bytes redis-server 7.0 would hold for a key and its value in the
// encoding OBJECT ENCODING reports, from the value's real content: Redis's struct sizes, listpack
// and intset byte counts, sds headers, and jemalloc's size classes (what zmalloc_size answers).
// Collections are sampled as Redis samples them: the first `samples` elements (or nodes), their
// average times the count. Where Redis's shape depends on history we do not keep (skiplist node
// levels, dict sizes after deletes, stream radix nodes) the estimate takes the typical case.

import type { Config } from '../config/config.js';
import { parseInt64 } from '../base/args.js';
import { ListValue } from './list.js';
import { SortedSet } from './sorted-set.js';
import { StreamValue } from './stream.js';
import { LP_EMPTY_SIZE, lpItemSize } from './stream-listpack.js';
import type { Value } from './values.js';
import { EMBSTR_SIZE_LIMIT, encodingOf } from './encoding.js';
import { packQuicklist } from './quicklist-packing.js';

/** sizeof() of the Redis structures on x86_64 that objectComputeSize adds up. */
const ROBJ = 16;
const DICT_ENTRY = 24;
const DICT = 56;
const QUICKLIST = 40;
const QUICKLIST_NODE = 40;
const ZSET = 16;
const ZSKIPLIST = 32;
const STREAM = 80;
const RAX = 24;
/** A skiplist node with one level (the usual one): ele, score, backward, one forward+span. */
const ZSKIPLIST_NODE_ONE_LEVEL = 40;
/** The skiplist header node has all 32 levels. */
const ZSKIPLIST_HEADER = 24 + 16 * 32;

/** jemalloc's size class for `n` bytes (16-byte quantum: 8, 16, 32, 48, ... four per doubling). */
export function allocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const group = 2 ** (Math.ceil(Math.log2(n)) - 1);
  const step = group / 4;
  return Math.ceil(n / step) * step;
}

/** An sds string as sdsnewlen allocates it: the smallest header type for its length. */
export function sdsSize(length: number): number {
  const header = length < 32 ? 1 : length < 256 ? 3 : length < 65536 ? 5 : 9;
  return allocSize(header + length + 1);
}

/** A dict's bucket count after `used` insertions (4, then the power of two at or above `used`). */
function dictSlots(used: number): number {
  return used <= 4 ? 4 : 2 ** Math.ceil(Math.log2(used));
}

/** The average of `cost` over the first `samples` items, times `count` (Redis's sampling). */
function sampled<T>(items: Iterable<T>, count: number, samples: number, cost: (item: T) => number): number {
  if (count === 0) return 0;
  let total = 0;
  let seen = 0;
  for (const item of items) {
    if (seen >= samples) break;
    total += cost(item);
    seen++;
  }
  return seen === 0 ? 0 : (total / seen) * count;
}

function listpackBytes(items: Iterable<string>): number {
  let bytes = LP_EMPTY_SIZE;
  for (const item of items) bytes += lpItemSize(item);
  return bytes;
}

/** keyUsage of a string value, without the generic encoding lookup (the write path's common case). */
export function stringKeyUsage(key: string, value: string): number {
  return stringUsage(value) + sdsSize(key.length) + DICT_ENTRY;
}

/** A string robj: a shared-free int (the robj only), embstr (robj and sds in one block) or raw. */
function stringUsage(value: string): number {
  // Only a digit or '-' can start an integer: most values skip the parse.
  const c = value.charCodeAt(0);
  if (((c >= 48 && c <= 57) || c === 45) && parseInt64(value) !== null) return ROBJ;
  if (value.length <= EMBSTR_SIZE_LIMIT) return allocSize(ROBJ + 3 + value.length + 1);
  return ROBJ + sdsSize(value.length);
}

export function keyUsage(key: string, value: Value, samples: number, config: Config): number {
  return Math.floor(valueUsage(value, samples, config)) + sdsSize(key.length) + DICT_ENTRY;
}

function valueUsage(value: Value, samples: number, config: Config): number {
  if (typeof value === 'string') return stringUsage(value);
  const encoding = encodingOf(value, config);
  if (value instanceof ListValue) return ROBJ + QUICKLIST + quicklistNodes(value, samples, config);
  if (value instanceof Map) {
    if (encoding === 'listpack') return ROBJ + allocSize(listpackBytes([...value].flat()));
    const perEntry = ([field, v]: [string, string]) => DICT_ENTRY + sdsSize(field.length) + sdsSize(v.length);
    return ROBJ + DICT + 8 * dictSlots(value.size) + sampled(value, value.size, samples, perEntry);
  }
  if (value instanceof Set) {
    if (encoding === 'intset') return ROBJ + allocSize(8 + intsetWidth(value) * value.size);
    return ROBJ + DICT + 8 * dictSlots(value.size) + sampled(value, value.size, samples, (m) => DICT_ENTRY + sdsSize(m.length));
  }
  if (value instanceof SortedSet) return sortedSetUsage(value, encoding, samples);
  if (value instanceof StreamValue) return streamUsage(value, samples, config);
  return ROBJ;
}

/** An intset's element width: 2, 4 or 8 bytes, the widest any member needs. */
function intsetWidth(set: Set<string>): number {
  let width = 2;
  for (const member of set) {
    const n = parseInt64(member)!;
    if (n < -2147483648n || n > 2147483647n) return 8;
    if (n < -32768n || n > 32767n) width = 4;
  }
  return width;
}

/**
 * The quicklist's nodes as Redis packs them (quicklist-packing.ts), the first `samples` nodes
 * measured and the rest extrapolated by entries per node.
 */
function quicklistNodes(list: ListValue, samples: number, config: Config): number {
  const { nodes, entries } = packQuicklist(list, config, samples);
  if (nodes.length === 0) return 0;
  let nodeCost = 0;
  for (const node of nodes) nodeCost += QUICKLIST_NODE + allocSize(node.bytes);
  const totalNodes = entries >= list.length ? nodes.length : Math.ceil(list.length / (entries / nodes.length));
  return (nodeCost / nodes.length) * totalNodes;
}

function sortedSetUsage(zset: SortedSet, encoding: string, samples: number): number {
  if (encoding === 'listpack') {
    let bytes = LP_EMPTY_SIZE;
    for (const [member, score] of zset.scores) bytes += lpItemSize(member) + lpItemSize(scoreText(score));
    return ROBJ + allocSize(bytes);
  }
  const fixed = ROBJ + ZSET + ZSKIPLIST + DICT + 8 * dictSlots(zset.size) + allocSize(ZSKIPLIST_HEADER);
  const perMember = (member: string) => sdsSize(member.length) + DICT_ENTRY + allocSize(ZSKIPLIST_NODE_ONE_LEVEL);
  return fixed + sampled(zset.scores.keys(), zset.size, samples, perMember);
}

/** A listpack holds a score as Redis's d2string writes it (%.17g); only its length matters here. */
export function scoreText(score: number): string {
  if (!Number.isFinite(score)) return score > 0 ? 'inf' : '-inf';
  if (Number.isInteger(score) && Math.abs(score) < 1e17) return String(score);
  const [mantissa, exponent] = score.toPrecision(17).split('e');
  const trimmed = mantissa!.includes('.') ? mantissa!.replace(/\.?0+$/, '') : mantissa!;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent[0]}${exponent.slice(1).padStart(2, '0')}`;
}

/**
 * A stream: its listpack nodes (Redis allocates a new node's listpack at stream-node-max-bytes,
 * so a node that is not full still holds that much), and for consumer groups their fixed parts.
 */
function streamUsage(stream: StreamValue, samples: number, config: Config): number {
  const prealloc = config.num('stream-node-max-bytes');
  const nodeSize = (bytes: number) => allocSize(Math.max(bytes, prealloc));
  const nodes = stream.nodes;
  let usage = ROBJ + STREAM + RAX;
  if (nodes.length > 0) {
    const measured = nodes.slice(0, Math.max(1, samples));
    const average = measured.reduce((sum, node) => sum + nodeSize(node.bytes), 0) / measured.length;
    usage += nodes.length <= measured.length ? average * nodes.length : average * (nodes.length - 1) + nodeSize(nodes[nodes.length - 1]!.bytes);
  }
  return usage;
}
