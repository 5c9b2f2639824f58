// XINFO STREAM [FULL [COUNT n]] | GROUPS | CONSUMERS | HELP (Redis 7.0 t_stream.c xinfoCommand):
// maps in RESP3, flat arrays in RESP2, with 7.0's fields (max-deleted-entry-id, entries-added,
// recorded-first-entry-id, entries-read, lag). radix-tree-nodes is counted as Redis's rax holds
// our node keys (keyspace/stream-rax.ts).

import { ErrorReply, MapReply, type Reply } from '../../../shared/resp/reply.js';
import { ERR_NO_SUCH_KEY, ERR_NOT_INTEGER } from '../../base/errors.js';
import { is, parseInt64 } from '../../base/args.js';
import type { CommandContext } from '../../base/command-spec.js';
import { helpReply } from '../../base/help.js';
import { formatId, MAX_ID, ZERO_ID } from '../../keyspace/stream-id.js';
import { INVALID_ENTRIES_READ, type ConsumerGroup } from '../../keyspace/stream-groups.js';
import { groupLag } from '../../keyspace/stream-lag.js';
import { raxNodeCount } from '../../keyspace/stream-rax.js';
import type { StreamValue } from '../../keyspace/stream.js';
import { entryRefReply, noSuchGroupForKey, readStream, subcommandSyntaxError } from './common.js';

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

export function xinfoHelp(): Reply {
  return helpReply('XINFO', XINFO_HELP);
}


/** The stream an XINFO subcommand names (XINFO answers "no such key" for a missing one). */
function infoStream(ctx: CommandContext, key: string): StreamValue | ErrorReply {
  const stream = readStream(ctx, key);
  return stream === undefined ? ERR_NO_SUCH_KEY : stream;
}

/** last-delivered-id, entries-read (null when unknown) and lag (null when it cannot be known). */
function groupProgress(stream: StreamValue, group: ConsumerGroup): Reply[] {
  const entriesRead = group.entriesRead === INVALID_ENTRIES_READ ? null : group.entriesRead;
  return ['last-delivered-id', formatId(group.lastId), 'entries-read', entriesRead, 'lag', groupLag(stream, group)];
}

export function xinfoConsumers(ctx: CommandContext, args: string[]): Reply {
  const stream = infoStream(ctx, args[2]!);
  if (stream instanceof ErrorReply) return stream;
  const group = stream.group(args[3]!);
  if (group === undefined) return noSuchGroupForKey(args[3]!, args[2]!);
  return group.sortedConsumers().map(
    (consumer) => new MapReply(['name', consumer.name, 'pending', consumer.pel.size, 'idle', Math.max(0, ctx.now - consumer.seenTime)]),
  );
}

export function xinfoGroups(ctx: CommandContext, args: string[]): Reply {
  const stream = infoStream(ctx, args[2]!);
  if (stream instanceof ErrorReply) return stream;
  return stream.sortedGroups().map(
    ([name, group]) =>
      new MapReply([
        'name',
        name,
        'consumers',
        group.consumers.size,
        'pending',
        group.pel.size,
        ...groupProgress(stream, group),
      ]),
  );
}

export function xinfoStream(ctx: CommandContext, args: string[]): Reply {
  const stream = infoStream(ctx, args[2]!);
  if (stream instanceof ErrorReply) return stream;
  const options = args.length - 3;
  if (options === 0) return new MapReply([...streamHeader(stream), ...streamSummary(stream)]);
  if ((options !== 1 && options !== 3) || !is(args[3], 'FULL') || (options === 3 && !is(args[4], 'COUNT'))) return subcommandSyntaxError(args);
  let count = 10;
  if (options === 3) {
    const parsed = parseInt64(args[5]!);
    if (parsed === null) return ERR_NOT_INTEGER;
    count = parsed < 0n ? 10 : Number(parsed);
  }
  return new MapReply([...streamHeader(stream), ...streamFull(stream, count)]);
}

function streamHeader(stream: StreamValue): Reply[] {
  return [
    'length',
    stream.length,
    'radix-tree-keys',
    stream.nodes.length,
    'radix-tree-nodes',
    raxNodeCount(stream.nodes.map((node) => node.master)),
    'last-generated-id',
    formatId(stream.lastId),
    'max-deleted-entry-id',
    formatId(stream.maxDeletedId),
    'entries-added',
    stream.entriesAdded,
    'recorded-first-entry-id',
    formatId(stream.firstId),
  ];
}

function streamSummary(stream: StreamValue): Reply[] {
  const first = stream.range(ZERO_ID, MAX_ID).next();
  const last = stream.range(ZERO_ID, MAX_ID, true).next();
  return [
    'groups',
    stream.groups?.size ?? 0,
    'first-entry',
    first.done ? null : entryRefReply(first.value),
    'last-entry',
    last.done ? null : entryRefReply(last.value),
  ];
}

/** Up to `count` of each list (0: all): entries, each group's PEL, each consumer's PEL. */
function streamFull(stream: StreamValue, count: number): Reply[] {
  const entries: Reply[] = [];
  for (const entry of stream.range(ZERO_ID, MAX_ID)) {
    if (count > 0 && entries.length === count) break;
    entries.push(entryRefReply(entry));
  }
  const groups = stream.sortedGroups().map(([name, group]) => groupFull(stream, name, group, count));
  return ['entries', entries, 'groups', groups];
}

function groupFull(stream: StreamValue, name: string, group: ConsumerGroup, count: number): Reply {
  const limit = <T>(items: T[]): T[] => (count > 0 ? items.slice(0, count) : items);
  const consumers = group.sortedConsumers().map(
    (consumer) =>
      new MapReply([
        'name',
        consumer.name,
        'seen-time',
        consumer.seenTime,
        'pel-count',
        consumer.pel.size,
        'pending',
        limit(consumer.pel.items).map((nack) => [formatId(nack.id), nack.deliveryTime, nack.deliveryCount]),
      ]),
  );
  return new MapReply([
    'name',
    name,
    ...groupProgress(stream, group),
    'pel-count',
    group.pel.size,
    'pending',
    limit(group.pel.items).map((nack) => [formatId(nack.id), nack.consumer!.name, nack.deliveryTime, nack.deliveryCount]),
    'consumers',
    consumers,
  ]);
}
