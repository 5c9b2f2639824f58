// COMMAND, COMMAND COUNT / LIST / INFO / DOCS / GETKEYS / GETKEYSANDFLAGS / HELP (Redis 7.0 shapes).
// What a command is comes from its metadata (base/command-metadata: redis-server 7.0's COMMAND INFO
// and DOCS, generated), cut to the commands and subcommands this node's table holds; keys come from
// the key specs (base/key-specs.ts), as redis-server's db.c finds them.

import { ErrorReply, MapReply, SetReply, SimpleString, type Reply } from '../../../shared/resp/reply.js';
import { is } from '../../base/args.js';
import { globMatch } from '../../../shared/glob.js';
import { ERR_SYNTAX } from '../../base/errors.js';
import { helpReply } from '../../base/help.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { inAclCategory, type CommandMeta } from '../../base/command-metadata/index.js';
import { commandDocsReply, commandInfoReply } from '../../base/command-metadata/reply.js';
import { lookupByFullName, lookupByLine, tableView, type TableEntry } from '../../base/command-metadata/table-view.js';
import { commandHasKeys, commandKeys, type KeyRef } from '../../base/key-specs.js';

const viewOf = (ctx: CommandContext) => tableView(ctx.server.commands);

function commandAll(ctx: CommandContext): Reply {
  return viewOf(ctx).top.map((e) => commandInfoReply(e.meta));
}

function commandInfoCmd(ctx: CommandContext, args: string[]): Reply {
  if (args.length === 2) return commandAll(ctx);
  const view = viewOf(ctx);
  return args.slice(2).map((name) => {
    const found = lookupByFullName(view, name);
    return found ? commandInfoReply(found.meta) : null;
  });
}

function commandDocsCmd(ctx: CommandContext, args: string[]): Reply {
  const view = viewOf(ctx);
  // Unknown names are skipped, not answered with a null (Redis commandDocsCommand).
  const entries = args.length === 2 ? view.top : args.slice(2).flatMap((name) => lookupByFullName(view, name) ?? []);
  return new MapReply(entries.flatMap((e) => [e.meta.name, commandDocsReply(e.meta)]));
}

/** Every command and subcommand, each container followed by its subcommands. */
function allMetas(ctx: CommandContext): CommandMeta[] {
  return viewOf(ctx).top.flatMap((e) => [e.meta, ...(e.meta.subcommands ?? [])]);
}

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]. */
function commandList(ctx: CommandContext, args: string[]): Reply {
  const all = allMetas(ctx);
  if (args.length === 2) return all.map((m) => m.name);
  if (args.length !== 5 || !is(args[2], 'FILTERBY')) return ERR_SYNTAX;
  const value = args[4]!;
  // No modules here: a module filter matches nothing, as in Redis for a name it does not know.
  if (is(args[3], 'MODULE')) return [];
  if (is(args[3], 'PATTERN')) return all.filter((m) => globMatch(value, m.name, true)).map((m) => m.name);
  if (is(args[3], 'ACLCAT')) return all.filter((m) => inAclCategory(m, value)).map((m) => m.name);
  return ERR_SYNTAX;
}

/** The keys of a whole command line (Redis getKeysSubcommandImpl), or its error. */
function keysOf(ctx: CommandContext, line: string[]): { keys: KeyRef[] } | ErrorReply {
  const found: TableEntry | undefined = lookupByLine(viewOf(ctx), line);
  if (!found) return new ErrorReply('ERR Invalid command specified');
  // Redis asks whether the command has keys at all before it checks the arity.
  if (!commandHasKeys(found.meta)) return new ErrorReply('ERR The command has no key arguments');
  const arity = found.spec.arity;
  if ((arity > 0 && line.length !== arity) || line.length < -arity) {
    return new ErrorReply('ERR Invalid number of arguments specified for command');
  }
  const keys = commandKeys(found.meta, line);
  if (keys.length === 0 && !found.meta.flags.includes('no_mandatory_keys')) {
    return new ErrorReply('ERR Invalid arguments specified for command');
  }
  return { keys };
}

function commandGetKeys(ctx: CommandContext, args: string[]): Reply {
  const found = keysOf(ctx, args.slice(2));
  return found instanceof ErrorReply ? found : found.keys.map((k) => args[k.pos + 2]!);
}

function commandGetKeysAndFlags(ctx: CommandContext, args: string[]): Reply {
  const found = keysOf(ctx, args.slice(2));
  if (found instanceof ErrorReply) return found;
  return found.keys.map((k) => [args[k.pos + 2]!, new SetReply(k.flags.map((f) => new SimpleString(f)))]);
}

const HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

const FLAGS = ['loading', 'stale'] as const;

export const commandCommands: CommandSpec[] = [
  command('command', -1, FLAGS, commandAll, undefined, {
    subcommands: [
      command('count', 2, FLAGS, (ctx) => ctx.server.commands.size),
      command('list', -2, FLAGS, commandList),
      command('info', -2, FLAGS, commandInfoCmd),
      command('docs', -2, FLAGS, commandDocsCmd),
      command('getkeys', -4, FLAGS, commandGetKeys),
      command('getkeysandflags', -4, FLAGS, commandGetKeysAndFlags),
      command('help', 2, FLAGS, () => helpReply('COMMAND', HELP)),
    ],
  }),
];
