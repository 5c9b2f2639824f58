// CLIENT ID SETNAME GETNAME LIST INFO KILL SETINFO NO-EVICT REPLY PAUSE UNPAUSE UNBLOCK HELP (Redis 7.0
// networking.c clientCommand; SETINFO from 7.2 because ioredis sends it on connect), and the
// client-side caching ones from client-tracking.ts.

import { ErrorReply, NO_REPLY, OK, VerbatimReply, type NoReply, type Reply } from '../../../shared/resp/reply.js';
import type { Client, ClientKind } from '../../clients/client.js';
import type { AclUser } from '../../acl/user.js';
import { is, parseInteger } from '../../base/args.js';
import { clientInfoLine, clientKindByName } from './client-list.js';
import { clientPause, clientUnpause } from './client-pause.js';
import { clientCaching, clientGetRedir, clientTracking, clientTrackingInfo } from './client-tracking.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { helpReply } from '../../base/help.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { clock } from '../../base/clock.js';

/** Names and library attributes are printed in CLIENT LIST, so Redis allows only '!'..'~'. */
const PRINTABLE_NO_SPACE = /^[\x21-\x7e]*$/;
const ERR_NO_SUCH_CLIENT = new ErrorReply('ERR No such client');

const unknownType = (name: string) => new ErrorReply(`ERR Unknown client type '${name}'`);

function clientId(ctx: CommandContext): Reply {
  return ctx.client.id;
}

function clientSetName(ctx: CommandContext, args: string[]): Reply {
  const name = args[2]!;
  if (!PRINTABLE_NO_SPACE.test(name)) {
    return new ErrorReply('ERR Client names cannot contain spaces, newlines or special characters.');
  }
  ctx.client.name = name;
  return OK;
}

function clientGetName(ctx: CommandContext): Reply {
  return ctx.client.name === '' ? null : ctx.client.name;
}

function clientInfo(ctx: CommandContext): Reply {
  return new VerbatimReply(`${clientInfoLine(ctx.client)}\n`);
}

function clientList(ctx: CommandContext, args: string[]): Reply {
  let selected = [...ctx.server.clients.values()];
  if (args.length === 4 && is(args[2], 'TYPE')) {
    const kind = clientKindByName(args[3]!);
    if (!kind) return unknownType(args[3]!);
    selected = selected.filter((c) => c.kind === kind);
  } else if (args.length >= 4 && is(args[2], 'ID')) {
    const ids = new Set<number>();
    for (const text of args.slice(3)) {
      const id = parseInteger(text);
      if (id === null || id <= 0) return new ErrorReply('ERR Invalid client ID');
      ids.add(id);
    }
    selected = selected.filter((c) => ids.has(c.id));
  } else if (args.length !== 2) {
    return ERR_SYNTAX;
  }
  const now = clock.now();
  return new VerbatimReply(selected.map((c) => `${clientInfoLine(c, now)}\n`).join(''));
}

interface KillFilter {
  id?: number;
  kind?: ClientKind;
  addr?: string;
  laddr?: string;
  /** Clients authenticated as this ACL user. */
  user?: AclUser;
  skipMe: boolean;
}

function parseKillFilter(ctx: CommandContext, args: string[]): KillFilter | ErrorReply {
  if ((args.length - 2) % 2 !== 0) return ERR_SYNTAX;
  const filter: KillFilter = { skipMe: true };
  for (let i = 2; i < args.length; i += 2) {
    const option = args[i]!.toUpperCase();
    const value = args[i + 1]!;
    if (option === 'ID') {
      const id = parseInteger(value);
      if (id === null || id <= 0) return new ErrorReply('ERR client-id should be greater than 0');
      filter.id = id;
    } else if (option === 'TYPE') {
      filter.kind = clientKindByName(value);
      if (!filter.kind) return unknownType(value);
    } else if (option === 'ADDR') {
      filter.addr = value;
    } else if (option === 'LADDR') {
      filter.laddr = value;
    } else if (option === 'USER') {
      filter.user = ctx.server.acl.getUser(value);
      if (!filter.user) return new ErrorReply(`ERR No such user '${value}'`);
    } else if (option === 'SKIPME') {
      if (is(value, 'YES')) filter.skipMe = true;
      else if (is(value, 'NO')) filter.skipMe = false;
      else return ERR_SYNTAX;
    } else {
      return ERR_SYNTAX;
    }
  }
  return filter;
}

function matches(client: Client, filter: KillFilter): boolean {
  return (
    (filter.id === undefined || client.id === filter.id) &&
    (filter.kind === undefined || client.kind === filter.kind) &&
    (filter.addr === undefined || client.addr === filter.addr) &&
    (filter.laddr === undefined || client.laddr === filter.laddr) &&
    (filter.user === undefined || client.user === filter.user)
  );
}

/** Closes a client: the caller after its reply is written, anyone else at once. */
function kill(ctx: CommandContext, target: Client): void {
  if (target === ctx.client) target.closing = true;
  else target.sink.close('killed by CLIENT KILL');
}

function clientKill(ctx: CommandContext, args: string[]): Reply {
  // Old form, CLIENT KILL ip:port: an error when nobody matches, and it may kill the caller.
  if (args.length === 3) {
    const target = [...ctx.server.clients.values()].find((c) => c.addr === args[2]);
    if (!target) return ERR_NO_SUCH_CLIENT;
    kill(ctx, target);
    return OK;
  }
  const filter = parseKillFilter(ctx, args);
  if (filter instanceof ErrorReply) return filter;
  let killed = 0;
  for (const client of [...ctx.server.clients.values()]) {
    if (!matches(client, filter) || (filter.skipMe && client === ctx.client)) continue;
    kill(ctx, client);
    killed++;
  }
  return killed;
}

function clientSetInfo(ctx: CommandContext, args: string[]): Reply {
  const [attribute, value] = [args[2]!, args[3]!];
  const isName = is(attribute, 'LIB-NAME');
  if (!isName && !is(attribute, 'LIB-VER')) return new ErrorReply(`ERR Unrecognized option '${attribute}'`);
  if (!PRINTABLE_NO_SPACE.test(value)) {
    return new ErrorReply(`ERR ${attribute.toLowerCase()} cannot contain spaces, newlines or special characters.`);
  }
  if (isName) ctx.client.libName = value;
  else ctx.client.libVersion = value;
  return OK;
}

function clientNoEvict(ctx: CommandContext, args: string[]): Reply {
  if (is(args[2], 'ON')) ctx.client.noEvict = true;
  else if (is(args[2], 'OFF')) ctx.client.noEvict = false;
  else return ERR_SYNTAX;
  return OK;
}

function clientReply(ctx: CommandContext, args: string[]): Reply | NoReply {
  const client = ctx.client;
  if (is(args[2], 'ON')) {
    client.replyMode = 'on';
    return OK;
  }
  if (is(args[2], 'OFF')) {
    client.replyMode = 'off';
    return NO_REPLY;
  }
  if (is(args[2], 'SKIP')) {
    if (client.replyMode !== 'off') client.replyMode = 'skip-next';
    return NO_REPLY;
  }
  return ERR_SYNTAX;
}

function clientUnblock(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 4) return ERR_SYNTAX;
  const id = parseInteger(args[2]!);
  if (id === null) return ERR_NOT_INTEGER;
  let asError = false;
  if (args.length === 4) {
    if (is(args[3], 'ERROR')) asError = true;
    else if (!is(args[3], 'TIMEOUT')) return new ErrorReply('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  }
  const target = ctx.server.clients.get(id);
  const request = target?.blocked;
  if (!target || !request) return 0;
  const reply = asError ? new ErrorReply('UNBLOCKED client unblocked via CLIENT UNBLOCK') : request.timeoutReply;
  ctx.server.blocking.unblock(target, reply);
  return 1;
}

const HELP = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'SETINFO <LIB-NAME|LIB-VER> <value>',
  '    Set client meta attr. Options are:',
  '    * LIB-NAME: the client lib name.',
  '    * LIB-VER: the client lib version.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
];

const BASIC = ['noscript', 'loading', 'stale'] as const;
const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;

export const clientCommands: CommandSpec[] = [
  command('client', -2, [], () => null, undefined, {
    summary: 'A container for client connection commands',
    subcommands: [
      command('id', 2, BASIC, clientId, undefined, { summary: 'Returns the client ID for the current connection' }),
      command('setname', 3, BASIC, clientSetName, undefined, { summary: 'Set the current connection name' }),
      command('getname', 2, BASIC, clientGetName, undefined, { summary: 'Get the current connection name' }),
      command('info', 2, BASIC, clientInfo, undefined, { summary: 'Returns information about the current client connection.' }),
      command('list', -2, ADMIN, clientList, undefined, { summary: 'Get the list of client connections' }),
      command('kill', -3, ADMIN, clientKill, undefined, { summary: 'Kill the connection of a client' }),
      command('setinfo', 4, BASIC, clientSetInfo, undefined, { summary: 'Set client or connection specific info' }),
      command('no-evict', 3, ADMIN, clientNoEvict, undefined, { summary: 'Set client eviction mode for the current connection' }),
      command('reply', 3, BASIC, clientReply, undefined, { summary: 'Instruct the server whether to reply to commands' }),
      command('pause', -3, ADMIN, clientPause, undefined, { summary: 'Stop processing commands from clients for some time' }),
      command('unpause', 2, ADMIN, clientUnpause, undefined, { summary: 'Resume processing of clients that were paused' }),
      command('unblock', -3, ADMIN, clientUnblock, undefined, { summary: 'Unblock a client blocked in a blocking command from a different connection' }),
      command('tracking', -3, BASIC, clientTracking, undefined, { summary: 'Enable or disable server assisted client side caching support' }),
      command('caching', 3, BASIC, clientCaching, undefined, { summary: 'Instruct the server about tracking or not keys in the next request' }),
      command('getredir', 2, BASIC, clientGetRedir, undefined, { summary: 'Get tracking notifications redirection client ID if any' }),
      command('trackinginfo', 2, BASIC, clientTrackingInfo, undefined, {
        summary: 'Return information about server assisted client side caching for the current connection',
      }),
      command('help', 2, ['loading', 'stale'], () => helpReply('CLIENT', HELP), undefined, {
        summary: 'Show helpful text about the different subcommands',
      }),
    ],
  }),
];
