// rdbSavedObjectLen as redis-server 7.0 would answer it for a value (DEBUG OBJECT's
// serializedlength): the value's RDB body in the encoding Redis holds it in. Our RDB files write
// the plain types every Redis loads (rdb-writer.ts), but Redis 7.0 writes compact values as their
// blobs: a listpack hash or sorted set as one listpack string, an intset as its bytes, a list as
// quicklist nodes of listpacks (RDB_TYPE_LIST_QUICKLIST_2). The rest is the same either way.

import type { Config } from '../config/config.js';
import { encodingOf } from '../keyspace/encoding.js';
import { ListValue } from '../keyspace/list.js';
import { scoreText } from '../keyspace/memory-size.js';
import { packQuicklist } from '../keyspace/quicklist-packing.js';
import { SortedSet } from '../keyspace/sorted-set.js';
import { encodeListpack } from '../keyspace/stream-listpack.js';
import type { Value } from '../keyspace/values.js';
import { RdbEncoder, writeValueBody } from './rdb-writer.js';

/** QUICKLIST_NODE_CONTAINER_PACKED: a node stored as a listpack. */
const PACKED_NODE = 2;

export function savedObjectLength(value: Value, config: Config): number {
  const enc = new RdbEncoder(config.bool('rdbcompression'), 256);
  const blob = (bytes: Buffer) => enc.string(bytes.toString('latin1'));
  const encoding = encodingOf(value, config);
  if (value instanceof ListValue) {
    const { nodes } = packQuicklist(value, config);
    enc.length(nodes.length);
    const items = [...value];
    let at = 0;
    for (const node of nodes) {
      enc.length(PACKED_NODE);
      blob(encodeListpack(items.slice(at, (at += node.count))));
    }
  } else if (value instanceof Map && encoding === 'listpack') {
    blob(encodeListpack([...value].flat()));
  } else if (value instanceof SortedSet && encoding === 'listpack') {
    blob(encodeListpack([...value.scores].flatMap(([member, score]) => [member, scoreText(score)])));
  } else if (value instanceof Set && encoding === 'intset') {
    blob(intsetBytes(value));
  } else {
    writeValueBody(enc, value);
  }
  return enc.pending;
}

/** An intset's bytes (intset.c): encoding width and length as u32 LE, then the sorted members. */
function intsetBytes(set: Set<string>): Buffer {
  const members = [...set].map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const fits = (n: bigint, bits: number) => n >= -(1n << BigInt(bits - 1)) && n < 1n << BigInt(bits - 1);
  const width = members.every((n) => fits(n, 16)) ? 2 : members.every((n) => fits(n, 32)) ? 4 : 8;
  const out = Buffer.alloc(8 + width * members.length);
  out.writeUInt32LE(width, 0);
  out.writeUInt32LE(members.length, 4);
  members.forEach((n, i) => {
    if (width === 2) out.writeInt16LE(Number(n), 8 + 2 * i);
    else if (width === 4) out.writeInt32LE(Number(n), 8 + 4 * i);
    else out.writeBigInt64LE(n, 8 + 8 * i);
  });
  return out;
}
