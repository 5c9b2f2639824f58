// Owns running this node in cluster mode (cluster-enabled yes), the composition of the cluster
// pieces: at boot, lock and load nodes.conf (or create a node and save it) and register the state
// (clusterInit); once the client listeners are up, announce our ports and address, check the
// loaded data against the slots (verifyClusterConfigWithData), start the bus, and from then on do
// what ClusterState.changed() asks before the event loop sleeps (clusterBeforeSleep: recompute
// cluster_state, save nodes.conf) plus the cron's share of clusterCron that is not the bus's
// (a replica whose replication is not pointed at its master yet gets pointed there).

import type { Server } from '../server.js';
import { clock } from '../base/clock.js';
import { NodeFlag } from './bus/node-flags.js';
import { installClusterBus } from './bus-io/bus-install.js';
import type { RunningBus } from './bus-io/bus-runner.js';
import { registerClusterState } from './cluster-registry.js';
import { keySlot } from '../../shared/key-slot.js';
import { readNodesConf, writeNodesConf } from './nodes-conf/file.js';
import { lockNodesConf } from './nodes-conf/lock.js';
import { parseNodesConf } from './nodes-conf/parse.js';
import { serializeNodesConf } from './nodes-conf/describe.js';
import { isMaster, isReplica } from './state/cluster-node.js';
import { ClusterState } from './state/cluster-state.js';
import { newStateClock, updateClusterState } from './state/update-state.js';
import { CLUSTER_PORT_INCR } from './bus/header.js';
import { watchShardChannels } from './shard-channels.js';

/** How often the cluster's own cron runs (clusterCron's period). */
const CRON_MS = 100;

/** A reason the node cannot run in cluster mode; main.ts logs it and exits 1, as Redis does. */
export class ClusterBootError extends Error {}

/** What CLUSTER SAVECONFIG and RESET need beyond the state. */
export interface ClusterRuntime {
  readonly state: ClusterState;
  /** clusterSaveConfig: writes nodes.conf now; throws the I/O error. */
  saveConfig(): void;
  /** Runs the pending work at once (a handler that must answer after the save). */
  drain(): void;
  stop(): void;
}

const runtimes = new WeakMap<Server, ClusterRuntime>();

export function clusterRuntimeOf(server: Server): ClusterRuntime | undefined {
  return runtimes.get(server);
}

function configFile(server: Server): string {
  return server.config.str('cluster-config-file');
}

/**
 * clusterInit's first half, before the data is loaded and the listeners open: the lock, then
 * nodes.conf loaded, or a new node created and saved. Returns undefined when cluster mode is off.
 */
export function loadClusterMode(server: Server): ClusterState | undefined {
  if (!server.config.bool('cluster-enabled')) return undefined;
  const { log } = server;
  const file = configFile(server);
  if (server.config.list('replicaof').length > 0) throw new ClusterBootError('replicaof directive not allowed in cluster mode');
  try {
    lockNodesConf(file);
  } catch (error) {
    throw new ClusterBootError((error as Error).message);
  }
  let state: ClusterState;
  let text: string | undefined;
  try {
    text = readNodesConf(file);
  } catch (error) {
    throw new ClusterBootError(`Loading the cluster node config from ${file}: ${(error as Error).message}`);
  }
  if (text === undefined) {
    state = new ClusterState();
    log.notice(`No cluster configuration found, I'm ${state.myself.id}`);
    save(server, state, file);
  } else {
    try {
      const loaded = parseNodesConf(text, clock.now());
      for (const warning of loaded.warnings) log.warning(warning);
      state = loaded.state;
    } catch (error) {
      throw new ClusterBootError((error as Error).message);
    }
    log.notice(`Node configuration loaded, I'm ${state.myself.id}`);
  }
  registerClusterState(server, state);
  return state;
}

function save(server: Server, state: ClusterState, file: string): void {
  try {
    writeNodesConf(file, serializeNodesConf(state));
  } catch (error) {
    // clusterSaveConfigOrDie.
    server.log.warning(`Fatal: can't update cluster config file. (${(error as Error).message})`);
    process.exit(1);
  }
}

/** deriveAnnouncedPorts, announce-ip, announce-hostname and the NOFAILOVER flag, into myself. */
function refreshMyself(server: Server, state: ClusterState): void {
  const { config } = server;
  const myself = state.myself;
  const before = `${myself.port} ${myself.cport} ${myself.flags} ${myself.hostname}`;
  myself.port = config.num('cluster-announce-port') || server.port;
  myself.cport = config.num('cluster-announce-bus-port') || config.num('cluster-port') || server.port + CLUSTER_PORT_INCR;
  const noFailover = config.bool('cluster-replica-no-failover');
  myself.flags = noFailover ? myself.flags | NodeFlag.NoFailover : myself.flags & ~NodeFlag.NoFailover;
  myself.hostname = config.str('cluster-announce-hostname');
  if (before !== `${myself.port} ${myself.cport} ${myself.flags} ${myself.hostname}`) {
    state.changed({ saveConfig: true, updateState: true });
  }
}

/** clusterUpdateMyselfIp: an announced ip replaces ours; cleared, ours is learned again from MEETs. */
function refreshMyIp(server: Server, state: ClusterState, previous: string): string {
  const announced = server.config.str('cluster-announce-ip');
  if (announced !== previous) {
    state.myself.ip = announced;
    state.changed({ saveConfig: true });
  }
  return announced;
}

/**
 * verifyClusterConfigWithData: a master may only hold keys in db 0 (else the node refuses to run);
 * keys of a slot nobody owns make the slot ours, keys of a slot another node owns mark it importing.
 */
function verifyConfigWithData(server: Server, state: ClusterState): void {
  if (isReplica(state.myself)) return;
  if (server.dbs.slice(1).some((db) => db.size > 0)) {
    throw new ClusterBootError("You can't have keys in a DB different than DB 0 when in Cluster mode. Exiting.");
  }
  const populated = new Set<number>();
  for (const key of server.dbs[0]!.data.keys()) populated.add(keySlot(key));
  let changed = false;
  for (const slot of [...populated].sort((a, b) => a - b)) {
    const owner = state.slots.owner(slot);
    if (owner === state.myself.id || state.slots.importingFrom(slot) !== undefined) continue;
    changed = true;
    if (owner === null) {
      server.log.warning(`I have keys for unassigned slot ${slot}. Taking responsibility for it.`);
      state.slots.assign(slot, state.myself.id);
    } else {
      server.log.warning(`I have keys for slot ${slot}, but the slot is assigned to another node. Setting it to importing state.`);
      state.slots.setImporting(slot, owner);
    }
  }
  if (changed) save(server, state, configFile(server));
}

/**
 * clusterInit's second half, once the listeners are up (server.port known): checks, the bus, and
 * the before-sleep work. Throws ClusterBootError for what Redis refuses to start with.
 */
export async function startClusterMode(server: Server, state: ClusterState): Promise<ClusterRuntime> {
  const { config, log } = server;
  if (config.num('cluster-port') === 0 && server.port > 65535 - CLUSTER_PORT_INCR) {
    throw new ClusterBootError(
      'Redis port number too high. Cluster communication port is 10,000 port numbers higher than your Redis port. Your Redis port number must be 55535 or less.',
    );
  }
  verifyConfigWithData(server, state);
  watchShardChannels(server, state);
  refreshMyself(server, state);
  let announcedIp = refreshMyIp(server, state, '');
  const file = configFile(server);
  const stateClock = newStateClock();

  const drain = (): void => {
    const todo = state.drainTodo();
    if (todo.updateState) {
      const changed = updateClusterState(
        state,
        stateClock,
        { requireFullCoverage: config.bool('cluster-require-full-coverage'), nodeTimeout: config.num('cluster-node-timeout') },
        clock.now(),
      );
      if (changed) log.warning(`Cluster state changed: ${changed}`);
    }
    if (todo.saveConfig || todo.fsyncConfig) save(server, state, file);
  };
  let queued = false;
  state.onChanged = () => {
    if (queued) return;
    queued = true;
    setImmediate(() => {
      queued = false;
      drain();
    });
  };

  let running: RunningBus;
  try {
    running = await installClusterBus(server, state);
  } catch (error) {
    throw new ClusterBootError(`Failed listening on port ${state.myself.cport} (cluster), aborting. (${(error as Error).message})`);
  }

  for (const name of ['cluster-announce-port', 'cluster-announce-bus-port', 'cluster-replica-no-failover', 'cluster-announce-hostname']) {
    config.onChange(name, () => refreshMyself(server, state));
  }
  config.onChange('cluster-announce-ip', () => (announcedIp = refreshMyIp(server, state, announcedIp)));

  const cron = setInterval(() => {
    followMyMaster(server, state);
    if (state.health === 'fail') state.changed({ updateState: true });
  }, CRON_MS);
  state.changed({ updateState: true });

  const runtime: ClusterRuntime = {
    state,
    saveConfig: () => writeNodesConf(file, serializeNodesConf(state)),
    drain,
    stop() {
      clearInterval(cron);
      running.stop();
    },
  };
  runtimes.set(server, runtime);
  return runtime;
}

/**
 * clusterCron: a replica whose master's address is known but whose replication does not point at
 * it (after a restart from nodes.conf, or an address change) is pointed there.
 */
function followMyMaster(server: Server, state: ClusterState): void {
  const myself = state.myself;
  if (isMaster(myself) || myself.masterId === null || !server.replication) return;
  const master = state.node(myself.masterId);
  if (!master || master.ip === '' || master.flags & NodeFlag.NoAddr) return;
  // Already replicating (from it, or from an address the bus repoints on a change): nothing to do.
  if (server.replication.role.masterLink) return;
  server.replication.role.replicaOf(master.ip, master.port);
}
