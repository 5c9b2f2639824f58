// The key functions redis-server 7.0 keeps beside the key specs (src/commands/*.json
// "get_keys_function", bodies in db.c): used when a command's specs are incomplete (SORT, MIGRATE),
// carry variable flags (SET, BITFIELD), or fail on the line given (a numkeys that string2ll refuses
// but atoi reads, as EVAL s 3abc a b c). COMMAND INFO does not show them, so this table is ours.

import type { KeyRef } from '../key-specs.js';

type KeysFunction = (args: readonly string[]) => KeyRef[];

const RO_ACCESS = ['RO', 'access'];
const NO_FLAGS: readonly string[] = [];

/** C atoi: leading blanks, a sign, digits up to the first other character; an int's width. */
function atoi(text: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  if (!match) return 0;
  let value = BigInt(match[1]!);
  // strtol saturates at the long range, then the int cast keeps the low 32 bits.
  const max = 2n ** 63n - 1n;
  if (value > max) value = max;
  if (value < -max - 1n) value = -max - 1n;
  return Number(BigInt.asIntN(32, value));
}

/**
 * db.c genericGetKeys: `[dest] numkeys key ...`; keys at firstKey (every keyStep), the destination
 * last; none when the count is below 1 or more than the arguments left (the command will refuse it).
 */
function numkeysFunction(storeAt: number, countAt: number, firstKey: number, keyStep = 1): KeysFunction {
  return (args) => {
    const num = atoi(args[countAt] ?? '');
    if (num < 1 || num > Math.trunc((args.length - firstKey) / keyStep)) return [];
    const keys: KeyRef[] = [];
    for (let i = 0; i < num; i++) keys.push({ pos: firstKey + i * keyStep, flags: NO_FLAGS });
    if (storeAt) keys.push({ pos: storeAt, flags: NO_FLAGS });
    return keys;
  };
}

const is = (arg: string | undefined, word: string) => arg !== undefined && arg.toLowerCase() === word;

/** SORT key [BY p] [LIMIT o c] [GET p ...] [ASC|DESC] [ALPHA] [STORE dest]: the last STORE wins. */
function sortKeys(args: readonly string[]): KeyRef[] {
  const keys: KeyRef[] = [{ pos: 1, flags: RO_ACCESS }];
  let store: KeyRef | undefined;
  for (let i = 2; i < args.length; i++) {
    if (is(args[i], 'limit')) i += 2;
    else if (is(args[i], 'store') && i + 1 < args.length) store = { pos: i + 1, flags: ['OW', 'update'] };
    else if (is(args[i], 'get') || is(args[i], 'by')) i += 1;
  }
  return store ? [...keys, store] : keys;
}

/** MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw] [KEYS key ...]. */
function migrateKeys(args: readonly string[]): KeyRef[] {
  let first = 3;
  let num = 1;
  const skip: Record<string, number> = { copy: 0, replace: 0, auth: 1, auth2: 2 };
  for (let i = 6; i < args.length; i++) {
    const arg = args[i]!.toLowerCase();
    if (arg === 'keys') {
      // KEYS with a key in the third argument is a syntax error MIGRATE itself reports.
      if (args[3]!.length > 0) num = 0;
      else [first, num] = [i + 1, args.length - i - 1];
      break;
    }
    i += skip[arg] ?? 0;
  }
  return Array.from({ length: num }, (_, i) => ({ pos: first + i, flags: ['RW', 'access', 'delete'] }));
}

/** GEORADIUS[BYMEMBER] key ... [STORE k] [STOREDIST k]: the key and the last store target. */
function georadiusKeys(args: readonly string[]): KeyRef[] {
  let stored = -1;
  for (let i = 5; i < args.length; i++) {
    if ((is(args[i], 'store') || is(args[i], 'storedist')) && i + 1 < args.length) stored = ++i;
  }
  const keys: KeyRef[] = [{ pos: 1, flags: NO_FLAGS }];
  if (stored > 0) keys.push({ pos: stored, flags: NO_FLAGS });
  return keys;
}

/** XREAD / XREADGROUP: options up to STREAMS, then half the rest are keys. */
function xreadKeys(args: readonly string[]): KeyRef[] {
  const skip: Record<string, number> = { block: 1, count: 1, group: 2, noack: 0 };
  let streams = -1;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!.toLowerCase();
    if (arg === 'streams') {
      streams = i;
      break;
    }
    if (!(arg in skip)) break;
    i += skip[arg]!;
  }
  const rest = streams < 0 ? 0 : args.length - streams - 1;
  if (rest === 0 || rest % 2 !== 0) return [];
  return Array.from({ length: rest / 2 }, (_, i) => ({ pos: streams + 1 + i, flags: NO_FLAGS }));
}

/** SET key value [... GET ...]: GET makes the key read as well as written. */
function setKeys(args: readonly string[]): KeyRef[] {
  const get = args.slice(3).some((arg) => is(arg, 'get'));
  return [{ pos: 1, flags: get ? ['RW', 'access', 'update'] : ['OW', 'update'] }];
}

/** BITFIELD key [GET ...] [SET ...] [INCRBY ...] [OVERFLOW ...]: read-only when only GETs (and OVERFLOWs). */
function bitfieldKeys(args: readonly string[]): KeyRef[] {
  let readonly = true;
  for (let i = 2; i < args.length; i++) {
    const left = args.length - i - 1;
    if (is(args[i], 'get') && left >= 2) i += 2;
    else if (is(args[i], 'overflow') && left >= 1) i += 1;
    else {
      // A SET / INCRBY, or a syntax error: Redis assumes a write either way.
      readonly = false;
      break;
    }
  }
  return [{ pos: 1, flags: readonly ? RO_ACCESS : ['RW', 'access', 'update'] }];
}

const storeNumkeys = numkeysFunction(1, 2, 3);
const numkeysFirst = numkeysFunction(0, 1, 2);
const numkeysSecond = numkeysFunction(0, 2, 3);

const FUNCTIONS: Record<string, KeysFunction> = {
  bitfield: bitfieldKeys,
  blmpop: numkeysSecond,
  bzmpop: numkeysSecond,
  eval: numkeysSecond,
  eval_ro: numkeysSecond,
  evalsha: numkeysSecond,
  evalsha_ro: numkeysSecond,
  fcall: numkeysSecond,
  fcall_ro: numkeysSecond,
  georadius: georadiusKeys,
  georadiusbymember: georadiusKeys,
  lmpop: numkeysFirst,
  migrate: migrateKeys,
  set: setKeys,
  sintercard: numkeysFirst,
  sort: sortKeys,
  sort_ro: () => [{ pos: 1, flags: RO_ACCESS }],
  xread: xreadKeys,
  xreadgroup: xreadKeys,
  zdiff: numkeysFirst,
  zdiffstore: storeNumkeys,
  zinter: numkeysFirst,
  zintercard: numkeysFirst,
  zinterstore: storeNumkeys,
  zmpop: numkeysFirst,
  zunion: numkeysFirst,
  zunionstore: storeNumkeys,
};

/** The key function of a command (full lowercase name), if Redis has one for it. */
export function getKeysFunction(fullName: string): KeysFunction | undefined {
  return Object.hasOwn(FUNCTIONS, fullName) ? FUNCTIONS[fullName] : undefined;
}
