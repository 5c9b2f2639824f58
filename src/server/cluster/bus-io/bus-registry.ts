// Owns finding the running cluster bus of a server (set once by bus-install.ts when cluster mode
// starts), so CLUSTER handlers and INFO reach it without the Server knowing about the bus.

import type { Server } from '../../server.js';
import type { ClusterBus } from './bus.js';

const buses = new WeakMap<Server, ClusterBus>();

export function registerBus(server: Server, bus: ClusterBus): void {
  buses.set(server, bus);
}

/** The server's bus, or undefined when cluster mode is off (or not started yet). */
export function busOf(server: Server): ClusterBus | undefined {
  return buses.get(server);
}
