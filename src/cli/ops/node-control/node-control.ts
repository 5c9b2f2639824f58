// Node control by name or selector: kill (a signal, no grace), stop (graceful), start (same port,
// same directory, its current upstream in node.conf), restart, pause (SIGSTOP) and resume (SIGCONT).
// Each waits until the effect is visible (process gone, stopped, answering) before returning.

import { emptyRestartText } from '../../cluster/empty-restart.js';
import { CliError, EXIT } from '../../errors.js';
import type { KillSignal } from '../../help-text.js';
import { liveness, signalProcess } from '../../proc/proc.js';
import { acquireLock } from '../../state/lock.js';
import type { ClusterPaths, NodeRecord, RunState } from '../../state/run-state.js';
import { Supervisor } from '../../supervisor/supervisor.js';
import { probeNode } from '../../probe/probe.js';
import { pollUntil } from '../../util/sleep.js';
import { liveCluster, processState } from '../../cluster/live.js';
import { reconcileRoles } from '../../cluster/reconcile.js';
import { checkBinaries, checkPorts } from '../../cluster/preflight.js';
import { selectNode } from '../../cluster/select.js';

export type NodeAction = 'kill' | 'stop' | 'start' | 'restart' | 'pause' | 'resume';

export interface NodeActionResult {
  cluster: string;
  node: string;
  /** How a role selector was resolved ("the master", "replica 2"), null for a plain name. */
  selectedAs: string | null;
  action: NodeAction;
  /** The pid acted on (stop/kill/pause/resume) or started (start/restart). */
  pid: number | null;
  port: number;
  signal: string | null;
  /** False when the node already was in the requested state. */
  changed: boolean;
  message: string;
  /** start / restart of a clusterctl-node master that came back empty and refuses to act as one: why. */
  emptyRestart?: string;
}


export interface ActionOptions {
  state: RunState;
  paths: ClusterPaths;
  selector: string;
  signal?: KillSignal;
  timeoutMs?: number;
}

export async function nodeAction(action: NodeAction, options: ActionOptions): Promise<NodeActionResult> {
  const { state, paths } = options;
  const live = await liveCluster(state);
  const { record, via } = await selectNode(state, options.selector, live);
  if (action === 'start' || action === 'restart') reconcileRoles(state, live);
  const release = acquireLock(paths.lockFile, state.name);
  const supervisor = new Supervisor(state, paths);
  const base = { cluster: state.name, node: record.name, selectedAs: via, action, port: record.port, signal: null };
  const label = via ? `${record.name} (${via})` : record.name;
  try {
    switch (action) {
      case 'kill':
        return { ...base, ...(await kill(supervisor, record, options.signal ?? 'KILL', label)) };
      case 'pause':
        return { ...base, ...(await pause(record, true, label)) };
      case 'resume':
        return { ...base, ...(await pause(record, false, label)) };
      case 'stop': {
        const pid = record.pid;
        const outcome = await supervisor.stop(record);
        const changed = outcome !== 'not-running' && outcome !== 'stale';
        return { ...base, pid, changed, message: changed ? `Stopped ${label} (pid ${pid}, ${outcome}).` : `${label} was not running.` };
      }
      case 'start':
        return { ...base, ...(await start(supervisor, record, label, options.timeoutMs ?? 30_000)) };
      case 'restart': {
        const old = record.pid;
        await supervisor.stop(record);
        const started = await start(supervisor, record, label, options.timeoutMs ?? 30_000);
        return { ...base, ...started, changed: true, message: `Restarted ${label} on port ${record.port} (pid ${old ?? '-'} -> ${started.pid}).` };
      }
    }
  } finally {
    release();
  }
}

async function kill(supervisor: Supervisor, record: NodeRecord, signal: string, label: string) {
  const pid = record.pid;
  if (!pid || !signalProcess(pid, record.startTime, `SIG${signal}` as NodeJS.Signals)) {
    throw notRunning(record);
  }
  const deadline = Date.now() + 10_000;
  const wanted = signal === 'STOP' ? 'paused' : 'gone';
  const reached = await pollUntil(() => (liveness(pid, record.startTime) === wanted ? true : undefined), deadline, 10);
  if (wanted === 'gone' && reached) {
    record.pid = record.startTime = record.startedAt = null;
    supervisor.save();
  }
  const verb = signal === 'STOP' ? 'Paused' : 'Killed';
  const still = reached ? '' : ` (still ${liveness(pid, record.startTime)} after 10 s)`;
  return { pid, signal: `SIG${signal}`, changed: true, message: `${verb} ${label} (pid ${pid}, SIG${signal})${still}.` };
}

async function pause(record: NodeRecord, stop: boolean, label: string) {
  const state = processState(record);
  if (state === 'stopped' || state === 'stale') throw notRunning(record);
  const pid = record.pid!;
  if ((state === 'paused') === stop) {
    return { pid, signal: null, changed: false, message: `${label} is already ${stop ? 'paused' : 'running'}.` };
  }
  signalProcess(pid, record.startTime, stop ? 'SIGSTOP' : 'SIGCONT');
  const wanted = stop ? 'paused' : 'running';
  await pollUntil(() => (liveness(pid, record.startTime) === wanted ? true : undefined), Date.now() + 5000, 10);
  return { pid, signal: stop ? 'SIGSTOP' : 'SIGCONT', changed: true, message: `${stop ? 'Paused' : 'Resumed'} ${label} (pid ${pid}, ${stop ? 'SIGSTOP' : 'SIGCONT'}).` };
}

async function start(supervisor: Supervisor, record: NodeRecord, label: string, timeoutMs: number) {
  const state = processState(record);
  if (state === 'running' || state === 'paused') {
    return { pid: record.pid, signal: null, changed: false, message: `${label} is already running (pid ${record.pid}).` };
  }
  checkBinaries(supervisor.state);
  // A Redis Cluster node also needs its bus port (a node that cannot bind it exits at start).
  const busPort = supervisor.state.spec.nodes.find((node) => node.name === record.name)?.cluster?.busPort;
  await checkPorts(busPort === undefined ? [record] : [record, { name: `${record.name} (cluster bus)`, port: busPort }]);
  await supervisor.start(record, { deadline: Date.now() + timeoutMs, withReplicaof: true });
  const upstream = record.replicaof ? `, replica of ${record.replicaof}` : '';
  const message = `Started ${label} on port ${record.port} (pid ${record.pid}${upstream}).`;
  const refused = record.replicaof ? null : (await probeNode(record.port)).emptyRestart;
  if (!refused) return { pid: record.pid, signal: null, changed: true, message };
  return { pid: record.pid, signal: null, changed: true, message: `${message} It ${emptyRestartText(record.name, refused)}.`, emptyRestart: refused };
}

function notRunning(record: NodeRecord): CliError {
  return new CliError(`${record.name} is not running`, {
    exit: EXIT.NOT_RUNNING,
    code: 'NOT_RUNNING',
    suggestion: `Start it with \`clusterctl start ${record.name}\`.`,
  });
}
