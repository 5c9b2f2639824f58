// DEBUG (Redis 7.0 debug.c): SLEEP RELOAD DIGEST DIGEST-VALUE POPULATE SET-ACTIVE-EXPIRE PROTOCOL ERROR
// LOG CHANGE-REPL-ID CONFIG-REWRITE-FORCE-ALL HELP, behind enable-debug-command (no / yes / local).

import { encodeReply } from '../../../shared/resp/encoder.js';
import {
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  OK,
  RawReply,
  SetReply,
  SimpleString,
  VerbatimReply,
  type Reply,
} from '../../../shared/resp/reply.js';
import type { Client } from '../../clients/client.js';
import { debugReload } from '../../persistence/install.js';
import { is, parseInteger } from '../../base/args.js';
import { configRewrite } from './config-command.js';
import { datasetDigest, valueDigest } from '../../keyspace/digest.js';
import { helpReply, unknownSubcommandOrArity } from '../../base/help.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

const ERR_NOT_ALLOWED = new ErrorReply(
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
);
const ERR_NOT_POSITIVE = new ErrorReply('ERR value is out of range, must be positive');

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

function reload(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 2) {
    const known = args.slice(2).every((a) => is(a, 'MERGE') || is(a, 'NOFLUSH') || is(a, 'NOSAVE'));
    if (!known) return new ErrorReply('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
    return new ErrorReply('ERR DEBUG RELOAD options are not supported by clusterctl-node');
  }
  ctx.suppressPropagation();
  try {
    debugReload(ctx.server);
  } catch (error) {
    ctx.server.log.warning(`DEBUG RELOAD failed: ${(error as Error).message}`);
    return new ErrorReply(`ERR ${(error as Error).message}`);
  }
  ctx.server.log.warning('DB reloaded by DEBUG RELOAD');
  return OK;
}

/** DEBUG PROTOCOL <type>: one sample reply of each RESP type (RESP2 fallbacks as Redis). */
function protocol(ctx: CommandContext, type: string): Reply {
  const proto = ctx.client.proto;
  switch (type.toLowerCase()) {
    case 'string':
      return 'Hello World';
    case 'integer':
      return 12345;
    case 'double':
      return new DoubleReply(3.141);
    case 'bignum': {
      const digits = '1234567999999999999999999999999999999';
      return new RawReply(proto === 3 ? `(${digits}\r\n` : encodeReply(digits, 2));
    }
    case 'null':
      return null;
    case 'array':
      return [0, 1, 2];
    case 'set':
      return new SetReply([0, 1, 2]);
    case 'map':
      return new MapReply([0, new BoolReply(false), 1, new BoolReply(true), 2, new BoolReply(false)]);
    case 'attrib': {
      const real = encodeReply('Some real reply following the attribute', proto);
      if (proto === 2) return new RawReply(real);
      return new RawReply(`|1\r\n${encodeReply('key-popularity', 3)}${encodeReply(['key:123', 90], 3)}${real}`);
    }
    case 'push':
      if (proto === 2) return new ErrorReply('ERR RESP2 is not supported by this command');
      return new RawReply(`>2\r\n${encodeReply('server-cpu-usage', 3)}:42\r\n${encodeReply('Some real reply following the push reply', 3)}`);
    case 'true':
      return new BoolReply(true);
    case 'false':
      return new BoolReply(false);
    case 'verbatim':
      return new VerbatimReply('This is a verbatim\nstring');
    default:
      return new ErrorReply(
        'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
      );
  }
}

const HELP = [
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
  'LOG <message>',
  '    Write <message> to the server log.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  '    it is used instead of the \'key\' prefix. These are not propagated to',
  '    replicas.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD',
  '    Save the RDB on disk and reload it back to memory.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
];

function debug(ctx: CommandContext, args: string[]): Reply {
  if (!debugAllowed(ctx)) return ERR_NOT_ALLOWED;
  const sub = args[1]!.toLowerCase();
  const argc = args.length;
  if (sub === 'help' && argc === 2) return helpReply('DEBUG', HELP);
  if (sub === 'sleep' && argc === 3) {
    // Redis uses strtod without validation: anything unparsable sleeps 0 seconds.
    sleepSync((Number.parseFloat(args[2]!) || 0) * 1000);
    return OK;
  }
  if (sub === 'reload') return reload(ctx, args);
  // Redis answers digests as status lines, not bulk strings.
  if (sub === 'digest' && argc === 2) return new SimpleString(datasetDigest(ctx.server.dbs));
  if (sub === 'digest-value' && argc >= 2) return args.slice(2).map((key) => new SimpleString(valueDigest(ctx.db, key)));
  if (sub === 'populate' && argc >= 3 && argc <= 5) return populate(ctx, args);
  if (sub === 'set-active-expire' && argc === 3) {
    // Redis uses atoi: anything that does not read as a non-zero number disables it.
    ctx.server.activeExpireEnabled = (Number.parseInt(args[2]!, 10) || 0) !== 0;
    return OK;
  }
  if (sub === 'protocol' && argc === 3) return protocol(ctx, args[2]!);
  if (sub === 'error' && argc === 3) return new ErrorReply(args[2]!);
  if (sub === 'log' && argc === 3) {
    ctx.server.log.warning(`DEBUG LOG: ${args[2]}`);
    return OK;
  }
  if (sub === 'config-rewrite-force-all' && argc === 2) return configRewrite(ctx, true);
  if (sub === 'change-repl-id' && argc === 2) {
    // Redis changeReplicationId + clearReplicationId2: a fresh history, the previous one forgotten.
    ctx.server.log.warning('Changing replication IDs after receiving DEBUG change-repl-id');
    ctx.server.replication?.identity.reset();
    return OK;
  }
  return new ErrorReply(unknownSubcommandOrArity('DEBUG', args[1]!));
}

export const debugCommands: CommandSpec[] = [
  command('debug', -2, ['admin', 'noscript', 'loading', 'stale'], debug, undefined, {
    summary: 'A container for debugging commands',
  }),
];
