// The stream family's command table (Redis 7.0 t_stream.c): arity, flags and key positions as
// COMMAND INFO on redis-server 7.0.15 shows them. XGROUP and XINFO are containers whose
// subcommands are looked up by name, as in Redis 7.0.

import { unknownSubcommand } from '../../base/errors.js';
import { command, KEY1, type CommandSpec } from '../../base/command-spec.js';
import { xautoclaim, xclaim } from './claim.js';
import { xgroup, xgroupHelp, xsetid } from './groups.js';
import { xinfoConsumers, xinfoGroups, xinfoHelp, xinfoStream } from './info.js';
import { xack, xpending } from './pending.js';
import { xdel, xlen, xrange, xrevrange } from './range.js';
import { xadd, xtrim } from './xadd.js';
import { xread, xreadgroup } from './xread.js';

const KEY2 = { first: 2, last: 2, step: 1 } as const;
const MOVABLE = { first: 0, last: 0, step: 0 } as const;

const xgroupSubcommands: CommandSpec[] = [
  command('create', -5, ['write', 'denyoom'], xgroup, KEY2),
  command('setid', -5, ['write'], xgroup, KEY2),
  command('destroy', 4, ['write'], xgroup, KEY2),
  command('createconsumer', 5, ['write', 'denyoom'], xgroup, KEY2),
  command('delconsumer', 5, ['write'], xgroup, KEY2),
  command('help', 2, ['loading', 'stale'], xgroupHelp),
];

const xinfoSubcommands: CommandSpec[] = [
  command('stream', -3, ['readonly'], xinfoStream, KEY2),
  command('groups', 3, ['readonly'], xinfoGroups, KEY2),
  command('consumers', 4, ['readonly'], xinfoConsumers, KEY2),
  command('help', 2, ['loading', 'stale'], xinfoHelp),
];

export const streamCommands: CommandSpec[] = [
  command('xadd', -5, ['write', 'denyoom', 'fast'], xadd, KEY1),
  command('xrange', -4, ['readonly'], xrange, KEY1),
  command('xrevrange', -4, ['readonly'], xrevrange, KEY1),
  command('xlen', 2, ['readonly', 'fast'], xlen, KEY1),
  command('xdel', -3, ['write', 'fast'], xdel, KEY1),
  command('xtrim', -4, ['write'], xtrim, KEY1),
  command('xread', -4, ['readonly', 'blocking', 'movablekeys'], xread, MOVABLE),
  command('xreadgroup', -7, ['write', 'blocking', 'movablekeys'], xreadgroup, MOVABLE),
  command('xgroup', -2, [], (_ctx, args) => unknownSubcommand(args), undefined, { subcommands: xgroupSubcommands }),
  command('xack', -4, ['write', 'fast'], xack, KEY1),
  command('xpending', -3, ['readonly'], xpending, KEY1),
  command('xclaim', -6, ['write', 'fast'], xclaim, KEY1),
  command('xautoclaim', -6, ['write', 'fast'], xautoclaim, KEY1),
  command('xinfo', -2, [], (_ctx, args) => unknownSubcommand(args), undefined, { subcommands: xinfoSubcommands }),
  command('xsetid', -3, ['write', 'denyoom', 'fast'], xsetid, KEY1),
];
