// FUNCTION LOAD | LIST | DELETE | FLUSH | DUMP | RESTORE | STATS | KILL | HELP (Redis functions.c).
// LOAD, DELETE, FLUSH and RESTORE change the data set: they count as a change and propagate as sent.

import { globMatch } from '../../../shared/glob.js';
import { ErrorReply, MapReply, OK, type Reply, SetReply, SimpleString } from '../../../shared/resp/reply.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { clock } from '../../base/clock.js';
import { helpReply, unknownSubcommandOrArity } from '../../base/help.js';
import { ERR_BUSY_EVAL, killScript } from '../../scripting/busy.js';
import { functionDump, restorePayload } from '../../scripting/function-dump.js';
import {
  createLibrary,
  currentLibraries,
  deleteLibrary,
  discardLibraries,
  ENGINE,
  joinLibraries,
  type Library,
  newLibraryCtx,
  swapLibraries,
} from '../../scripting/functions.js';
import { runningScript } from '../../scripting/run-context.js';
import { SCRIPT_FLAGS } from '../../scripting/shebang.js';
import { FUNCTION_HELP } from './function-help.js';

function functionLoad(ctx: CommandContext, args: string[]): Reply {
  let replace = false;
  for (const option of args.slice(2, -1)) {
    if (option.toLowerCase() !== 'replace') return new ErrorReply(`ERR Unknown option given: ${option}`);
    replace = true;
  }
  // What a master sends is applied whatever it takes (Redis: no load timeout for mustObeyClient).
  const loaded = createLibrary(ctx.server, currentLibraries(ctx.server), args[args.length - 1]!, replace, ctx.client.isMaster ? 0 : undefined);
  if (typeof loaded !== 'string') return new ErrorReply(`ERR ${loaded.error}`);
  ctx.server.dirty++;
  return loaded;
}

function describe(library: Library, withCode: boolean): Reply {
  const functions = [...library.functions.values()].map(
    (fn) =>
      new MapReply([
        'name',
        fn.name,
        'description',
        fn.description,
        'flags',
        new SetReply(SCRIPT_FLAGS.filter((f) => fn.flags.has(f)).map((f) => new SimpleString(f))),
      ]),
  );
  const fields: Reply[] = ['library_name', library.name, 'engine', ENGINE, 'functions', functions];
  if (withCode) fields.push('library_code', library.code);
  return new MapReply(fields);
}

function functionList(ctx: CommandContext, args: string[]): Reply {
  let withCode = false;
  let pattern: string | undefined;
  for (let i = 2; i < args.length; i++) {
    const arg = args[i]!.toLowerCase();
    if (!withCode && arg === 'withcode') {
      withCode = true;
    } else if (pattern === undefined && arg === 'libraryname') {
      if (i >= args.length - 1) return new ErrorReply('ERR library name argument was not given');
      pattern = args[++i]!;
    } else {
      return new ErrorReply(`ERR Unknown argument ${args[i]}`);
    }
  }
  const libraries = [...currentLibraries(ctx.server).libraries.values()];
  return libraries.filter((l) => pattern === undefined || globMatch(pattern, l.name, true)).map((l) => describe(l, withCode));
}

function functionDelete(ctx: CommandContext, args: string[]): Reply {
  if (!deleteLibrary(ctx.server, args[2]!)) return new ErrorReply('ERR Library not found');
  ctx.server.dirty++;
  return OK;
}

function functionFlush(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 3) return new ErrorReply(unknownSubcommandOrArity('FUNCTION', args[1]!));
  if (args.length === 3 && !['sync', 'async'].includes(args[2]!.toLowerCase())) {
    return new ErrorReply('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
  }
  swapLibraries(ctx.server, newLibraryCtx());
  ctx.server.dirty++;
  return OK;
}

function functionRestore(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 4) return new ErrorReply(unknownSubcommandOrArity('FUNCTION', args[1]!));
  const policy = args.length === 4 ? args[3]!.toLowerCase() : 'append';
  if (!['append', 'replace', 'flush'].includes(policy)) {
    return new ErrorReply('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
  }
  const scratch = newLibraryCtx();
  const error = restorePayload(ctx.server, args[2]!, scratch) ?? (policy === 'flush' ? undefined : joinLibraries(ctx.server, scratch, policy === 'replace'));
  if (error !== undefined) {
    discardLibraries(ctx.server, scratch);
    return new ErrorReply(`ERR ${error}`);
  }
  if (policy === 'flush') swapLibraries(ctx.server, scratch);
  ctx.server.dirty++;
  return OK;
}

function functionStats(ctx: CommandContext): Reply {
  const run = runningScript(ctx.server);
  if (run?.evalMode) return ERR_BUSY_EVAL;
  const running = run
    ? new MapReply(['name', run.name, 'command', [...run.argv], 'duration_ms', Math.floor(clock.monotonic() - run.startedAt)])
    : null;
  const current = currentLibraries(ctx.server);
  const engines = new MapReply([ENGINE, new MapReply(['libraries_count', current.libraries.size, 'functions_count', current.functions.size])]);
  return new MapReply(['running_script', running, 'engines', engines]);
}

const WRITE = ['write', 'denyoom', 'noscript'] as const;

export const functionCommandSpec: CommandSpec = command('function', -2, [], () => null, undefined, {
  summary: 'A container for function commands',
  subcommands: [
    command('delete', 3, ['write', 'noscript'], functionDelete, undefined, { summary: 'Delete a function by name' }),
    command('dump', 2, ['noscript'], (ctx) => functionDump(ctx.server), undefined, { summary: 'Dump all functions into a serialized binary payload' }),
    command('flush', -2, ['write', 'noscript'], functionFlush, undefined, { summary: 'Deleting all functions' }),
    command('help', 2, ['loading', 'stale'], () => helpReply('FUNCTION', FUNCTION_HELP), undefined, {
      summary: 'Show helpful text about the different subcommands',
    }),
    command('kill', 2, ['noscript', 'allow_busy'], (ctx) => killScript(ctx.server, false), undefined, {
      summary: 'Kill the function currently in execution.',
    }),
    command('list', -2, ['noscript'], functionList, undefined, { summary: 'List information about all the functions' }),
    command('load', -3, WRITE, functionLoad, undefined, { summary: 'Create a function with the given arguments (name, code, description)' }),
    command('restore', -3, WRITE, functionRestore, undefined, { summary: 'Restore all the functions on the given payload' }),
    command('stats', 2, ['noscript', 'allow_busy'], functionStats, undefined, {
      summary: 'Return information about the function currently running (name, description, duration)',
    }),
  ],
});
