// `up`: bring the cluster described by the topology to "every node running, every replica in sync,
// every sentinel agreeing". Starts only what is not running (a second `up` changes nothing), wires
// replication at run time (REPLICAOF connects at once; a replicaof line in the config waits for the
// next replication cron tick), and on failure or Ctrl-C stops exactly what this invocation started.

import { rmSync } from 'node:fs';
import { registerAuth } from '../../auth.js';
import { CliError, EXIT } from '../../errors.js';
import { exitOnInterrupt } from '../../supervisor/interrupt.js';
import { acquireLock } from '../../state/lock.js';
import { newState, readState, specHash, type ClusterPaths, type ManagedRecord, type RunState } from '../../state/run-state.js';
import { clusterRenderOptions, writeNodeConfig } from '../../supervisor/node-config.js';
import { Supervisor } from '../../supervisor/supervisor.js';
import type { ClusterSpec } from '../../topology/types.js';
import { liveCluster, processState } from '../../cluster/live.js';
import { reconcileRoles } from '../../cluster/reconcile.js';
import { currentMaster } from '../../cluster/sentinels.js';
import { nodeSummaries, type NodeSummary } from '../../cluster/summary.js';
import { runUpTasks } from './up-tasks.js';
import { runClusterUpTasks } from './cluster-up-tasks.js';
import { formatSlots } from '../../sharded/analyze.js';

export interface UpResult {
  cluster: string;
  engine: ClusterSpec['engine'];
  /** False when the cluster was already up and nothing was started. */
  changed: boolean;
  /** Names of the nodes and sentinels this invocation started. */
  started: string[];
  durationMs: number;
  stateFile: string;
  master: { node: string; host: string; port: number } | null;
  nodes: NodeSummary[];
  /** Connection settings for a sentinel-aware client (ioredis `sentinels` + `name`); null without sentinels. */
  sentinel: { name: string; sentinels: { host: string; port: number; pid: number | null }[] } | null;
  /** Stale records found (a recorded pid now belongs to another program); they were replaced. */
  stale: string[];
  /** mode: cluster only: the shards as the nodes report them once ready (`master` is then null). */
  shards?: { shard: number; master: string | null; port: number | null; replicas: string[]; slots: string }[];
  /** mode: cluster only: how a cluster client reaches it (any master is a seed). */
  connect?: { redisCli: string; ioredis: string; seeds: { host: string; port: number }[] };
}

export interface UpOptions {
  spec: ClusterSpec;
  paths: ClusterPaths;
  timeoutMs: number;
  json: boolean;
}

export async function up(options: UpOptions): Promise<UpResult> {
  const begin = Date.now();
  const deadline = begin + options.timeoutMs;
  const release = acquireLock(options.paths.lockFile, options.spec.name);
  let prepared: ReturnType<typeof prepareState>;
  try {
    prepared = prepareState(options.paths, options.spec);
    registerAuth(prepared.state);
    reconcileRoles(prepared.state, await liveCluster(prepared.state));
  } catch (error) {
    release();
    throw error;
  }
  const { state, stale } = prepared;
  const supervisor = new Supervisor(state, options.paths);
  // Ctrl-C stops everything this invocation started, then exits 130.
  const stopSignals = exitOnInterrupt(supervisor, {
    json: options.json,
    announce: (signal) => {
      const names = supervisor.started.map((record) => record.name);
      return `Interrupted (${signal}): stopping ${names.length ? names.join(', ') : 'nothing started yet'}`;
    },
    cleanUp: () => supervisor.stopStarted(),
    release,
  });
  try {
    const notAlive = (record: ManagedRecord) => !['running', 'paused'].includes(processState(record));
    const nodes = state.nodes.filter(notAlive);
    const sentinels = state.sentinels.filter(notAlive);
    const sharded = state.spec.cluster ? await runClusterUpTasks(supervisor, { nodes, deadline, json: options.json }) : null;
    if (!sharded) await runUpTasks(supervisor, { nodes, sentinels, deadline, json: options.json });
    for (const record of state.nodes) {
      const spec = state.spec.nodes.find((node) => node.name === record.name)!;
      const upstreamPort = record.replicaof ? state.nodes.find((node) => node.name === record.replicaof)!.port : null;
      writeNodeConfig(record, { clusterName: state.name, directives: spec.directives, upstreamPort, cluster: clusterRenderOptions(state, record.name) });
    }
    supervisor.save();
    const started = [...nodes, ...sentinels].map((record) => record.name);
    if (sharded) {
      const shards = sharded.analysis.shards.map((shard) => ({
        shard: shard.shard,
        master: shard.master,
        port: state.nodes.find((record) => record.name === shard.master)?.port ?? null,
        replicas: shard.replicas,
        slots: formatSlots(shard.slots),
      }));
      const seeds = shards.filter((shard) => shard.port !== null).map((shard) => ({ host: '127.0.0.1', port: shard.port! }));
      return {
        cluster: state.name,
        engine: state.engine,
        changed: started.length > 0 || sharded.form !== null && (sharded.form.assigned.length + sharded.form.met.length + sharded.form.replicated.length > 0),
        started,
        durationMs: Date.now() - begin,
        stateFile: options.paths.stateFile,
        master: null,
        nodes: nodeSummaries(state),
        sentinel: null,
        stale,
        shards,
        connect: {
          redisCli: `redis-cli -c -p ${seeds[0]?.port ?? state.nodes[0]!.port}`,
          ioredis: `new Cluster([${seeds.map((seed) => `{ host: "127.0.0.1", port: ${seed.port} }`).join(', ')}])`,
          seeds,
        },
      };
    }
    const master = state.spec.sentinels ? currentMaster(state) : state.nodes.find((record) => record.replicaof === null)!;
    return {
      cluster: state.name,
      engine: state.engine,
      changed: started.length > 0,
      started,
      durationMs: Date.now() - begin,
      stateFile: options.paths.stateFile,
      master: { node: master.name, host: '127.0.0.1', port: master.port },
      nodes: nodeSummaries(state),
      sentinel: state.spec.sentinels
        ? { name: state.spec.sentinels.monitorName, sentinels: state.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port, pid: s.pid })) }
        : null,
      stale,
    };
  } catch (error) {
    if (supervisor.interrupted) await new Promise(() => {}); // The signal handler finishes and exits.
    await supervisor.stopStarted();
    throw error;
  } finally {
    stopSignals();
    if (!supervisor.interrupted) release();
  }
}

/** Reuses the recorded state when it matches the topology; refuses to change a running cluster. */
function prepareState(paths: ClusterPaths, spec: ClusterSpec): { state: RunState; stale: string[] } {
  const existing = readState(paths);
  if (!existing) return { state: fresh(paths, spec), stale: [] };
  const states = [...existing.nodes, ...existing.sentinels].map((record) => ({ record, state: processState(record) }));
  const stale = states.filter((entry) => entry.state === 'stale').map((entry) => entry.record.name);
  for (const entry of states) {
    if (entry.state === 'stale' || entry.state === 'stopped') Object.assign(entry.record, { pid: null, startTime: null, startedAt: null });
  }
  const alive = states.filter((entry) => entry.state === 'running' || entry.state === 'paused');
  if (existing.specHash === specHash(spec)) return { state: existing, stale };
  if (alive.length > 0) {
    throw new CliError(`cluster "${spec.name}" is running with a different topology`, {
      exit: EXIT.USAGE,
      code: 'TOPOLOGY_CHANGED',
      suggestion: `Run \`clusterctl down --cluster ${spec.name}\` first (data is kept; --purge starts fresh), then \`clusterctl up\`.`,
    });
  }
  return { state: fresh(paths, spec), stale };
}

/** A new state; sentinel configs left by an earlier topology would describe another cluster. */
function fresh(paths: ClusterPaths, spec: ClusterSpec): RunState {
  const state = newState(paths, spec);
  for (const sentinel of state.sentinels) rmSync(sentinel.configFile, { force: true });
  return state;
}
