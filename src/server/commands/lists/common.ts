// What the list commands share: typed lookup, push and pop through the keyspace funnel (so WATCH,
// snapshots, propagation and blocked clients see them), LEFT/RIGHT parsing and the LMPOP/BLMPOP
// argument grammar of Redis 7.0 t_list.c (lmpopGenericCommand).

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { ListValue } from '../../keyspace/list.js';
import { ERR_WRONGTYPE } from '../../base/errors.js';
import { is } from '../../base/args.js';
import type { CommandContext } from '../../base/command-spec.js';
import { parseMpop } from '../../base/mpop-args.js';
import { notifyKey, NOTIFY_LIST } from '../../keyspace/keyspace-events.js';
import { readKey } from '../../base/read-key.js';
import type { Value } from '../../keyspace/values.js';

export type End = 'left' | 'right';

/** The list at `key` for a write command (lookupKeyWrite), undefined when missing, or WRONGTYPE. */
export function getList(ctx: CommandContext, key: string): ListValue | undefined | ErrorReply {
  return asList(ctx.db.lookup(key));
}

/** The list at `key` for a read command (lookupKeyRead: hit/miss counters, `keymiss`). */
export function readList(ctx: CommandContext, key: string): ListValue | undefined | ErrorReply {
  return asList(readKey(ctx, key));
}

function asList(value: Value | undefined): ListValue | undefined | ErrorReply {
  if (value === undefined) return undefined;
  return value instanceof ListValue ? value : ERR_WRONGTYPE;
}

/** LEFT / RIGHT, case-insensitive, else null (callers answer a syntax error). */
export function parseEnd(arg: string): End | null {
  if (is(arg, 'LEFT')) return 'left';
  if (is(arg, 'RIGHT')) return 'right';
  return null;
}

/**
 * Pushes elements one by one at an end (LPUSH a b c leaves c first), creating the list when needed.
 * `list` is the existing list at key (already type-checked) or undefined. Returns the new length.
 */
export function pushElements(ctx: CommandContext, key: string, list: ListValue | undefined, end: End, elements: string[]): number {
  if (list === undefined) {
    list = new ListValue();
    ctx.db.set(key, list);
  } else {
    ctx.db.willModify(key);
  }
  if (end === 'left') for (const element of elements) list.pushFront(element);
  else for (const element of elements) list.pushBack(element);
  ctx.db.signalReady(key);
  notifyKey(ctx, NOTIFY_LIST, end === 'left' ? 'lpush' : 'rpush', key);
  return list.length;
}

/** Pops up to `count` elements from a non-empty list, deleting the key when it empties. */
export function popElements(ctx: CommandContext, key: string, list: ListValue, end: End, count: number): string[] {
  ctx.db.willModify(key);
  const take = Math.min(count, list.length);
  const out: string[] = new Array(take);
  for (let i = 0; i < take; i++) out[i] = (end === 'left' ? list.popFront() : list.popBack())!;
  notifyKey(ctx, NOTIFY_LIST, end === 'left' ? 'lpop' : 'rpop', key);
  ctx.db.deleteIfEmpty(key, list.length);
  return out;
}

/**
 * LMOVE's core on a non-empty source: checks the destination's type, pops, pushes, deletes the
 * emptied source (after the push, so LMOVE k k on a one-element list keeps it). Returns the element.
 */
export function moveElement(ctx: CommandContext, source: string, list: ListValue, destination: string, from: End, to: End): Reply {
  const target = getList(ctx, destination);
  if (target instanceof ErrorReply) return target;
  ctx.db.willModify(source);
  const element = (from === 'left' ? list.popFront() : list.popBack())!;
  pushElements(ctx, destination, target, to, [element]);
  notifyKey(ctx, NOTIFY_LIST, from === 'left' ? 'lpop' : 'rpop', source);
  ctx.db.deleteIfEmpty(source, list.length);
  return element;
}

export interface MpopArgs {
  keys: string[];
  end: End;
  count: number;
}

/** Parses `numkeys key [key ...] LEFT|RIGHT [COUNT count]` starting at args[at] (LMPOP at 1, BLMPOP at 2). */
export function parseMpopArgs(args: string[], at: number): MpopArgs | ErrorReply {
  const parsed = parseMpop(args, at, parseEnd);
  return parsed instanceof ErrorReply ? parsed : { keys: parsed.keys, end: parsed.side, count: parsed.count };
}

/** The verb a pop from this end propagates as. */
export function popVerb(end: End): string {
  return end === 'left' ? 'LPOP' : 'RPOP';
}
