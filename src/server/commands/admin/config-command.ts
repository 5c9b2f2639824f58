// CONFIG GET / SET / RESETSTAT / REWRITE / HELP (Redis 7.0 config.c): several patterns or pairs per
// call, aliases listed under their own names, SET all-or-none with Redis's error texts.

import { ErrorReply, MapReply, OK, type Reply } from '../../../shared/resp/reply.js';
import { ConfigError, type ConfigValue } from '../../config/config.js';
import { DIRECTIVES, findDirective, type Directive } from '../../config/directives.js';
import { globMatch } from '../../../shared/glob.js';
import { ERR_SYNTAX } from '../../base/errors.js';
import { helpReply } from '../../base/help.js';
import { rewriteConfigFile } from '../../config/rewrite.js';
import { userLinesForRewrite } from '../../acl/startup.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

/** Every name CONFIG GET can match: canonical names and aliases, in table order. */
const ALL_NAMES: readonly { name: string; directive: Directive }[] = DIRECTIVES.flatMap((directive) => [
  { name: directive.name, directive },
  ...(directive.aliases ?? []).map((name) => ({ name, directive })),
]);

/** Directives Redis refuses to CONFIG SET although a config file may set them. */
const NOT_SETTABLE = new Set(['replicaof']);

function configGet(ctx: CommandContext, args: string[]): Reply {
  // Keyed by lowercase name: `CONFIG GET port PORT` answers once, under the first spelling.
  const matches = new Map<string, { name: string; directive: Directive }>();
  for (const pattern of args.slice(2)) {
    if (!/[*?[]/.test(pattern)) {
      const directive = findDirective(pattern);
      if (directive && !matches.has(pattern.toLowerCase())) matches.set(pattern.toLowerCase(), { name: pattern, directive });
      continue;
    }
    for (const entry of ALL_NAMES) {
      if (!matches.has(entry.name) && globMatch(pattern, entry.name, true)) matches.set(entry.name, entry);
    }
  }
  const flat: Reply[] = [];
  for (const { name, directive } of matches.values()) flat.push(name, ctx.server.config.format(directive));
  return new MapReply(flat);
}

function configSet(ctx: CommandContext, args: string[]): Reply {
  if (args.length % 2 !== 0) return ERR_SYNTAX;
  const config = ctx.server.config;
  const failed = (name: string, reason: string) =>
    new ErrorReply(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`);
  // First pass, as Redis: unknown names, immutable ones and duplicates, the first problem wins.
  const seen = new Set<Directive>();
  for (let i = 2; i < args.length; i += 2) {
    const name = args[i]!;
    const directive = findDirective(name);
    if (!directive) return new ErrorReply(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`);
    if (directive.immutable || NOT_SETTABLE.has(directive.name)) return failed(name, "can't set immutable config");
    if (seen.has(directive)) return failed(name, 'duplicate parameter');
    seen.add(directive);
  }
  // Second pass: validate every value before applying any, so the SET is all or none.
  const parsed: { directive: Directive; value: ConfigValue }[] = [];
  for (let i = 2; i < args.length; i += 2) {
    try {
      parsed.push(config.parse(args[i]!, [args[i + 1]!], 'runtime'));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return failed(args[i]!.toLowerCase(), error.message);
    }
  }
  for (const { directive, value } of parsed) {
    try {
      config.apply(directive, value);
    } catch (error) {
      // An apply step refused (appendonly yes whose rewrite cannot start): Redis's wording.
      if (!(error instanceof ConfigError)) throw error;
      return failed(directive.name, error.message);
    }
  }
  return OK;
}

function configResetStat(ctx: CommandContext): Reply {
  ctx.server.stats.reset();
  return OK;
}

/** Runs CONFIG REWRITE (also DEBUG CONFIG-REWRITE-FORCE-ALL); returns Redis's reply. */
export function configRewrite(ctx: CommandContext, forceAll = false): Reply {
  const file = ctx.server.config.file;
  if (file === undefined) return new ErrorReply('ERR The server is running without a config file');
  try {
    rewriteConfigFile(file, ctx.server.config, forceAll, userLinesForRewrite(ctx.server));
  } catch (error) {
    ctx.server.log.warning(`CONFIG REWRITE failed: ${(error as Error).message}`);
    return new ErrorReply(`ERR Rewriting config file: ${(error as Error).message}`);
  }
  ctx.server.log.notice('CONFIG REWRITE executed with success.');
  return OK;
}

const HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;

export const configCommands: CommandSpec[] = [
  command('config', -2, [], () => null, undefined, {
    summary: 'A container for server configuration commands',
    subcommands: [
      command('get', -3, ADMIN, configGet, undefined, { summary: 'Get the values of configuration parameters' }),
      command('set', -4, ADMIN, configSet, undefined, { summary: 'Set configuration parameters to the given values' }),
      command('resetstat', 2, ADMIN, configResetStat, undefined, { summary: 'Reset the stats returned by INFO' }),
      command('rewrite', 2, ADMIN, (ctx) => configRewrite(ctx), undefined, {
        summary: 'Rewrite the configuration file with the in memory configuration',
      }),
      command('help', 2, ['loading', 'stale'], () => helpReply('CONFIG', HELP), undefined, {
        summary: 'Show helpful text about the different subcommands',
      }),
    ],
  }),
];
