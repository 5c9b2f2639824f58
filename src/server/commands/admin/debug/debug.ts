// DEBUG (Redis 7.0 debug.c), behind enable-debug-command (no / yes / local): the subcommands clients,
// tools and test suites use. The key inspectors are in object-info.ts, the crashes in crash.ts,
// PROTOCOL's samples in protocol-sample.ts, the glob fuzzer in stringmatch-test.ts. Left out:
// what only describes Redis's C internals (STRUCTSIZE, HTSTATS, MALLCTL, REPLYBUFFER, CLIENT-EVICTION)
// or needs exec() of the same process (RESTART, CRASH-AND-RECOVER); they answer as unknown.

import { ErrorReply, OK, SimpleString, type Reply } from '../../../../shared/resp/reply.js';
import type { Client } from '../../../clients/client.js';
import { debugReload, ReloadError } from '../../../persistence/install.js';
import { persistenceState } from '../../../persistence/state.js';
import { is, parseInteger } from '../../../base/args.js';
import { parseMemory } from '../../../config/units.js';
import { configRewrite } from '../config-command.js';
import { datasetDigest, valueDigest } from '../../../keyspace/digest.js';
import { helpReply, unknownSubcommandOrArity } from '../../../base/help.js';
import { command, type CommandContext, type CommandSpec } from '../../../base/command-spec.js';
import { crash, leak } from './crash.js';
import { debugListpack, debugObject, debugQuicklist, debugSdslen } from './object-info.js';
import { protocolSample } from './protocol-sample.js';
import { stringmatchFuzz } from './stringmatch-test.js';

const ERR_NOT_ALLOWED = new ErrorReply(
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
);
const ERR_NOT_POSITIVE = new ErrorReply('ERR value is out of range, must be positive');
/** quicklistisSetPackedThreshold: at most 4 GB less 1 MB (0 restores the 1 GB default). */
const PACKED_THRESHOLD_MAX = 2 ** 32 - 2 ** 20;

/** Redis islocalClient: loopback peers (Node reports IPv4 on dual-stack sockets as ::ffff:a.b.c.d). */
export function isLocalClient(client: Client): boolean {
  const host = client.addr.slice(0, client.addr.lastIndexOf(':'));
  return host === '127.0.0.1' || host === '::1' || host === '::ffff:127.0.0.1';
}

function debugAllowed(ctx: CommandContext): boolean {
  const setting = ctx.server.config.str('enable-debug-command');
  return setting === 'yes' || (setting === 'local' && isLocalClient(ctx.client));
}

/** Blocks the whole server like Redis's usleep in DEBUG SLEEP (clients wait, timers wait). */
function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function parsePositive(text: string): number | null {
  const n = parseInteger(text);
  return n === null || n < 0 ? null : n;
}

/** Redis atoi: leading digits (with a sign), 0 when there are none. */
function atoi(text: string): number {
  return Number.parseInt(text, 10) || 0;
}

/** DEBUG POPULATE count [prefix] [size]: key:N -> value:N, existing keys untouched, not propagated. */
function populate(ctx: CommandContext, args: string[]): Reply {
  const count = parsePositive(args[2]!);
  if (count === null) return ERR_NOT_POSITIVE;
  const prefix = args.length >= 4 ? args[3]! : 'key';
  let size = 0;
  if (args.length === 5) {
    const parsed = parsePositive(args[4]!);
    if (parsed === null) return ERR_NOT_POSITIVE;
    size = parsed;
  }
  for (let j = 0; j < count; j++) {
    const key = `${prefix}:${j}`;
    if (ctx.db.lookup(key) !== undefined) continue;
    let value = `value:${j}`;
    // A size pads with zero bytes or truncates, as Redis's createStringObject(NULL, size) + memcpy.
    if (size > 0) value = value.length >= size ? value.slice(0, size) : value + '\0'.repeat(size - value.length);
    ctx.db.set(key, value);
  }
  ctx.suppressPropagation();
  return OK;
}

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE], with Redis's replies (the detail goes to the log). */
function reload(ctx: CommandContext, args: string[]): Reply {
  const options = { save: true, flush: true, merge: false };
  for (const option of args.slice(2)) {
    if (is(option, 'MERGE')) options.merge = true;
    else if (is(option, 'NOFLUSH')) options.flush = false;
    else if (is(option, 'NOSAVE')) options.save = false;
    else return new ErrorReply('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
  }
  ctx.suppressPropagation();
  try {
    debugReload(ctx.server, options);
  } catch (error) {
    ctx.server.log.warning(`DEBUG RELOAD failed: ${(error as Error).message}`);
    // Redis answers a failed save with the bare shared.err, a failed load with this text.
    if (error instanceof ReloadError && error.step === 'save') return new ErrorReply('ERR');
    return new ErrorReply('ERR Error trying to load the RDB dump, check server logs.');
  }
  ctx.server.log.warning('DB reloaded by DEBUG RELOAD');
  return OK;
}

const HELP = [
  'ASSERT',
  '    Crash by assertion failed.',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE but writes all configuration options, including',
  '    keywords not listed in original configuration file or default values.',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LEAK <string>',
  '    Create a memory leak of the input string.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'REPLICATE <string>',
  '    Replicates the provided string to replicas, allowing data divergence.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'OOM',
  '    Crash the server simulating an out-of-memory error.',
  'PANIC',
  '    Crash the server simulating a panic.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  "    it is used instead of the 'key' prefix. These are not propagated to",
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'SDSLEN <key>',
  '    Show low level SDS string info representing `key` and value.',
  'SEGFAULT',
  '    Crash the server with sigsegv.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
  "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
  'LISTPACK <key>',
  '    Show low level info about the listpack encoding of <key>.',
  'QUICKLIST <key> [<0|1>]',
  '    Show low level info about the quicklist encoding of <key>.',
  '    The optional argument (0 by default) sets the level of detail',
];

function debug(ctx: CommandContext, args: string[]): Reply {
  if (!debugAllowed(ctx)) return ERR_NOT_ALLOWED;
  const sub = args[1]!.toLowerCase();
  const argc = args.length;
  const { server } = ctx;
  if (sub === 'help' && argc === 2) return helpReply('DEBUG', HELP);
  switch (sub) {
    case 'segfault':
    case 'panic':
    case 'assert':
    case 'oom':
      return crash(server, sub);
    case 'reload':
      return reload(ctx, args);
  }
  if (sub === 'sleep' && argc === 3) {
    // Redis uses strtod without validation: anything unparsable sleeps 0 seconds.
    sleepSync((Number.parseFloat(args[2]!) || 0) * 1000);
    return OK;
  }
  // Redis answers digests as status lines, not bulk strings.
  if (sub === 'digest' && argc === 2) return new SimpleString(datasetDigest(server.dbs));
  if (sub === 'digest-value' && argc >= 2) return args.slice(2).map((key) => new SimpleString(valueDigest(ctx.db, key)));
  if (sub === 'object' && argc === 3) return debugObject(ctx, args[2]!);
  if (sub === 'sdslen' && argc === 3) return debugSdslen(ctx, args[2]!);
  if (sub === 'listpack' && argc === 3) return debugListpack(ctx, args[2]!);
  if (sub === 'quicklist' && (argc === 3 || argc === 4)) return debugQuicklist(ctx, args[2]!, argc === 4 && atoi(args[3]!) !== 0);
  if (sub === 'populate' && argc >= 3 && argc <= 5) return populate(ctx, args);
  if (sub === 'set-active-expire' && argc === 3) {
    // Redis uses atoi: anything that does not read as a non-zero number disables it.
    server.activeExpireEnabled = atoi(args[2]!) !== 0;
    return OK;
  }
  if (sub === 'quicklist-packed-threshold' && argc === 3) {
    // Our lists keep every element as it is; the threshold only decides Redis's node kinds, which
    // no reply of ours shows. The argument is still checked as Redis checks it.
    const size = parseMemory(args[2]!);
    if (size === null || size > PACKED_THRESHOLD_MAX) {
      return new ErrorReply('ERR argument must be a memory value bigger than 1 and smaller than 4gb');
    }
    return OK;
  }
  if (sub === 'set-skip-checksum-validation' && argc === 3) {
    persistenceState(server).skipChecksumValidation = atoi(args[2]!) !== 0;
    return OK;
  }
  if (sub === 'replicate' && argc >= 3) {
    // replicationFeedSlaves with the stream's current db: replicas (and the backlog) only, not the
    // AOF and not this dataset: the divergence is the point.
    server.replication?.propagateRaw(args.slice(2));
    return OK;
  }
  if (sub === 'protocol' && argc === 3) return protocolSample(ctx.client.proto, args[2]!);
  // Redis sends "-<string>" with newlines mapped to spaces (no ERR prefix is added).
  if (sub === 'error' && argc === 3) return new ErrorReply(args[2]!.replace(/[\r\n]/g, ' '));
  if (sub === 'log' && argc === 3) {
    server.log.warning(`DEBUG LOG: ${args[2]}`);
    return OK;
  }
  if (sub === 'leak' && argc === 3) {
    leak(args[2]!);
    return OK;
  }
  if (sub === 'stringmatch-test' && argc === 2) {
    stringmatchFuzz();
    return new SimpleString('Apparently Redis did not crash: test passed');
  }
  if (sub === 'config-rewrite-force-all' && argc === 2) return configRewrite(ctx, true);
  if (sub === 'change-repl-id' && argc === 2) {
    // Redis changeReplicationId + clearReplicationId2: a fresh history, the previous one forgotten.
    server.log.warning('Changing replication IDs after receiving DEBUG change-repl-id');
    server.replication?.identity.reset();
    return OK;
  }
  return new ErrorReply(unknownSubcommandOrArity('DEBUG', args[1]!));
}

export const debugCommands: CommandSpec[] = [
  command('debug', -2, ['admin', 'noscript', 'loading', 'stale'], debug, undefined, {
    summary: 'A container for debugging commands',
  }),
];
