// MEMORY USAGE | STATS | DOCTOR | MALLOC-STATS | PURGE | HELP (object.c memoryCommand). USAGE
// estimates a key from its value (memory-usage.ts); STATS reports the process's figures in
// Redis's field names and order (the V8 heap stands for the allocator); DOCTOR speaks as Redis
// does for an instance without issues it can detect; MALLOC-STATS answers as Redis built without
// jemalloc does (V8 keeps no such statistics to show); PURGE asks V8 for a collection when exposed.

import { DoubleReply, MapReply, OK, VerbatimReply, type Reply } from '../../../shared/resp/reply.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { helpReply } from '../../base/help.js';
import { parseInt64 } from '../../base/args.js';
import type { Server } from '../../server.js';
import { memoryFigures } from './info-sections.js';
import { keyUsage } from '../../keyspace/memory-size.js';

const HELP = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

/** OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
const DEFAULT_SAMPLES = 5;
/** Below this much data Redis's doctor declines to judge (5 MB, memory.c). */
const DOCTOR_MIN_BYTES = 5 * 1024 * 1024;

function usage(ctx: CommandContext, args: string[]): Reply {
  let samples = DEFAULT_SAMPLES;
  for (let j = 3; j < args.length; j++) {
    if (args[j]!.toLowerCase() !== 'samples' || j + 1 >= args.length) return ERR_SYNTAX;
    const parsed = parseInt64(args[++j]!);
    if (parsed === null) return ERR_NOT_INTEGER;
    if (parsed < 0n) return ERR_SYNTAX;
    samples = parsed === 0n ? Infinity : Number(parsed);
  }
  // Redis looks the key up in the dict itself: no expiry on access, no hit or miss counted.
  const value = ctx.db.data.get(args[2]!);
  return value === undefined ? null : keyUsage(args[2]!, value, samples, ctx.server.config);
}

/** What Redis's per-db overhead counts: an entry and a robj per key, a pointer per bucket. */
function dbOverheads(server: Server): { flat: Reply[]; total: number; keys: number } {
  const flat: Reply[] = [];
  let total = 0;
  let keys = 0;
  for (const db of server.dbs) {
    if (db.data.size === 0) continue;
    const main = db.data.size * (24 + 16) + 8 * slotsFor(db.data.size);
    const expires = db.expires.size === 0 ? 0 : db.expires.size * 24 + 8 * slotsFor(db.expires.size);
    flat.push(`db.${db.id}`, new MapReply(['overhead.hashtable.main', main, 'overhead.hashtable.expires', expires, 'overhead.hashtable.slot-to-keys', 0]));
    total += main + expires;
    keys += db.data.size;
  }
  return { flat, total, keys };
}

function slotsFor(used: number): number {
  return used <= 4 ? 4 : 2 ** Math.ceil(Math.log2(used));
}

function stats(ctx: CommandContext): Reply {
  const { used, peak, startup, usage: process } = memoryFigures(ctx.server);
  const backlog = ctx.server.replication?.backlog?.size ?? 0;
  const dbs = dbOverheads(ctx.server);
  const overhead = startup + backlog + dbs.total;
  const dataset = Math.max(0, used - overhead);
  const active = process.heapTotal + process.external;
  return new MapReply([
    'peak.allocated', peak, 'total.allocated', used, 'startup.allocated', startup,
    'replication.backlog', backlog, 'clients.slaves', 0, 'clients.normal', 0, 'cluster.links', 0,
    'aof.buffer', 0, 'lua.caches', 0, 'functions.caches', 0,
    ...dbs.flat,
    'overhead.total', overhead, 'keys.count', dbs.keys,
    'keys.bytes-per-key', dbs.keys === 0 ? 0 : Math.floor((used - startup) / dbs.keys),
    'dataset.bytes', dataset,
    'dataset.percentage', new DoubleReply((dataset * 100) / Math.max(1, used - startup)),
    'peak.percentage', new DoubleReply((used * 100) / Math.max(1, peak)),
    'allocator.allocated', used, 'allocator.active', active, 'allocator.resident', process.rss,
    'allocator-fragmentation.ratio', new DoubleReply(active / Math.max(1, used)), 'allocator-fragmentation.bytes', active - used,
    'allocator-rss.ratio', new DoubleReply(process.rss / Math.max(1, active)), 'allocator-rss.bytes', process.rss - active,
    'rss-overhead.ratio', new DoubleReply(1), 'rss-overhead.bytes', 0,
    'fragmentation', new DoubleReply(process.rss / Math.max(1, used)), 'fragmentation.bytes', process.rss - used,
  ]);
}

function doctor(ctx: CommandContext): Reply {
  const { used, startup } = memoryFigures(ctx.server);
  if (used - startup < DOCTOR_MIN_BYTES) {
    return new VerbatimReply(
      "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.",
    );
  }
  return new VerbatimReply("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.");
}

function purge(): Reply {
  // `--expose-gc` gives a global gc(); without it there is nothing to ask, and Redis too answers OK.
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
  return OK;
}

export const memoryCommands: CommandSpec[] = [
  command('memory', -2, [], () => null, undefined, {
    summary: 'A container for memory diagnostics commands',
    subcommands: [
      command('doctor', 2, [], doctor, undefined, { summary: 'Outputs memory problems report' }),
      command('help', 2, ['loading', 'stale'], () => helpReply('MEMORY', HELP), undefined, {
        summary: 'Show helpful text about the different subcommands',
      }),
      command('malloc-stats', 2, [], () => new VerbatimReply('Stats not supported for the current allocator'), undefined, {
        summary: 'Show allocator internal stats',
      }),
      command('purge', 2, [], purge, undefined, { summary: 'Ask the allocator to release memory' }),
      command('stats', 2, [], stats, undefined, { summary: 'Show memory usage details' }),
      command('usage', -3, ['readonly'], usage, { first: 2, last: 2, step: 1 }, { summary: 'Estimate the memory usage of a key' }),
    ],
  }),
];

