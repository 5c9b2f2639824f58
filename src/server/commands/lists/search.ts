// List commands that search by value (Redis 7.0 t_list.c): LREM, LINSERT and LPOS with its RANK,
// COUNT and MAXLEN options. All are O(n), as in Redis.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { is, parseInteger } from '../../base/args.js';
import { getList, readList } from './common.js';
import type { CommandContext } from '../../base/command-spec.js';
import { notifyKey, NOTIFY_LIST } from '../../keyspace/keyspace-events.js';

const ERR_RANK_ZERO = new ErrorReply(
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
);
const ERR_COUNT_NEGATIVE = new ErrorReply("ERR COUNT can't be negative");
const ERR_MAXLEN_NEGATIVE = new ErrorReply("ERR MAXLEN can't be negative");
const INT64_MIN = -(2 ** 63);

/** LREM key count element: count > 0 from the head, < 0 from the tail, 0 all. Reply: removed count. */
export function lrem(ctx: CommandContext, args: string[]): Reply {
  const count = parseInteger(args[2]!);
  if (count === null) return ERR_NOT_INTEGER;
  const key = args[1]!;
  const list = getList(ctx, key);
  if (list === undefined) return 0;
  if (list instanceof ErrorReply) return list;
  const element = args[3]!;
  const items = list.toArray();
  const limit = count === 0 ? Infinity : Math.abs(count);
  const keep = new Array<boolean>(items.length).fill(true);
  let removed = 0;
  for (let n = 0; n < items.length && removed < limit; n++) {
    const i = count < 0 ? items.length - 1 - n : n;
    if (items[i] === element) {
      keep[i] = false;
      removed++;
    }
  }
  // Removing nothing is no change: nothing is propagated and WATCH is not touched.
  if (removed === 0) return 0;
  ctx.db.willModify(key);
  list.replaceAll(items.filter((_, i) => keep[i]));
  notifyKey(ctx, NOTIFY_LIST, 'lrem', key);
  ctx.db.deleteIfEmpty(key, list.length);
  return removed;
}

/** LINSERT key BEFORE|AFTER pivot element: new length, -1 without the pivot, 0 without the key. */
export function linsert(ctx: CommandContext, args: string[]): Reply {
  const after = is(args[2], 'AFTER');
  if (!after && !is(args[2], 'BEFORE')) return ERR_SYNTAX;
  const key = args[1]!;
  const list = getList(ctx, key);
  if (list === undefined) return 0;
  if (list instanceof ErrorReply) return list;
  const pivot = args[3]!;
  let index = -1;
  let i = 0;
  for (const item of list) {
    if (item === pivot) {
      index = i;
      break;
    }
    i++;
  }
  if (index === -1) return -1;
  ctx.db.willModify(key);
  list.insertAt(after ? index + 1 : index, args[4]!);
  notifyKey(ctx, NOTIFY_LIST, 'linsert', key);
  return list.length;
}

interface LposOptions {
  rank: number;
  /** -1 when COUNT was not given (reply is one index or nil); 0 means every match. */
  count: number;
  maxlen: number;
}

function parseLposOptions(args: string[]): LposOptions | ErrorReply {
  const options: LposOptions = { rank: 1, count: -1, maxlen: 0 };
  for (let i = 3; i < args.length; i++) {
    const more = i + 1 < args.length;
    if (is(args[i], 'RANK') && more) {
      const rank = parseInteger(args[++i]!);
      if (rank === null) return ERR_NOT_INTEGER;
      if (rank === 0) return ERR_RANK_ZERO;
      options.rank = rank;
    } else if (is(args[i], 'COUNT') && more) {
      const count = parseInteger(args[++i]!);
      if (count === null || count < 0) return ERR_COUNT_NEGATIVE;
      options.count = count;
    } else if (is(args[i], 'MAXLEN') && more) {
      const maxlen = parseInteger(args[++i]!);
      if (maxlen === null || maxlen < 0) return ERR_MAXLEN_NEGATIVE;
      options.maxlen = maxlen;
    } else {
      return ERR_SYNTAX;
    }
  }
  return options;
}

/** LPOS key element [RANK r] [COUNT n] [MAXLEN m]: index of matches (negative RANK scans from the tail). */
export function lpos(ctx: CommandContext, args: string[]): Reply {
  const options = parseLposOptions(args);
  if (options instanceof ErrorReply) return options;
  const list = readList(ctx, args[1]!);
  if (list === undefined) return options.count === -1 ? null : [];
  if (list instanceof ErrorReply) return list;
  const { count, maxlen } = options;
  const fromTail = options.rank < 0;
  // Redis negates a negative rank in a C long: RANK -2^63 stays negative, so every match
  // qualifies and COUNT never stops the scan. Reproduced for identical answers.
  const wrapped = options.rank === INT64_MIN;
  const rank = wrapped ? -Infinity : Math.abs(options.rank);
  const element = args[2]!;
  const length = list.length;
  const found: number[] = [];
  let matches = 0;
  for (let n = 0; n < length && (maxlen === 0 || n < maxlen); n++) {
    const index = fromTail ? length - 1 - n : n;
    if (list.at(index) !== element) continue;
    matches++;
    if (matches < rank) continue;
    found.push(index);
    if (count === -1) break;
    if (count !== 0 && !wrapped && matches - rank + 1 >= count) break;
  }
  if (count === -1) return found.length > 0 ? found[0]! : null;
  return found;
}
