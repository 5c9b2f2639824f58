// Owns which arguments of a command line cluster routing hashes (Redis 7.0 db.c getKeysFromCommand,
// which getNodeByQuery calls): the command's key function when Redis has one (EVAL / FCALL numkeys,
// MIGRATE's KEYS, SORT's STORE, ZUNIONSTORE, XREAD's STREAMS, ...), else the legacy (first, last,
// step) triple COMMAND INFO shows. Shard channels (SPUBLISH, SSUBSCRIBE) sit in that triple, so
// they route like keys.

import type { CommandSpec } from '../../base/command-spec.js';
import { getKeysFunction } from '../../base/command-metadata/getkeys-functions.js';

/** The key arguments (as strings) of a command line `args` (name first) run as `fullName`. */
export function routingKeys(spec: CommandSpec, fullName: string, args: readonly string[]): string[] {
  const keysFunction = getKeysFunction(fullName);
  if (keysFunction) return keysFunction(args).map((ref) => args[ref.pos]!);
  if (spec.firstKey <= 0 || spec.step <= 0) return [];
  const argc = args.length;
  const last = spec.lastKey < 0 ? argc + spec.lastKey : spec.lastKey;
  const keys: string[] = [];
  for (let pos = spec.firstKey; pos <= last; pos += spec.step) {
    // A line too short for its triple (only possible with a variable arity): no keys, the command
    // itself reports the error (getKeysUsingLegacyRangeSpec).
    if (pos >= argc) return [];
    keys.push(args[pos]!);
  }
  return keys;
}
