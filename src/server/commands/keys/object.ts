// OBJECT ENCODING / REFCOUNT / IDLETIME / FREQ / HELP (Redis 7.0 object.c). We do not keep Redis's
// internal encodings, so ENCODING derives the answer 7.0 would give from the value's current content
// and the *-max-* config thresholds. Redis never converts a value back to its compact encoding once
// it grew, and APPEND/SETRANGE leave strings "raw": we cannot see that history, so a shrunk
// collection or an appended short string reads as its compact encoding here.

import { ErrorReply, SimpleString, type Reply } from '../../../shared/resp/reply.js';
import { ListValue } from '../../keyspace/list.js';
import { SortedSet } from '../../keyspace/sorted-set.js';
import { StreamValue } from '../../keyspace/stream.js';
import type { Value } from '../../keyspace/values.js';
import type { Config } from '../../config/config.js';
import { parseInt64 } from '../../base/args.js';
import { unknownSubcommand } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

/** object.c OBJ_ENCODING_EMBSTR_SIZE_LIMIT: longer strings are "raw". */
const EMBSTR_SIZE_LIMIT = 44;
/** Shared integer objects 0..9999 answer REFCOUNT with OBJ_SHARED_REFCOUNT (INT_MAX). */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;
const POLICY_NOTE = 'Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
const ERR_LFU_SELECTED = new ErrorReply(`ERR An LFU maxmemory policy is selected, idle time not tracked. ${POLICY_NOTE}`);
const ERR_LFU_NOT_SELECTED = new ErrorReply(`ERR An LFU maxmemory policy is not selected, access frequency not tracked. ${POLICY_NOTE}`);

const HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

/** The encoding name Redis 7.0 reports for a value of this content. */
export function encodingOf(value: Value, config: Config): string {
  if (typeof value === 'string') {
    if (parseInt64(value) !== null) return 'int';
    return value.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
  }
  // 7.0 lists are always quicklists (listpack-encoded small lists arrived in 7.2).
  if (value instanceof ListValue) return 'quicklist';
  if (value instanceof Map) {
    return compact(value.size, value, config.num('hash-max-listpack-entries'), config.num('hash-max-listpack-value'))
      ? 'listpack'
      : 'hashtable';
  }
  if (value instanceof Set) return isIntset(value, config.num('set-max-intset-entries')) ? 'intset' : 'hashtable';
  if (value instanceof SortedSet) {
    const members = value.scores.keys();
    return compact(value.size, members, config.num('zset-max-listpack-entries'), config.num('zset-max-listpack-value'))
      ? 'listpack'
      : 'skiplist';
  }
  if (value instanceof StreamValue) return 'stream';
  return 'unknown';
}

/** Listpack while there are at most maxEntries entries and no string longer than maxValue. */
function compact(size: number, items: Iterable<string | [string, string]>, maxEntries: number, maxValue: number): boolean {
  if (size > maxEntries) return false;
  for (const item of items) {
    if (typeof item === 'string') {
      if (item.length > maxValue) return false;
    } else if (item[0].length > maxValue || item[1].length > maxValue) {
      return false;
    }
  }
  return true;
}

/** 7.0 sets are intsets while every member is a 64-bit integer and there are few enough. */
function isIntset(set: Set<string>, maxEntries: number): boolean {
  if (set.size > maxEntries) return false;
  for (const member of set) if (parseInt64(member) === null) return false;
  return true;
}

function isLfu(ctx: CommandContext): boolean {
  return ctx.server.config.str('maxmemory-policy').includes('lfu');
}

/** Shared integers are not used when maxmemory evicts by LRU/LFU (each key needs its own clock). */
function refcount(ctx: CommandContext, value: Value): number {
  if (typeof value !== 'string') return 1;
  const config = ctx.server.config;
  const policy = config.str('maxmemory-policy');
  if (config.num('maxmemory') > 0 && (policy.includes('lru') || policy.includes('lfu'))) return 1;
  const n = parseInt64(value);
  return n !== null && n >= 0n && n < BigInt(SHARED_INTEGERS) ? SHARED_REFCOUNT : 1;
}

function objectSub(name: string, answer: (ctx: CommandContext, value: Value) => Reply): CommandSpec {
  const handler = (ctx: CommandContext, args: string[]): Reply => {
    const value = readKey(ctx, args[2]!);
    return value === undefined ? null : answer(ctx, value);
  };
  return command(name, 3, ['readonly'], handler, { first: 2, last: 2, step: 1 });
}

const objectSubcommands: CommandSpec[] = [
  objectSub('encoding', (ctx, value) => encodingOf(value, ctx.server.config)),
  objectSub('refcount', (ctx, value) => refcount(ctx, value)),
  // Access times are not tracked (it would cost memory per key): a key reads as just used.
  objectSub('idletime', (ctx) => (isLfu(ctx) ? ERR_LFU_SELECTED : 0)),
  objectSub('freq', (ctx) => (isLfu(ctx) ? 0 : ERR_LFU_NOT_SELECTED)),
  command('help', 2, ['loading', 'stale'], () => HELP.map((line) => new SimpleString(line))),
];

export const objectCommands: CommandSpec[] = [
  command('object', -2, [], (_ctx, args) => unknownSubcommand(args), undefined, { subcommands: objectSubcommands }),
];
