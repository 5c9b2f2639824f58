// What the stream commands share: typed lookups (read lookups count keyspace hits and misses),
// the node limits from the config, an entry's reply shape ([id, [field, value, ...]]), and the
// NOGROUP-style errors, whose names Redis prints with %s (cut at a NUL byte).

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { ERR_WRONGTYPE } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import { unknownSubcommandOrArity } from '../../base/help.js';
import type { CommandContext } from '../../base/command-spec.js';
import { StreamValue, type EntryRef, type NodeLimits } from '../../keyspace/stream.js';
import { formatId } from '../../keyspace/stream-id.js';
import type { StreamNode } from '../../keyspace/stream-node.js';

/** The stream at key for a read command (counts a hit or miss), undefined, or WRONGTYPE. */
export function readStream(ctx: CommandContext, key: string): StreamValue | undefined | ErrorReply {
  const value = readKey(ctx, key);
  if (value === undefined) return undefined;
  return value instanceof StreamValue ? value : ERR_WRONGTYPE;
}

/** The stream at key for a write command (lookupKeyWrite: no hit/miss counted). */
export function writeStream(ctx: CommandContext, key: string): StreamValue | undefined | ErrorReply {
  const value = ctx.db.lookup(key);
  if (value === undefined) return undefined;
  return value instanceof StreamValue ? value : ERR_WRONGTYPE;
}

export function nodeLimits(ctx: CommandContext): NodeLimits {
  const config = ctx.server.config;
  return { maxBytes: config.num('stream-node-max-bytes'), maxEntries: config.num('stream-node-max-entries') };
}

/** One entry as every stream reply shows it: [id, [field, value, ...]]. */
export function entryReply(node: StreamNode, index: number, id = node.id(index)): Reply {
  return [formatId(id), node.fieldsValues(index)];
}

export function entryRefReply(entry: EntryRef): Reply {
  return entryReply(entry.node, entry.index, entry.id);
}

/** A name as C's %s prints it: up to the first NUL byte. */
export function cstr(text: string): string {
  const nul = text.indexOf('\0');
  return nul >= 0 ? text.slice(0, nul) : text;
}

export function noSuchKeyOrGroup(key: string, group: string, suffix = ''): ErrorReply {
  return new ErrorReply(`NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(group)}'${suffix}`);
}

export function noSuchGroupForKey(group: string, key: string): ErrorReply {
  return new ErrorReply(`NOGROUP No such consumer group '${cstr(group)}' for key name '${cstr(key)}'`);
}

/** addReplySubcommandSyntaxError: a container's subcommand with arguments it does not take. */
export function subcommandSyntaxError(args: string[]): ErrorReply {
  return new ErrorReply(unknownSubcommandOrArity(args[0]!.toUpperCase(), args[1]!.slice(0, 128)));
}

/** getLongLongFromObjectOrReply's own error text when a command gives one. */
export function integerError(message: string): ErrorReply {
  return new ErrorReply(`ERR ${message}`);
}

/**
 * Announces a change Redis makes without signalModifiedKey (consumer groups: XGROUP, XREADGROUP,
 * XACK, XCLAIM, XAUTOCLAIM; XSETID): counted as a change and seen by snapshots, not by WATCH.
 */
export function changeUnseenByWatch(ctx: CommandContext, key: string): void {
  const server = ctx.server;
  server.dirty++;
  for (const observer of server.observers) observer.beforeChange(ctx.db, key);
}
