// The commands a sentinel serves besides SENTINEL (Redis 7.0 sentinel mode command table, protocol
// doc 8): PING, INFO, ROLE, pub/sub, PUBLISH (hellos only), AUTH, HELLO, COMMAND, SHUTDOWN, QUIT.

import { timingSafeEqual } from 'node:crypto';
import { ErrorReply, MapReply, NO_REPLY, OK, PONG, PushReply, type Reply, VerbatimReply } from '../../shared/resp/reply.js';
import { HELLO_CHANNEL } from '../../shared/fencing-contract.js';
import { clientCommand } from './client-command.js';
import type { CommandContext, CommandSpec } from './host.js';
import { infoText } from './info.js';
import { sentinelCommand } from './sentinel-command.js';
import { faultCommand } from './fault-command.js';

export const COMMANDS: Record<string, CommandSpec> = {
  ping: { arity: -1, handler: ping, pubsubContext: true },
  info: { arity: -1, handler: ({ host }, args) => new VerbatimReply(infoText(host, args.slice(1))) },
  role: { arity: 1, handler: ({ host }) => ['sentinel', [...host.core.masters.keys()]] },
  sentinel: { arity: -2, handler: sentinelCommand },
  subscribe: { arity: -2, handler: subscribe, pubsubContext: true },
  unsubscribe: { arity: -1, handler: unsubscribe, pubsubContext: true },
  psubscribe: { arity: -2, handler: psubscribe, pubsubContext: true },
  punsubscribe: { arity: -1, handler: punsubscribe, pubsubContext: true },
  publish: { arity: 3, handler: publish },
  client: { arity: -2, handler: clientCommand },
  auth: { arity: -2, handler: auth, noAuth: true },
  hello: { arity: -1, handler: hello, noAuth: true },
  command: { arity: -1, handler: command },
  shutdown: { arity: -1, handler: shutdown },
  quit: { arity: -1, handler: quit, noAuth: true, pubsubContext: true },
  // clusterctl's own fault injection (sentinel/faults/), as on our nodes.
  fault: { arity: -2, handler: faultCommand },
};

function ping({ client }: CommandContext, args: string[]): Reply {
  if (args.length > 2) return new ErrorReply("ERR wrong number of arguments for 'ping' command");
  // RESP2 subscribers get PING answered as a pub/sub frame, as Redis does.
  if (client.subscriptionCount > 0 && client.protocol === 2) return ['pong', args[1] ?? ''];
  return args.length === 2 ? args[1]! : PONG;
}

function subscribe({ host, client }: CommandContext, args: string[]): Reply | typeof NO_REPLY {
  for (const channel of args.slice(1)) {
    host.hub.subscribe(client, channel);
    client.reply(new PushReply(['subscribe', channel, client.subscriptionCount]));
  }
  return NO_REPLY;
}

function psubscribe({ host, client }: CommandContext, args: string[]): Reply | typeof NO_REPLY {
  for (const pattern of args.slice(1)) {
    host.hub.psubscribe(client, pattern);
    client.reply(new PushReply(['psubscribe', pattern, client.subscriptionCount]));
  }
  return NO_REPLY;
}

function unsubscribe({ host, client }: CommandContext, args: string[]): Reply | typeof NO_REPLY {
  const channels = args.length > 1 ? args.slice(1) : [...client.channels];
  if (channels.length === 0) return new PushReply(['unsubscribe', null, client.subscriptionCount]);
  for (const channel of channels) {
    host.hub.unsubscribe(client, channel);
    client.reply(new PushReply(['unsubscribe', channel, client.subscriptionCount]));
  }
  return NO_REPLY;
}

function punsubscribe({ host, client }: CommandContext, args: string[]): Reply | typeof NO_REPLY {
  const patterns = args.length > 1 ? args.slice(1) : [...client.patterns];
  if (patterns.length === 0) return new PushReply(['punsubscribe', null, client.subscriptionCount]);
  for (const pattern of patterns) {
    host.hub.punsubscribe(client, pattern);
    client.reply(new PushReply(['punsubscribe', pattern, client.subscriptionCount]));
  }
  return NO_REPLY;
}

/** Only hellos are accepted: another sentinel announcing itself directly (sentinelPublishCommand). */
function publish({ host }: CommandContext, args: string[]): Reply {
  if (args[1] !== HELLO_CHANNEL) return new ErrorReply('ERR Only HELLO messages are accepted by Sentinel instances.');
  host.core.onHello(args[2]!, Date.now());
  host.flush();
  return 1;
}

function auth({ host, client }: CommandContext, args: string[]): Reply {
  if (args.length > 3) return new ErrorReply('ERR syntax error');
  const password = args[args.length - 1]!;
  const user = args.length === 3 ? args[1]! : 'default';
  if (host.requirepass === null) {
    if (args.length === 2) {
      return new ErrorReply(
        'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
      );
    }
    return user === 'default' ? OK : WRONGPASS;
  }
  if (user !== 'default' || !samePassword(password, host.requirepass)) return WRONGPASS;
  client.authenticated = true;
  return OK;
}

const WRONGPASS = new ErrorReply('WRONGPASS invalid username-password pair or user is disabled.');

function samePassword(a: string, b: string): boolean {
  const x = Buffer.from(a, 'latin1');
  const y = Buffer.from(b, 'latin1');
  return x.length === y.length && timingSafeEqual(x, y);
}

function hello(ctx: CommandContext, args: string[]): Reply {
  const { client } = ctx;
  let protocol = client.protocol;
  let i = 1;
  if (args.length > 1) {
    const version = /^\d+$/.test(args[1]!) ? Number(args[1]) : NaN;
    if (Number.isNaN(version)) return new ErrorReply('ERR Protocol version is not an integer or out of range');
    if (version < 2 || version > 3) return new ErrorReply('NOPROTO unsupported protocol version');
    protocol = version as 2 | 3;
    i = 2;
  }
  for (; i < args.length; i++) {
    const option = args[i]!.toLowerCase();
    if (option === 'auth' && i + 2 < args.length) {
      const reply = auth(ctx, ['auth', args[i + 1]!, args[i + 2]!]);
      if (reply instanceof ErrorReply) return reply;
      i += 2;
    } else if (option === 'setname' && i + 1 < args.length) {
      client.name = args[++i]!;
    } else {
      return new ErrorReply(`ERR Syntax error in HELLO option '${args[i]}'`);
    }
  }
  if (!client.authenticated) return new ErrorReply('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
  client.protocol = protocol;
  // Sentinel mode has no `role` field (Redis omits it in sentinel mode).
  return new MapReply(['server', 'redis', 'version', '7.0.15', 'proto', protocol, 'id', client.id, 'mode', 'sentinel', 'modules', []]);
}

function command(_ctx: CommandContext, args: string[]): Reply {
  const sub = (args[1] ?? '').toLowerCase();
  if (sub === 'count') return Object.keys(COMMANDS).length;
  if (sub === 'docs') return new MapReply([]);
  if (sub === '' || sub === 'info' || sub === 'list') return sub === 'list' ? Object.keys(COMMANDS) : [];
  return new ErrorReply(`ERR unknown subcommand '${args[1]}'. Try COMMAND HELP.`);
}

function shutdown({ host }: CommandContext, args: string[]): Reply | typeof NO_REPLY {
  for (const option of args.slice(1)) {
    if (!['nosave', 'save', 'now', 'force', 'abort'].includes(option.toLowerCase())) return new ErrorReply('ERR syntax error');
  }
  host.shutdown();
  return NO_REPLY;
}

function quit({ client }: CommandContext): Reply {
  client.closeAfterReply = true;
  return OK;
}
