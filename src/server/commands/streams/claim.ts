// XCLAIM and XAUTOCLAIM (Redis 7.0 t_stream.c). A claimed entry moves to the claiming consumer
// (created when needed) and propagates as the idempotent XCLAIM ... FORCE JUSTID LASTID; a pending
// entry whose stream entry was deleted is dropped from the PEL (and propagated the same way, which
// drops it on replicas too). XCLAIM's LASTID alone propagates as XGROUP SETID.

import { totalmem } from 'node:os';
import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { ERR_SYNTAX } from '../../base/errors.js';
import { is, parseInt64 } from '../../base/args.js';
import type { CommandContext } from '../../base/command-spec.js';
import { compareIds, formatId, ZERO_ID, type StreamId } from '../../keyspace/stream-id.js';
import { Nack, type Consumer } from '../../keyspace/stream-groups.js';
import { changeUnseenByWatch, cstr, entryRefReply, integerError, noSuchKeyOrGroup, readStream } from './common.js';
import { createConsumerOnUse, setIdPropagation, xclaimPropagation, type GroupTarget } from './deliver.js';
import { parseStreamId, rangeStart, strictId } from './ids.js';

interface ClaimOptions {
  force: boolean;
  justid: boolean;
  /** Delivery time to set, -1 when neither IDLE nor TIME was given. */
  deliveryTime: number;
  retryCount: bigint;
  lastId: StreamId;
}

/** Options after the IDs (the first argument that is not an ID starts them). */
function parseClaimOptions(args: string[], from: number, now: number): ClaimOptions | ErrorReply {
  const options: ClaimOptions = { force: false, justid: false, deliveryTime: -1, retryCount: -1n, lastId: ZERO_ID };
  for (let j = from; j < args.length; j++) {
    const opt = args[j]!;
    const more = args.length - 1 - j;
    if (is(opt, 'FORCE')) options.force = true;
    else if (is(opt, 'JUSTID')) options.justid = true;
    else if ((is(opt, 'IDLE') || is(opt, 'TIME') || is(opt, 'RETRYCOUNT')) && more > 0) {
      const value = parseInt64(args[++j]!);
      if (value === null) return integerError(`Invalid ${opt.toUpperCase()} option argument for XCLAIM`);
      if (is(opt, 'RETRYCOUNT')) options.retryCount = value;
      else options.deliveryTime = is(opt, 'IDLE') ? now - Number(value) : Number(value);
    } else if (is(opt, 'LASTID') && more > 0) {
      const id = strictId(args[++j]!);
      if (id instanceof ErrorReply) return id;
      options.lastId = id;
    } else {
      return new ErrorReply(`ERR Unrecognized XCLAIM option '${cstr(opt)}'`);
    }
  }
  // A bogus time (negative or in the future) becomes now rather than an error, as in Redis.
  if (options.deliveryTime < 0 || options.deliveryTime > now) options.deliveryTime = now;
  return options;
}

/** The group's NACK for `id` moved to `consumer` (a FORCE-created one has no owner yet). */
function moveNack(nack: Nack, consumer: Consumer): void {
  if (nack.consumer === consumer) return;
  nack.consumer?.pel.remove(nack.id);
  consumer.pel.insert(nack);
  nack.consumer = consumer;
}

/** The claiming consumer, found (and seen now) or created on first use. */
function claimer(ctx: CommandContext, target: GroupTarget, name: string): Consumer {
  const found = target.group.consumers.get(name);
  if (found === undefined) return createConsumerOnUse(ctx, target, name);
  found.seenTime = ctx.now;
  return found;
}

/** XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]. */
export function xclaim(ctx: CommandContext, args: string[]): Reply {
  ctx.propagateAs();
  const key = args[1]!;
  const stream = readStream(ctx, key);
  if (stream instanceof ErrorReply) return stream;
  const group = stream?.group(args[2]!);
  if (stream === undefined || group === undefined) return noSuchKeyOrGroup(key, args[2]!);
  const minIdleArg = parseInt64(args[4]!);
  if (minIdleArg === null) return integerError('Invalid min-idle-time argument for XCLAIM');
  let j = 5;
  const ids: StreamId[] = [];
  for (let parsed; j < args.length && (parsed = parseStreamId(args[j]!, { strict: true })) !== null; j++) ids.push(parsed.id);
  const options = parseClaimOptions(args, j, ctx.now);
  if (options instanceof ErrorReply) return options;
  const target: GroupTarget = { key, groupName: args[2]!, stream, group };
  changeUnseenByWatch(ctx, key);
  let propagateLastId = compareIds(options.lastId, group.lastId) > 0;
  if (propagateLastId) group.lastId = options.lastId;
  const claim = { consumer: undefined as Consumer | undefined, minIdle: minIdleArg < 0n ? 0 : Number(minIdleArg), name: args[3]! };
  const out: Reply[] = [];
  for (let i = 0; i < ids.length; i++) {
    const nack = claimOne(ctx, target, ids[i]!, options, claim, out);
    if (nack === undefined) continue;
    // The ID goes to replicas as the client typed it (Redis passes its argument through).
    ctx.propagateAs(xclaimPropagation(target, args[5 + i]!, nack));
    propagateLastId = false;
  }
  if (propagateLastId) ctx.propagateAs(setIdPropagation(target));
  return out;
}

/**
 * One ID of an XCLAIM: a pending entry whose stream entry is gone leaves the PEL; FORCE creates a
 * missing NACK for an existing entry; an idle-enough one moves to the claimer. Returns the NACK
 * to propagate (as it was, for a dropped one), or undefined when nothing changed.
 */
function claimOne(
  ctx: CommandContext,
  target: GroupTarget,
  id: StreamId,
  options: ClaimOptions,
  claim: { consumer: Consumer | undefined; minIdle: number; name: string },
  out: Reply[],
): Nack | undefined {
  const group = target.group;
  let nack = group.pel.get(id);
  const entry = target.stream.find(id);
  if (entry === undefined) {
    if (nack !== undefined) group.acknowledge(id);
    return nack;
  }
  if (options.force && nack === undefined) {
    nack = new Nack(id, ctx.now, 1n, null);
    group.pel.insert(nack);
  }
  if (nack === undefined) return undefined;
  if (nack.consumer !== null && claim.minIdle !== 0 && ctx.now - nack.deliveryTime < claim.minIdle) return undefined;
  claim.consumer ??= claimer(ctx, target, claim.name);
  moveNack(nack, claim.consumer);
  nack.deliveryTime = options.deliveryTime;
  if (options.retryCount >= 0n) nack.deliveryCount = options.retryCount;
  else if (!options.justid) nack.deliveryCount++;
  out.push(options.justid ? formatId(id) : entryRefReply(entry));
  return nack;
}

/** Redis allocates COUNT IDs up front and answers this when the allocation fails. */
const ERR_COUNT_MEMORY = new ErrorReply('ERR Insufficient memory, failed allocating transient memory, COUNT too high.');
const MAX_AUTOCLAIM_COUNT = Math.floor(Number(2n ** 63n - 1n) / 16);

/** XAUTOCLAIM key group consumer min-idle-time start [COUNT n] [JUSTID]: [cursor, claimed, deleted]. */
export function xautoclaim(ctx: CommandContext, args: string[]): Reply {
  ctx.propagateAs();
  const minIdleArg = parseInt64(args[4]!);
  if (minIdleArg === null) return integerError('Invalid min-idle-time argument for XAUTOCLAIM');
  const minIdle = minIdleArg < 0n ? 0 : Number(minIdleArg);
  const start = rangeStart(args[5]!);
  if (start instanceof ErrorReply) return start;
  let count = 100;
  let justid = false;
  for (let j = 6; j < args.length; j++) {
    if (is(args[j], 'COUNT') && j + 1 < args.length) {
      const value = parseInt64(args[++j]!);
      if (value === null || value < 1n || value > BigInt(MAX_AUTOCLAIM_COUNT)) return integerError('COUNT must be > 0');
      count = Number(value);
    } else if (is(args[j], 'JUSTID')) justid = true;
    else return ERR_SYNTAX;
  }
  const key = args[1]!;
  const stream = readStream(ctx, key);
  if (stream instanceof ErrorReply) return stream;
  const group = stream?.group(args[2]!);
  if (stream === undefined || group === undefined) return noSuchKeyOrGroup(key, args[2]!);
  if (count * 16 > totalmem()) return ERR_COUNT_MEMORY;
  return autoclaim(ctx, { key, groupName: args[2]!, stream, group }, args[3]!, { minIdle, start, count, justid });
}

function autoclaim(ctx: CommandContext, target: GroupTarget, name: string, o: { minIdle: number; start: StreamId; count: number; justid: boolean }): Reply {
  const { stream, group } = target;
  const pel = group.pel;
  const claimed: Reply[] = [];
  const deleted: Reply[] = [];
  let consumer: Consumer | undefined;
  let left = o.count;
  let attempts = o.count * 10;
  let i = pel.lowerBound(o.start);
  changeUnseenByWatch(ctx, target.key);
  while (attempts-- > 0 && left > 0 && i < pel.size) {
    const nack = pel.items[i]!;
    const entry = stream.find(nack.id);
    if (entry === undefined) {
      ctx.propagateAs(xclaimPropagation(target, formatId(nack.id), nack));
      group.acknowledge(nack.id);
      deleted.push(formatId(nack.id));
      left--;
      continue;
    }
    i++;
    if (o.minIdle !== 0 && ctx.now - nack.deliveryTime < o.minIdle) continue;
    consumer ??= claimer(ctx, target, name);
    moveNack(nack, consumer);
    nack.deliveryTime = ctx.now;
    if (!o.justid) nack.deliveryCount++;
    claimed.push(o.justid ? formatId(nack.id) : entryRefReply(entry));
    left--;
    ctx.propagateAs(xclaimPropagation(target, formatId(nack.id), nack));
  }
  const cursor = i < pel.size ? pel.items[i]!.id : ZERO_ID;
  return [formatId(cursor), claimed, deleted];
}
