// XREAD and XREADGROUP (Redis 7.0 t_stream.c xreadCommand; blocked.c serveClientsBlockedOnStreamKey).
// Served at once when a stream has something past the asked ID (for a group: past its last
// delivered ID, or the consumer's history for an explicit ID); otherwise BLOCK parks the client
// until an XADD. A served blocked client gets its one ready key. A blocked XREADGROUP is answered
// with an error when its group is destroyed or its key deleted or overwritten. XREADGROUP itself
// never propagates: what it changed goes as XCLAIM / XGROUP commands (deliver.ts).

import { ErrorReply, MapReply, NULL_ARRAY, type Reply } from '../../../shared/resp/reply.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_TIMEOUT_NEGATIVE } from '../../base/errors.js';
import { is, parseInt64 } from '../../base/args.js';
import type { CommandContext } from '../../base/command-spec.js';
import { compareIds, incrId, MAX_ID, ZERO_ID, type StreamId } from '../../keyspace/stream-id.js';
import type { Consumer } from '../../keyspace/stream-groups.js';
import { StreamValue } from '../../keyspace/stream.js';
import { changeUnseenByWatch, cstr, entryRefReply, readStream } from './common.js';
import { createConsumerOnUse, createConsumerPropagation, deliverHistory, deliverNew, type GroupTarget } from './deliver.js';
import { ERR_INVALID_ID, parseStreamId } from './ids.js';

const BLOCKED_DEFAULT_COUNT = 1000;
const ERR_UNBALANCED = new ErrorReply("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
const ERR_GROUP_ONLY = new ErrorReply('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
const ERR_NOACK_ONLY = new ErrorReply('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
const ERR_MISSING_GROUP = new ErrorReply('ERR Missing GROUP option for XREADGROUP');
const ERR_TIMEOUT_INTEGER = new ErrorReply('ERR timeout is not an integer or out of range');
const ERR_DOLLAR = new ErrorReply(
  'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
);
const ERR_GT_ONLY = new ErrorReply('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
const ERR_GROUP_GONE = new ErrorReply('NOGROUP the consumer group this client was blocked on no longer exists');
const ERR_KEY_GONE = new ErrorReply('UNBLOCKED the stream key no longer exists');

interface ReadRequest {
  group: { name: string; consumer: string } | null;
  noack: boolean;
  count: number;
  /** Absolute deadline in ms, 0 forever, -1 without BLOCK. */
  deadline: number;
  keys: string[];
  /** Per key: entries must be after this ID; MAX_ID stands for `>`. */
  after: StreamId[];
}

/** The options before STREAMS, in Redis's order of checks. */
function parseOptions(ctx: CommandContext, args: string[], grouped: boolean): ReadRequest | ErrorReply {
  const request: ReadRequest = { group: null, noack: false, count: 0, deadline: -1, keys: [], after: [] };
  for (let i = 1; i < args.length; i++) {
    const more = args.length - i - 1;
    const opt = args[i]!;
    if (is(opt, 'BLOCK') && more > 0) {
      const ms = parseInt64(args[++i]!);
      if (ms === null) return ERR_TIMEOUT_INTEGER;
      if (ms < 0n) return ERR_TIMEOUT_NEGATIVE;
      request.deadline = ms === 0n ? 0 : ctx.now + Number(ms);
    } else if (is(opt, 'COUNT') && more > 0) {
      const count = parseInt64(args[++i]!);
      if (count === null) return ERR_NOT_INTEGER;
      request.count = count < 0n ? 0 : Number(count);
    } else if (is(opt, 'STREAMS') && more > 0) {
      if ((args.length - i - 1) % 2 !== 0) return ERR_UNBALANCED;
      request.keys = args.slice(i + 1, i + 1 + more / 2);
      return grouped && request.group === null ? ERR_MISSING_GROUP : request;
    } else if (is(opt, 'GROUP') && more >= 2) {
      if (!grouped) return ERR_GROUP_ONLY;
      request.group = { name: args[i + 1]!, consumer: args[i + 2]! };
      i += 2;
    } else if (is(opt, 'NOACK')) {
      if (!grouped) return ERR_NOACK_ONLY;
      request.noack = true;
    } else {
      return ERR_SYNTAX;
    }
  }
  return ERR_SYNTAX;
}

/** Resolves each key's ID (`$`, `>`, or an ID) and checks the groups exist. */
function parseIds(ctx: CommandContext, args: string[], request: ReadRequest): ErrorReply | undefined {
  const idsAt = args.length - request.keys.length;
  for (let i = 0; i < request.keys.length; i++) {
    const key = request.keys[i]!;
    const stream = readStream(ctx, key);
    if (stream instanceof ErrorReply) return stream;
    if (request.group !== null && stream?.group(request.group.name) === undefined) {
      return new ErrorReply(
        `NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(request.group.name)}' in XREADGROUP with GROUP option`,
      );
    }
    const arg = args[idsAt + i]!;
    if (arg === '$') {
      if (request.group !== null) return ERR_DOLLAR;
      request.after.push(stream?.lastId ?? ZERO_ID);
    } else if (arg === '>') {
      if (request.group === null) return ERR_GT_ONLY;
      request.after.push(MAX_ID);
    } else {
      const parsed = parseStreamId(arg, { strict: true });
      if (parsed === null) return ERR_INVALID_ID;
      request.after.push(parsed.id);
    }
  }
  return undefined;
}

/** The consumer of a group read, created (and for NOACK announced to replicas) when new; seen now. */
function consumerFor(ctx: CommandContext, target: GroupTarget, name: string, noack: boolean): Consumer {
  const found = target.group.consumers.get(name);
  if (found !== undefined) {
    found.seenTime = ctx.now;
    return found;
  }
  const created = createConsumerOnUse(ctx, target, name);
  if (noack) ctx.propagateAs(createConsumerPropagation(target, name));
  return created;
}

/** The reply for one stream served now, or undefined when it has nothing to give. */
function serveOne(ctx: CommandContext, request: ReadRequest, i: number): Reply[] | undefined {
  const key = request.keys[i]!;
  const stream = readStream(ctx, key);
  if (!(stream instanceof StreamValue)) return undefined;
  const after = request.after[i]!;
  if (request.group === null) {
    if (stream.length === 0 || compareIds(stream.lastValidId(), after) <= 0) return undefined;
    return plainEntries(stream, after, request.count);
  }
  const group = stream.group(request.group.name)!;
  const history = compareIds(after, MAX_ID) !== 0;
  if (!history && (stream.length === 0 || compareIds(stream.lastValidId(), group.lastId) <= 0)) return undefined;
  const target: GroupTarget = { key, groupName: request.group.name, stream, group };
  changeUnseenByWatch(ctx, key);
  const consumer = consumerFor(ctx, target, request.group.consumer, request.noack);
  if (history) return deliverHistory(ctx, stream, consumer, incrId(after) ?? ZERO_ID, request.count);
  return deliverNew(ctx, target, consumer, incrId(group.lastId) ?? ZERO_ID, request.count, request.noack);
}

function plainEntries(stream: StreamValue, after: StreamId, count: number): Reply[] {
  const out: Reply[] = [];
  for (const entry of stream.range(incrId(after) ?? ZERO_ID, MAX_ID)) {
    out.push(entryRefReply(entry));
    if (count > 0 && out.length === count) break;
  }
  return out;
}

/** [[key, entries], ...] in RESP2; a map key -> entries in RESP3. */
function keyedReply(ctx: CommandContext, served: [string, Reply[]][]): Reply {
  if (ctx.client.proto === 3) return new MapReply(served.flat());
  return served.map(([key, entries]) => [key, entries]);
}

function readCommand(grouped: boolean) {
  return (ctx: CommandContext, args: string[]): Reply => {
    // Nothing propagates as XREADGROUP: only the commands deliver.ts adds (none when nothing moved).
    ctx.propagateAs();
    const request = parseOptions(ctx, args, grouped);
    if (request instanceof ErrorReply) return request;
    const invalid = parseIds(ctx, args, request);
    if (invalid !== undefined) return invalid;
    const served: [string, Reply[]][] = [];
    for (let i = 0; i < request.keys.length; i++) {
      const entries = serveOne(ctx, request, i);
      if (entries !== undefined) served.push([request.keys[i]!, entries]);
    }
    if (served.length > 0) return keyedReply(ctx, served);
    if (request.deadline === -1) return NULL_ARRAY;
    request.count ||= BLOCKED_DEFAULT_COUNT;
    return ctx.block({ keys: request.keys, deadline: request.deadline, retry: (c, key) => retryBlocked(c, request, key), timeoutReply: NULL_ARRAY });
  };
}

/** A blocked read, retried when `key` was signalled (serveClientsBlockedOnStreamKey). */
function retryBlocked(ctx: CommandContext, request: ReadRequest, key: string | undefined): Reply | undefined {
  if (key === undefined) return undefined;
  const i = request.keys.indexOf(key);
  const value = ctx.db.lookup(key);
  if (!(value instanceof StreamValue)) return request.group !== null ? ERR_KEY_GONE : undefined;
  if (request.group !== null) {
    const group = value.group(request.group.name);
    if (group === undefined) return ERR_GROUP_GONE;
    request.after[i] = group.lastId;
  }
  if (compareIds(value.lastId, request.after[i]!) <= 0) return undefined;
  ctx.propagateAs();
  let entries: Reply[];
  if (request.group === null) {
    entries = plainEntries(value, request.after[i]!, request.count);
  } else {
    const target: GroupTarget = { key, groupName: request.group.name, stream: value, group: value.group(request.group.name)! };
    changeUnseenByWatch(ctx, key);
    const consumer = consumerFor(ctx, target, request.group.consumer, request.noack);
    entries = deliverNew(ctx, target, consumer, incrId(target.group.lastId) ?? ZERO_ID, request.count, request.noack);
  }
  return keyedReply(ctx, [[key, entries]]);
}

export const xread = readCommand(false);
export const xreadgroup = readCommand(true);
