// An AOF base in command form, for `aof-use-rdb-preamble no` (Redis aof.c rewriteAppendOnlyFileRio):
// a `#TS:` line under aof-timestamp-enabled, FUNCTION LOAD per library, then per db a SELECT and
// per key the commands that rebuild it: SET, RPUSH / SADD / ZADD / HMSET with at most 64 items
// each (AOF_REWRITE_ITEMS_PER_CMD), a stream as XADD per entry + XSETID + XGROUP CREATE +
// XCLAIM ... JUSTID FORCE per pending entry (XGROUP CREATECONSUMER for a consumer without any),
// and PEXPIREAT after a key with a TTL. Used by the sliced snapshot (rewrite) and at start.

import { encodeCommand } from '../../../shared/resp/encoder.js';
import { formatG17 } from '../../../shared/resp/format-double.js';
import { ListValue } from '../../keyspace/list.js';
import { StreamValue } from '../../keyspace/stream.js';
import { formatId, MAX_ID, ZERO_ID } from '../../keyspace/stream-id.js';
import type { Value } from '../../keyspace/values.js';
import type { Server } from '../../server.js';
import { clock } from '../../base/clock.js';
import { libraryCodes } from '../../scripting/function-dump.js';
import type { SnapshotWriter } from '../snapshot.js';
import { zsetEntries } from '../value-build.js';

/** AOF_REWRITE_ITEMS_PER_CMD */
const ITEMS_PER_CMD = 64;

export class AofFormatWriter implements SnapshotWriter {
  private parts: string[] = [];
  private size = 0;

  /** `timestampSec`: the `#TS:` line to start with (aof-timestamp-enabled), or undefined. */
  constructor(
    private readonly libraries: readonly string[],
    private readonly timestampSec: number | undefined,
  ) {}

  get pending(): number {
    return this.size;
  }

  start(): void {
    if (this.timestampSec !== undefined) this.push(`#TS:${this.timestampSec}\r\n`);
    for (const code of this.libraries) this.command(['FUNCTION', 'LOAD', code]);
  }

  selectDb(db: number): void {
    this.command(['SELECT', String(db)]);
  }

  keyValue(key: string, value: Value, expireMs: number | undefined): void {
    if (typeof value === 'string') this.command(['SET', key, value]);
    else if (value instanceof ListValue) this.batched('RPUSH', key, value, (item, out) => out.push(item));
    else if (value instanceof Set) this.batched('SADD', key, value, (member, out) => out.push(member));
    else if (value instanceof Map) this.batched('HMSET', key, value, ([field, v], out) => out.push(field, v));
    else if (value instanceof StreamValue) this.stream(key, value);
    else this.batched('ZADD', key, zsetEntries(value), ([member, score], out) => out.push(formatG17(score), member));
    if (expireMs !== undefined) this.command(['PEXPIREAT', key, String(expireMs)]);
  }

  take(): Buffer {
    const out = Buffer.from(this.parts.length === 1 ? this.parts[0]! : this.parts.join(''), 'latin1');
    this.parts = [];
    this.size = 0;
    return out;
  }

  /** Nothing closes an AOF. */
  finish(): Buffer {
    return this.take();
  }

  private push(text: string): void {
    this.parts.push(text);
    this.size += text.length;
  }

  private command(args: string[]): void {
    this.push(encodeCommand(args));
  }

  /** One command per 64 items: `name key item...` (rewriteListObject and friends). */
  private batched<T>(name: string, key: string, items: Iterable<T>, add: (item: T, out: string[]) => void): void {
    let args: string[] = [name, key];
    let count = 0;
    for (const item of items) {
      add(item, args);
      if (++count === ITEMS_PER_CMD) {
        this.command(args);
        args = [name, key];
        count = 0;
      }
    }
    if (count > 0) this.command(args);
  }

  /** rewriteStreamObject */
  private stream(key: string, stream: StreamValue): void {
    if (stream.length > 0) {
      for (const { node, index, id } of stream.range(ZERO_ID, MAX_ID)) {
        this.command(['XADD', key, formatId(id), ...node.fieldsValues(index)]);
      }
    } else {
      // An empty stream: Redis's XADD MAXLEN 0 trick creates the key without entries.
      this.command(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']);
    }
    this.command([
      'XSETID',
      key,
      formatId(stream.lastId),
      'ENTRIESADDED',
      String(stream.entriesAdded),
      'MAXDELETEDID',
      formatId(stream.maxDeletedId),
    ]);
    for (const [name, group] of stream.sortedGroups()) {
      this.command(['XGROUP', 'CREATE', key, name, formatId(group.lastId), 'ENTRIESREAD', String(group.entriesRead)]);
      for (const consumer of group.sortedConsumers()) {
        if (consumer.pel.size === 0) {
          this.command(['XGROUP', 'CREATECONSUMER', key, name, consumer.name]);
          continue;
        }
        for (const nack of consumer.pel.items) {
          this.command([
            'XCLAIM',
            key,
            name,
            consumer.name,
            '0',
            formatId(nack.id),
            'TIME',
            String(nack.deliveryTime),
            'RETRYCOUNT',
            String(nack.deliveryCount),
            'JUSTID',
            'FORCE',
          ]);
        }
      }
    }
  }
}

/** The writer for this server now: its libraries, and a `#TS:` line if aof-timestamp-enabled. */
export function aofFormatWriter(server: Server): AofFormatWriter {
  const ts = server.config.bool('aof-timestamp-enabled') ? Math.floor(clock.now() / 1000) : undefined;
  return new AofFormatWriter(libraryCodes(server), ts);
}

/** The whole dataset as an AOF base in one go (rewriteAppendOnlyFile at start: nothing changes meanwhile). */
export function writeAofFormatSync(server: Server, sink: (chunk: Buffer) => void): void {
  const writer = aofFormatWriter(server);
  writer.start();
  for (const db of server.dbs) {
    if (db.data.size === 0) continue;
    writer.selectDb(db.id);
    for (const [key, value] of db.data) {
      writer.keyValue(key, value, db.expires.get(key));
      if (writer.pending >= 1024 * 1024) sink(writer.take());
    }
  }
  sink(writer.finish());
}
