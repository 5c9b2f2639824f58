// Streams in RDB files and DUMP payloads (Redis 7.0 rdb.c, type 19 RDB_TYPE_STREAM_LISTPACKS_2; type
// 15 from older versions is read too): the nodes as <16-byte master ID, listpack> pairs, then length,
// last ID, first ID, max deleted ID, entries added, then each consumer group with its last ID,
// entries-read, global PEL (ID, delivery time, delivery count) and consumers (name, seen time, the
// IDs they own). Counters are 64-bit, so lengths here are read and written as bigints.

import { Nack } from '../keyspace/stream-groups.js';
import { compareIds, decodeId, encodeId, type StreamId } from '../keyspace/stream-id.js';
import { estimateEntriesRead } from '../keyspace/stream-lag.js';
import { nodeFromListpack } from '../keyspace/stream-node-load.js';
import type { StreamNode } from '../keyspace/stream-node.js';
import { StreamValue } from '../keyspace/stream.js';
import { decodeListpack } from './listpack.js';
import type { RdbCursor } from './rdb-cursor.js';
import { RdbError, TYPE } from './rdb-format.js';
import type { RdbEncoder } from './rdb-writer.js';

// ---- writing --------------------------------------------------------------------------------

/** A 64-bit length (rdbSaveLen of a uint64): the 0x81 form past 32 bits. */
function writeLength(enc: RdbEncoder, value: bigint): void {
  const n = BigInt.asUintN(64, value);
  if (n <= 0xffffffffn) {
    enc.length(Number(n));
    return;
  }
  const raw = Buffer.alloc(9);
  raw[0] = 0x81;
  raw.writeBigUInt64BE(n, 1);
  enc.bytes(raw);
}

function writeId(enc: RdbEncoder, id: StreamId): void {
  writeLength(enc, id.ms);
  writeLength(enc, id.seq);
}

export function writeStream(enc: RdbEncoder, stream: StreamValue): void {
  enc.length(stream.nodes.length);
  for (const node of stream.nodes) {
    enc.string(encodeId(node.master).toString('latin1'));
    enc.string(node.listpack().toString('latin1'));
  }
  writeLength(enc, BigInt(stream.length));
  writeId(enc, stream.lastId);
  writeId(enc, stream.firstId);
  writeId(enc, stream.maxDeletedId);
  writeLength(enc, stream.entriesAdded);
  const groups = stream.sortedGroups();
  enc.length(groups.length);
  for (const [name, group] of groups) {
    enc.string(name);
    writeId(enc, group.lastId);
    writeLength(enc, group.entriesRead);
    enc.length(group.pel.size);
    for (const nack of group.pel.items) {
      enc.bytes(encodeId(nack.id));
      enc.int64(nack.deliveryTime);
      writeLength(enc, nack.deliveryCount);
    }
    const consumers = group.sortedConsumers();
    enc.length(consumers.length);
    for (const consumer of consumers) {
      enc.string(consumer.name);
      enc.int64(consumer.seenTime);
      enc.length(consumer.pel.size);
      for (const nack of consumer.pel.items) enc.bytes(encodeId(nack.id));
    }
  }
}

// ---- reading --------------------------------------------------------------------------------

/** rdbLoadLen as a uint64. */
function readLength(cur: RdbCursor): bigint {
  const first = cur.u8();
  const kind = first >> 6;
  if (kind === 0) return BigInt(first & 0x3f);
  if (kind === 1) return BigInt(((first & 0x3f) << 8) | cur.u8());
  if (first === 0x80) return BigInt(cur.raw(4).readUInt32BE(0));
  if (first === 0x81) return cur.raw(8).readBigUInt64BE(0);
  return cur.fail(`bad length byte 0x${first.toString(16)} in a stream`);
}

function readSmallLength(cur: RdbCursor): number {
  const value = readLength(cur);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) cur.fail(`stream count ${value} is too large`);
  return Number(value);
}

function readId(cur: RdbCursor): StreamId {
  const ms = readLength(cur);
  return { ms, seq: readLength(cur) };
}

export function readStream(cur: RdbCursor, type: number, key: string): StreamValue {
  const stream = new StreamValue();
  const fail = (why: string): never => cur.fail(`stream '${key}': ${why}`);
  readNodes(cur, stream, fail);
  stream.length = readSmallLength(cur);
  stream.lastId = readId(cur);
  if (type === TYPE.STREAM_LISTPACKS_2) {
    stream.firstId = readId(cur);
    stream.maxDeletedId = readId(cur);
    stream.entriesAdded = readLength(cur);
  } else {
    stream.entriesAdded = BigInt(stream.length);
    stream.firstId = stream.edgeId(true, true);
  }
  if (stream.length > 0 && stream.nodes.length === 0) fail('length inconsistent with its nodes');
  const groupCount = readSmallLength(cur);
  for (let g = 0; g < groupCount; g++) readGroup(cur, stream, type, fail);
  return stream;
}

function readNodes(cur: RdbCursor, stream: StreamValue, fail: (why: string) => never): void {
  const count = readSmallLength(cur);
  for (let n = 0; n < count; n++) {
    const nodeKey = cur.stringBytes();
    if (nodeKey.length !== 16) fail('node key is not the size of a stream ID');
    const blob = cur.stringBytes();
    let node: StreamNode;
    try {
      const items = decodeListpack(blob);
      if (items.length === 0) fail('empty listpack');
      node = nodeFromListpack(decodeId(nodeKey), items);
    } catch (error) {
      if (error instanceof RdbError) throw error;
      return fail(`listpack integrity check failed (${(error as Error).message})`);
    }
    stream.nodes.push(node);
  }
  stream.nodes.sort((a, b) => compareIds(a.master, b.master));
  for (let i = 1; i < stream.nodes.length; i++) {
    if (compareIds(stream.nodes[i - 1]!.master, stream.nodes[i]!.master) === 0) fail('listpack re-added with existing key');
  }
}

function readGroup(cur: RdbCursor, stream: StreamValue, type: number, fail: (why: string) => never): void {
  const name = cur.string();
  const lastId = readId(cur);
  const entriesRead =
    type === TYPE.STREAM_LISTPACKS_2 ? BigInt.asIntN(64, readLength(cur)) : (estimateEntriesRead(stream, lastId) ?? -1n);
  const group = stream.createGroup(name, lastId, entriesRead);
  if (group === null) return fail(`duplicated consumer group name '${name}'`);
  const pelSize = readSmallLength(cur);
  for (let i = 0; i < pelSize; i++) {
    const id = decodeId(cur.raw(16));
    const deliveryTime = cur.int64LE();
    const nack = new Nack(id, deliveryTime, readLength(cur), null);
    if (!group.pel.insert(nack)) fail('duplicated global PEL entry');
  }
  const consumers = readSmallLength(cur);
  for (let c = 0; c < consumers; c++) {
    const consumer = group.createConsumer(cur.string(), 0);
    if (consumer === null) return fail('duplicate stream consumer');
    consumer.seenTime = cur.int64LE();
    const owned = readSmallLength(cur);
    for (let i = 0; i < owned; i++) {
      const nack = group.pel.get(decodeId(cur.raw(16)));
      if (nack === undefined) return fail('consumer entry not found in the group PEL');
      nack.consumer = consumer;
      if (!consumer.pel.insert(nack)) fail('duplicated consumer PEL entry');
    }
  }
  if (group.pel.items.some((nack) => nack.consumer === null)) fail('group PEL entry without consumer');
}
