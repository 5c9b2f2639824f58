// The node's live configuration: values by canonical directive name, validated on load and on
// CONFIG SET with Redis's rules and messages, and written back by CONFIG REWRITE.

import { findDirective, LLONG_MAX, type Directive } from './directives.js';
import { formatMemory, parseMemory, parseYesNo } from './units.js';

export type ConfigValue = boolean | number | string | string[];

export class ConfigError extends Error {}

export class Config {
  private readonly values = new Map<string, ConfigValue>();
  /** Directives given explicitly (file or command line), in order: what CONFIG REWRITE keeps. */
  readonly explicit = new Set<string>();
  /** `user <name> <rules...>` lines, in file order, without `user` (ACL users: acl/startup.ts). */
  readonly users: string[][] = [];
  /** Path of the config file the node was started with, if any (CONFIG REWRITE target). */
  file: string | undefined;
  private readonly listeners = new Map<string, ((value: ConfigValue) => void)[]>();

  constructor(directives: readonly Directive[]) {
    for (const directive of directives) {
      this.values.set(directive.name, parseValue(directive, splitList(directive, directive.default)));
    }
  }

  bool(name: string): boolean {
    return this.values.get(name) as boolean;
  }
  num(name: string): number {
    return this.values.get(name) as number;
  }
  str(name: string): string {
    return this.values.get(name) as string;
  }
  list(name: string): string[] {
    return this.values.get(name) as string[];
  }
  raw(name: string): ConfigValue | undefined {
    return this.values.get(name);
  }

  /** Runs `listener` whenever `name` changes (CONFIG SET), e.g. to resize the backlog. */
  onChange(name: string, listener: (value: ConfigValue) => void): void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener);
    this.listeners.set(name, list);
  }

  /**
   * Sets a directive from its textual arguments (one or more words). Throws ConfigError with
   * Redis's wording when the name or value is invalid.
   */
  set(name: string, args: string[], origin: 'file' | 'runtime'): void {
    const { directive, value } = this.parse(name, args, origin);
    this.apply(directive, value);
  }

  /**
   * Validates a directive's new value without changing anything (CONFIG SET checks every pair
   * before applying any, so a multi-pair SET is all or none). Throws ConfigError.
   */
  parse(name: string, args: string[], origin: 'file' | 'runtime'): { directive: Directive; value: ConfigValue } {
    const directive = findDirective(name);
    if (!directive) throw new ConfigError(`Bad directive or wrong number of arguments`);
    if (origin === 'runtime' && directive.immutable) {
      throw new ConfigError(`can't set immutable config`);
    }
    const words = directive.kind === 'list' ? args.flatMap((a) => splitList(directive, a)) : args;
    if (directive.kind !== 'list' && words.length !== 1) {
      throw new ConfigError(`wrong number of arguments`);
    }
    const value =
      directive.name === 'client-output-buffer-limit'
        ? mergeOutputLimits(words, this.list(directive.name))
        : parseValue(directive, words);
    if (directive.fixed) {
      const accepted = directive.values ?? [directive.default];
      if (!accepted.includes(words.join(' ').toLowerCase())) {
        throw new ConfigError(
          `'${directive.name} ${words.join(' ')}' is not supported by clusterctl-node ` +
            `(only ${accepted.map((v) => `'${v}'`).join(', ')})`,
        );
      }
    }
    return { directive, value };
  }

  /** Stores a value `parse` accepted and tells the directive's listeners. */
  apply(directive: Directive, value: ConfigValue): void {
    const previous = this.values.get(directive.name);
    const wasExplicit = this.explicit.has(directive.name);
    this.values.set(directive.name, value);
    this.explicit.add(directive.name);
    try {
      for (const listener of this.listeners.get(directive.name) ?? []) listener(value);
    } catch (error) {
      // A listener refused the change (Redis's apply callbacks, e.g. appendonly yes that cannot
      // start its rewrite): the old value stays.
      if (error instanceof ConfigError && previous !== undefined) {
        this.values.set(directive.name, previous);
        if (!wasExplicit) this.explicit.delete(directive.name);
      }
      throw error;
    }
  }

  /** The value as CONFIG GET prints it. */
  format(directive: Directive): string {
    const value = this.values.get(directive.name)!;
    switch (directive.kind) {
      case 'bool':
        return value ? 'yes' : 'no';
      case 'list':
        return (value as string[]).join(' ');
      case 'string':
        return directive.display ? directive.display(value as string) : (value as string);
      default:
        return String(value);
    }
  }

  /** The value as CONFIG REWRITE writes it (memory sizes in their largest exact unit). */
  formatForFile(directive: Directive): string {
    const value = this.values.get(directive.name)!;
    if (directive.kind === 'memory') return formatMemory(value as number);
    if (directive.kind === 'list') {
      const words = value as string[];
      if (directive.name === 'save' && words.length === 0) return '""';
      return words.join(' ');
    }
    if (directive.kind === 'string') return quoteIfNeeded(this.format(directive));
    return this.format(directive);
  }
}

function splitList(directive: Directive, text: string): string[] {
  if (directive.kind !== 'list') return [text];
  return text.split(/\s+/).filter((w) => w.length > 0);
}

function parseValue(directive: Directive, words: string[]): ConfigValue {
  const text = words[0] ?? '';
  switch (directive.kind) {
    case 'bool': {
      const value = parseYesNo(text);
      if (value === null) throw new ConfigError(`argument must be 'yes' or 'no'`);
      return value;
    }
    case 'int': {
      if (!/^-?\d+$/.test(text)) throw new ConfigError(`argument couldn't be parsed into an integer`);
      return checkRange(directive, Number(text));
    }
    case 'memory': {
      const value = parseMemory(text);
      // Redis reads memory values with memtoull: a minus sign is not a memory value.
      if (value === null || value < 0) throw new ConfigError(`argument must be a memory value`);
      return checkRange(directive, value);
    }
    case 'enum': {
      const lower = text.toLowerCase();
      if (!directive.values!.includes(lower)) throw new ConfigError(`argument(s) must be one of the following: ${directive.values!.join(', ')}`);
      return lower;
    }
    case 'string': {
      const problem = directive.check?.(text);
      if (problem !== undefined) throw new ConfigError(problem);
      return text;
    }
    case 'list':
      return validateList(directive, words);
  }
}

function checkRange(directive: Directive, value: number): number {
  if ((directive.min !== undefined && value < directive.min) || (directive.max !== undefined && value > directive.max)) {
    // 2^63 stands for LLONG_MAX, which a double cannot hold: print the digits Redis prints.
    const max = directive.max === LLONG_MAX ? '9223372036854775807' : directive.max;
    throw new ConfigError(`argument must be between ${directive.min} and ${max} inclusive`);
  }
  return value;
}

function validateList(directive: Directive, words: string[]): string[] {
  switch (directive.name) {
    case 'save':
      if (words.length === 1 && words[0] === '') return [];
      if (words.length % 2 !== 0 || words.some((w) => !/^\d+$/.test(w))) throw new ConfigError(`Invalid save parameters`);
      return words;
    case 'replicaof':
      if (words.length === 0) return [];
      if (words.length !== 2 || !/^\d+$/.test(words[1]!)) throw new ConfigError(`wrong number of arguments`);
      return words;
    case 'client-output-buffer-limit':
      return mergeOutputLimits(words, []);
    default:
      return words;
  }
}

/** `client-output-buffer-limit <class> <hard> <soft> <seconds>` may name one class or several. */
function mergeOutputLimits(words: string[], current: string[]): string[] {
  if (words.length % 4 !== 0) throw new ConfigError(`Wrong number of arguments in buffer limit configuration.`);
  const classes = new Map<string, string[]>([
    ['normal', ['0', '0', '0']],
    ['slave', ['268435456', '67108864', '60']],
    ['pubsub', ['33554432', '8388608', '60']],
  ]);
  for (let i = 0; i + 3 < current.length; i += 4) classes.set(current[i]!, current.slice(i + 1, i + 4));
  for (let i = 0; i < words.length; i += 4) {
    let name = words[i]!.toLowerCase();
    if (name === 'replica') name = 'slave';
    if (!classes.has(name)) throw new ConfigError(`Invalid client class specified in buffer limit configuration.`);
    const hard = parseMemory(words[i + 1]!);
    const soft = parseMemory(words[i + 2]!);
    const seconds = Number(words[i + 3]);
    if (hard === null || soft === null || !Number.isInteger(seconds) || seconds < 0) {
      throw new ConfigError(`Error in hard, soft or soft_seconds setting in buffer limit configuration.`);
    }
    classes.set(name, [String(hard), String(soft), String(seconds)]);
  }
  return [...classes].flatMap(([name, limits]) => [name, ...limits]);
}

function quoteIfNeeded(text: string): string {
  if (text === '') return '""';
  if (/^[\x21-\x7e]+$/.test(text) && !/["'\\]/.test(text)) return text;
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
