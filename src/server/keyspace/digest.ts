// DEBUG DIGEST / DIGEST-VALUE computed exactly as Redis 7.0 debug.c does (SHA1 mix and XOR), so the
// digest equals a real redis-server's for the same data, whatever the insertion or iteration order.

import { createHash } from 'node:crypto';
import { formatG17 } from '../../shared/resp/format-double.js';
import type { Db } from './db.js';
import { ListValue } from './list.js';
import { SortedSet } from './sorted-set.js';
import { StreamValue } from './stream.js';
import { MAX_ID, ZERO_ID } from './stream-id.js';
import type { Value } from './values.js';

type Digest = Buffer;

/** Redis object type codes (OBJ_STRING ...), hashed into every key's digest. */
function typeCode(value: Value): number {
  if (typeof value === 'string') return 0;
  if (value instanceof ListValue) return 1;
  if (value instanceof Set) return 2;
  if (value instanceof SortedSet) return 3;
  if (value instanceof StreamValue) return 6;
  return 4;
}

function sha1(data: Buffer): Buffer {
  return createHash('sha1').update(data).digest();
}

function bytes(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
}

/** digest ^= SHA1(data): order-independent accumulation (Redis xorDigest). */
function xorDigest(digest: Digest, data: string | Buffer): void {
  const hash = sha1(bytes(data));
  for (let i = 0; i < 20; i++) digest[i]! ^= hash[i]!;
}

/** digest = SHA1(digest ^ SHA1(data)): order-dependent accumulation (Redis mixDigest). */
function mixDigest(digest: Digest, data: string | Buffer): void {
  xorDigest(digest, data);
  sha1(digest).copy(digest);
}

function uint32BE(n: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(n);
  return buffer;
}

/** Redis xorObjectDigest: the value's type, content and whether it has an expiry. */
function objectDigest(digest: Digest, value: Value, hasExpire: boolean): void {
  mixDigest(digest, uint32BE(typeCode(value)));
  if (typeof value === 'string') {
    mixDigest(digest, value);
  } else if (value instanceof ListValue) {
    for (const item of value) mixDigest(digest, item);
  } else if (value instanceof Set) {
    for (const member of value) xorDigest(digest, member);
  } else if (value instanceof SortedSet) {
    for (const [member, score] of value.scores) {
      const element = Buffer.alloc(20);
      mixDigest(element, member);
      // Redis 7.0 prints the score with "%.17g" here.
      mixDigest(element, formatG17(score));
      xorDigest(digest, element);
    }
  } else if (value instanceof StreamValue) {
    streamDigest(digest, value);
  } else {
    for (const [field, fieldValue] of value) {
      const element = Buffer.alloc(20);
      mixDigest(element, field);
      mixDigest(element, fieldValue);
      xorDigest(digest, element);
    }
  }
  if (hasExpire) xorDigest(digest, '!!expire!!');
}

/** Redis 7.0 debug.c: each live entry in order, its ID as "<ms>.<seq>" then its fields and values. */
function streamDigest(digest: Digest, stream: StreamValue): void {
  for (const { node, index, id } of stream.range(ZERO_ID, MAX_ID)) {
    mixDigest(digest, `${id.ms}.${id.seq}`);
    for (const item of node.fieldsValues(index)) mixDigest(digest, item);
  }
}

/** DEBUG DIGEST: 40 hex chars, all zeros for an empty dataset. */
export function datasetDigest(dbs: readonly Db[]): string {
  const final = Buffer.alloc(20);
  for (const db of dbs) {
    if (db.data.size === 0) continue;
    mixDigest(final, uint32BE(db.id));
    for (const [key, value] of db.data) {
      const digest = Buffer.alloc(20);
      mixDigest(digest, key);
      objectDigest(digest, value, db.expires.has(key));
      xorDigest(final, digest);
    }
  }
  return final.toString('hex');
}

/** DEBUG DIGEST-VALUE for one key: its value's digest (no key name), zeros when missing. */
export function valueDigest(db: Db, key: string): string {
  const digest = Buffer.alloc(20);
  const value = db.data.get(key);
  if (value !== undefined) objectDigest(digest, value, db.expires.has(key));
  return digest.toString('hex');
}
