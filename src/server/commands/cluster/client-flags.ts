// ASKING, READONLY and READWRITE (Redis 7.0 cluster.c askingCommand / readonlyCommand /
// readwriteCommand): they set or clear the client flags cluster routing reads
// (cluster/routing/route-query.ts). ASKING lasts one command or one transaction (the connection
// clears it, as resetClient does); READONLY until READWRITE or RESET. Outside cluster mode each
// answers that cluster support is disabled.

import { OK, type Reply } from '../../../shared/resp/reply.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { ERR_CLUSTER_DISABLED } from './common.js';


function clusterMode(ctx: CommandContext): boolean {
  return ctx.server.config.bool('cluster-enabled');
}

function asking(ctx: CommandContext): Reply {
  if (!clusterMode(ctx)) return ERR_CLUSTER_DISABLED;
  ctx.client.asking = true;
  return OK;
}

function readonly(ctx: CommandContext): Reply {
  if (!clusterMode(ctx)) return ERR_CLUSTER_DISABLED;
  ctx.client.readonlyCluster = true;
  return OK;
}

function readwrite(ctx: CommandContext): Reply {
  if (!clusterMode(ctx)) return ERR_CLUSTER_DISABLED;
  ctx.client.readonlyCluster = false;
  return OK;
}

export const clusterClientFlagCommands: CommandSpec[] = [
  command('asking', 1, ['fast'], asking, undefined, { summary: 'Sent by cluster clients after an -ASK redirect' }),
  command('readonly', 1, ['loading', 'stale', 'fast'], readonly, undefined, {
    summary: 'Enables read queries for a connection to a cluster replica node',
  }),
  command('readwrite', 1, ['loading', 'stale', 'fast'], readwrite, undefined, {
    summary: 'Disables read queries for a connection to a cluster replica node',
  }),
];
