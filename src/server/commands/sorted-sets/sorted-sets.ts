// Sorted-set commands (Redis 7.0 t_zset.c): ZADD with its flags, ZINCRBY, ZREM, the point reads
// (ZSCORE ZMSCORE ZCARD ZRANK ZREVRANK) and the family's command table, gathered from the
// sorted-sets-*.ts modules. Changes go through db.willModify only when something really changes.

import { DoubleReply, ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { SortedSet } from '../../keyspace/sorted-set.js';
import { ERR_SYNTAX } from '../../base/errors.js';
import { getZset, modifier } from './common.js';
import { ERR_NAN_SCORE, parseScore } from './parse.js';
import { rangeCommands } from './range.js';
import { popCommands } from './pop.js';
import { storeCommands } from './store.js';
import { randomCommands } from './random.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { notifyKey, NOTIFY_ZSET } from '../../keyspace/keyspace-events.js';

const ERR_NOT_FLOAT = new ErrorReply('ERR value is not a valid float');
const ERR_XX_NX = new ErrorReply('ERR XX and NX options at the same time are not compatible');
const ERR_GT_LT_NX = new ErrorReply('ERR GT, LT, and/or NX options at the same time are not compatible');
const ERR_INCR_PAIRS = new ErrorReply('ERR INCR option supports a single increment-element pair');

interface ZaddFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

/** Leading option words of ZADD, in any order; returns the index of the first score. */
function parseZaddFlags(args: string[], flags: ZaddFlags): number {
  let i = 2;
  for (; i < args.length; i++) {
    const word = args[i]!.toUpperCase();
    if (word === 'NX') flags.nx = true;
    else if (word === 'XX') flags.xx = true;
    else if (word === 'GT') flags.gt = true;
    else if (word === 'LT') flags.lt = true;
    else if (word === 'CH') flags.ch = true;
    else if (word === 'INCR') flags.incr = true;
    else break;
  }
  return i;
}

/** Checks in Redis's order: pair count, XX+NX, GT/LT/NX, INCR with one pair, then every score. */
function validateZadd(args: string[], at: number, flags: ZaddFlags): number[] | ErrorReply {
  const elements = args.length - at;
  if (elements === 0 || elements % 2 !== 0) return ERR_SYNTAX;
  if (flags.nx && flags.xx) return ERR_XX_NX;
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) return ERR_GT_LT_NX;
  if (flags.incr && elements > 2) return ERR_INCR_PAIRS;
  const scores: number[] = [];
  for (let i = at; i < args.length; i += 2) {
    const score = parseScore(args[i]!);
    if (score === null) return ERR_NOT_FLOAT;
    scores.push(score);
  }
  return scores;
}

/** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] (Redis zaddGenericCommand). */
function zaddGeneric(ctx: CommandContext, args: string[], flags: ZaddFlags, at: number): Reply {
  const scores = validateZadd(args, at, flags);
  if (scores instanceof ErrorReply) return scores;
  const key = args[1]!;
  const found = getZset(ctx, key, true);
  if (found instanceof ErrorReply) return found;
  if (found === undefined && flags.xx) return flags.incr ? null : 0;
  const zset = found ?? new SortedSet();
  const touch = found ? modifier(ctx, key) : () => {};
  let added = 0;
  let updated = 0;
  let processed = 0;
  let newScore = 0;
  for (let j = 0; j < scores.length; j++) {
    const member = args[at + j * 2 + 1]!;
    let score = scores[j]!;
    const current = zset.score(member);
    if (current === undefined) {
      if (flags.xx) continue;
      touch();
      zset.add(member, score);
      added++;
    } else {
      if (flags.nx) continue;
      if (flags.incr) {
        score += current;
        if (Number.isNaN(score)) return ERR_NAN_SCORE;
      }
      if ((flags.lt && score >= current) || (flags.gt && score <= current)) continue;
      if (score !== current) {
        touch();
        zset.add(member, score);
        updated++;
      }
    }
    processed++;
    newScore = zset.score(member)!;
  }
  if (!found && zset.size > 0) ctx.db.set(key, zset);
  if (added > 0) ctx.db.signalReady(key);
  if (added > 0 || updated > 0) notifyKey(ctx, NOTIFY_ZSET, flags.incr ? 'zincr' : 'zadd', key);
  if (flags.incr) return processed > 0 ? new DoubleReply(newScore) : null;
  return flags.ch ? added + updated : added;
}

function zadd(ctx: CommandContext, args: string[]): Reply {
  const flags: ZaddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: false };
  return zaddGeneric(ctx, args, flags, parseZaddFlags(args, flags));
}

/** ZINCRBY key increment member: ZADD key INCR increment member. */
function zincrby(ctx: CommandContext, args: string[]): Reply {
  const flags: ZaddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: true };
  return zaddGeneric(ctx, args, flags, 2);
}

function zrem(ctx: CommandContext, args: string[]): Reply {
  const key = args[1]!;
  const zset = getZset(ctx, key, true);
  if (zset === undefined || zset instanceof ErrorReply) return zset ?? 0;
  const touch = modifier(ctx, key);
  let removed = 0;
  for (let i = 2; i < args.length; i++) {
    if (!zset.has(args[i]!)) continue;
    touch();
    zset.remove(args[i]!);
    removed++;
  }
  if (removed > 0) notifyKey(ctx, NOTIFY_ZSET, 'zrem', key);
  ctx.db.deleteIfEmpty(key, zset.size);
  return removed;
}

function zscore(ctx: CommandContext, args: string[]): Reply {
  const zset = getZset(ctx, args[1]!);
  if (zset === undefined || zset instanceof ErrorReply) return zset ?? null;
  const score = zset.score(args[2]!);
  return score === undefined ? null : new DoubleReply(score);
}

function zmscore(ctx: CommandContext, args: string[]): Reply {
  const zset = getZset(ctx, args[1]!);
  if (zset instanceof ErrorReply) return zset;
  const out: Reply[] = [];
  for (let i = 2; i < args.length; i++) {
    const score = zset?.score(args[i]!);
    out.push(score === undefined ? null : new DoubleReply(score));
  }
  return out;
}

function zcard(ctx: CommandContext, args: string[]): Reply {
  const zset = getZset(ctx, args[1]!);
  if (zset instanceof ErrorReply) return zset;
  return zset?.size ?? 0;
}

function zrankGeneric(reverse: boolean) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const zset = getZset(ctx, args[1]!);
    if (zset === undefined || zset instanceof ErrorReply) return zset ?? null;
    const rank = zset.rank(args[2]!);
    if (rank === undefined) return null;
    return reverse ? zset.size - 1 - rank : rank;
  };
}

export const sortedSetCommands: CommandSpec[] = [
  command('zadd', -4, ['write', 'denyoom', 'fast'], zadd, KEY1),
  command('zincrby', 4, ['write', 'denyoom', 'fast'], zincrby, KEY1),
  command('zrem', -3, ['write', 'fast'], zrem, KEY1),
  command('zscore', 3, ['readonly', 'fast'], zscore, KEY1),
  command('zmscore', -3, ['readonly', 'fast'], zmscore, KEY1),
  command('zcard', 2, ['readonly', 'fast'], zcard, KEY1),
  command('zrank', 3, ['readonly', 'fast'], zrankGeneric(false), KEY1),
  command('zrevrank', 3, ['readonly', 'fast'], zrankGeneric(true), KEY1),
  ...rangeCommands,
  ...popCommands,
  ...storeCommands,
  ...randomCommands,
];
