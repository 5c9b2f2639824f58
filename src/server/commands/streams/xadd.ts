// XADD and XTRIM (Redis 7.0 t_stream.c xaddCommand, xtrimCommand, streamParseAddOrTrimArgsOrReply).
// Replicas must end with the same entries, so XADD propagates with the ID it generated, and a `~`
// trim propagates as `=` with the length (MAXLEN) or first ID (MINID) the stream ended with, as
// Redis rewrites them. Commands from our master trim without the LIMIT cap (mustObeyClient).

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, wrongArity } from '../../base/errors.js';
import { is, parseInt64 } from '../../base/args.js';
import type { CommandContext } from '../../base/command-spec.js';
import { compareIds, formatId, incrId, isZeroId, MAX_ID, nextAutoId, UINT64_MAX, type StreamId } from '../../keyspace/stream-id.js';
import { LISTPACK_MAX_SIZE, StreamValue } from '../../keyspace/stream.js';
import { trimStream, type TrimRule } from '../../keyspace/stream-trim.js';
import { nodeLimits, writeStream } from './common.js';
import { ERR_INVALID_ID, parseStreamId, type ParsedId } from './ids.js';
import { notifyKey, NOTIFY_STREAM } from '../../keyspace/keyspace-events.js';

const ERR_BOTH_STRATEGIES = new ErrorReply('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
const ERR_MAXLEN_NEGATIVE = new ErrorReply('ERR The MAXLEN argument must be >= 0.');
const ERR_LIMIT_NEGATIVE = new ErrorReply('ERR The LIMIT argument must be >= 0.');
const ERR_LIMIT_NO_STRATEGY = new ErrorReply('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
const ERR_XTRIM_NO_STRATEGY = new ErrorReply('ERR syntax error, XTRIM must be called with a trimming strategy');
const ERR_LIMIT_NO_APPROX = new ErrorReply('ERR syntax error, LIMIT cannot be used without the special ~ option');
const ERR_ZERO_ID = new ErrorReply('ERR The ID specified in XADD must be greater than 0-0');
const ERR_EXHAUSTED = new ErrorReply('ERR The stream has exhausted the last possible ID, unable to add more items');
const ERR_ID_TOO_SMALL = new ErrorReply('ERR The ID specified in XADD is equal or smaller than the target stream top item');
const ERR_TOO_LARGE = new ErrorReply('ERR Elements are too large to be stored');

export interface TrimArgs {
  rule: TrimRule | null;
  approx: boolean;
  limit: number;
  /** Index of the MAXLEN/MINID value, rewritten for propagation after a `~` trim. */
  valueIndex: number;
  noMkstream: boolean;
  /** XADD: the ID argument's index and what it said (null for `*`). */
  idIndex: number;
  id: ParsedId | null;
}

/** Reads `[~|=] <value>` after MAXLEN/MINID at args[i]; returns the value index and approx flag. */
function strategyValue(args: string[], i: number): { at: number; approx: boolean } {
  const more = args.length - 1 - i;
  const next = args[i + 1];
  if (more >= 2 && (next === '~' || next === '=')) return { at: i + 2, approx: next === '~' };
  return { at: i + 1, approx: false };
}

/** streamParseAddOrTrimArgsOrReply: options from args[2]; for XADD it stops at the ID. */
export function parseTrimArgs(ctx: CommandContext, args: string[], xadd: boolean): TrimArgs | ErrorReply {
  const parsed: TrimArgs = { rule: null, approx: false, limit: 0, valueIndex: 0, noMkstream: false, idIndex: args.length, id: null };
  let limitGiven = false;
  let i = 2;
  for (; i < args.length; i++) {
    const opt = args[i]!;
    const more = args.length - 1 - i;
    if (xadd && opt === '*') break;
    if ((is(opt, 'MAXLEN') || is(opt, 'MINID')) && more > 0) {
      if (parsed.rule !== null) return ERR_BOTH_STRATEGIES;
      const { at, approx } = strategyValue(args, i);
      const rule = is(opt, 'MAXLEN') ? maxlenRule(args[at]!) : minidRule(args[at]!);
      if (rule instanceof ErrorReply) return rule;
      Object.assign(parsed, { rule, approx, valueIndex: at });
      i = at;
    } else if (is(opt, 'LIMIT') && more > 0) {
      const limit = parseInt64(args[i + 1]!);
      if (limit === null) return ERR_NOT_INTEGER;
      if (limit < 0n) return ERR_LIMIT_NEGATIVE;
      parsed.limit = Number(limit);
      limitGiven = true;
      i++;
    } else if (xadd && is(opt, 'NOMKSTREAM')) {
      parsed.noMkstream = true;
    } else if (xadd) {
      parsed.id = parseStreamId(opt, { strict: true, seqWildcard: true });
      if (parsed.id === null) return ERR_INVALID_ID;
      break;
    } else {
      return ERR_SYNTAX;
    }
  }
  parsed.idIndex = i;
  return checkLimit(ctx, parsed, xadd, limitGiven);
}

function maxlenRule(text: string): TrimRule | ErrorReply {
  const maxlen = parseInt64(text);
  if (maxlen === null) return ERR_NOT_INTEGER;
  if (maxlen < 0n) return ERR_MAXLEN_NEGATIVE;
  return { strategy: 'maxlen', maxlen: Number(maxlen) };
}

function minidRule(text: string): TrimRule | ErrorReply {
  const parsed = parseStreamId(text, { strict: true });
  return parsed === null ? ERR_INVALID_ID : { strategy: 'minid', minid: parsed.id };
}

/** The LIMIT rules, and the default cap of approximate trimming (100 nodes' worth of entries). */
function checkLimit(ctx: CommandContext, parsed: TrimArgs, xadd: boolean, limitGiven: boolean): TrimArgs | ErrorReply {
  if (parsed.limit && parsed.rule === null) return ERR_LIMIT_NO_STRATEGY;
  if (!xadd && parsed.rule === null) return ERR_XTRIM_NO_STRATEGY;
  if (ctx.client.isMaster) {
    parsed.limit = 0;
  } else if (limitGiven) {
    if (!parsed.approx) return ERR_LIMIT_NO_APPROX;
  } else if (parsed.approx) {
    const limit = 100 * ctx.server.config.num('stream-node-max-entries');
    parsed.limit = limit <= 0 ? 10000 : Math.min(limit, 1000000);
  } else {
    parsed.limit = 0;
  }
  return parsed;
}

/** Trims per the parsed options; after a `~` trim rewrites the propagated arguments as Redis does. */
function applyTrim(stream: StreamValue, parsed: TrimArgs, propagated: string[]): number {
  const rule = parsed.rule!;
  const removed = trimStream(stream, rule, { approx: parsed.approx, limit: parsed.limit });
  if (parsed.approx) {
    propagated[parsed.valueIndex - 1] = '=';
    propagated[parsed.valueIndex] = rule.strategy === 'maxlen' ? String(stream.length) : formatId(stream.edgeId(true, false));
  }
  return removed;
}

/** The ID this XADD adds, or the error (streamAppendItem's ID rules). */
function newEntryId(ctx: CommandContext, stream: StreamValue, given: ParsedId | null): StreamId | ErrorReply {
  let id: StreamId | null;
  if (given === null) id = nextAutoId(stream.lastId, ctx.now);
  else if (given.seqGiven) id = given.id;
  else if (stream.lastId.ms !== given.id.ms) id = given.id;
  // ms-* on a full sequence: Redis fails without setting errno, and so reports the size error.
  else if (stream.lastId.seq === UINT64_MAX) return ERR_TOO_LARGE;
  else id = incrId(stream.lastId);
  if (id === null || compareIds(id, stream.lastId) <= 0) return ERR_ID_TOO_SMALL;
  return id;
}

export function xadd(ctx: CommandContext, args: string[]): Reply {
  const parsed = parseTrimArgs(ctx, args, true);
  if (parsed instanceof ErrorReply) return parsed;
  const fieldsAt = parsed.idIndex + 1;
  const pairs = args.length - fieldsAt;
  if (pairs < 2 || pairs % 2 === 1) return wrongArity('xadd');
  if (parsed.id !== null && parsed.id.seqGiven && isZeroId(parsed.id.id)) return ERR_ZERO_ID;
  const key = args[1]!;
  let stream = writeStream(ctx, key);
  if (stream instanceof ErrorReply) return stream;
  if (stream === undefined) {
    if (parsed.noMkstream) return null;
    stream = new StreamValue();
    ctx.db.set(key, stream);
  }
  if (compareIds(stream.lastId, MAX_ID) === 0) return failed(ctx, ERR_EXHAUSTED);
  const id = newEntryId(ctx, stream, parsed.id);
  if (id instanceof ErrorReply) return failed(ctx, id);
  const fieldsValues = args.slice(fieldsAt);
  if (fieldsValues.reduce((sum, item) => sum + item.length, 0) > LISTPACK_MAX_SIZE) return failed(ctx, ERR_TOO_LARGE);
  ctx.db.willModify(key);
  stream.append(id, fieldsValues, nodeLimits(ctx));
  notifyKey(ctx, NOTIFY_STREAM, 'xadd', key);
  const propagated = [...args];
  if (parsed.rule !== null && applyTrim(stream, parsed, propagated) > 0) notifyKey(ctx, NOTIFY_STREAM, 'xtrim', key);
  const idText = formatId(id);
  if (parsed.id === null || !parsed.id.seqGiven) propagated[parsed.idIndex] = idText;
  ctx.propagateAs(propagated);
  ctx.db.signalReady(key);
  return idText;
}

/** A failed XADD propagates nothing, even when it created the (empty) stream first, as in Redis. */
function failed(ctx: CommandContext, error: ErrorReply): ErrorReply {
  ctx.suppressPropagation();
  return error;
}

export function xtrim(ctx: CommandContext, args: string[]): Reply {
  const parsed = parseTrimArgs(ctx, args, false);
  if (parsed instanceof ErrorReply) return parsed;
  const key = args[1]!;
  const stream = writeStream(ctx, key);
  if (stream === undefined) return 0;
  if (stream instanceof ErrorReply) return stream;
  // Nothing to trim changes nothing: no WATCH touched, nothing propagated (Redis checks `deleted`).
  if (trimStream(stream, parsed.rule!, { approx: parsed.approx, limit: parsed.limit }, true) === 0) {
    ctx.suppressPropagation();
    return 0;
  }
  const propagated = [...args];
  ctx.db.willModify(key);
  const removed = applyTrim(stream, parsed, propagated);
  ctx.propagateAs(propagated);
  notifyKey(ctx, NOTIFY_STREAM, 'xtrim', key);
  return removed;
}
