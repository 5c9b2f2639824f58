// XRANGE, XREVRANGE, XLEN and XDEL (Redis 7.0 t_stream.c). Ranges take `-`, `+`, `<ms>` (its first
// or last sequence) and `(` for exclusive bounds; COUNT 0 answers a null array, as Redis does.
// XDEL keeps the max deleted ID and the recorded first ID that 7.0's lag reporting relies on.

import { ErrorReply, NULL_ARRAY, type Reply } from '../../../shared/resp/reply.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { is, parseInt64 } from '../../base/args.js';
import type { CommandContext } from '../../base/command-spec.js';
import { compareIds, ZERO_ID, type StreamId } from '../../keyspace/stream-id.js';
import { entryRefReply, readStream, writeStream } from './common.js';
import { rangeEnd, rangeStart, strictId } from './ids.js';
import { notifyKey, NOTIFY_STREAM } from '../../keyspace/keyspace-events.js';

/** XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n]. */
function rangeCommand(rev: boolean) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const start = rangeStart(rev ? args[3]! : args[2]!);
    if (start instanceof ErrorReply) return start;
    const end = rangeEnd(rev ? args[2]! : args[3]!);
    if (end instanceof ErrorReply) return end;
    let count = -1;
    for (let j = 4; j < args.length; j++) {
      if (!is(args[j], 'COUNT') || j + 1 >= args.length) return ERR_SYNTAX;
      const parsed = parseInt64(args[++j]!);
      if (parsed === null) return ERR_NOT_INTEGER;
      count = parsed < 0n ? 0 : Number(parsed);
    }
    const stream = readStream(ctx, args[1]!);
    if (stream === undefined) return [];
    if (stream instanceof ErrorReply) return stream;
    if (count === 0) return NULL_ARRAY;
    const out: Reply[] = [];
    for (const entry of stream.range(start, end, rev)) {
      out.push(entryRefReply(entry));
      if (out.length === count) break;
    }
    return out;
  };
}

export const xrange = rangeCommand(false);
export const xrevrange = rangeCommand(true);

export function xlen(ctx: CommandContext, args: string[]): Reply {
  const stream = readStream(ctx, args[1]!);
  if (stream === undefined) return 0;
  if (stream instanceof ErrorReply) return stream;
  return stream.length;
}

/** XDEL key id [id ...]: every ID is checked before any is deleted. */
export function xdel(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const stream = writeStream(ctx, key);
  if (stream === undefined) return 0;
  if (stream instanceof ErrorReply) return stream;
  const ids: StreamId[] = [];
  for (let j = 2; j < args.length; j++) {
    const id = strictId(args[j]!);
    if (id instanceof ErrorReply) return id;
    ids.push(id);
  }
  if (!ids.some((id) => stream.find(id) !== undefined)) return 0;
  ctx.db.willModify(key);
  let deleted = 0;
  let firstDeleted = false;
  for (const id of ids) {
    if (!stream.deleteEntry(id)) continue;
    if (compareIds(id, stream.firstId) === 0) firstDeleted = true;
    if (compareIds(id, stream.maxDeletedId) > 0) stream.maxDeletedId = id;
    deleted++;
  }
  if (stream.length === 0) stream.firstId = ZERO_ID;
  else if (firstDeleted) stream.firstId = stream.edgeId(true, true);
  notifyKey(ctx, NOTIFY_STREAM, 'xdel', key);
  return deleted;
}
