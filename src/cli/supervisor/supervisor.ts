// The supervisor owns every process clusterctl starts (nodes and sentinels): it writes the config,
// spawns the process, records its identity in the run-state at once (so even a crash mid-`up` leaves
// a record `down` can use), waits for readiness, and stops processes by recorded pid. It remembers
// what this invocation started so an interrupted or failed `up` can stop exactly those.

import { CliError, EXIT } from '../errors.js';
import { processInfo } from '../proc/proc.js';
import { writeState, type ClusterPaths, type ManagedRecord, type NodeRecord, type RunState, type SentinelRecord } from '../state/run-state.js';
import { fileSize, tail } from '../util/files.js';
import { clusterRenderOptions, writeNodeConfig } from './node-config.js';
import { waitReady } from './readiness.js';
import { ensureSentinelConfig } from './sentinel-config.js';
import { directiveValue } from '../auth.js';
import { spawnManaged, stdioLogPath, type SpawnRequest } from './spawn.js';
import { stopProcess, type StopOptions, type StopOutcome } from './stop.js';

/** Lines of a log shown when a process fails to start. */
const LOG_TAIL_LINES = 15;

export interface StartOptions {
  deadline: number;
  /** Write `replicaof` into node.conf (restarts); `up` wires replication at run time instead. */
  withReplicaof: boolean;
}

export class Supervisor {
  /** Processes started by this invocation, in start order. */
  readonly started: ManagedRecord[] = [];
  /** Set by a signal handler: no new process may be started from then on. */
  interrupted = false;

  constructor(
    readonly state: RunState,
    readonly paths: ClusterPaths,
  ) {}

  node(name: string): NodeRecord {
    const record = this.state.nodes.find((node) => node.name === name);
    if (!record) throw new CliError(`no node named "${name}" in cluster "${this.state.name}"`, { exit: EXIT.USAGE });
    return record;
  }

  save(): void {
    writeState(this.paths, this.state);
  }

  /** Starts one node and waits until it is ready; on failure stops it and throws with its log tail. */
  async start(record: NodeRecord, options: StartOptions): Promise<void> {
    const spec = this.state.spec.nodes.find((node) => node.name === record.name)!;
    const upstream = options.withReplicaof && record.replicaof ? this.node(record.replicaof).port : null;
    const cluster = clusterRenderOptions(this.state, record.name);
    writeNodeConfig(record, { clusterName: this.state.name, directives: spec.directives, upstreamPort: upstream, cluster });
    // The ready line is a NOTICE: a node at loglevel warning never writes it, so PING alone decides.
    const quiet = spec.directives.some((line) => line.name === 'loglevel' && /^(warning|nothing)$/i.test(line.value));
    // A mixed cluster runs each node on its own engine; binaries.server names the topology's engine's.
    const engine = spec.cluster?.engine ?? this.state.engine;
    const binary = engine === this.state.engine ? this.state.spec.binaries.server : '';
    await this.launch(record, { kind: 'node', binary, engine }, !quiet, options.deadline);
  }

  /** Starts one sentinel monitoring `masterPort` (a new sentinel only: an existing one keeps its config). */
  /** `myid`: the identity to keep when its config is written afresh (sentinel-config.ts). */
  async startSentinel(record: SentinelRecord, masterPort: number, deadline: number, myid?: string): Promise<void> {
    const master = this.state.nodes.find((node) => node.port === masterPort);
    const directives = this.state.spec.nodes.find((node) => node.name === master?.name)?.directives ?? [];
    ensureSentinelConfig(record, this.state.spec.sentinels!, masterPort, directiveValue(directives, 'requirepass'), myid);
    // Sentinels do not log "Ready to accept connections": PING decides.
    await this.launch(record, { kind: 'sentinel', binary: this.state.spec.binaries.sentinel, engine: this.state.engine }, false, deadline);
  }

  private async launch(record: ManagedRecord, what: Pick<SpawnRequest, 'kind' | 'binary' | 'engine'>, expectLine: boolean, deadline: number): Promise<void> {
    const logOffset = fileSize(record.logFile);
    const stdioOffset = fileSize(stdioLogPath(record.dir));
    if (this.interrupted) throw new CliError('interrupted', { exit: EXIT.INTERRUPTED, code: 'INTERRUPTED' });
    const child = spawnManaged({ ...what, configFile: record.configFile, dir: record.dir });
    let exitDetail = '';
    void child.exited.then((code) => (exitDetail = `exited (${code})`));
    record.pid = child.pid;
    record.startTime = processInfo(child.pid)?.startTime ?? null;
    record.startedAt = new Date().toISOString();
    this.started.push(record);
    this.save();
    const outcome = await waitReady({
      port: record.port,
      expectLine,
      logFile: record.logFile,
      logOffset,
      deadline,
      hasExited: child.hasExited,
      exitDetail: () => exitDetail || 'exited',
    });
    if (outcome.ready) return;
    await this.stop(record, { graceMs: 1000 });
    throw new CliError(`${what.kind} ${record.name} (port ${record.port}) did not start: ${outcome.detail}`, {
      exit: outcome.reason === 'timeout' ? EXIT.TIMEOUT : EXIT.FAILED,
      code: 'NODE_START_FAILED',
      suggestion: `Read its log: ${record.logFile}`,
      details: this.logTail(record, logOffset, stdioOffset),
      data: { node: record.name },
    });
  }

  /** Stops one process (graceful, then harder) and clears its process record. */
  async stop(record: ManagedRecord, options?: StopOptions): Promise<StopOutcome> {
    const outcome = await stopProcess({ pid: record.pid, startTime: record.startTime, port: record.port }, options);
    record.pid = null;
    record.startTime = null;
    record.startedAt = null;
    this.save();
    return outcome;
  }

  /** Stops everything this invocation started (failed or interrupted `up`). */
  async stopStarted(): Promise<void> {
    await Promise.all(this.started.map((record) => this.stop(record, { graceMs: 1000 })));
  }

  /** SIGKILL for everything this invocation started (a second Ctrl-C: no more waiting). */
  async killStarted(): Promise<void> {
    await Promise.all(this.started.map((record) => this.stop(record, { force: true })));
  }

  /** Log lines (the log, then anything printed on stdout/stderr) written since this start. */
  logTail(record: ManagedRecord, logOffset = 0, stdioOffset = 0): string[] {
    const lines = [...tailFrom(record.logFile, logOffset), ...tailFrom(stdioLogPath(record.dir), stdioOffset)];
    return lines.slice(-LOG_TAIL_LINES).map((line) => `  ${record.name} | ${line}`);
  }
}

function tailFrom(file: string, offset: number): string[] {
  // Read the tail, then keep only what this start wrote (the file may hold earlier runs).
  const all = tail(file, 200);
  if (offset === 0) return all;
  const size = fileSize(file);
  let bytes = 0;
  const fresh: string[] = [];
  for (let i = all.length - 1; i >= 0 && bytes < size - offset; i--) {
    bytes += Buffer.byteLength(all[i]!) + 1;
    fresh.unshift(all[i]!);
  }
  return fresh;
}
