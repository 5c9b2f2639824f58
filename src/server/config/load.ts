// Reads the node's configuration the way redis-server does: `[config-file] [--directive value ...]`,
// the file first, then command-line directives on top; `include` and quoting as in redis.conf.
// Errors say which file, line and directive, like Redis's "FATAL CONFIG FILE ERROR".

import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { splitArgs } from '../../shared/resp/request-parser.js';
import { Config, ConfigError } from './config.js';
import { DIRECTIVES, closestDirective, findDirective } from './directives.js';
import { checkUserDeclaration } from '../acl/startup.js';

export class ConfigLoadError extends Error {}

interface DirectiveLine {
  name: string;
  args: string[];
  where: string;
  text: string;
}

/** Splits argv (without node and script) into the optional config file and directive lines. */
export function parseCommandLine(argv: string[]): { file?: string; lines: DirectiveLine[] } {
  let file: string | undefined;
  let rest = argv;
  if (rest.length > 0 && !rest[0]!.startsWith('--')) {
    file = rest[0];
    rest = rest.slice(1);
  }
  const lines: DirectiveLine[] = [];
  let current: DirectiveLine | undefined;
  for (const word of rest) {
    if (word.startsWith('--') && word.length > 2) {
      current = { name: word.slice(2), args: [], where: 'command line', text: word };
      lines.push(current);
    } else if (current) {
      current.args.push(word);
      current.text += ` ${word}`;
    } else {
      throw new ConfigLoadError(`Invalid argument '${word}': directives are written --name value`);
    }
  }
  // `--save` with no value means `save ""`, as in redis-server.
  for (const line of lines) if (line.name === 'save' && line.args.length === 0) line.args.push('');
  return { file, lines };
}

export function readConfigFile(path: string, seen = new Set<string>()): DirectiveLine[] {
  const full = resolve(path);
  if (seen.has(full)) throw new ConfigLoadError(`${path}: include loop`);
  seen.add(full);
  let text: string;
  try {
    text = readFileSync(full, 'latin1');
  } catch (error) {
    throw new ConfigLoadError(`Fatal error, can't open config file '${path}': ${(error as Error).message}`);
  }
  const lines: DirectiveLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const where = `${path}:${index + 1}`;
    const words = splitArgs(trimmed);
    if (words === null || words.length === 0) {
      throw new ConfigLoadError(fatal(where, trimmed, 'Unbalanced quotes in configuration line'));
    }
    const [name, ...args] = words;
    if (name!.toLowerCase() === 'include') {
      lines.push(...readConfigFile(resolve(dirname(full), args[0] ?? ''), seen));
      return;
    }
    lines.push({ name: name!, args, where, text: trimmed });
  });
  return lines;
}

/** Builds the node's Config from argv; throws ConfigLoadError naming the offending directive. */
export function loadConfig(argv: string[]): Config {
  const { file, lines } = parseCommandLine(argv);
  const config = new Config(DIRECTIVES);
  const all = file ? [...readConfigFile(file), ...lines] : lines;
  if (file) config.file = resolve(file);
  // `save` lines accumulate in a file (several `save s n` lines); a later "" clears them.
  let saveWords: string[] | undefined;
  const userNames = new Set<string>();
  for (const line of all) {
    // `user` lines declare ACL users (config.c: checked now, created at startup by acl/startup.ts).
    if (line.name.toLowerCase() === 'user' && line.args.length >= 1) {
      const error = checkUserDeclaration(line.args, userNames, config.str('acl-pubsub-default') === 'allchannels');
      if (error) throw new ConfigLoadError(fatal(line.where, line.text, `Error in user declaration ${error}`));
      config.users.push(line.args);
      continue;
    }
    const directive = findDirective(line.name);
    if (!directive) {
      const hint = closestDirective(line.name);
      throw new ConfigLoadError(
        fatal(line.where, line.text, `Unknown directive '${line.name}'${hint ? ` (did you mean '${hint}'?)` : ''}`),
      );
    }
    try {
      if (directive.name === 'save') {
        saveWords = line.args.length === 1 && line.args[0] === '' ? [] : [...(saveWords ?? []), ...line.args];
        config.set('save', saveWords.length === 0 ? [''] : saveWords, 'file');
      } else {
        config.set(directive.name, line.args, 'file');
      }
    } catch (error) {
      if (error instanceof ConfigError) throw new ConfigLoadError(fatal(line.where, line.text, error.message));
      throw error;
    }
  }
  return config;
}

function fatal(where: string, text: string, reason: string): string {
  return `*** FATAL CONFIG FILE ERROR ***\nReading the configuration at ${where}\n>>> '${text}'\n${reason}`;
}
