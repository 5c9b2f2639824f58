// Seeded generators for the fuzz test: random valid commands built from the node's own COMMAND
// table (arity and key positions), malformed mutations of valid RESP, and raw garbage bytes.

import { seededRandom } from '../../src/shared/seeded-random.js';

/** The same seed replays the same fuzz run. */
export const prng = seededRandom;

export type Random = () => number;
export const int = (random: Random, n: number): number => Math.floor(random() * n);
export const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)]!;

export interface CommandShape {
  name: string;
  arity: number;
  flags: string[];
  firstKey: number;
  lastKey: number;
  step: number;
}

/**
 * Commands a fuzzer must not send: they stop the node or change how it runs (SHUTDOWN, DEBUG,
 * CONFIG, REPLICAOF, SYNC), silence or park the connection (CLIENT, MONITOR, WAIT, QUIT, HELLO,
 * AUTH), or wipe the data the test checks afterwards (FLUSHALL, FLUSHDB, SWAPDB).
 */
const EXCLUDED = new Set([
  'shutdown', 'debug', 'config', 'client', 'replicaof', 'slaveof', 'sync', 'psync', 'replconf', 'monitor',
  'wait', 'waitaof', 'failover', 'quit', 'hello', 'auth', 'flushall', 'flushdb', 'swapdb', 'save', 'bgsave',
  'bgrewriteaof', 'cluster', 'readonly', 'readwrite', 'acl', 'module', 'script', 'eval', 'evalsha', 'function',
]);

/** Parses COMMAND output (name, arity, flags, first key, last key, step, ...) into fuzzable shapes. */
export function fuzzableCommands(table: unknown[]): CommandShape[] {
  const shapes: CommandShape[] = [];
  for (const entry of table as unknown[][]) {
    const shape: CommandShape = {
      name: String(entry[0]),
      arity: Number(entry[1]),
      flags: (entry[2] as unknown[]).map(String),
      firstKey: Number(entry[3]),
      lastKey: Number(entry[4]),
      step: Number(entry[5]),
    };
    if (EXCLUDED.has(shape.name) || shape.flags.some((f) => f === 'blocking' || f === 'pubsub' || f === 'admin')) continue;
    shapes.push(shape);
  }
  return shapes;
}

const KEYS = Array.from({ length: 8 }, (_, i) => `fz:${i}`);
const WORDS = [
  'EX', 'PX', 'EXAT', 'PXAT', 'NX', 'XX', 'GT', 'LT', 'CH', 'INCR', 'KEEPTTL', 'GET', 'PERSIST', 'WITHSCORES',
  'LIMIT', 'COUNT', 'MATCH', 'TYPE', 'BY', 'STORE', 'ASC', 'DESC', 'ALPHA', 'REV', 'BYSCORE', 'BYLEX', 'LEFT',
  'RIGHT', 'BEFORE', 'AFTER', 'AGGREGATE', 'SUM', 'MIN', 'MAX', 'WEIGHTS', 'RANK', 'MAXLEN', 'IDLETIME',
  'FREQ', 'REPLACE', 'ABSTTL', 'DB', 'WITHVALUES', 'ENCODING', 'HELP', 'NOSUCHOPTION',
];
const NUMBERS = [
  '0', '1', '2', '3', '5', '10', '-1', '-2', '-10', '1.5', '-0', '0.1', '1e3', 'inf', '-inf', '+inf', 'nan',
  '(1', '(-inf', '[a', '(b', '-', '+', '9223372036854775807', '-9223372036854775808', '9223372036854775808',
  '99999999999999999999', '4294967296', '-4294967297', '1e400', '0x10', ' 1', '',
];

function randomBytes(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(int(random, 256));
  return text;
}

function randomArg(random: Random): string {
  const r = random();
  if (r < 0.25) return pick(random, KEYS);
  if (r < 0.45) return pick(random, WORDS);
  if (r < 0.75) return pick(random, NUMBERS);
  if (r < 0.97) return randomBytes(random, int(random, 12));
  return randomBytes(random, 500 + int(random, 2000));
}

/** A random request for `shape`: right arity (or more for variadic ones), pool keys at key positions. */
export function randomCommand(random: Random, shape: CommandShape): string[] {
  const fixed = shape.arity > 0 ? shape.arity : -shape.arity + int(random, 6);
  // Now and then a wrong argument count, so arity errors are exercised too.
  const count = random() < 0.05 ? Math.max(1, fixed + pick(random, [-1, 1, 2])) : fixed;
  const args = [random() < 0.5 ? shape.name : shape.name.toUpperCase()];
  for (let i = 1; i < count; i++) args.push(randomArg(random));
  if (shape.firstKey > 0) {
    const last = shape.lastKey >= 0 ? shape.lastKey : count + shape.lastKey;
    for (let i = shape.firstKey; i <= last && i < count; i += Math.max(1, shape.step)) args[i] = pick(random, KEYS);
  }
  return args;
}

export function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

/** A valid frame damaged one way: truncated, bytes flipped/inserted/removed, lengths made absurd. */
export function mutate(random: Random, frame: string): string {
  const at = int(random, frame.length);
  switch (int(random, 9)) {
    case 0:
      return frame.slice(0, at);
    case 1:
      return frame.slice(0, at) + String.fromCharCode(int(random, 256)) + frame.slice(at + 1);
    case 2:
      return frame.slice(0, at) + randomBytes(random, 1 + int(random, 4)) + frame.slice(at);
    case 3:
      return frame.slice(0, at) + frame.slice(at + 1 + int(random, 4));
    case 4:
      return frame.replace(/\$\d+/, `$${pick(random, ['99999999999', '536870912', '536870913', '2147483648', '1048577', '-1', '-100', '0'])}`);
    case 5:
      return frame.replace(/^\*\d+/, `*${pick(random, ['2147483647', '2147483648', '1048576', '-1', '-2147483649', '0', '99999999999999999999'])}`);
    case 6:
      return frame.slice(0, at) + '\r\n' + frame.slice(at);
    case 7:
      return frame.replace(/\r\n/g, () => (random() < 0.3 ? '\n' : '\r\n'));
    default:
      return frame.slice(0, at) + frame.slice(at).replace(/\$/, pick(random, ['*', '+', ':', '-', '%', '\0']));
  }
}

/** Frames that claim huge or deep structures and then deliver a little of them. */
export function hugeClaims(random: Random): string {
  switch (int(random, 5)) {
    case 0:
      return `*2147483647\r\n${'$1\r\na\r\n'.repeat(1 + int(random, 2000))}`;
    case 1:
      return `*1048576\r\n${'*1048576\r\n'.repeat(1 + int(random, 50))}`;
    case 2:
      return `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n${'x'.repeat(int(random, 100_000))}`;
    case 3:
      return `*1\r\n$${int(random, 1_000_000)}\r\n`;
    default:
      return 'x'.repeat(60_000 + int(random, 10_000));
  }
}

export function garbage(random: Random): string {
  return randomBytes(random, 1 + int(random, random() < 0.1 ? 70_000 : 300));
}
