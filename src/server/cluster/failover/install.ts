// Owns starting the cluster failover wiring on a running bus (called by bus-io/bus-install.ts):
// the wiring subscribes to the bus, the bus's headers take the PAUSED flag from its manual-failover
// state, and CLUSTER FAILOVER finds it through attach.ts.

import type { Server } from '../../server.js';
import type { ClusterBus } from '../bus-io/bus.js';
import { attachFailover } from './attach.js';
import { ClusterFailover } from './cluster-failover.js';
import { serverFailoverHost } from './failover-host.js';

export function installClusterFailover(server: Server, bus: ClusterBus): ClusterFailover {
  const failover = new ClusterFailover(bus, serverFailoverHost(server));
  failover.install();
  bus.ctx.manualFailoverPaused = () => failover.manualFailoverPaused();
  attachFailover(server, failover);
  return failover;
}
