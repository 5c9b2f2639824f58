// SLOWLOG GET [count] | LEN | RESET | HELP (slowlog.c slowlogCommand) over the slow log that
// request/slowlog.ts fills from call(). GET answers the newest entries first, 10 by default, all
// with -1; an entry is [id, unix time, microseconds, [args], client address, client name].

import { ErrorReply, OK, type Reply } from '../../../shared/resp/reply.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { helpReply, unknownSubcommandOrArity } from '../../base/help.js';
import { parseInteger } from '../../base/args.js';
import { slowlogOf } from '../../request/slowlog.js';

const ADMIN = ['admin', 'loading', 'stale'] as const;
const ERR_COUNT = new ErrorReply('ERR count should be greater than or equal to -1');

const HELP = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

function slowlogGet(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 3) return new ErrorReply(unknownSubcommandOrArity('SLOWLOG', args[1]!));
  const entries = slowlogOf(ctx.server).entries;
  let count = 10;
  if (args.length === 3) {
    const parsed = parseInteger(args[2]!);
    if (parsed === null || parsed < -1) return ERR_COUNT;
    count = parsed === -1 ? entries.length : parsed;
  }
  return entries.slice(0, count).map((entry) => [entry.id, entry.time, entry.durationUs, [...entry.args], entry.addr, entry.name]);
}

function slowlogReset(ctx: CommandContext): Reply {
  slowlogOf(ctx.server).reset();
  return OK;
}

export const slowlogCommands: CommandSpec[] = [
  command('slowlog', -2, [], () => null, undefined, {
    summary: 'A container for slow log commands',
    subcommands: [
      command('get', -2, ADMIN, slowlogGet, undefined, { summary: "Get the slow log's entries" }),
      command('len', 2, ADMIN, (ctx) => slowlogOf(ctx.server).entries.length, undefined, { summary: "Get the slow log's length" }),
      command('reset', 2, ADMIN, slowlogReset, undefined, {
        summary: 'Clear all entries from the slow log',
      }),
      command('help', 2, ['loading', 'stale'], () => helpReply('SLOWLOG', HELP), undefined, {
        summary: 'Show helpful text about the different subcommands',
      }),
    ],
  }),
];
