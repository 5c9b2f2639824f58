// Reads one value of any type Redis 7.0 writes or loads (doc 4.6-4.8): plain types, intsets,
// listpacks, ziplists, zipmaps, quicklists 1 and 2, streams (rdb-stream.ts). Module types cannot be
// skipped without parsing them, so they abort the load with an error naming the key and the type.

import type { Value } from '../keyspace/values.js';
import type { StreamValue } from '../keyspace/stream.js';
import { decodeIntset } from './intset.js';
import { decodeListpack } from './listpack.js';
import { readStream } from './rdb-stream.js';
import type { RdbCursor } from './rdb-cursor.js';
import { QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN, RdbError, TYPE, TYPE_NAMES } from './rdb-format.js';
import { buildHash, buildList, buildSet, buildZset, buildZsetFromFlat } from './value-build.js';
import { decodeZiplist } from './ziplist.js';
import { decodeZipmap } from './zipmap.js';

/** True for the type bytes readValue understands. */
export function isSupportedType(type: number): boolean {
  return (type >= 0 && type <= 5) || (type >= 9 && type <= 19);
}

/** Reads the value of `key`; undefined when it is an empty collection (Redis skips those too). */
export function readValue(cur: RdbCursor, type: number, key: string): Value | undefined {
  // Streams may be empty (XGROUP CREATE ... MKSTREAM, XDEL of every entry): Redis keeps them.
  if (type === TYPE.STREAM_LISTPACKS || type === TYPE.STREAM_LISTPACKS_2) return readStream(cur, type, key);
  const value = readTyped(cur, type, key);
  if (typeof value !== 'string' && sizeOfLoaded(value as Exclude<Value, string | StreamValue>) === 0) return undefined;
  return value;
}

function sizeOfLoaded(value: Exclude<Value, string | StreamValue>): number {
  return 'length' in value ? value.length : value.size;
}

function readTyped(cur: RdbCursor, type: number, key: string): Value {
  switch (type) {
    case TYPE.STRING:
      return cur.string();
    case TYPE.LIST:
      return buildList(readStrings(cur, cur.length()));
    case TYPE.SET:
      return buildSet(readStrings(cur, cur.length()), key);
    case TYPE.HASH:
      return buildHash(readStrings(cur, cur.length() * 2), key);
    case TYPE.ZSET:
    case TYPE.ZSET_2:
      return readZset(cur, type, key);
    case TYPE.HASH_ZIPMAP:
      return buildHash(decodeZipmap(cur.stringBytes()).flat(), key);
    case TYPE.LIST_ZIPLIST:
      return buildList(blob(cur, key, decodeZiplist));
    case TYPE.SET_INTSET:
      return buildSet(blob(cur, key, decodeIntset), key);
    case TYPE.ZSET_ZIPLIST:
      return buildZsetFromFlat(blob(cur, key, decodeZiplist), key);
    case TYPE.HASH_ZIPLIST:
      return buildHash(blob(cur, key, decodeZiplist), key);
    case TYPE.LIST_QUICKLIST:
      return buildList(readQuicklist(cur, key, false));
    case TYPE.HASH_LISTPACK:
      return buildHash(blob(cur, key, decodeListpack), key);
    case TYPE.ZSET_LISTPACK:
      return buildZsetFromFlat(blob(cur, key, decodeListpack), key);
    case TYPE.LIST_QUICKLIST_2:
      return buildList(readQuicklist(cur, key, true));
    default:
      throw unsupportedType(type, key);
  }
}

export function unsupportedType(type: number, key: string): RdbError {
  const name = TYPE_NAMES[type];
  const what = name === undefined ? `unknown value type ${type}` : `value type ${type} (${name})`;
  const hint =
    name === 'stream (RDB 11)'
      ? ': the Redis 7.2 stream format is not supported by clusterctl-node'
      : name === 'module'
        ? ': modules are not supported by clusterctl-node'
        : '';
  return new RdbError(`key '${printable(key)}' has ${what}${hint}`);
}

/** Keys in messages: printable ASCII kept, other bytes as \xNN, long keys cut. */
export function printable(key: string): string {
  const cut = key.length > 64 ? `${key.slice(0, 64)}...` : key;
  return cut.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function readStrings(cur: RdbCursor, count: number): string[] {
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = cur.string();
  return out;
}

function readZset(cur: RdbCursor, type: number, key: string): Value {
  const count = cur.length();
  const members: string[] = new Array(count);
  const scores: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    members[i] = cur.string();
    scores[i] = type === TYPE.ZSET_2 ? cur.doubleLE() : cur.textDouble();
  }
  return buildZset(members, scores, key);
}

/** A string holding an encoded blob (listpack, ziplist, intset), decoded with the key in errors. */
function blob(cur: RdbCursor, key: string, decode: (data: Buffer) => string[]): string[] {
  const at = cur.pos;
  const data = cur.stringBytes();
  try {
    return decode(data);
  } catch (error) {
    if (error instanceof RdbError) throw new RdbError(`key '${printable(key)}': ${error.message}`, at);
    throw error;
  }
}

/** Quicklist 1: nodes are ziplists. Quicklist 2: each node has a container (PLAIN / PACKED). */
function readQuicklist(cur: RdbCursor, key: string, v2: boolean): string[] {
  const nodes = cur.length();
  const items: string[] = [];
  for (let i = 0; i < nodes; i++) {
    const container = v2 ? cur.length() : QUICKLIST_NODE_PACKED;
    if (container === QUICKLIST_NODE_PLAIN) {
      items.push(cur.string());
      continue;
    }
    if (container !== QUICKLIST_NODE_PACKED) cur.fail(`key '${printable(key)}': bad quicklist container ${container}`);
    const decoded = blob(cur, key, v2 ? decodeListpack : decodeZiplist);
    for (const item of decoded) items.push(item);
  }
  return items;
}
