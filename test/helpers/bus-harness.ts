// An in-process cluster bus for tests: a ClusterState and a running ClusterBus (listener + cron)
// on a loopback bus port, with a BusContext filled by hand (settings that a test may change, the
// PUBLISH messages delivered, a switch that cuts the traffic as FAULT PARTITION would). It lets
// the bus meet real redis-server nodes before (and independently of) the node's CLUSTER commands.

import { ClusterState } from '../../src/server/cluster/state/cluster-state.js';
import type { ClusterNode } from '../../src/server/cluster/state/cluster-node.js';
import type { BusContext, BusSettings, PartitionVerdict } from '../../src/server/cluster/bus-io/bus-context.js';
import { startBus, type RunningBus } from '../../src/server/cluster/bus-io/bus-runner.js';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import { Logger } from '../../src/shared/log.js';

export interface BusHarness {
  readonly state: ClusterState;
  readonly running: RunningBus;
  readonly settings: BusSettings;
  readonly published: { channel: string; message: string; sharded: boolean }[];
  /** Masters this node was told to replicate (clusterSetMaster), in order. */
  readonly followed: string[];
  cut: PartitionVerdict;
  stop(): void;
}

export async function startBusHarness(port: number, settings: Partial<BusSettings> = {}): Promise<BusHarness> {
  const state = new ClusterState();
  state.myself.port = port;
  state.myself.cport = port + 10000;
  const full: BusSettings = {
    nodeTimeout: 5000,
    announceIp: '',
    announceHostname: '',
    port,
    pport: 0,
    cport: port + 10000,
    sendbufLimit: 0,
    allowReplicaMigration: true,
    ...settings,
  };
  const published: BusHarness['published'] = [];
  const followed: string[] = [];
  const harness = { state, settings: full, published, followed, cut: { in: false, out: false } } as BusHarness;
  const ctx: BusContext = {
    state,
    // BUS_TEST_LOG=<file> keeps the bus's own log lines when a test needs them.
    log: new Logger(process.env.BUS_TEST_LOG, process.env.BUS_TEST_LOG ? 'debug' : 'nothing'),
    settings: () => full,
    replicationOffset: () => 0n,
    manualFailoverPaused: () => false,
    becomeReplicaOf: (master: ClusterNode) => {
      followed.push(master.id);
      state.slots.unassignNode(state.myself.id);
      state.myself.flags = (state.myself.flags & ~NodeFlag.Master) | NodeFlag.Slave;
      state.myself.masterId = master.id;
    },
    masterAddressChanged: () => {},
    countKeysInSlot: () => 0,
    deleteKeysInSlot: () => {},
    deliverPublish: (channel, message, sharded) => published.push({ channel, message, sharded }),
    partitioned: () => harness.cut,
  };
  const running = await startBus(ctx, ['127.0.0.1'], full.cport);
  Object.assign(harness, { running, stop: () => running.stop() });
  return harness;
}
