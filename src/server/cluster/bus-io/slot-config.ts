// Owns what a master's claim on slots does to our view, as cluster.c 7.0 decides it: rebinding
// slots claimed with a newer configEpoch (clusterUpdateSlotsConfigWith), turning ourselves into a
// replica of the node that took our last slot, dropping keys of slots we lost while still serving
// others, the role switch of a node seen as a master again (clusterSetNodeAsMaster), and the
// configEpoch collision rule between two masters (clusterHandleConfigEpochCollision).

import { NodeFlag } from '../bus/node-flags.js';
import { CLUSTER_SLOTS } from '../../../shared/key-slot.js';
import { bitmapHasSlot } from '../slot-bitmap.js';
import { isMaster, isReplica, type ClusterNode } from '../state/cluster-node.js';
import type { BusContext } from './bus-context.js';

/**
 * owner_not_claiming_slot: slot -> the owner that stopped claiming it. The slot stays bound (no
 * CLUSTERDOWN for a moment) but counts as unclaimed. Keeping the owner's id makes the mark lapse by
 * itself when the slot changes hands some other way (ADDSLOTS, SETSLOT).
 */
export type NotClaiming = Map<number, string>;

export function isSlotUnclaimed(ctx: BusContext, notClaiming: NotClaiming, slot: number): boolean {
  const owner = ctx.state.slots.owner(slot);
  return owner === null || notClaiming.get(slot) === owner;
}

/** clusterSetNodeAsMaster. */
export function setNodeAsMaster(ctx: BusContext, node: ClusterNode): void {
  if (isMaster(node)) return;
  if (node.masterId !== null && node !== ctx.state.myself) node.flags |= NodeFlag.MigrateTo;
  node.flags = (node.flags & ~NodeFlag.Slave) | NodeFlag.Master;
  node.masterId = null;
  ctx.state.changed({ saveConfig: true, updateState: true });
}

/** clusterUpdateSlotsConfigWith: `sender` claims `slots` as of `senderEpoch`. */
export function updateSlotsConfigWith(ctx: BusContext, notClaiming: NotClaiming, sender: ClusterNode, senderEpoch: number, slots: Uint8Array): void {
  const { state } = ctx;
  const myself = state.myself;
  if (sender === myself) {
    ctx.log.warning('Discarding UPDATE message about myself.');
    return;
  }
  const curMaster = isMaster(myself) ? myself.id : myself.masterId;
  const dirty: number[] = [];
  let senderSlots = 0;
  let migratedOurSlots = 0;
  let newMaster = false;
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
    const owner = state.slots.owner(slot);
    if (!bitmapHasSlot(slots, slot)) {
      if (owner === sender.id) notClaiming.set(slot, sender.id);
      continue;
    }
    senderSlots++;
    if (owner === sender.id) {
      notClaiming.delete(slot);
      continue;
    }
    // An importing slot is closed by hand (redis-cli), never by a claim.
    if (state.slots.importingFrom(slot) !== undefined) continue;
    const ownerEpoch = owner === null ? 0 : (state.node(owner)?.configEpoch ?? 0);
    if (!isSlotUnclaimed(ctx, notClaiming, slot) && ownerEpoch >= senderEpoch) continue;
    if (owner === myself.id && ctx.countKeysInSlot(slot) > 0) dirty.push(slot);
    if (owner !== null && owner === curMaster) {
      newMaster = true;
      migratedOurSlots++;
    }
    state.slots.assign(slot, sender.id);
    notClaiming.delete(slot);
    state.changed({ saveConfig: true, updateState: true, fsyncConfig: true });
  }
  afterSlotsUpdate(ctx, sender, { newMaster, curMaster, senderSlots, migratedOurSlots, dirty });
}

interface SlotsOutcome {
  newMaster: boolean;
  curMaster: string | null;
  senderSlots: number;
  migratedOurSlots: number;
  dirty: number[];
}

/** The second half of clusterUpdateSlotsConfigWith: follow the new owner, or drop lost keys. */
function afterSlotsUpdate(ctx: BusContext, sender: ClusterNode, outcome: SlotsOutcome): void {
  const { state } = ctx;
  const myself = state.myself;
  const curMasterSlots = outcome.curMaster === null ? 0 : state.slots.countOf(outcome.curMaster);
  const grandMaster = myself.masterId === null ? undefined : state.node(myself.masterId)?.masterId;
  if (
    outcome.newMaster &&
    curMasterSlots === 0 &&
    (ctx.settings().allowReplicaMigration || outcome.senderSlots === outcome.migratedOurSlots)
  ) {
    ctx.log.warning(`Configuration change detected. Reconfiguring myself as a replica of ${sender.id}`);
    ctx.becomeReplicaOf(sender);
    state.changed({ saveConfig: true, updateState: true, fsyncConfig: true });
  } else if (grandMaster && grandMaster !== myself.id && state.node(grandMaster)) {
    // A replica whose master became a replica follows the grandmaster (no sub-replicas).
    ctx.log.warning(`I'm a sub-replica! Reconfiguring myself as a replica of grandmaster ${grandMaster}`);
    ctx.becomeReplicaOf(state.node(grandMaster)!);
    state.changed({ saveConfig: true, updateState: true, fsyncConfig: true });
  } else {
    for (const slot of outcome.dirty) ctx.deleteKeysInSlot(slot);
  }
}

/**
 * clusterHandleConfigEpochCollision: two masters share a configEpoch; the one with the smaller id
 * moves to currentEpoch + 1, the other keeps it (saved with fsync at once, as Redis does).
 */
export function handleConfigEpochCollision(ctx: BusContext, sender: ClusterNode): void {
  const { state } = ctx;
  const myself = state.myself;
  if (sender.configEpoch !== myself.configEpoch || !isMaster(sender) || !isMaster(myself)) return;
  if (sender.id <= myself.id) return;
  state.currentEpoch++;
  myself.configEpoch = state.currentEpoch;
  state.changed({ saveConfig: true, fsyncConfig: true });
  ctx.log.verbose(`WARNING: configEpoch collision with node ${sender.id}. configEpoch set to ${myself.configEpoch}`);
}

/** A master turned into a replica (the role switch of clusterProcessPacket). */
export function setNodeAsReplica(ctx: BusContext, node: ClusterNode): void {
  if (isReplica(node) && !isMaster(node)) return;
  ctx.state.slots.unassignNode(node.id);
  node.flags = (node.flags & ~(NodeFlag.Master | NodeFlag.MigrateTo)) | NodeFlag.Slave;
  ctx.state.changed({ saveConfig: true, updateState: true });
}
