// MONITOR (server.c monitorCommand): the connection turns into a monitor and gets a line for every
// command the node runs from then on (request/monitor-feed.ts writes them). A client already
// monitoring, or a replica, gets no reply at all; inside EXEC the command is refused, since a
// transaction's client expects one reply per command (CLIENT_DENY_BLOCKING).

import { ErrorReply, NO_REPLY, OK, type NoReply, type Reply } from '../../../shared/resp/reply.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { startMonitoring } from '../../request/monitor-feed.js';

const ERR_DENY_BLOCKING = new ErrorReply("ERR MONITOR isn't allowed for DENY BLOCKING client");

function monitor(ctx: CommandContext): Reply | NoReply {
  if (ctx.server.inNestedCall) return ERR_DENY_BLOCKING;
  if (ctx.client.monitoring || ctx.client.isReplica) return NO_REPLY;
  startMonitoring(ctx.server, ctx.client);
  return OK;
}

export const monitorCommands: CommandSpec[] = [command('monitor', 1, ['admin', 'noscript', 'loading', 'stale'], monitor)];
