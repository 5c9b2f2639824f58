// XGROUP CREATE | SETID | DESTROY | CREATECONSUMER | DELCONSUMER | HELP and XSETID (Redis 7.0
// t_stream.c xgroupCommand, xsetidCommand). The subcommands share Redis's one body: options are
// checked first, then the key (and, but for CREATE, the group), then the subcommand's own
// argument count. A destroyed group wakes its blocked XREADGROUP clients with an error.

import { ErrorReply, OK, type Reply } from '../../../shared/resp/reply.js';
import { ERR_NO_SUCH_KEY, ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { is, parseInt64 } from '../../base/args.js';
import type { CommandContext } from '../../base/command-spec.js';
import { helpReply } from '../../base/help.js';
import { compareIds, ZERO_ID, isZeroId, type StreamId } from '../../keyspace/stream-id.js';
import { INVALID_ENTRIES_READ } from '../../keyspace/stream-groups.js';
import { StreamValue } from '../../keyspace/stream.js';
import { changeUnseenByWatch, noSuchGroupForKey, subcommandSyntaxError, writeStream } from './common.js';
import { ERR_INVALID_ID, parseStreamId, strictId } from './ids.js';
import { notifyKey, NOTIFY_STREAM } from '../../keyspace/keyspace-events.js';

const ERR_ENTRIES_READ = new ErrorReply('ERR value for ENTRIESREAD must be positive or -1');
const ERR_KEY_REQUIRED = new ErrorReply(
  'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
);
const ERR_BUSYGROUP = new ErrorReply('BUSYGROUP Consumer Group name already exists');

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

export function xgroupHelp(): Reply {
  return helpReply('XGROUP', XGROUP_HELP);
}


interface GroupOptions {
  mkstream: boolean;
  entriesRead: bigint;
}

function parseGroupOptions(args: string[]): GroupOptions | ErrorReply {
  const create = is(args[1], 'CREATE');
  const setid = is(args[1], 'SETID');
  const options: GroupOptions = { mkstream: false, entriesRead: INVALID_ENTRIES_READ };
  for (let i = 5; i < args.length; ) {
    if (create && is(args[i], 'MKSTREAM')) {
      options.mkstream = true;
      i++;
    } else if ((create || setid) && is(args[i], 'ENTRIESREAD') && i + 1 < args.length) {
      const value = parseInt64(args[i + 1]!);
      if (value === null) return ERR_NOT_INTEGER;
      if (value < 0n && value !== INVALID_ENTRIES_READ) return ERR_ENTRIES_READ;
      options.entriesRead = value;
      i += 2;
    } else {
      return subcommandSyntaxError(args);
    }
  }
  return options;
}

/** Every XGROUP subcommand but HELP. */
export function xgroup(ctx: CommandContext, args: string[]): Reply {
  const options = parseGroupOptions(args);
  if (options instanceof ErrorReply) return options;
  const [key, groupName] = [args[2]!, args[3]!];
  const stream = writeStream(ctx, key);
  if (stream instanceof ErrorReply) return stream;
  const sub = args[1]!.toUpperCase();
  if (!options.mkstream) {
    if (stream === undefined) return ERR_KEY_REQUIRED;
    if (stream.group(groupName) === undefined && ['SETID', 'CREATECONSUMER', 'DELCONSUMER'].includes(sub)) {
      return noSuchGroupForKey(groupName, key);
    }
  }
  if (sub === 'CREATE' && args.length >= 5 && args.length <= 8) return create(ctx, args, stream, options.entriesRead);
  // Past the checks above the stream and group exist.
  const found = stream!;
  if (sub === 'SETID' && (args.length === 5 || args.length === 7)) return setid(ctx, args, found, options.entriesRead);
  if (sub === 'DESTROY' && args.length === 4) return destroy(ctx, key, groupName, found);
  if (sub === 'CREATECONSUMER' && args.length === 5) {
    const group = found.group(groupName)!;
    if (group.consumers.has(args[4]!)) return 0;
    changeUnseenByWatch(ctx, key);
    group.createConsumer(args[4]!, ctx.now);
    notifyKey(ctx, NOTIFY_STREAM, 'xgroup-createconsumer', key);
    return 1;
  }
  if (sub === 'DELCONSUMER' && args.length === 5) {
    const group = found.group(groupName)!;
    const consumer = group.consumers.get(args[4]!);
    if (consumer === undefined) return 0;
    changeUnseenByWatch(ctx, key);
    const pending = group.deleteConsumer(consumer);
    notifyKey(ctx, NOTIFY_STREAM, 'xgroup-delconsumer', key);
    return pending;
  }
  return subcommandSyntaxError(args);
}

function create(ctx: CommandContext, args: string[], existing: StreamValue | undefined, entriesRead: bigint): Reply {
  let id: StreamId;
  if (args[4] === '$') {
    id = existing?.lastId ?? ZERO_ID;
  } else {
    const parsed = strictId(args[4]!);
    if (parsed instanceof ErrorReply) return parsed;
    id = parsed;
  }
  const key = args[2]!;
  let stream = existing;
  if (stream === undefined) {
    stream = new StreamValue();
    ctx.db.set(key, stream);
  }
  if (stream.group(args[3]!) !== undefined) return ERR_BUSYGROUP;
  changeUnseenByWatch(ctx, key);
  stream.createGroup(args[3]!, id, entriesRead);
  notifyKey(ctx, NOTIFY_STREAM, 'xgroup-create', key);
  return OK;
}

function setid(ctx: CommandContext, args: string[], stream: StreamValue, entriesRead: bigint): Reply {
  let id: StreamId;
  if (args[4] === '$') {
    id = stream.lastId;
  } else {
    const parsed = parseStreamId(args[4]!);
    if (parsed === null) return ERR_INVALID_ID;
    id = parsed.id;
  }
  changeUnseenByWatch(ctx, args[2]!);
  const group = stream.group(args[3]!)!;
  group.lastId = id;
  group.entriesRead = entriesRead;
  notifyKey(ctx, NOTIFY_STREAM, 'xgroup-setid', args[2]!);
  return OK;
}

function destroy(ctx: CommandContext, key: string, name: string, stream: StreamValue): Reply {
  if (stream.group(name) === undefined) return 0;
  changeUnseenByWatch(ctx, key);
  stream.groups!.delete(name);
  notifyKey(ctx, NOTIFY_STREAM, 'xgroup-destroy', key);
  // Blocked XREADGROUP clients of this group get -NOGROUP.
  ctx.db.signalReady(key);
  return 1;
}

/** XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id]. */
export function xsetid(ctx: CommandContext, args: string[]): Reply {
  const id = strictId(args[2]!);
  if (id instanceof ErrorReply) return id;
  let entriesAdded = -1n;
  let maxDeleted = ZERO_ID;
  for (let i = 3; i < args.length; i += 2) {
    const more = args.length - 1 - i;
    if (is(args[i], 'ENTRIESADDED') && more > 0) {
      const value = parseInt64(args[i + 1]!);
      if (value === null) return ERR_NOT_INTEGER;
      if (value < 0n) return new ErrorReply('ERR entries_added must be positive');
      entriesAdded = value;
    } else if (is(args[i], 'MAXDELETEDID') && more > 0) {
      const value = strictId(args[i + 1]!);
      if (value instanceof ErrorReply) return value;
      if (compareIds(id, value) < 0) return new ErrorReply('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
      maxDeleted = value;
    } else {
      return ERR_SYNTAX;
    }
  }
  const stream = writeStream(ctx, args[1]!);
  if (stream === undefined) return ERR_NO_SUCH_KEY;
  if (stream instanceof ErrorReply) return stream;
  if (stream.length > 0) {
    if (compareIds(id, stream.lastValidId()) < 0) return new ErrorReply('ERR The ID specified in XSETID is smaller than the target stream top item');
    if (entriesAdded !== -1n && BigInt(stream.length) > entriesAdded) {
      return new ErrorReply('ERR The entries_added specified in XSETID is smaller than the target stream length');
    }
  }
  changeUnseenByWatch(ctx, args[1]!);
  stream.lastId = id;
  if (entriesAdded !== -1n) stream.entriesAdded = entriesAdded;
  if (!isZeroId(maxDeleted)) stream.maxDeletedId = maxDeleted;
  notifyKey(ctx, NOTIFY_STREAM, 'xsetid', args[1]!);
  return OK;
}
