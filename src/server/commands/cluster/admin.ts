// CLUSTER RESET, SAVECONFIG, BUMPEPOCH, SET-CONFIG-EPOCH, COUNT-FAILURE-REPORTS and REPLICATE
// (cluster.c 7.0 clusterCommand / clusterReset): the operator's changes to this node's identity,
// epochs and role, with redis-server's replies and errors.

import { ErrorReply, OK, SimpleString, type Reply } from '../../../shared/resp/reply.js';
import { parseInteger } from '../../base/args.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { unknownSubcommandOrArity } from '../../base/help.js';
import { clock } from '../../base/clock.js';
import { NodeFlag } from '../../cluster/bus/node-flags.js';
import { busOf } from '../../cluster/bus-io/bus-registry.js';
import { followMaster } from '../../cluster/bus-io/server-context.js';
import { clusterRuntimeOf } from '../../cluster/cluster-mode.js';
import { bumpConfigEpochWithoutConsensus } from '../../cluster/core/epochs.js';
import { failureReportCount } from '../../cluster/core/failure-detection.js';
import { isMaster, isReplica, newNodeId } from '../../cluster/state/cluster-node.js';
import type { ClusterState } from '../../cluster/state/cluster-state.js';
import type { Server } from '../../server.js';
import { lookupNode, stateOrError, unknownNode } from './common.js';
import { failoverOf } from '../../cluster/failover/attach.js';

/**
 * clusterReset: a replica becomes an empty master; open slots closed, every slot unassigned,
 * every other node forgotten; HARD also zeroes the epochs and takes a new node id.
 */
function resetNode(server: Server, state: ClusterState, hard: boolean): void {
  const { myself } = state;
  failoverOf(server)?.resetManualFailover();
  if (isReplica(myself)) {
    myself.flags = (myself.flags & ~NodeFlag.Slave) | NodeFlag.Master;
    myself.masterId = null;
    server.replication?.role.promote();
    for (const db of server.dbs) db.clear();
  }
  state.slots.closeAllSlots();
  state.slots.unassignNode(myself.id);
  for (const range of state.slots.ranges()) for (let slot = range.start; slot <= range.end; slot++) state.slots.unassign(slot);
  const bus = busOf(server);
  for (const node of [...state.nodes.values()]) {
    if (node === myself) continue;
    if (bus) bus.deleteNode(node);
    else state.deleteNode(node.id);
  }
  if (hard) {
    state.currentEpoch = 0;
    state.lastVoteEpoch = 0;
    myself.configEpoch = 0;
    server.log.warning('configEpoch set to 0 via CLUSTER RESET HARD');
    state.renameNode(myself.id, newNodeId());
    server.log.notice(`Node hard reset, now I'm ${myself.id}`);
  }
  state.changed({ saveConfig: true, updateState: true, fsyncConfig: true });
}

function reset(ctx: CommandContext, args: string[]): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  if (args.length > 3) return new ErrorReply(unknownSubcommandOrArity('CLUSTER', args[1]!));
  let hard = false;
  if (args.length === 3) {
    const option = args[2]!.toLowerCase();
    if (option === 'hard') hard = true;
    else if (option !== 'soft') return ERR_SYNTAX;
  }
  if (isMaster(state.myself) && ctx.db.size !== 0) return new ErrorReply("ERR CLUSTER RESET can't be called with master nodes containing keys");
  resetNode(ctx.server, state, hard);
  return OK;
}

/** strerror's text for the errors a save can meet (Redis prints strerror(errno)). */
const STRERROR: Record<string, string> = {
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  EISDIR: 'Is a directory',
  EDQUOT: 'Disk quota exceeded',
  EIO: 'Input/output error',
};

function strerror(error: NodeJS.ErrnoException): string {
  return (error.code && STRERROR[error.code]) ?? error.message;
}

function saveconfig(ctx: CommandContext): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  const runtime = clusterRuntimeOf(ctx.server);
  try {
    if (!runtime) throw new Error('the cluster is not running yet');
    runtime.saveConfig();
  } catch (error) {
    return new ErrorReply(`ERR error saving the cluster node config: ${strerror(error as NodeJS.ErrnoException)}`);
  }
  return OK;
}

function bumpepoch(ctx: CommandContext): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  const bumped = bumpConfigEpochWithoutConsensus(state).length > 0;
  if (bumped) {
    state.changed({ saveConfig: true, fsyncConfig: true });
    ctx.server.log.warning(`New configEpoch set to ${state.myself.configEpoch}`);
  }
  return new SimpleString(`${bumped ? 'BUMPED' : 'STILL'} ${state.myself.configEpoch}`);
}

function setConfigEpoch(ctx: CommandContext, args: string[]): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  const epoch = parseInteger(args[2]!);
  if (epoch === null) return ERR_NOT_INTEGER;
  if (epoch < 0) return new ErrorReply(`ERR Invalid config epoch specified: ${epoch}`);
  if (state.nodes.size > 1) return new ErrorReply('ERR The user can assign a config epoch only when the node does not know any other node.');
  if (state.myself.configEpoch !== 0) return new ErrorReply('ERR Node config epoch is already non-zero');
  state.myself.configEpoch = epoch;
  ctx.server.log.warning(`configEpoch set to ${epoch} via CLUSTER SET-CONFIG-EPOCH`);
  if (state.currentEpoch < epoch) state.currentEpoch = epoch;
  state.changed({ updateState: true, saveConfig: true });
  return OK;
}

function countFailureReports(ctx: CommandContext, args: string[]): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  const node = lookupNode(state, args[2]!);
  if (!node) return unknownNode(args[2]!);
  return failureReportCount(node, clock.now(), ctx.server.config.num('cluster-node-timeout'));
}

function replicate(ctx: CommandContext, args: string[]): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  const node = lookupNode(state, args[2]!);
  if (!node) return unknownNode(args[2]!);
  if (node === state.myself) return new ErrorReply("ERR Can't replicate myself");
  if (isReplica(node)) return new ErrorReply('ERR I can only replicate a master, not a replica.');
  if (isMaster(state.myself) && (state.slots.countOf(state.myself.id) !== 0 || ctx.server.dbs[0]!.size !== 0)) {
    return new ErrorReply('ERR To set a master the node must be empty and without assigned slots.');
  }
  // clusterSetMaster drops a manual failover in progress.
  failoverOf(ctx.server)?.resetManualFailover();
  followMaster(ctx.server, state, node);
  state.changed({ updateState: true, saveConfig: true });
  return OK;
}

const ADMIN = ['admin', 'stale'] as const;

export const clusterAdminCommands: CommandSpec[] = [
  command('reset', -2, ['admin', 'noscript', 'stale'], reset, undefined, { summary: 'Reset a Redis Cluster node' }),
  command('saveconfig', 2, ADMIN, saveconfig, undefined, { summary: 'Forces the node to save cluster state on disk' }),
  command('bumpepoch', 2, ADMIN, bumpepoch, undefined, { summary: 'Advance the cluster config epoch' }),
  command('set-config-epoch', 3, ADMIN, setConfigEpoch, undefined, { summary: 'Set the configuration epoch in a new node' }),
  command('count-failure-reports', 3, ADMIN, countFailureReports, undefined, {
    summary: 'Return the number of failure reports active for a given node',
  }),
  command('replicate', 3, ADMIN, replicate, undefined, { summary: 'Reconfigure a node as a replica of the specified master node' }),
];
