// Connection commands: PING ECHO QUIT RESET AUTH HELLO SELECT (Redis 7.0 replies and errors).

import { ErrorReply, MapReply, OK, PONG, PushReply, SimpleString, type Reply } from '../../../shared/resp/reply.js';
import { ERR_DB_INDEX, ERR_NOT_INTEGER } from '../../base/errors.js';
import { is, parseInteger } from '../../base/args.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { REDIS_COMPAT_VERSION } from '../../base/version.js';
import { stopMonitoring } from '../../request/monitor-feed.js';

const ERR_WRONGPASS = new ErrorReply('WRONGPASS invalid username-password pair or user is disabled.');

function ping(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 2) return new ErrorReply(`ERR wrong number of arguments for 'ping' command`);
  // In a RESP2 subscribed context PING answers as a pub/sub frame (pubsub.c).
  if (ctx.client.inPubSubContext) return new PushReply(['pong', args[1] ?? '']);
  return args.length === 2 ? args[1]! : PONG;
}

/**
 * AUTH <password> (the default user) or AUTH <username> <password> (acl.c authCommand). A failure
 * leaves the connection as it was and is written to the ACL log.
 */
function auth(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 3) return new ErrorReply('ERR syntax error');
  const acl = ctx.server.acl;
  if (args.length === 2 && acl.defaultUser.nopass) {
    return new ErrorReply(
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
  }
  const [user, password] = args.length === 3 ? [args[1]!, args[2]!] : ['default', args[1]!];
  return acl.authenticate(ctx.client, user, password, args[0]!) ? OK : ERR_WRONGPASS;
}

function hello(ctx: CommandContext, args: string[]): Reply {
  let proto = ctx.client.proto as number;
  let i = 1;
  if (args.length >= 2) {
    const requested = parseInteger(args[1]!);
    if (requested === null) return new ErrorReply('ERR Protocol version is not an integer or out of range');
    if (requested < 2 || requested > 3) return new ErrorReply('NOPROTO unsupported protocol version');
    proto = requested;
    i = 2;
  }
  // Options apply as they come (networking.c helloCommand): a SETNAME before a failed AUTH stays.
  for (; i < args.length; i++) {
    if (is(args[i], 'AUTH') && i + 2 < args.length) {
      if (!ctx.server.acl.authenticate(ctx.client, args[i + 1]!, args[i + 2]!, args[0]!)) return ERR_WRONGPASS;
      i += 2;
    } else if (is(args[i], 'SETNAME') && i + 1 < args.length) {
      if (/[\s]/.test(args[i + 1]!)) return new ErrorReply('ERR Client names cannot contain spaces, newlines or special characters.');
      ctx.client.name = args[i + 1]!;
      i += 1;
    } else {
      return new ErrorReply(`ERR Syntax error in HELLO option '${args[i]}'`);
    }
  }
  if (!ctx.client.authenticated) {
    return new ErrorReply('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
  }
  ctx.client.proto = proto as 2 | 3;
  return new MapReply([
    'server', 'redis',
    'version', REDIS_COMPAT_VERSION,
    'proto', proto,
    'id', ctx.client.id,
    'mode', 'standalone',
    'role', ctx.server.isReplica ? 'replica' : 'master',
    'modules', [],
  ]);
}

function select(ctx: CommandContext, args: string[]): Reply {
  const index = parseInteger(args[1]!);
  if (index === null) return ERR_NOT_INTEGER;
  // Cluster mode has db 0 only (db.c selectCommand).
  if (index !== 0 && ctx.server.config.bool('cluster-enabled')) return new ErrorReply('ERR SELECT is not allowed in cluster mode');
  if (index < 0 || index >= ctx.server.dbs.length) return ERR_DB_INDEX;
  ctx.client.db = index;
  return OK;
}

function reset(ctx: CommandContext): Reply {
  const client = ctx.client;
  client.multi = null;
  client.multiError = false;
  ctx.server.unwatchAll(client);
  ctx.server.pubsub.unsubscribeAll(client);
  // RESET ends MONITOR mode too (clearClientConnectionState).
  stopMonitoring(ctx.server, client);
  // Tracking off (clearClientConnectionState -> disableTracking).
  ctx.server.tracking.disable(client);
  client.db = 0;
  client.proto = 2;
  client.name = '';
  client.noEvict = false;
  // And the cluster flags ASKING / READONLY (clearClientConnectionState).
  client.asking = false;
  client.readonlyCluster = false;
  // RESET also turns CLIENT REPLY back on (Redis clearClientConnectionState), so +RESET is seen.
  client.replyMode = 'on';
  // Back to the default user, authenticated only if it needs no password (clientSetDefaultAuth).
  ctx.server.acl.setDefaultAuth(client);
  return new SimpleString('RESET');
}

function quit(ctx: CommandContext): Reply {
  ctx.client.closing = true;
  return OK;
}

export const connectionCommands: CommandSpec[] = [
  command('ping', -1, ['fast'], ping),
  command('echo', 2, ['loading', 'stale', 'fast'], (_ctx, args) => args[1]!),
  command('quit', -1, ['fast', 'no_auth', 'stale', 'loading', 'noscript', 'allow_busy'], quit),
  command('reset', 1, ['fast', 'no_auth', 'stale', 'loading', 'noscript', 'allow_busy'], reset),
  command('auth', -2, ['fast', 'no_auth', 'stale', 'loading', 'noscript', 'allow_busy'], auth),
  command('hello', -1, ['fast', 'no_auth', 'stale', 'loading', 'noscript', 'allow_busy'], hello),
  command('select', 2, ['fast', 'loading', 'stale'], select),
];
