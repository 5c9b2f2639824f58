// XACK and XPENDING (Redis 7.0 t_stream.c). XACK checks every ID before acknowledging any; XPENDING
// has the summary form (count, lowest and highest pending IDs, per-consumer counts as bulk strings)
// and the extended form (start end count [consumer], optionally IDLE min-idle first).

import { ErrorReply, NULL_ARRAY, type Reply } from '../../../shared/resp/reply.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { is, parseInt64 } from '../../base/args.js';
import type { CommandContext } from '../../base/command-spec.js';
import { compareIds, formatId, type StreamId } from '../../keyspace/stream-id.js';
import type { ConsumerGroup, Pel } from '../../keyspace/stream-groups.js';
import { changeUnseenByWatch, noSuchKeyOrGroup, readStream } from './common.js';
import { rangeEnd, rangeStart, strictId } from './ids.js';

/** XACK key group id [id ...]: how many of the IDs were pending. */
export function xack(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const stream = readStream(ctx, key);
  if (stream instanceof ErrorReply) return stream;
  const group = stream?.group(args[2]!);
  if (group === undefined) return 0;
  const ids: StreamId[] = [];
  for (let j = 3; j < args.length; j++) {
    const id = strictId(args[j]!);
    if (id instanceof ErrorReply) return id;
    ids.push(id);
  }
  let acknowledged = 0;
  for (const id of ids) {
    if (group.pel.get(id) === undefined) continue;
    if (acknowledged === 0) changeUnseenByWatch(ctx, key);
    group.acknowledge(id);
    acknowledged++;
  }
  return acknowledged;
}

interface PendingRange {
  minIdle: number;
  start: StreamId;
  end: StreamId;
  count: number;
  consumer: string | undefined;
}

/** The extended form's arguments, checked before the key as Redis does. */
function parseRange(args: string[]): PendingRange | ErrorReply {
  let at = 3;
  let minIdle = 0;
  if (is(args[3], 'IDLE')) {
    const idle = parseInt64(args[4]!);
    if (idle === null) return ERR_NOT_INTEGER;
    if (args.length < 8) return ERR_SYNTAX;
    minIdle = Number(idle);
    at += 2;
  }
  const count = parseInt64(args[at + 2]!);
  if (count === null) return ERR_NOT_INTEGER;
  const start = rangeStart(args[at]!);
  if (start instanceof ErrorReply) return start;
  const end = rangeEnd(args[at + 1]!);
  if (end instanceof ErrorReply) return end;
  return { minIdle, start, end, count: count < 0n ? 0 : Number(count), consumer: args[at + 3] };
}

export function xpending(ctx: CommandContext, args: string[]): Reply {
  if (args.length !== 3 && (args.length < 6 || args.length > 9)) return ERR_SYNTAX;
  const range = args.length === 3 ? undefined : parseRange(args);
  if (range instanceof ErrorReply) return range;
  const stream = readStream(ctx, args[1]!);
  if (stream instanceof ErrorReply) return stream;
  const group = stream?.group(args[2]!);
  if (group === undefined) return noSuchKeyOrGroup(args[1]!, args[2]!);
  return range === undefined ? pendingSummary(group) : pendingRange(ctx, group, range);
}

function pendingSummary(group: ConsumerGroup): Reply {
  const pel = group.pel.items;
  if (pel.length === 0) return [0, null, null, NULL_ARRAY];
  const owners: Reply[] = [];
  for (const consumer of group.sortedConsumers()) {
    if (consumer.pel.size > 0) owners.push([consumer.name, String(consumer.pel.size)]);
  }
  return [pel.length, formatId(pel[0]!.id), formatId(pel[pel.length - 1]!.id), owners];
}

function pendingRange(ctx: CommandContext, group: ConsumerGroup, range: PendingRange): Reply {
  let pel: Pel = group.pel;
  if (range.consumer !== undefined) {
    const consumer = group.consumers.get(range.consumer);
    if (consumer === undefined) return [];
    pel = consumer.pel;
  }
  const out: Reply[] = [];
  let left = range.count;
  for (let i = pel.lowerBound(range.start); left > 0 && i < pel.size; i++) {
    const nack = pel.items[i]!;
    if (compareIds(nack.id, range.end) > 0) break;
    const idle = ctx.now - nack.deliveryTime;
    if (range.minIdle !== 0 && idle < range.minIdle) continue;
    left--;
    out.push([formatId(nack.id), nack.consumer!.name, Math.max(0, idle), nack.deliveryCount]);
  }
  return out;
}
