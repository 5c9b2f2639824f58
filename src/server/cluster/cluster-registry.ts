// Owns finding this node's cluster state from its Server: the one accessor the request path's
// routing check, the CLUSTER handlers and INFO use. Set once at boot (main.ts, after nodes.conf is
// loaded) when cluster-enabled is yes; absent otherwise, which is how callers tell cluster mode is off.

import type { Server } from '../server.js';
import type { ClusterState } from './state/cluster-state.js';

const states = new WeakMap<Server, ClusterState>();

export function registerClusterState(server: Server, state: ClusterState): void {
  states.set(server, state);
}

/** This node's cluster state, or undefined when the node does not run in cluster mode. */
export function clusterStateOf(server: Server): ClusterState | undefined {
  return states.get(server);
}
