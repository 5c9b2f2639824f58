// `up`: bring the cluster described by the topology to "every node running, every replica in sync".
// Starts only what is not running (a second `up` changes nothing), wires replication at run time
// (REPLICAOF connects at once; a replicaof line in the config waits for the next replication cron
// tick), and on failure or Ctrl-C stops exactly the processes this invocation started.

import { Listr } from 'listr2';
import { CliError, EXIT } from '../errors.js';
import { acquireLock } from '../state/lock.js';
import { newState, readState, specHash, type ClusterPaths, type NodeRecord, type RunState } from '../state/run-state.js';
import { writeNodeConfig } from '../supervisor/node-config.js';
import { Supervisor } from '../supervisor/supervisor.js';
import type { ClusterSpec } from '../topology/types.js';
import { processState } from './live.js';
import { checkBinaries, checkPorts } from './preflight.js';
import { wireAll, waitSynced, replicasByDepth, type SyncReport } from './replication.js';
import { describeTopology, nodeSummaries, type NodeSummary } from './summary.js';

export interface UpResult {
  cluster: string;
  engine: ClusterSpec['engine'];
  /** False when the cluster was already up and nothing was started. */
  changed: boolean;
  started: string[];
  durationMs: number;
  stateFile: string;
  master: { node: string; host: string; port: number } | null;
  nodes: NodeSummary[];
  /** Stale records found (a recorded pid now belongs to another program); they were replaced. */
  stale: string[];
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
  const { state, stale } = prepareState(options.paths, options.spec);
  const supervisor = new Supervisor(state, options.paths);
  const stopSignals = onInterrupt(supervisor, release, options.json);
  try {
    const toStart = state.nodes.filter((record) => processState(record) !== 'running' && processState(record) !== 'paused');
    await runTasks(supervisor, toStart, deadline, options);
    for (const record of state.nodes) {
      const spec = state.spec.nodes.find((node) => node.name === record.name)!;
      const upstreamPort = record.replicaof ? state.nodes.find((node) => node.name === record.replicaof)!.port : null;
      writeNodeConfig(record, { clusterName: state.name, directives: spec.directives, upstreamPort });
    }
    supervisor.save();
    const master = state.nodes.find((record) => record.replicaof === null)!;
    return {
      cluster: state.name,
      engine: state.engine,
      changed: toStart.length > 0,
      started: toStart.map((record) => record.name),
      durationMs: Date.now() - begin,
      stateFile: options.paths.stateFile,
      master: { node: master.name, host: '127.0.0.1', port: master.port },
      nodes: nodeSummaries(state),
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
  if (!existing) return { state: newState(paths, spec), stale: [] };
  const states = existing.nodes.map((record) => ({ record, state: processState(record) }));
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
  return { state: newState(paths, spec), stale };
}

async function runTasks(supervisor: Supervisor, toStart: NodeRecord[], deadline: number, options: UpOptions): Promise<void> {
  const { state } = supervisor;
  const replicas = replicasByDepth(state).flat();
  const tasks = new Listr(
    [
      {
        title: `Topology: ${describeTopology(state.spec)}`,
        task: () => {},
      },
      {
        title: toStart.length ? `${toStart.length === 1 ? 'Port' : 'Ports'} ${portRange(toStart)} ${toStart.length === 1 ? 'is' : 'are'} free` : 'Every node is already running',
        task: async () => {
          if (toStart.length === 0) return;
          checkBinaries(state);
          await checkPorts(toStart);
        },
      },
      {
        title: `Start ${toStart.map((r) => r.name).join(', ')}`,
        enabled: toStart.length > 0,
        task: async (_ctx, task) => {
          await Promise.all(toStart.map((record) => supervisor.start(record, { deadline, withReplicaof: false })));
          task.title = `Started ${toStart.map((r) => `${r.name} :${r.port}`).join(', ')}`;
        },
      },
      {
        title: 'Replicas in sync',
        enabled: replicas.length > 0,
        task: async (_ctx, task) => {
          const reports: SyncReport[] = [];
          const onSynced = (report: SyncReport) => {
            reports.push(report);
            task.title = `Replicas in sync (${reports.map((r) => `${r.node} offset ${r.offset}/${r.upstreamOffset}`).join(', ')})`;
          };
          if (toStart.length === 0) for (const record of replicas) onSynced(await waitSynced(state, record, deadline));
          else await wireAll(state, deadline, onSynced);
        },
      },
    ],
    {
      renderer: options.json ? 'silent' : 'default',
      fallbackRenderer: 'simple',
      exitOnError: true,
      registerSignalListeners: false,
      rendererOptions: { collapseErrors: false },
    },
  );
  try {
    await tasks.run();
  } catch (error) {
    if (error instanceof CliError) {
      const node = error.data.node as string | undefined;
      if (node && error.details.length === 0) error.details.push(...supervisor.logTail(supervisor.node(node)));
    }
    throw error;
  }
}

function portRange(records: NodeRecord[]): string {
  const ports = records.map((record) => record.port).sort((a, b) => a - b);
  const contiguous = ports.every((port, i) => i === 0 || port === ports[i - 1]! + 1);
  return contiguous && ports.length > 1 ? `${ports[0]}-${ports[ports.length - 1]}` : ports.join(', ');
}

/**
 * Ctrl-C (SIGINT), SIGTERM or SIGHUP during `up`: stop everything this invocation started, then exit
 * 130. A second signal while stopping kills them at once.
 */
function onInterrupt(supervisor: Supervisor, release: () => void, json: boolean): () => void {
  const handler = (signal: NodeJS.Signals) => {
    const again = supervisor.interrupted;
    supervisor.interrupted = true;
    if (!again) {
      const names = supervisor.started.map((record) => record.name);
      if (!json) process.stderr.write(`\n✖ Interrupted (${signal}): stopping ${names.length ? names.join(', ') : 'nothing started yet'}\n`);
    }
    const stopping = again ? supervisor.killStarted() : supervisor.stopStarted();
    void stopping.finally(() => {
      release();
      if (json) process.stdout.write(`${JSON.stringify({ error: { message: `interrupted by ${signal}`, code: 'INTERRUPTED', exit: EXIT.INTERRUPTED } }, null, 2)}\n`);
      process.exit(EXIT.INTERRUPTED);
    });
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
