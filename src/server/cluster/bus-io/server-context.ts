// Owns filling the bus's BusContext from a running Server: settings from the cluster directives
// (Redis's defaults while a directive is not registered), the replication offset, becoming a
// replica through replication/role.ts (clusterSetMaster), the keys of a slot in db 0 (the only db of
// cluster mode), PUBLISH delivery to local subscribers and FAULT PARTITION's verdict on a peer.

import type { Server } from '../../server.js';
import { faultsOf } from '../../faults/faults.js';
import { NodeFlag } from '../bus/node-flags.js';
import { keySlot } from '../../../shared/key-slot.js';
import { isMaster, type ClusterNode } from '../state/cluster-node.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { BusContext, BusSettings } from './bus-context.js';
import { CLUSTER_PORT_INCR } from '../bus/header.js';


function num(server: Server, name: string, fallback: number): number {
  const value = server.config.raw(name);
  return typeof value === 'number' ? value : fallback;
}

function str(server: Server, name: string): string {
  const value = server.config.raw(name);
  return typeof value === 'string' ? value : '';
}

/** The bus port we listen on: cluster-port, or the client port + 10000. */
export function busPort(server: Server): number {
  return num(server, 'cluster-port', 0) || server.port + CLUSTER_PORT_INCR;
}

/** deriveAnnouncedPorts and the other settings, read at each use. */
export function busSettings(server: Server): BusSettings {
  const allowMigration = server.config.raw('cluster-allow-replica-migration');
  return {
    nodeTimeout: num(server, 'cluster-node-timeout', 15000),
    announceIp: str(server, 'cluster-announce-ip'),
    announceHostname: str(server, 'cluster-announce-hostname'),
    port: num(server, 'cluster-announce-port', 0) || server.port,
    pport: 0,
    cport: num(server, 'cluster-announce-bus-port', 0) || busPort(server),
    sendbufLimit: num(server, 'cluster-link-sendbuf-limit', 0),
    allowReplicaMigration: typeof allowMigration === 'boolean' ? allowMigration : true,
  };
}

/** Keys of db 0 per slot, counted once per event-loop turn (a lost shard asks for thousands of slots). */
function slotCounter(server: Server): (slot: number) => number {
  let counts: Map<number, number> | undefined;
  return (slot) => {
    if (!counts) {
      counts = new Map();
      for (const key of server.dbs[0]!.data.keys()) {
        const keyslot = keySlot(key);
        counts.set(keyslot, (counts.get(keyslot) ?? 0) + 1);
      }
      setImmediate(() => (counts = undefined));
    }
    return counts.get(slot) ?? 0;
  };
}

/** delKeysInSlot: each key deleted and its DEL propagated to our replicas. */
function deleteKeysInSlot(server: Server, slot: number): void {
  const db = server.dbs[0]!;
  for (const key of [...db.data.keys()]) {
    if (keySlot(key) !== slot || !db.remove(key)) continue;
    server.emit(0, [['DEL', key]]);
  }
}

/** clusterSetMaster: we become a replica of `master` (our open slots are closed, as Redis does). */
export function followMaster(server: Server, state: ClusterState, master: ClusterNode): void {
  const myself = state.myself;
  if (isMaster(myself)) {
    myself.flags = (myself.flags & ~(NodeFlag.Master | NodeFlag.MigrateTo)) | NodeFlag.Slave;
    state.slots.closeAllSlots();
  }
  myself.masterId = master.id;
  server.replication?.role.replicaOf(master.ip, master.port);
}

export function serverBusContext(server: Server, state: ClusterState): BusContext {
  const countKeys = slotCounter(server);
  return {
    state,
    log: server.log,
    settings: () => busSettings(server),
    replicationOffset: () => BigInt(server.replication?.identity.masterReplOffset ?? 0),
    // The failover wiring replaces this with its manual-failover state.
    manualFailoverPaused: () => false,
    becomeReplicaOf: (master) => followMaster(server, state, master),
    masterAddressChanged: (master) => server.replication?.role.replicaOf(master.ip, master.port),
    countKeysInSlot: countKeys,
    deleteKeysInSlot: (slot) => deleteKeysInSlot(server, slot),
    // Shard channels (SSUBSCRIBE) are not kept by this node yet: a PUBLISHSHARD finds no subscriber.
    // Delivered here only: what came over the bus is not sent on (pubsubPublishMessage).
    deliverPublish: (channel, message, sharded) => {
      if (sharded) server.pubsub.publishShard(channel, message);
      else server.pubsub.publish(channel, message);
    },
    partitioned: (ip, port, cport) => faultsOf(server).holdsBus(ip, port, cport),
  };
}
