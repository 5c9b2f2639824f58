// List commands (Redis 7.0 t_list.c): pushes, pops, ranges, LINDEX/LSET/LTRIM, LMOVE, LMPOP, and the
// family's command table (LREM/LINSERT/LPOS live in lists-search.ts, blocking forms in lists-blocking.ts).
// Argument checks run in Redis's order, so a bad call gets the same error as from redis-server.

import { ErrorReply, NULL_ARRAY, OK, type Reply } from '../../../shared/resp/reply.js';
import { ERR_INDEX_OUT_OF_RANGE, ERR_NO_SUCH_KEY, ERR_NOT_INTEGER, ERR_SYNTAX, wrongArity } from '../../base/errors.js';
import { parseInteger } from '../../base/args.js';
import { getList, readList, moveElement, parseEnd, parseMpopArgs, popElements, popVerb, pushElements, type End } from './common.js';
import { linsert, lpos, lrem } from './search.js';
import { blockingListCommands } from './blocking.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { notifyKey, NOTIFY_LIST } from '../../keyspace/keyspace-events.js';

const ERR_POP_COUNT = new ErrorReply('ERR value is out of range, must be positive');

/** LPUSH/RPUSH (create the list) and LPUSHX/RPUSHX (only if it exists): reply is the new length. */
function pushCommand(end: End, onlyIfExists: boolean) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const key = args[1]!;
    const list = getList(ctx, key);
    if (list instanceof ErrorReply) return list;
    if (list === undefined && onlyIfExists) return 0;
    return pushElements(ctx, key, list, end, args.slice(2));
  };
}

/** LPOP/RPOP key [count]: a bulk (or nil) without count; an array (nil array if no key) with one. */
function popCommand(end: End) {
  return (ctx: CommandContext, args: string[]): Reply => {
    if (args.length > 3) return wrongArity(args[0]!.toLowerCase());
    let count = -1;
    if (args.length === 3) {
      const parsed = parseInteger(args[2]!);
      if (parsed === null || parsed < 0) return ERR_POP_COUNT;
      count = parsed;
    }
    const key = args[1]!;
    const list = getList(ctx, key);
    if (list === undefined) return count === -1 ? null : NULL_ARRAY;
    if (list instanceof ErrorReply) return list;
    if (count === 0) return [];
    const popped = popElements(ctx, key, list, end, count === -1 ? 1 : count);
    return count === -1 ? popped[0]! : popped;
  };
}

function llen(ctx: CommandContext, args: string[]): Reply {
  const list = readList(ctx, args[1]!);
  if (list instanceof ErrorReply) return list;
  return list?.length ?? 0;
}

/** Clamps Redis start/stop indexes (negative from the end) to [first, last], or null when empty. */
export function clampRange(start: number, stop: number, length: number): [number, number] | null {
  if (start < 0) start += length;
  if (stop < 0) stop += length;
  if (start < 0) start = 0;
  if (start > stop || start >= length) return null;
  if (stop >= length) stop = length - 1;
  return [start, stop];
}

function lrange(ctx: CommandContext, args: string[]): Reply {
  const start = parseInteger(args[2]!);
  const stop = parseInteger(args[3]!);
  if (start === null || stop === null) return ERR_NOT_INTEGER;
  const list = readList(ctx, args[1]!);
  if (list instanceof ErrorReply) return list;
  if (list === undefined) return [];
  const range = clampRange(start, stop, list.length);
  return range === null ? [] : list.range(range[0], range[1]);
}

function lindex(ctx: CommandContext, args: string[]): Reply {
  // Redis looks the key up before parsing the index: LINDEX missing x answers nil.
  const list = readList(ctx, args[1]!);
  if (list === undefined) return null;
  if (list instanceof ErrorReply) return list;
  const index = parseInteger(args[2]!);
  if (index === null) return ERR_NOT_INTEGER;
  return list.at(index < 0 ? index + list.length : index) ?? null;
}

function lset(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const list = getList(ctx, key);
  if (list === undefined) return ERR_NO_SUCH_KEY;
  if (list instanceof ErrorReply) return list;
  let index = parseInteger(args[2]!);
  if (index === null) return ERR_NOT_INTEGER;
  if (index < 0) index += list.length;
  if (index < 0 || index >= list.length) return ERR_INDEX_OUT_OF_RANGE;
  ctx.db.willModify(key);
  list.set(index, args[3]!);
  notifyKey(ctx, NOTIFY_LIST, 'lset', key);
  return OK;
}

function ltrim(ctx: CommandContext, args: string[]): Reply {
  const start = parseInteger(args[2]!);
  const stop = parseInteger(args[3]!);
  if (start === null || stop === null) return ERR_NOT_INTEGER;
  const key = args[1]!;
  const list = getList(ctx, key);
  if (list instanceof ErrorReply) return list;
  if (list === undefined) return OK;
  const range = clampRange(start, stop, list.length);
  const fromHead = range === null ? list.length : range[0];
  const fromTail = range === null ? 0 : list.length - range[1] - 1;
  // Trimming nothing changes nothing: Redis adds ltrim+rtrim to dirty, so nothing propagates.
  // Redis ltrimCommand raises `ltrim` even then.
  if (fromHead + fromTail === 0) {
    notifyKey(ctx, NOTIFY_LIST, 'ltrim', key);
    return OK;
  }
  ctx.db.willModify(key);
  for (let i = 0; i < fromHead; i++) list.popFront();
  for (let i = 0; i < fromTail; i++) list.popBack();
  notifyKey(ctx, NOTIFY_LIST, 'ltrim', key);
  ctx.db.deleteIfEmpty(key, list.length);
  return OK;
}

/** LMOVE source destination LEFT|RIGHT LEFT|RIGHT, and RPOPLPUSH (RIGHT LEFT). */
function moveCommand(fixed?: [End, End]) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const from = fixed ? fixed[0] : parseEnd(args[3]!);
    const to = fixed ? fixed[1] : parseEnd(args[4]!);
    if (from === null || to === null) return ERR_SYNTAX;
    const source = args[1]!;
    const list = getList(ctx, source);
    if (list === undefined) return null;
    if (list instanceof ErrorReply) return list;
    return moveElement(ctx, source, list, args[2]!, from, to);
  };
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT n]: [key, [elements]] from the first non-empty list. */
function lmpop(ctx: CommandContext, args: string[]): Reply {
  const parsed = parseMpopArgs(args, 1);
  if (parsed instanceof ErrorReply) return parsed;
  for (const key of parsed.keys) {
    const list = getList(ctx, key);
    if (list === undefined) continue;
    if (list instanceof ErrorReply) return list;
    const popped = popElements(ctx, key, list, parsed.end, parsed.count);
    // Redis propagates the pop with the number of elements actually taken.
    ctx.propagateAs([popVerb(parsed.end), key, String(popped.length)]);
    return [key, popped];
  }
  return NULL_ARRAY;
}

/** LMPOP's keys are movable: the legacy key triple is 0 0 0, as COMMAND INFO shows in Redis. */
const MOVABLE_KEYS = { first: 0, last: 0, step: 0 };

export const listCommands: CommandSpec[] = [
  command('lpush', -3, ['write', 'denyoom', 'fast'], pushCommand('left', false), KEY1),
  command('rpush', -3, ['write', 'denyoom', 'fast'], pushCommand('right', false), KEY1),
  command('lpushx', -3, ['write', 'denyoom', 'fast'], pushCommand('left', true), KEY1),
  command('rpushx', -3, ['write', 'denyoom', 'fast'], pushCommand('right', true), KEY1),
  command('lpop', -2, ['write', 'fast'], popCommand('left'), KEY1),
  command('rpop', -2, ['write', 'fast'], popCommand('right'), KEY1),
  command('llen', 2, ['readonly', 'fast'], llen, KEY1),
  command('lrange', 4, ['readonly'], lrange, KEY1),
  command('lindex', 3, ['readonly'], lindex, KEY1),
  command('lset', 4, ['write', 'denyoom'], lset, KEY1),
  command('ltrim', 4, ['write'], ltrim, KEY1),
  command('lrem', 4, ['write'], lrem, KEY1),
  command('linsert', 5, ['write', 'denyoom'], linsert, KEY1),
  command('lpos', -3, ['readonly'], lpos, KEY1),
  command('lmove', 5, ['write', 'denyoom'], moveCommand(), { first: 1, last: 2, step: 1 }),
  command('rpoplpush', 3, ['write', 'denyoom'], moveCommand(['right', 'left']), { first: 1, last: 2, step: 1 }),
  command('lmpop', -4, ['write', 'movablekeys'], lmpop, MOVABLE_KEYS),
  ...blockingListCommands,
];
