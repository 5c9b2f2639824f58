// CLUSTER ADDSLOTS, ADDSLOTSRANGE, DELSLOTS, DELSLOTSRANGE, FLUSHSLOTS and SETSLOT (cluster.c 7.0):
// the operator's changes to the slot table, checked all first and applied all or none, with
// redis-server's errors in its order. SETSLOT NODE on the importing node closes the import with a
// configEpoch taken without consensus and a PONG to everyone; a master left without slots by
// SETSLOT NODE turns into a replica of the new owner (cluster-allow-replica-migration).

import { ErrorReply, OK, type Reply } from '../../../shared/resp/reply.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { wrongArity } from '../../base/errors.js';
import { busOf } from '../../cluster/bus-io/bus-registry.js';
import { followMaster } from '../../cluster/bus-io/server-context.js';
import { bumpConfigEpochWithoutConsensus } from '../../cluster/core/epochs.js';
import { CLUSTER_SLOTS } from '../../../shared/key-slot.js';
import { isReplica } from '../../cluster/state/cluster-node.js';
import type { ClusterState } from '../../cluster/state/cluster-state.js';
import { is } from '../../base/args.js';
import { countKeysInSlot, lookupNode, parseSlot, stateOrError } from './common.js';

/** checkSlotAssignmentsOrReply over start..end, marking `seen`. */
function checkAssignments(state: ClusterState, seen: Uint8Array, del: boolean, start: number, end: number): ErrorReply | undefined {
  for (let slot = start; slot <= end; slot++) {
    const owner = state.slots.owner(slot);
    if (del && owner === null) return new ErrorReply(`ERR Slot ${slot} is already unassigned`);
    if (!del && owner !== null) return new ErrorReply(`ERR Slot ${slot} is already busy`);
    if (seen[slot]++ === 1) return new ErrorReply(`ERR Slot ${slot} specified multiple times`);
  }
  return undefined;
}

/** clusterUpdateSlots: an importing mark goes away once we own (or drop) the slot. */
function applySlots(ctx: CommandContext, state: ClusterState, seen: Uint8Array, del: boolean): void {
  const bus = busOf(ctx.server);
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
    if (!seen[slot]) continue;
    state.slots.clearImporting(slot);
    if (del) {
      state.slots.unassign(slot);
      bus?.notClaiming.delete(slot);
    } else {
      state.slots.assign(slot, state.myself.id);
    }
  }
  state.changed({ updateState: true, saveConfig: true });
}

function addOrDelSlots(ctx: CommandContext, args: string[]): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  const del = is(args[1], 'DELSLOTS');
  const slots: number[] = [];
  for (const arg of args.slice(2)) {
    const slot = parseSlot(arg);
    if (slot instanceof ErrorReply) return slot;
    slots.push(slot);
  }
  const seen = new Uint8Array(CLUSTER_SLOTS);
  for (const slot of slots) {
    const error = checkAssignments(state, seen, del, slot, slot);
    if (error) return error;
  }
  applySlots(ctx, state, seen, del);
  return OK;
}

function addOrDelSlotsRange(ctx: CommandContext, args: string[]): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  const del = is(args[1], 'DELSLOTSRANGE');
  if (args.length % 2 === 1) return wrongArity(`cluster|${del ? 'delslotsrange' : 'addslotsrange'}`);
  const seen = new Uint8Array(CLUSTER_SLOTS);
  for (let j = 2; j < args.length; j += 2) {
    const start = parseSlot(args[j]!);
    if (start instanceof ErrorReply) return start;
    const end = parseSlot(args[j + 1]!);
    if (end instanceof ErrorReply) return end;
    if (start > end) return new ErrorReply(`ERR start slot number ${start} is greater than end slot number ${end}`);
    const error = checkAssignments(state, seen, del, start, end);
    if (error) return error;
  }
  applySlots(ctx, state, seen, del);
  return OK;
}

function flushslots(ctx: CommandContext): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  if (ctx.server.dbs[0]!.size !== 0) return new ErrorReply('ERR DB must be empty to perform CLUSTER FLUSHSLOTS.');
  state.slots.unassignNode(state.myself.id);
  state.changed({ updateState: true, saveConfig: true });
  return OK;
}

const ERR_SETSLOT_SYNTAX = new ErrorReply('ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP');
const ERR_NOT_MASTER_TARGET = new ErrorReply('ERR Target node is not a master');

function setslot(ctx: CommandContext, args: string[]): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  const { myself } = state;
  if (isReplica(myself)) return new ErrorReply('ERR Please use SETSLOT only with masters.');
  const slot = parseSlot(args[2]!);
  if (slot instanceof ErrorReply) return slot;
  const action = args[3]!.toLowerCase();
  const owner = state.slots.owner(slot);
  if (action === 'migrating' && args.length === 5) {
    if (owner !== myself.id) return new ErrorReply(`ERR I'm not the owner of hash slot ${slot}`);
    const node = lookupNode(state, args[4]!);
    if (!node) return new ErrorReply(`ERR I don't know about node ${args[4]}`);
    if (isReplica(node)) return ERR_NOT_MASTER_TARGET;
    state.slots.setMigrating(slot, node.id);
  } else if (action === 'importing' && args.length === 5) {
    if (owner === myself.id) return new ErrorReply(`ERR I'm already the owner of hash slot ${slot}`);
    const node = lookupNode(state, args[4]!);
    if (!node) return new ErrorReply(`ERR I don't know about node ${args[4]}`);
    if (isReplica(node)) return ERR_NOT_MASTER_TARGET;
    state.slots.setImporting(slot, node.id);
  } else if (action === 'stable' && args.length === 4) {
    state.slots.setStable(slot);
  } else if (action === 'node' && args.length === 5) {
    const node = lookupNode(state, args[4]!);
    if (!node) return new ErrorReply(`ERR Unknown node ${args[4]}`);
    if (isReplica(node)) return ERR_NOT_MASTER_TARGET;
    const keys = countKeysInSlot(ctx.server, slot);
    if (owner === myself.id && node !== myself && keys !== 0) {
      return new ErrorReply(`ERR Can't assign hashslot ${slot} to a different node while I still hold keys for this hash slot.`);
    }
    // No keys left here: handing the slot over ends its migration.
    if (keys === 0) state.slots.clearMigrating(slot);
    const wasMine = owner === myself.id;
    state.slots.assign(slot, node.id);
    busOf(ctx.server)?.notClaiming.delete(slot);
    if (wasMine && node !== myself && state.slots.countOf(myself.id) === 0 && ctx.server.config.bool('cluster-allow-replica-migration')) {
      ctx.server.log.warning(`Configuration change detected. Reconfiguring myself as a replica of ${node.id}`);
      followMaster(ctx.server, state, node);
      state.changed({ saveConfig: true, updateState: true, fsyncConfig: true });
    }
    if (node === myself && state.slots.importingFrom(slot) !== undefined) {
      // A slot migrated by hand: a new configEpoch lets our claim win everywhere.
      if (bumpConfigEpochWithoutConsensus(state).length > 0) {
        state.changed({ saveConfig: true, fsyncConfig: true });
        ctx.server.log.warning(`New configEpoch set to ${myself.configEpoch}`);
        ctx.server.log.warning(`configEpoch updated after importing slot ${slot}`);
      }
      state.slots.clearImporting(slot);
      busOf(ctx.server)?.broadcastPong('all');
    }
  } else {
    return ERR_SETSLOT_SYNTAX;
  }
  state.changed({ saveConfig: true, updateState: true });
  return OK;
}

const SLOT_ADMIN = ['admin', 'stale'] as const;

export const clusterSlotCommands: CommandSpec[] = [
  command('addslots', -3, SLOT_ADMIN, addOrDelSlots, undefined, { summary: 'Assign new hash slots to receiving node' }),
  command('delslots', -3, SLOT_ADMIN, addOrDelSlots, undefined, { summary: 'Set hash slots as unbound in receiving node' }),
  command('addslotsrange', -4, SLOT_ADMIN, addOrDelSlotsRange, undefined, { summary: 'Assign new hash slots to receiving node' }),
  command('delslotsrange', -4, SLOT_ADMIN, addOrDelSlotsRange, undefined, { summary: 'Set hash slots as unbound in receiving node' }),
  command('flushslots', 2, SLOT_ADMIN, flushslots, undefined, { summary: "Delete a node's own slots information" }),
  command('setslot', -4, SLOT_ADMIN, setslot, undefined, { summary: 'Bind a hash slot to a specific node' }),
];
