// Owns starting the cluster bus in a node in cluster mode: its listeners on the node's bind
// addresses at the bus port, the 100 ms cron, the registry entry CLUSTER handlers read, and the
// PUBLISH hook (PUBLISH goes over the bus instead of the replication stream). Called once the
// cluster state is loaded (nodes.conf) and the client listeners are up (server.port is known).

import type { Server } from '../../server.js';
import type { ClusterState } from '../state/cluster-state.js';
import { registerBus } from './bus-registry.js';
import { startBus, type RunningBus } from './bus-runner.js';
import { busPort, serverBusContext } from './server-context.js';
import { installClusterFailover } from '../failover/install.js';
import { installClusterConfirm } from '../confirm-writes.js';

export async function installClusterBus(server: Server, state: ClusterState): Promise<RunningBus> {
  const running = await startBus(serverBusContext(server, state), server.config.list('bind'), busPort(server));
  const { bus } = running;
  registerBus(server, bus);
  installClusterFailover(server, bus);
  installClusterConfirm(server, bus);
  server.pubsub.clusterPropagate = (channel, message, sharded) => bus.propagatePublish(channel, message, sharded);
  return running;
}
