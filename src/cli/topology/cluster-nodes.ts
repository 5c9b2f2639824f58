// The keys a node may carry under mode: cluster — `shard`, `slots`, `bus-port`, `engine` — read and
// checked one by one (the shard layout as a whole is checked in cluster-shards.ts). Slot ranges are
// written as CLUSTER NODES prints them: `0-5460`, `5461`, or a list of those.

import { isScalar, isSeq, type Node } from 'yaml';
import { HASH_SLOTS, type SlotSpan } from '../../shared/slot-split.js';
import type { Entry, Reader } from './reader.js';
import type { Engine } from './types.js';

export const CLUSTER_NODE_KEYS = ['shard', 'slots', 'bus-port', 'engine'] as const;

export interface RawClusterNode {
  shard: number | null;
  slots: SlotSpan[] | null;
  busPort: number | null;
  engine: Engine | null;
  at: { shard?: Node; slots?: Node; busPort?: Node };
}

/** Reads one of CLUSTER_NODE_KEYS into `node.cluster`; reports it when the topology is not a cluster. */
export function readClusterNodeKey(reader: Reader, field: Entry, node: { cluster?: RawClusterNode }): void {
  const cluster = node.cluster;
  if (!cluster) {
    reader.report(field.keyNode, field.path, `"${field.key}" applies to Redis Cluster nodes only`, 'Add mode: cluster at the top of the file, or remove it.');
    return;
  }
  if (field.key === 'shard') {
    cluster.shard = reader.integer(field, 1, HASH_SLOTS, 'a shard number (1, 2, ...)') ?? null;
    if (field.value) cluster.at.shard = field.value;
  } else if (field.key === 'bus-port') {
    cluster.busPort = reader.integer(field, 1, 65535, 'a port number') ?? null;
    if (field.value) cluster.at.busPort = field.value;
  } else if (field.key === 'engine') {
    const value = reader.string(field);
    if (value === 'builtin' || value === 'redis') cluster.engine = value;
    else if (value !== undefined) reader.report(field.value, field.path, `unknown engine "${value}"`, 'Use builtin (clusterctl-node) or redis (redis-server).');
  } else {
    cluster.slots = readSlots(reader, field) ?? null;
    if (field.value) cluster.at.slots = field.value;
  }
}

/** `slots: 0-5460`, `slots: 7`, or `slots: [0-100, 200-300]`; undefined after reporting. */
function readSlots(reader: Reader, field: Entry): SlotSpan[] | undefined {
  const items = isSeq(field.value) ? (field.value.items as Node[]) : [field.value];
  const spans: SlotSpan[] = [];
  for (const item of items) {
    const text = isScalar(item) && item.value !== null ? String(item.value).trim() : '';
    const span = parseSlotSpan(text);
    if (typeof span === 'string') {
      reader.report(item ?? field.keyNode, field.path, span, 'Write a range as CLUSTER NODES does, e.g. slots: 0-5460 (or a list: [0-100, 200-300]).');
      return undefined;
    }
    spans.push(span);
  }
  return spans;
}

/** `a-b` or `a` as an inclusive slot range, or the reason it is not one. */
export function parseSlotSpan(text: string): SlotSpan | string {
  const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(text);
  if (!match) return `"${text}" is not a slot range`;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start >= HASH_SLOTS || end >= HASH_SLOTS) return `slot range ${text} goes past slot ${HASH_SLOTS - 1}`;
  if (end < start) return `slot range ${text} ends before it starts`;
  return { start, end };
}
