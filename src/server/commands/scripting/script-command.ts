// SCRIPT LOAD | EXISTS | FLUSH | KILL | DEBUG | HELP (Redis eval.c scriptCommand). SCRIPT DEBUG NO
// answers OK as Redis does; YES and SYNC would start Redis's step debugger (LDB), which this node
// does not implement, so they answer an error saying so instead of pretending.

import { ErrorReply, OK, type Reply } from '../../../shared/resp/reply.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { helpReply } from '../../base/help.js';
import { cachedScript, flushScripts, loadScript } from '../../scripting/eval-scripts.js';
import { killScript } from '../../scripting/busy.js';

const HELP = [
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
];

export const ERR_NO_DEBUGGER = new ErrorReply(
  'ERR SCRIPT DEBUG YES/SYNC is not supported: this node has no Lua step debugger (use SCRIPT DEBUG NO)',
);

function scriptLoad(ctx: CommandContext, args: string[]): Reply {
  const script = loadScript(ctx.server, args[2]!);
  return script instanceof ErrorReply ? script : script.sha;
}

function scriptExists(ctx: CommandContext, args: string[]): Reply {
  return args.slice(2).map((sha) => (cachedScript(ctx.server, sha) ? 1 : 0));
}

function scriptFlush(ctx: CommandContext, args: string[]): Reply {
  // ASYNC and SYNC both free at once here: the old Lua state is closed in one call.
  if (args.length > 3 || (args.length === 3 && !['sync', 'async'].includes(args[2]!.toLowerCase()))) {
    return new ErrorReply('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
  }
  flushScripts(ctx.server);
  return OK;
}

function scriptDebug(_ctx: CommandContext, args: string[]): Reply {
  const mode = args[2]!.toLowerCase();
  if (mode === 'no') return OK;
  if (mode === 'yes' || mode === 'sync') return ERR_NO_DEBUGGER;
  return new ErrorReply('ERR Use SCRIPT DEBUG YES/SYNC/NO');
}

export const scriptCommandSpec: CommandSpec = command('script', -2, [], () => null, undefined, {
  summary: 'A container for Lua scripts management commands',
  subcommands: [
    command('debug', 3, ['noscript'], scriptDebug, undefined, { summary: 'Set the debug mode for executed scripts.' }),
    command('exists', -3, ['noscript'], scriptExists, undefined, { summary: 'Check existence of scripts in the script cache.' }),
    command('flush', -2, ['noscript'], scriptFlush, undefined, { summary: 'Remove all the scripts from the script cache.' }),
    command('help', 2, ['loading', 'stale'], () => helpReply('SCRIPT', HELP), undefined, {
      summary: 'Show helpful text about the different subcommands',
    }),
    command('kill', 2, ['noscript', 'allow_busy'], (ctx) => killScript(ctx.server, true), undefined, {
      summary: 'Kill the script currently in execution.',
    }),
    command('load', 3, ['noscript', 'stale'], scriptLoad, undefined, { summary: 'Load the specified Lua script into the script cache.' }),
  ],
});
