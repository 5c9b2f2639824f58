// Owns what the CLUSTER subcommands share (cluster.c 7.0 clusterCommand): the refusal when cluster
// mode is off, node lookup by id (clusterLookupNode: only a well-formed 40-char id can match), slot
// argument parsing with Redis's errors, and the db 0 key queries of a slot.

import { ErrorReply } from '../../../shared/resp/reply.js';
import { parseInteger } from '../../base/args.js';
import type { CommandContext } from '../../base/command-spec.js';
import { clusterStateOf } from '../../cluster/cluster-registry.js';
import { CLUSTER_SLOTS } from '../../../shared/key-slot.js';
import { slotIndexOf } from '../../cluster/slot-index.js';
import { isNodeId } from '../../cluster/nodes-conf/parse.js';
import type { ClusterNode } from '../../cluster/state/cluster-node.js';
import type { ClusterState } from '../../cluster/state/cluster-state.js';
import type { Server } from '../../server.js';

export const ERR_CLUSTER_DISABLED = new ErrorReply('ERR This instance has cluster support disabled');

/** This node's cluster state, or the error every CLUSTER subcommand answers outside cluster mode. */
export function stateOrError(ctx: CommandContext): ClusterState | ErrorReply {
  return clusterStateOf(ctx.server) ?? ERR_CLUSTER_DISABLED;
}

/** clusterLookupNode. */
export function lookupNode(state: ClusterState, id: string): ClusterNode | undefined {
  return isNodeId(id) ? state.node(id) : undefined;
}

export const unknownNode = (id: string): ErrorReply => new ErrorReply(`ERR Unknown node ${id}`);

/** getSlotOrReply: an integer in 0..16383, else "Invalid or out of range slot". */
export function parseSlot(text: string): number | ErrorReply {
  const slot = parseInteger(text);
  if (slot === null || slot < 0 || slot >= CLUSTER_SLOTS) return new ErrorReply('ERR Invalid or out of range slot');
  return slot;
}

/** Keys of db 0 in a slot, newest first (Redis links a slot's keys with the newest at the head). */
export function keysInSlot(server: Server, slot: number, limit = Infinity): string[] {
  return slotIndexOf(server).keys(slot, limit);
}

/** countKeysInSlot. */
export function countKeysInSlot(server: Server, slot: number): number {
  return slotIndexOf(server).count(slot);
}
