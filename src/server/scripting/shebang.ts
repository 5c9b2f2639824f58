// Script flags and the `#!` first line: `#!lua flags=no-writes,allow-stale` on an EVAL body
// (eval.c evalExtractShebangFlags) and `#!lua name=mylib` on a FUNCTION LOAD body
// (functions.c functionExtractLibMetaData), with Redis's error texts.

import { splitArgs } from '../../shared/resp/split-args.js';
import type { CommandFlag } from '../base/command-spec.js';

/** Script flags (Redis SCRIPT_FLAG_*), in the order FUNCTION LIST prints them. */
export const SCRIPT_FLAGS = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'] as const;
export type ScriptFlag = (typeof SCRIPT_FLAGS)[number];

export interface EvalShebang {
  /** No shebang: the backwards-compatible mode (flags come from the commands the script runs). */
  readonly compat: boolean;
  readonly flags: ReadonlySet<ScriptFlag>;
  /** Characters of the first line, blanked out before compiling (the newline stays: line numbers hold). */
  readonly length: number;
}

const COMPAT: EvalShebang = { compat: true, flags: new Set(), length: 0 };

/** The flags of an EVAL body, or Redis's error text. */
export function evalShebang(body: string): EvalShebang | string {
  if (!body.startsWith('#!')) return COMPAT;
  const end = body.indexOf('\n');
  if (end < 0) return 'Invalid script shebang';
  const parts = splitArgs(body.slice(0, end));
  if (!parts || parts.length === 0) return 'Invalid engine in script shebang';
  if (parts[0] !== '#!lua') return `Unexpected engine in script shebang: ${parts[0]}`;
  const flags = new Set<ScriptFlag>();
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return `Unknown lua shebang option: ${part}`;
    const list = part.slice(6);
    // sdssplitlen of an empty string gives no flags at all.
    for (const flag of list === '' ? [] : list.split(',')) {
      if (!(SCRIPT_FLAGS as readonly string[]).includes(flag)) return `Unexpected flag in script shebang: ${flag}`;
      flags.add(flag as ScriptFlag);
    }
  }
  return { compat: false, flags, length: end };
}

export interface LibraryMetadata {
  readonly name: string;
  readonly engine: string;
  /** The code after the first line, from its newline on (line numbers hold). */
  readonly code: string;
}

/** The `#!<engine> name=<library>` line of a FUNCTION LOAD body, or Redis's error text. */
export function libraryMetadata(payload: string): LibraryMetadata | string {
  if (!payload.startsWith('#!')) return 'Missing library metadata';
  const end = payload.indexOf('\n');
  if (end < 0) return 'Invalid library metadata';
  const parts = splitArgs(payload.slice(0, end));
  if (!parts || parts.length === 0) return 'Invalid library metadata';
  let name: string | undefined;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== undefined) return 'Invalid metadata value, name argument was given multiple times';
      name = part.slice(5);
      continue;
    }
    return `Invalid metadata value given: ${part}`;
  }
  if (name === undefined) return 'Library name was not given';
  return { name, engine: parts[0]!.slice(2), code: payload.slice(end) };
}

/** Library and function names: letters, digits and underscores, at least one (functionsVerifyName). */
export function validName(name: string): boolean {
  return /^[a-zA-Z0-9_]+$/.test(name);
}

/**
 * The flags the request path checks for a script that declared flags (Redis scriptFlagsToCmdFlags):
 * writes and deny-oom unless no-writes, stale only with allow-stale, never may_replicate.
 */
export function commandFlagsFor(base: readonly CommandFlag[], flags: ReadonlySet<ScriptFlag>): CommandFlag[] {
  const out: CommandFlag[] = base.filter((f) => f !== 'stale' && f !== 'denyoom' && f !== 'write' && f !== 'may_replicate');
  if (!flags.has('allow-oom') && !flags.has('no-writes')) out.push('denyoom');
  if (!flags.has('no-writes')) out.push('write');
  if (flags.has('allow-stale')) out.push('stale');
  return out;
}
