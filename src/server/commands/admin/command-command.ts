// COMMAND, COMMAND COUNT / LIST / INFO / DOCS / GETKEYS / GETKEYSANDFLAGS / HELP (Redis 7.0 shapes),
// built from the live command table, so clients see the arity, flags and keys the dispatcher uses.

import { ErrorReply, MapReply, SetReply, SimpleString, type Reply } from '../../../shared/resp/reply.js';
import type { Server } from '../../server.js';
import { is } from '../../base/args.js';
import { globMatch } from '../../../shared/glob.js';
import { ERR_SYNTAX } from '../../base/errors.js';
import { helpReply } from '../../base/help.js';
import { commandGroup } from './command-groups.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

/** ACL categories Redis would list, derived from the flags and the command's family. */
function aclCategories(spec: CommandSpec, group: string): string[] {
  const flags = spec.flags;
  const categories: string[] = [];
  const byGroup: Record<string, string> = {
    string: '@string', list: '@list', hash: '@hash', set: '@set', 'sorted-set': '@sortedset',
    generic: '@keyspace', pubsub: '@pubsub', transactions: '@transaction', connection: '@connection',
  };
  if (flags.includes('write')) categories.push('@write');
  if (flags.includes('readonly')) categories.push('@read');
  if (byGroup[group] && !(group === 'pubsub' && !flags.includes('pubsub'))) categories.push(byGroup[group]!);
  if (flags.includes('admin')) categories.push('@admin');
  categories.push(flags.includes('fast') ? '@fast' : '@slow');
  if (flags.includes('blocking')) categories.push('@blocking');
  if (flags.includes('admin')) categories.push('@dangerous');
  return categories;
}

/** One key spec equivalent to the legacy (first, last, step) triple. */
function keySpecs(spec: CommandSpec): Reply[] {
  if (spec.firstKey === 0) return [];
  const flags = spec.flags.includes('write') ? ['RW', 'update'] : ['RO', 'access'];
  const lastRelative = spec.lastKey < 0 ? spec.lastKey : spec.lastKey - spec.firstKey;
  return [
    new MapReply([
      'flags', new SetReply(flags.map((f) => new SimpleString(f))),
      'begin_search', new MapReply(['type', 'index', 'spec', new MapReply(['index', spec.firstKey])]),
      'find_keys', new MapReply(['type', 'range', 'spec', new MapReply(['lastkey', lastRelative, 'keystep', spec.step, 'limit', 0])]),
    ]),
  ];
}

function commandInfo(spec: CommandSpec, fullName: string, group: string): Reply {
  return [
    fullName,
    spec.arity,
    new SetReply(spec.flags.map((f) => new SimpleString(f))),
    spec.firstKey,
    spec.lastKey,
    spec.step,
    new SetReply(aclCategories(spec, group).map((c) => new SimpleString(c))),
    [],
    keySpecs(spec),
    (spec.subcommands ?? []).map((sub) => commandInfo(sub, `${fullName}|${sub.name}`, group)),
  ];
}

function commandDocs(spec: CommandSpec, fullName: string, group: string): Reply {
  const doc: Reply[] = ['summary', spec.summary ?? '', 'group', group];
  if (spec.subcommands) {
    const subs: Reply[] = [];
    for (const sub of spec.subcommands) subs.push(`${fullName}|${sub.name}`, commandDocs(sub, `${fullName}|${sub.name}`, group));
    doc.push('subcommands', new MapReply(subs));
  }
  return new MapReply(doc);
}

/** Finds `name` or `container|sub` in the table. */
function lookup(server: Server, name: string): { spec: CommandSpec; fullName: string; group: string } | undefined {
  const [base, sub] = name.toLowerCase().split('|', 2) as [string, string | undefined];
  const spec = server.commands.get(base);
  if (!spec) return undefined;
  if (sub === undefined) return { spec, fullName: base, group: commandGroup(spec) };
  const child = spec.subcommands?.find((s) => s.name === sub);
  return child ? { spec: child, fullName: `${base}|${sub}`, group: commandGroup(spec) } : undefined;
}

/** Every command and subcommand with its full name, in table order. */
function allNames(server: Server): { spec: CommandSpec; fullName: string; group: string }[] {
  const out: { spec: CommandSpec; fullName: string; group: string }[] = [];
  for (const [name, spec] of server.commands) {
    const group = commandGroup(spec);
    out.push({ spec, fullName: name, group });
    for (const sub of spec.subcommands ?? []) out.push({ spec: sub, fullName: `${name}|${sub.name}`, group });
  }
  return out;
}

function commandAll(ctx: CommandContext): Reply {
  return [...ctx.server.commands].map(([name, spec]) => commandInfo(spec, name, commandGroup(spec)));
}

function commandInfoCmd(ctx: CommandContext, args: string[]): Reply {
  if (args.length === 2) return commandAll(ctx);
  return args.slice(2).map((name) => {
    const found = lookup(ctx.server, name);
    return found ? commandInfo(found.spec, found.fullName, found.group) : null;
  });
}

function commandDocsCmd(ctx: CommandContext, args: string[]): Reply {
  const flat: Reply[] = [];
  const entries =
    args.length === 2
      ? [...ctx.server.commands].map(([name, spec]) => ({ spec, fullName: name, group: commandGroup(spec) }))
      : args.slice(2).flatMap((name) => lookup(ctx.server, name) ?? []);
  for (const { spec, fullName, group } of entries) flat.push(fullName, commandDocs(spec, fullName, group));
  return new MapReply(flat);
}

function commandList(ctx: CommandContext, args: string[]): Reply {
  const all = allNames(ctx.server);
  if (args.length === 2) return all.map((e) => e.fullName);
  if (args.length !== 5 || !is(args[2], 'FILTERBY')) return ERR_SYNTAX;
  const value = args[4]!;
  if (is(args[3], 'MODULE')) return [];
  if (is(args[3], 'PATTERN')) return all.filter((e) => globMatch(value, e.fullName, true)).map((e) => e.fullName);
  if (is(args[3], 'ACLCAT')) {
    const category = `@${value.toLowerCase()}`;
    return all.filter((e) => aclCategories(e.spec, e.group).includes(category)).map((e) => e.fullName);
  }
  return ERR_SYNTAX;
}

/** The key positions of a full command line (COMMAND GETKEYS), or Redis's error. */
function keysOf(server: Server, line: string[]): { keys: string[]; spec: CommandSpec } | ErrorReply {
  let spec = server.commands.get(line[0]!.toLowerCase());
  if (!spec) return new ErrorReply('ERR Invalid command specified');
  if (spec.subcommands && line.length >= 2) {
    spec = spec.subcommands.find((s) => s.name === line[1]!.toLowerCase());
    if (!spec) return new ErrorReply('ERR Invalid command specified');
  }
  // Redis checks for key arguments before the arity.
  if (spec.firstKey === 0) return new ErrorReply('ERR The command has no key arguments');
  const arity = spec.arity;
  if ((arity >= 0 && line.length !== arity) || (arity < 0 && line.length < -arity)) {
    return new ErrorReply('ERR Invalid number of arguments specified for command');
  }
  const keys: string[] = [];
  if (spec.firstKey > 0) {
    const last = spec.lastKey < 0 ? line.length + spec.lastKey : spec.lastKey;
    for (let i = spec.firstKey; i <= last && i < line.length; i += spec.step) keys.push(line[i]!);
  }
  if (keys.length === 0) return new ErrorReply('ERR The command has no key arguments');
  return { keys, spec };
}

function commandGetKeys(ctx: CommandContext, args: string[]): Reply {
  const found = keysOf(ctx.server, args.slice(2));
  return found instanceof ErrorReply ? found : found.keys;
}

function commandGetKeysAndFlags(ctx: CommandContext, args: string[]): Reply {
  const found = keysOf(ctx.server, args.slice(2));
  if (found instanceof ErrorReply) return found;
  const flags = found.spec.flags.includes('write') ? ['RW', 'update'] : ['RO', 'access'];
  return found.keys.map((key) => [key, new SetReply(flags.map((f) => new SimpleString(f)))]);
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
    summary: 'Get array of Redis command details',
    subcommands: [
      command('count', 2, FLAGS, (ctx) => ctx.server.commands.size, undefined, { summary: 'Get total number of Redis commands' }),
      command('list', -2, FLAGS, commandList, undefined, { summary: 'Get an array of Redis command names' }),
      command('info', -2, FLAGS, commandInfoCmd, undefined, { summary: 'Get array of specific Redis command details, or all when no argument is given.' }),
      command('docs', -2, FLAGS, commandDocsCmd, undefined, { summary: 'Get array of specific Redis command documentation' }),
      command('getkeys', -4, FLAGS, commandGetKeys, undefined, { summary: 'Extract keys given a full Redis command' }),
      command('getkeysandflags', -4, FLAGS, commandGetKeysAndFlags, undefined, { summary: 'Extract keys and access flags given a full Redis command' }),
      command('help', 2, FLAGS, () => helpReply('COMMAND', HELP), undefined, { summary: 'Show helpful text about the different subcommands' }),
    ],
  }),
];
