// Owns running a cluster bus: open its listeners, then run clusterCron every 100 ms (Redis runs it
// from serverCron at that period whatever `hz` is), until stopped. A cron run that throws is logged
// and the next one runs anyway, as one bad record must not stop failure detection.

import { ClusterBus } from './bus.js';
import type { BusContext } from './bus-context.js';
import { clusterCron } from './bus-cron.js';
import { listenBus } from './bus-listener.js';

/** clusterCron's period. */
export const CLUSTER_CRON_MS = 100;

export interface RunningBus {
  readonly bus: ClusterBus;
  stop(): void;
}

export async function startBus(ctx: BusContext, binds: readonly string[], cport: number): Promise<RunningBus> {
  const bus = new ClusterBus(ctx);
  await listenBus(bus, binds, cport);
  let iteration = 0;
  const timer = setInterval(() => {
    try {
      clusterCron(bus, ++iteration);
    } catch (error) {
      ctx.log.warning(`cluster cron failed: ${(error as Error).stack ?? String(error)}`);
    }
  }, CLUSTER_CRON_MS);
  return {
    bus,
    stop() {
      clearInterval(timer);
      bus.close();
    },
  };
}
