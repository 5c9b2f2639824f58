// CLUSTER INFO, MYID, NODES, SLOTS, SHARDS, REPLICAS / SLAVES (cluster.c 7.0): this node's view of
// the cluster in redis-server's shapes. Endpoints follow cluster-preferred-endpoint-type (ip,
// hostname — "?" when a node has none — or unknown-endpoint, a null); replicas not yet synced
// (offset 0) or FAIL are left out of SLOTS, as isReplicaAvailable decides.

import { ErrorReply, MapReply, VerbatimReply, type Reply } from '../../../shared/resp/reply.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { busOf } from '../../cluster/bus-io/bus-registry.js';
import { BusStats } from '../../cluster/bus-io/bus-stats.js';
import { describeNode, describeNodes, shownEpoch } from '../../cluster/nodes-conf/describe.js';
import { isFailed, isMaster, isPFailed, isReplica, type ClusterNode } from '../../cluster/state/cluster-node.js';
import type { ClusterState } from '../../cluster/state/cluster-state.js';
import type { Server } from '../../server.js';
import { lookupNode, stateOrError, unknownNode } from './common.js';

function info(ctx: CommandContext): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  let assigned = 0;
  let ok = 0;
  let pfail = 0;
  let fail = 0;
  for (const range of state.slots.ranges()) {
    const count = range.end - range.start + 1;
    const node = state.node(range.owner);
    assigned += count;
    if (node && isFailed(node)) fail += count;
    else if (node && isPFailed(node)) pfail += count;
    else ok += count;
  }
  const lines = [
    `cluster_state:${state.health}`,
    `cluster_slots_assigned:${assigned}`,
    `cluster_slots_ok:${ok}`,
    `cluster_slots_pfail:${pfail}`,
    `cluster_slots_fail:${fail}`,
    `cluster_known_nodes:${state.nodes.size}`,
    `cluster_size:${state.size}`,
    `cluster_current_epoch:${state.currentEpoch}`,
    `cluster_my_epoch:${shownEpoch(state, state.myself)}`,
    ...(busOf(ctx.server)?.stats ?? new BusStats()).infoLines(),
  ];
  return new VerbatimReply(lines.map((line) => `${line}\r\n`).join(''));
}

function myid(ctx: CommandContext): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  return state.myself.id;
}

function nodes(ctx: CommandContext): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  return new VerbatimReply(describeNodes(state));
}

/** The replication offset a node is known at; ours from replication itself. */
function offsetOf(server: Server, state: ClusterState, node: ClusterNode): number {
  if (node === state.myself) return server.replication?.identity.masterReplOffset ?? 0;
  return node.replOffset;
}

/** isReplicaAvailable: not FAIL and past its first sync (a non-zero offset). */
function replicaAvailable(server: Server, state: ClusterState, node: ClusterNode): boolean {
  return !isFailed(node) && offsetOf(server, state, node) !== 0;
}

/** addNodeToNodeReply: [endpoint, port, id, {other endpoints}]. */
function nodeEntry(server: Server, node: ClusterNode): Reply {
  const type = server.config.str('cluster-preferred-endpoint-type');
  const endpoint = type === 'ip' ? node.ip : type === 'hostname' ? (node.hostname !== '' ? node.hostname : '?') : null;
  const extra: Reply[] = [];
  if (type !== 'ip') extra.push('ip', node.ip);
  if (type !== 'hostname' && node.hostname !== '') extra.push('hostname', node.hostname);
  return [endpoint, node.port, node.id, new MapReply(extra)];
}

function slots(ctx: CommandContext): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  const { server } = ctx;
  return state.slots.ranges().map((range) => {
    const owner = state.node(range.owner)!;
    const replicas = state.replicasOf(owner.id).filter((replica) => replicaAvailable(server, state, replica));
    return [range.start, range.end, nodeEntry(server, owner), ...replicas.map((replica) => nodeEntry(server, replica))];
  });
}

/** getPreferredEndpoint. */
function preferredEndpoint(server: Server, node: ClusterNode): string {
  const type = server.config.str('cluster-preferred-endpoint-type');
  if (type === 'ip') return node.ip;
  if (type === 'hostname') return node.hostname !== '' ? node.hostname : '?';
  return '';
}

/** addNodeDetailsToShardReply. */
function shardNode(server: Server, state: ClusterState, node: ClusterNode): MapReply {
  const offset = offsetOf(server, state, node);
  const fields: Reply[] = ['id', node.id];
  if (node.port !== 0) fields.push('port', node.port);
  fields.push('ip', node.ip, 'endpoint', preferredEndpoint(server, node));
  if (node.hostname !== '') fields.push('hostname', node.hostname);
  const health = isFailed(node) ? 'fail' : isReplica(node) && offset === 0 ? 'loading' : 'online';
  fields.push('role', isReplica(node) ? 'replica' : 'master', 'replication-offset', offset, 'health', health);
  return new MapReply(fields);
}

function shards(ctx: CommandContext): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  const { server } = ctx;
  const result: Reply[] = [];
  for (const node of state.nodes.values()) {
    if (!isMaster(node)) continue;
    const ranges = state.slots.rangesOf(node.id).flatMap((range) => [range.start, range.end]);
    // clusterGetNodesServingMySlots: the master, then its replicas.
    const members = [node, ...state.replicasOf(node.id)];
    result.push(new MapReply(['slots', ranges, 'nodes', members.map((member) => shardNode(server, state, member))]));
  }
  return result;
}

function replicas(ctx: CommandContext, args: string[]): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  const node = lookupNode(state, args[2]!);
  if (!node) return unknownNode(args[2]!);
  if (isReplica(node)) return new ErrorReply('ERR The specified node is not a master');
  return state.replicasOf(node.id).map((replica) => describeNode(state, replica));
}

export const clusterTopologyCommands: CommandSpec[] = [
  command('info', 2, ['stale'], info, undefined, { summary: 'Provides info about Redis Cluster node state' }),
  command('myid', 2, ['stale'], myid, undefined, { summary: 'Return the node id' }),
  command('nodes', 2, ['stale'], nodes, undefined, { summary: 'Get Cluster config for the node' }),
  command('slots', 2, ['stale'], slots, undefined, { summary: 'Get array of Cluster slot to node mappings' }),
  command('shards', 2, ['stale'], shards, undefined, { summary: 'Get array of cluster slots to node mappings' }),
  command('replicas', 3, ['admin', 'stale'], replicas, undefined, { summary: 'List replica nodes of the specified master node' }),
  command('slaves', 3, ['admin', 'stale'], replicas, undefined, { summary: 'List replica nodes of the specified master node' }),
];
