// Sharded pub/sub's cluster side (Redis 7.0 cluster.c): a PUBLISHSHARD received over the bus is
// delivered to this node's shard-channel subscribers only (pubsubPublishMessage, never sent on),
// and when a slot leaves the shard this node serves in (clusterDelSlot: reassigned by a newer
// config, a failover, DELSLOTS, a reset) every client subscribed to a channel of that slot is
// unsubscribed and told with a `sunsubscribe` push (removeChannelsInSlot), so it can resubscribe
// where the slot went.

import type { Server } from '../server.js';
import { keySlot } from '../../shared/key-slot.js';
import type { ClusterState } from './state/cluster-state.js';

/** Installs the slot-release rule on the state's slot map. */
export function watchShardChannels(server: Server, state: ClusterState): void {
  state.slots.onRelease = (slot, previousOwner) => {
    if (server.pubsub.shardChannels.size === 0) return;
    // clusterGetNodesServingMySlots(owner) holds myself: I am the owner or one of its replicas.
    const myself = state.myself;
    if (previousOwner !== myself.id && previousOwner !== myself.masterId) return;
    server.pubsub.dropShardChannels((channel) => keySlot(channel) === slot);
  };
}
