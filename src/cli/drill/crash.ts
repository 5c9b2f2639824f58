// The drill's crash faults (fault-list.ts): `crash` (SIGKILL, then an immediate start from whatever
// the node's persistence kept), `crash:all` (every node and every sentinel killed at the same
// moment, as when a machine or a site loses power, then all started again: nodes from their RDB /
// AOF, sentinels from their own sentinel.conf), and `restart-empty` (SIGKILL, the node's data files
// set aside, an immediate start: a master with persistence off brought back by its supervisor before
// the sentinels noticed, the hazard of Redis's replication documentation). After each start the node
// is asked what it holds, and a master restarted empty whether it agrees to act as one.

import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { liveCluster } from '../cluster/live.js';
import { checkBinaries, checkPorts } from '../cluster/preflight.js';
import { reconcileRoles } from '../cluster/reconcile.js';
import { directiveValue } from '../auth.js';
import { nodeAction } from '../ops/node-control/node-control.js';
import { call } from '../probe/client.js';
import { parseInfo } from '../probe/info.js';
import { busyPorts } from '../proc/ports.js';
import { liveness, signalProcess } from '../proc/proc.js';
import { acquireLock } from '../state/lock.js';
import type { ClusterPaths, ManagedRecord, NodeRecord, RunState } from '../state/run-state.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { pollUntil } from '../util/sleep.js';

/** Where a node's data files go when `restart-empty` sets them aside (the previous set replaced). */
export const SET_ASIDE_DIR = 'set-aside-by-drill';

/** What a node restarted empty answered: refused to act as a master (clusterctl-node) or served. */
export interface EmptyRestartOutcome {
  node: string;
  refused: boolean;
  /** Its answer to DBSIZE (a keyspace command the guard refuses, whatever PING answers by then), shortened. */
  reply: string;
}

export interface CrashOutcome {
  message: string;
  emptyRestart?: EmptyRestartOutcome;
  /** When the processes were gone (Date.now()): the moment the crash struck. */
  struckAt?: number;
}

const START_MS = 60_000;

export async function crashAll(state: RunState, paths: ClusterPaths): Promise<CrashOutcome> {
  // Record every node's current upstream first: node.conf gets `replicaof` from the records.
  reconcileRoles(state, await liveCluster(state));
  const release = acquireLock(paths.lockFile, state.name);
  const supervisor = new Supervisor(state, paths);
  try {
    const running = [...state.nodes, ...state.sentinels].filter((r) => r.pid !== null && isUp(r));
    // One loop of kill(2) calls: no process gets to react to another's death first.
    for (const record of running) signalProcess(record.pid!, record.startTime, 'SIGKILL');
    const killedAt = Date.now();
    await pollUntil(() => (running.every((r) => !isUp(r)) ? true : undefined), Date.now() + 10_000, 10);
    for (const record of running) record.pid = record.startTime = record.startedAt = null;
    supervisor.save();
    checkBinaries(state);
    await portsFreed([...state.nodes, ...state.sentinels]);
    const deadline = Date.now() + START_MS;
    await Promise.all(state.nodes.map((record) => supervisor.start(record, { deadline, withReplicaof: true })));
    // Sentinels keep their sentinel.conf (what they learnt, epochs included), as after a power loss;
    // the master port only matters to a sentinel that never ran.
    const masterPort = state.nodes.find((node) => node.replicaof === null)?.port ?? state.nodes[0]!.port;
    await Promise.all(state.sentinels.map((record) => supervisor.startSentinel(record, masterPort, deadline)));
    const keys = await Promise.all(state.nodes.map(async (record) => `${record.name} ${await keysOf(record)}`));
    const message =
      `Killed ${running.map((r) => r.name).join(', ')} at once (SIGKILL); started them again in ${Date.now() - killedAt} ms, ` +
      `nodes from their persistence (keys: ${keys.join(', ')}), sentinels from their own config.`;
    // A master that came back empty (persistence off) and refuses to act as one says so here.
    const master = state.nodes.find((node) => node.replicaof === null);
    const reply = master ? await dbsizeReply(master) : '';
    if (!master || !reply.startsWith('EMPTYRESTART')) return { struckAt: killedAt, message };
    return {
      struckAt: killedAt,
      message: `${message} ${master.name} refuses to act as a master (-EMPTYRESTART).`,
      emptyRestart: { node: master.name, refused: true, reply: reply.slice(0, 80) },
    };
  } finally {
    release();
  }
}

/** Starts the sentinels that are not running (healing after a crash that did not finish); their names. */
export async function startStoppedSentinels(state: RunState, paths: ClusterPaths): Promise<string[]> {
  const stopped = state.sentinels.filter((record) => !isUp(record));
  if (stopped.length === 0) return [];
  const release = acquireLock(paths.lockFile, state.name);
  try {
    const supervisor = new Supervisor(state, paths);
    await portsFreed(stopped);
    const masterPort = state.nodes.find((node) => node.replicaof === null)?.port ?? state.nodes[0]!.port;
    await Promise.all(stopped.map((record) => supervisor.startSentinel(record, masterPort, Date.now() + START_MS)));
    return stopped.map((record) => record.name);
  } finally {
    release();
  }
}

/** SIGKILL and an immediate start of one node (`emptyData`: with its data files set aside first). */
export async function crashNode(state: RunState, paths: ClusterPaths, name: string, emptyData: boolean): Promise<CrashOutcome> {
  const killed = await nodeAction('kill', { state, paths, selector: name });
  const struckAt = Date.now();
  const record = state.nodes.find((node) => node.name === name)!;
  const setAside = emptyData ? setAsideData(state, record) : [];
  await portsFreed([record]);
  const started = await nodeAction('start', { state, paths, selector: name, timeoutMs: START_MS });
  const keys = await keysOf(record);
  const aside = emptyData ? ` Data files set aside: ${setAside.length ? setAside.join(', ') : 'none (persistence off)'}.` : '';
  const message = `${killed.message}${aside} ${started.message} It holds ${keys} keys.`;
  if (!emptyData) return { message, struckAt };
  const reply = await dbsizeReply(record);
  const refused = reply.startsWith('EMPTYRESTART');
  const verdict = refused
    ? 'It refuses to act as a master (-EMPTYRESTART): no replica resyncs from its empty dataset.'
    : record.replicaof === null
      ? `It answers DBSIZE ${reply} and serves as master: its replicas resync from its empty dataset.`
      : `It answers DBSIZE ${reply} (a replica: its master's data comes back to it).`;
  return { message: `${message} ${verdict}`, struckAt, emptyRestart: { node: name, refused, reply: reply.slice(0, 80) } };
}

/** Moves the node's RDB file and AOF directory into SET_ASIDE_DIR; returns what it moved. */
function setAsideData(state: RunState, record: NodeRecord): string[] {
  const directives = state.spec.nodes.find((node) => node.name === record.name)?.directives ?? [];
  const names = [directiveValue(directives, 'dbfilename') ?? 'dump.rdb', directiveValue(directives, 'appenddirname') ?? 'appendonlydir'];
  const present = names.filter((name) => existsSync(join(record.dir, name)));
  const target = join(record.dir, SET_ASIDE_DIR);
  rmSync(target, { recursive: true, force: true });
  if (present.length) mkdirSync(target, { recursive: true });
  for (const name of present) renameSync(join(record.dir, name), join(target, name));
  return present;
}

/**
 * A killed process's port can stay unbindable for a moment after the process is gone (seen on a
 * loaded machine): wait for it (up to 15 s) rather than fail the start, then check as `start` does.
 */
async function portsFreed(records: ManagedRecord[]): Promise<void> {
  const ports = records.map((record) => record.port);
  await pollUntil(async () => ((await busyPorts(ports)).length === 0 ? true : undefined), Date.now() + 15_000, 100);
  await checkPorts(records);
}

function isUp(record: ManagedRecord): boolean {
  const state = liveness(record.pid, record.startTime);
  return state === 'running' || state === 'paused';
}

/** Keys a node holds (INFO keyspace, which a refused empty master still answers); '?' if it cannot tell. */
async function keysOf(record: NodeRecord): Promise<string> {
  try {
    const fields = parseInfo(String(await call(record.port, ['INFO', 'keyspace'], { timeoutMs: 2000 })));
    let keys = 0;
    for (const [name, value] of Object.entries(fields)) if (/^db\d+$/.test(name)) keys += Number(/keys=(\d+)/.exec(value)?.[1] ?? 0);
    return String(keys);
  } catch {
    return '?';
  }
}

/**
 * DBSIZE, not PING: a refusing node answers PING again once the sentinels failed it over (which
 * can happen while it is still starting), but refuses keyspace commands until it is a replica.
 */
async function dbsizeReply(record: NodeRecord): Promise<string> {
  try {
    return String(await call(record.port, ['DBSIZE'], { timeoutMs: 2000 }));
  } catch (error) {
    return (error as Error).message;
  }
}
