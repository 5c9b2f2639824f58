// CLUSTER FORGET node-id (cluster.c 7.0): removes a node from our table and keeps it out of gossip
// for 60 s (the nodes blacklist), so redis-cli can FORGET it on every node before anyone re-adds it.
// Neither ourselves nor, on a replica, our master can be forgotten.

import { ErrorReply, OK, type Reply } from '../../../shared/resp/reply.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { busOf } from '../../cluster/bus-io/bus-registry.js';
import { validId } from '../../cluster/bus-io/gossip-in.js';
import { isReplica } from '../../cluster/state/cluster-node.js';
import { ERR_CLUSTER_DISABLED } from './common.js';

function forget(ctx: CommandContext, args: string[]): Reply {
  const bus = busOf(ctx.server);
  if (!bus) return ERR_CLUSTER_DISABLED;
  const { state } = bus.ctx;
  const id = args[2]!;
  const node = validId(id) ? state.node(id) : undefined;
  if (!node) return new ErrorReply(`ERR Unknown node ${id}`);
  if (node === state.myself) return new ErrorReply("ERR I tried hard but I can't forget myself...");
  if (isReplica(state.myself) && state.myself.masterId === node.id) return new ErrorReply("ERR Can't forget my master!");
  bus.forget(node);
  state.changed({ updateState: true, saveConfig: true });
  return OK;
}

export const clusterForget: CommandSpec = command('forget', 3, ['admin', 'stale'], forget, undefined, {
  summary: 'Remove a node from the nodes table',
});
