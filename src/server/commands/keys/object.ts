// OBJECT ENCODING / REFCOUNT / IDLETIME / FREQ / HELP (Redis 7.0 object.c objectCommand). ENCODING
// is derived from the value's content (keyspace/encoding.ts); IDLETIME and FREQ read the key's
// access stamp (keyspace/access-clock.ts) as Redis reads the object's `lru` field, and like Redis
// every subcommand looks the key up without stamping it (LOOKUP_NOTOUCH).

import { ErrorReply, SimpleString, type Reply } from '../../../shared/resp/reply.js';
import type { Value } from '../../keyspace/values.js';
import { encodingOf } from '../../keyspace/encoding.js';
import { objectRefcount } from '../../keyspace/refcount.js';
import { unknownSubcommand } from '../../base/errors.js';
import { peekKey } from '../../base/read-key.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

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

function objectSub(name: string, answer: (ctx: CommandContext, value: Value, key: string) => Reply): CommandSpec {
  const handler = (ctx: CommandContext, args: string[]): Reply => {
    const value = peekKey(ctx, args[2]!, ctx.db, false);
    return value === undefined ? null : answer(ctx, value, args[2]!);
  };
  return command(name, 3, ['readonly'], handler, { first: 2, last: 2, step: 1 });
}

/** Redis objectCommand: IDLETIME refuses under an LFU policy, FREQ without one. */
function idletime(ctx: CommandContext, _value: Value, key: string): Reply {
  if (ctx.server.accessClock.lfu) return ERR_LFU_SELECTED;
  const clock = ctx.server.accessClock;
  return Math.floor(clock.idleMs(ctx.db.access.get(key) ?? clock.lru) / 1000);
}

function freq(ctx: CommandContext, _value: Value, key: string): Reply {
  if (!ctx.server.accessClock.lfu) return ERR_LFU_NOT_SELECTED;
  const clock = ctx.server.accessClock;
  // Decayed as of now, though not stored: the stamp changes only when the key is used.
  return clock.frequency(ctx.db.access.get(key) ?? clock.fresh());
}

const objectSubcommands: CommandSpec[] = [
  objectSub('encoding', (ctx, value) => encodingOf(value, ctx.server.config)),
  objectSub('refcount', (ctx, value) => objectRefcount(value, ctx.server.config)),
  objectSub('idletime', idletime),
  objectSub('freq', freq),
  command('help', 2, ['loading', 'stale'], () => HELP.map((line) => new SimpleString(line))),
];

export const objectCommands: CommandSpec[] = [
  command('object', -2, [], (_ctx, args) => unknownSubcommand(args), undefined, { subcommands: objectSubcommands }),
];
