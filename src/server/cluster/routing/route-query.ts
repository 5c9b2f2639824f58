// Owns the pure routing decision of a keyed request in cluster mode, as Redis 7.0's getNodeByQuery
// (cluster.c) takes it: from the keys a command (or a MULTI queue at EXEC) names, the slot table
// with its migrating / importing marks, the client's ASKING and READONLY flags and which keys exist
// here, decide whether this node serves the request or which redirection or error it gets. No I/O:
// the request-path check (slot-check.ts) gathers the inputs and turns the verdict into a reply.

import { keySlot } from '../../../shared/key-slot.js';
import type { ClusterNode } from '../state/cluster-node.js';
import { isReplica } from '../state/cluster-node.js';
import type { ClusterState } from '../state/cluster-state.js';

/** What getNodeByQuery sets its error_code to (CLUSTER_REDIR_*), or 'here' for myself. */
export type RouteVerdict =
  | { kind: 'here'; slot: number | undefined }
  | { kind: 'moved' | 'ask'; slot: number; node: ClusterNode }
  | { kind: 'crossslot' | 'tryagain' | 'down' | 'down-readonly' | 'unbound' };

export interface RouteQuery {
  /**
   * The keys of each command, in order: one entry for a plain command, one per queued command for
   * EXEC (an EXEC outside MULTI never gets here: it passes, as in Redis).
   */
  commandKeys: readonly (readonly string[])[];
  /** The command's own flags say write (getCommandFlags: for EXEC, EXEC's own, not its queue's). */
  write: boolean;
  /** A write, counting an EXEC's queue (is_write_command): what READONLY on a replica refuses. */
  writeWithQueue: boolean;
  /** The command carries the `asking` flag (RESTORE-ASKING). */
  askingCommand: boolean;
  /** SSUBSCRIBE / SUNSUBSCRIBE / SPUBLISH: channels route like keys but are never looked up. */
  pubsubShard: boolean;
  /** MIGRATE: served here whenever its slot is open here. */
  migrate: boolean;
  /** The client sent ASKING (CLIENT_ASKING). */
  asking: boolean;
  /** The client sent READONLY (CLIENT_READONLY). */
  readonly: boolean;
  /** cluster-allow-reads-when-down / cluster-allow-pubsubshard-when-down. */
  allowReadsWhenDown: boolean;
  allowPubsubShardWhenDown: boolean;
  /** Whether a key exists in db 0 (a lookup that neither touches, counts nor expires). */
  exists(key: string): boolean;
}

const HERE_NO_SLOT: RouteVerdict = { kind: 'here', slot: undefined };

/** The routing decision for a request (getNodeByQuery, minus the module hooks Redis has). */
export function routeQuery(state: ClusterState, query: RouteQuery): RouteVerdict {
  const myself = state.myself;
  let firstKey: string | undefined;
  let slot = 0;
  let owner: string | null = null;
  let multipleKeys = false;
  let migrating = false;
  let importing = false;
  let missing = 0;
  let existing = 0;

  for (const keys of query.commandKeys) {
    for (const key of keys) {
      const keyslot = keySlot(key);
      if (firstKey === undefined) {
        firstKey = key;
        slot = keyslot;
        owner = state.slots.owner(slot);
        // Not served: the cluster state may not say "down" yet; the request is refused anyway.
        if (owner === null) return { kind: 'unbound' };
        // Only an open slot needs to know which of the keys are here.
        if (owner === myself.id && state.slots.migratingTo(slot) !== undefined) migrating = true;
        else if (state.slots.importingFrom(slot) !== undefined) importing = true;
      } else if (key !== firstKey) {
        if (keyslot !== slot) return { kind: 'crossslot' };
        multipleKeys = true;
      }
      // A shard channel is served by the source until SETSLOT NODE: never counted as missing.
      if ((migrating || importing) && !query.pubsubShard) {
        if (query.exists(key)) existing++;
        else missing++;
      }
    }
  }

  // No key at all: served here whatever the cluster state.
  if (owner === null) return HERE_NO_SLOT;

  if (state.health !== 'ok') {
    if (query.pubsubShard) {
      if (!query.allowPubsubShardWhenDown) return { kind: 'down' };
    } else if (!query.allowReadsWhenDown) {
      return { kind: 'down' };
    } else if (query.write) {
      return { kind: 'down-readonly' };
    }
  }

  // MIGRATE moves keys of an open slot freely, whoever the table says owns it.
  if ((migrating || importing) && query.migrate) return { kind: 'here', slot };

  if (migrating && missing > 0) {
    // Some keys here and some gone: the client must wait for the migration to finish.
    if (existing > 0) return { kind: 'tryagain' };
    const target = state.node(state.slots.migratingTo(slot)!);
    // A migration target we no longer know (forgotten meanwhile) cannot be named: serve locally,
    // which answers as if the key were missing, rather than crash as a NULL would in Redis.
    if (target) return { kind: 'ask', slot, node: target };
  }

  if (importing && (query.asking || query.askingCommand)) {
    if (multipleKeys && missing > 0) return { kind: 'tryagain' };
    return { kind: 'here', slot };
  }

  // A READONLY client (or any shard pub/sub) reading from a replica of the slot's owner.
  if ((query.readonly || query.pubsubShard) && !query.writeWithQueue && isReplica(myself) && myself.masterId === owner) {
    return { kind: 'here', slot };
  }

  if (owner === myself.id) return { kind: 'here', slot };
  const node = state.node(owner);
  // The table names a node we do not know: nothing to redirect to; Redis cannot get here.
  if (!node) return { kind: 'unbound' };
  return { kind: 'moved', slot, node };
}
