// Delivering entries to a consumer group (Redis 7.0 t_stream.c streamReplyWithRange with a group,
// streamReplyWithRangeFromConsumerPEL) and the commands that carry a group's changes to replicas:
// each delivered entry propagates as `XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID
// LASTID last`, a NOACK read's new last ID as `XGROUP SETID key group id ENTRIESREAD n`, and a
// consumer a NOACK read created as `XGROUP CREATECONSUMER key group consumer`.

import { NULL_ARRAY, type Reply } from '../../../shared/resp/reply.js';
import type { CommandContext } from '../../base/command-spec.js';
import { compareIds, formatId, MAX_ID, type StreamId } from '../../keyspace/stream-id.js';
import { Nack, type Consumer, type ConsumerGroup } from '../../keyspace/stream-groups.js';
import { advanceGroup } from '../../keyspace/stream-lag.js';
import type { StreamValue } from '../../keyspace/stream.js';
import { entryRefReply } from './common.js';
import { notifyKey, NOTIFY_STREAM } from '../../keyspace/keyspace-events.js';

/** Where a group read happens: the key and group as the client named them. */
export interface GroupTarget {
  key: string;
  groupName: string;
  stream: StreamValue;
  group: ConsumerGroup;
}

/** streamPropagateXCLAIM: the idempotent XCLAIM that recreates a NACK on a replica. */
export function xclaimPropagation(target: GroupTarget, idArg: string, nack: Nack): string[] {
  return [
    'XCLAIM',
    target.key,
    target.groupName,
    nack.consumer!.name,
    '0',
    idArg,
    'TIME',
    String(nack.deliveryTime),
    'RETRYCOUNT',
    String(nack.deliveryCount),
    'FORCE',
    'JUSTID',
    'LASTID',
    formatId(target.group.lastId),
  ];
}

/** streamPropagateGroupID. */
export function setIdPropagation(target: GroupTarget): string[] {
  return ['XGROUP', 'SETID', target.key, target.groupName, formatId(target.group.lastId), 'ENTRIESREAD', String(target.group.entriesRead)];
}

export function createConsumerPropagation(target: GroupTarget, consumer: string): string[] {
  return ['XGROUP', 'CREATECONSUMER', target.key, target.groupName, consumer];
}

/** A consumer a read or claim names for the first time (Redis streamCreateConsumer: `xgroup-createconsumer`). */
export function createConsumerOnUse(ctx: CommandContext, target: GroupTarget, name: string): Consumer {
  const created = target.group.createConsumer(name, ctx.now)!;
  notifyKey(ctx, NOTIFY_STREAM, 'xgroup-createconsumer', target.key);
  return created;
}

/** Gives an entry to `consumer`: a new NACK, or the existing one moved to it and reset. */
function assignNack(group: ConsumerGroup, consumer: Consumer, id: StreamId, now: number): Nack {
  const existing = group.pel.get(id);
  if (existing === undefined) {
    const nack = new Nack(id, now, 1n, consumer);
    group.pel.insert(nack);
    consumer.pel.insert(nack);
    return nack;
  }
  existing.consumer?.pel.remove(id);
  existing.consumer = consumer;
  existing.deliveryTime = now;
  existing.deliveryCount = 1n;
  consumer.pel.insert(existing);
  return existing;
}

/**
 * Entries from `start` on, given to `consumer` (the `>` read): the group's last ID and read
 * counter move past each, and without NOACK each lands in both PELs. Returns the entries' replies.
 */
export function deliverNew(ctx: CommandContext, target: GroupTarget, consumer: Consumer, start: StreamId, count: number, noack: boolean): Reply[] {
  const { stream, group } = target;
  const out: Reply[] = [];
  let lastIdMoved = false;
  for (const entry of stream.range(start, MAX_ID)) {
    if (compareIds(entry.id, group.lastId) > 0) {
      advanceGroup(stream, group, entry.id);
      lastIdMoved = true;
    }
    out.push(entryRefReply(entry));
    if (!noack) {
      const nack = assignNack(group, consumer, entry.id, ctx.now);
      ctx.propagateAs(xclaimPropagation(target, formatId(entry.id), nack));
    }
    if (count > 0 && out.length === count) break;
  }
  // Without NOACK the XCLAIMs carried the last ID (LASTID); with it, it needs its own command.
  if (noack && lastIdMoved) ctx.propagateAs(setIdPropagation(target));
  return out;
}

/**
 * The consumer's own pending entries from `start` (a read with an ID, not `>`): each found entry
 * counts one more delivery; one deleted since shows as [id, null]. Redis propagates none of it.
 */
export function deliverHistory(ctx: CommandContext, stream: StreamValue, consumer: Consumer, start: StreamId, count: number): Reply[] {
  const out: Reply[] = [];
  const pel = consumer.pel.items;
  for (let i = consumer.pel.lowerBound(start); i < pel.length && (count === 0 || out.length < count); i++) {
    const nack = pel[i]!;
    const entry = stream.find(nack.id);
    if (entry === undefined) {
      out.push([formatId(nack.id), NULL_ARRAY]);
      continue;
    }
    out.push(entryRefReply(entry));
    nack.deliveryTime = ctx.now;
    nack.deliveryCount++;
  }
  return out;
}
