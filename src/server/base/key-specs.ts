// Key positions of a command line from its key specs, as redis-server 7.0 finds them (db.c
// getKeysUsingKeySpecs / getKeysFromCommandWithSpecs): COMMAND GETKEYS uses it today, the cluster
// redirection check and ACL key patterns will. `args` is the whole line, name first, as Redis's argv.
// Commands whose specs cannot say everything (SORT's STORE, MIGRATE's KEYS, SET's GET flags) fall
// back to the key functions Redis keeps for them (command-metadata/getkeys-functions.ts).

import type { CommandMeta, KeySpecMeta } from './command-metadata/types.js';
import { getKeysFunction } from './command-metadata/getkeys-functions.js';
import { parseInt64 } from './args.js';

/** One key found: its index in args and the flags of the spec (or function) that found it. */
export interface KeyRef {
  pos: number;
  flags: readonly string[];
}

export interface KeySearchOptions {
  /** Also return the arguments of `not_key` specs (SPUBLISH's channel), as GET_KEYSPEC_INCLUDE_NOT_KEYS. */
  includeNotKeys?: boolean;
  /** Skip invalid or incomplete specs but keep what the others found, as GET_KEYSPEC_RETURN_PARTIAL. */
  partial?: boolean;
}

/** Where the spec's keys start (1-based argument index), or 0 when its keyword is absent. */
function beginSearch(spec: KeySpecMeta, args: readonly string[]): number | 'invalid' {
  const bs = spec.begin_search;
  if (bs.type === 'index') return bs.index;
  if (bs.type !== 'keyword') return 'invalid';
  const argc = args.length;
  const forward = bs.startfrom > 0;
  const keyword = bs.keyword.toLowerCase();
  // A negative start counts from the end and scans backwards, never reaching the command name.
  for (let i = forward ? bs.startfrom : argc + bs.startfrom; forward ? i < argc - 1 : i > 1; i += forward ? 1 : -1) {
    if (i >= argc || i < 1) break;
    if (args[i]!.toLowerCase() === keyword) return i + 1;
  }
  return 0;
}

/** The spec's last key index and step from its start, or 'invalid'. */
function findKeys(spec: KeySpecMeta, args: readonly string[], first: number): { first: number; last: number; step: number } | 'invalid' {
  const fk = spec.find_keys;
  const argc = args.length;
  if (fk.type === 'range') {
    if (fk.lastkey >= 0) return { first, last: first + fk.lastkey, step: fk.keystep };
    if (!fk.limit) return { first, last: argc + fk.lastkey, step: fk.keystep };
    // Keys are 1/limit of what follows (XREAD STREAMS k1 k2 id1 id2): C integer division.
    return { first, last: first + (Math.trunc((argc - first) / fk.limit) + fk.lastkey), step: fk.keystep };
  }
  if (fk.type !== 'keynum' || fk.keynumidx >= argc || first + fk.keynumidx >= argc) return 'invalid';
  const numkeys = parseInt64(args[first + fk.keynumidx]!);
  if (numkeys === null || numkeys < 0n) return 'invalid';
  // Redis adds the count as a C int: a count past 2^31 wraps.
  const start = first + fk.firstkey;
  return { first: start, last: start + Number(BigInt.asIntN(32, numkeys)) - 1, step: fk.keystep };
}

/**
 * Keys found by the specs alone (Redis getKeysUsingKeySpecs), or undefined when a spec is unknown,
 * out of bounds or incomplete (unless `partial`).
 */
export function keysFromSpecs(specs: readonly KeySpecMeta[], args: readonly string[], options: KeySearchOptions = {}): KeyRef[] | undefined {
  const keys: KeyRef[] = [];
  for (const spec of specs) {
    if (spec.flags.includes('not_key') && !options.includeNotKeys) continue;
    const first = beginSearch(spec, args);
    if (first === 0) continue;
    const range = first === 'invalid' ? 'invalid' : findKeys(spec, args, first);
    const valid = range !== 'invalid' && range.step > 0 && range.last < args.length && range.last >= range.first && range.first < args.length;
    if (valid) for (let i = range.first; i <= range.last; i += range.step) keys.push({ pos: i, flags: spec.flags });
    if (valid && !spec.flags.includes('incomplete')) continue;
    if (!options.partial) return undefined;
  }
  return keys;
}

const hasFlag = (spec: KeySpecMeta, flag: string) => spec.flags.includes(flag);

/** Redis doesCommandHaveKeys: a key function, or a spec that is not `not_key`. */
export function commandHasKeys(meta: CommandMeta): boolean {
  return getKeysFunction(meta.name) !== undefined || (meta.key_specs ?? []).some((s) => !hasFlag(s, 'not_key'));
}

/**
 * The keys of a whole command line (Redis getKeysFromCommandWithSpecs): the specs when they are
 * complete and their flags fixed, else the command's key function, else none.
 */
export function commandKeys(meta: CommandMeta, args: readonly string[], options: KeySearchOptions = {}): KeyRef[] {
  const specs = meta.key_specs ?? [];
  const someKey = specs.some((s) => !hasFlag(s, 'not_key'));
  const variableFlags = specs.some((s) => hasFlag(s, 'variable_flags'));
  if (someKey && !variableFlags) {
    const found = keysFromSpecs(specs, args, options);
    if (found) return found;
  }
  return getKeysFunction(meta.name)?.(args) ?? [];
}
