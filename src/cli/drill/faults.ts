// Runs a drill's fault schedule against the live cluster: each step at its time, on the node its
// target names at that moment (`master` is whoever is master then), through the same node control
// as `clusterctl kill/pause/resume/start/restart`; partition/heal through the partition module when
// this build has it. Afterwards, heals everything: resumes paused nodes, starts stopped ones, heals
// partitions, so the cluster can converge.

import type { ClusterPaths, RunState } from '../state/run-state.js';
import { isAlive, liveCluster } from '../cluster/live.js';
import { nodeAction } from '../ops/node-control/node-control.js';
import { selectNode } from '../cluster/select.js';
import { waitFor } from '../ops/status/wait.js';
import { sleep } from '../util/sleep.js';
import { crashAll, crashNode, startStoppedSentinels, type CrashOutcome, type EmptyRestartOutcome } from './crash.js';
import { isDisruptive, type FaultStep } from './fault-list.js';
import type { PartitionSupport } from './partition-support.js';
import { cutFromMaster, dropMidSync, fill, slowLinks } from './link-faults.js';

export interface FaultEvent {
  /** When it ran, ms since the drill began (the planned time, or later when a step before it took long). */
  atMs: number;
  plannedMs: number;
  step: string;
  action: FaultStep['action'] | 'heal-all';
  /** The node(s) it acted on. */
  nodes: string[];
  ok: boolean;
  message: string;
  /** True for steps that break something (kill, stop, pause, partition, restart, crash, restart-empty). */
  disruptive: boolean;
  /** restart-empty: whether the node, back with no data, refused to act as a master. */
  emptyRestart?: EmptyRestartOutcome;
}

export interface FaultContext {
  state: RunState;
  paths: ClusterPaths;
  begin: number;
  partition: PartitionSupport | null;
  /** Client connection-name globs a partition keeps with the node (one client group). */
  isolatedClients: string[];
}

export async function runSchedule(steps: readonly FaultStep[], context: FaultContext, isStopped: () => boolean = () => false): Promise<FaultEvent[]> {
  const events: FaultEvent[] = [];
  const remembered = new Map<string, string>();
  for (const step of steps) {
    const wait = context.begin + step.atMs - Date.now();
    if (wait > 0) await sleep(wait);
    if (isStopped()) break;
    let atMs = Date.now() - context.begin;
    const disruptive = isDisruptive(step);
    try {
      const names = await resolveTarget(step, context.state, remembered);
      if (step.target === 'all' && step.action === 'restart') {
        // A rolling restart is one fault per node, each measured from its own restart.
        for (const name of names) {
          const at = Date.now() - context.begin;
          try {
            const { message } = await act(step, name, context);
            events.push({ atMs: at, plannedMs: step.atMs, step: `${step.text} (${name})`, action: step.action, nodes: [name], ok: true, message, disruptive });
          } catch (error) {
            events.push({ atMs: at, plannedMs: step.atMs, step: `${step.text} (${name})`, action: step.action, nodes: [name], ok: false, message: (error as Error).message, disruptive });
          }
        }
        continue;
      }
      const outcomes: CrashOutcome[] = [];
      if (step.action === 'crash' && step.target === 'all') outcomes.push(await crashAll(context.state, context.paths));
      else for (const name of names) outcomes.push(await act(step, name, context));
      // A kill, pause, stop or partition returns once its effect is visible (the process gone or
      // stopped): that moment, not the start of the call (which first probes the cluster), is when
      // the fault struck. A restart strikes when it begins.
      // A crash strikes when its processes are gone, before they are started again.
      const struckAt = outcomes.find((o) => o.struckAt !== undefined)?.struckAt;
      if (struckAt !== undefined) atMs = struckAt - context.begin;
      else if (step.action !== 'restart') atMs = Date.now() - context.begin;
      const message = outcomes.map((o) => o.message).join(' ');
      const emptyRestart = outcomes.find((o) => o.emptyRestart)?.emptyRestart;
      events.push({ atMs, plannedMs: step.atMs, step: step.text, action: step.action, nodes: names, ok: true, message, disruptive, ...(emptyRestart ? { emptyRestart } : {}) });
    } catch (error) {
      events.push({ atMs, plannedMs: step.atMs, step: step.text, action: step.action, nodes: [], ok: false, message: (error as Error).message, disruptive });
    }
  }
  return events;
}

async function resolveTarget(step: FaultStep, state: RunState, remembered: Map<string, string>): Promise<string[]> {
  if (step.target === 'old-master' || step.target === 'old-replica') {
    const name = remembered.get(step.target.slice('old-'.length));
    if (!name) throw new Error(`${step.target}: the earlier step on ${step.target.slice(4)} did not run`);
    return [name];
  }
  if (step.target === 'all') {
    // Replicas first, the master last: a node restarted while it alone held the data would come
    // back (from its snapshot) behind the others.
    const live = await liveCluster(state);
    const order = [...live].sort((a, b) => Number(a.role === 'master') - Number(b.role === 'master'));
    return order.map((node) => node.record.name);
  }
  const { record } = await selectNode(state, step.target);
  if (step.target === 'master') remembered.set('master', record.name);
  if (step.target.startsWith('replica')) remembered.set('replica', record.name);
  return [record.name];
}

async function act(step: FaultStep, name: string, context: FaultContext): Promise<CrashOutcome> {
  const { state, paths } = context;
  switch (step.action) {
    case 'partition':
    case 'heal': {
      if (!context.partition) throw new Error(`${step.action} is not available in this build`);
      const message = step.action === 'partition'
        ? await context.partition.isolate(state, name, context.isolatedClients)
        : await context.partition.heal(state, name);
      return { message };
    }
    case 'cut':
    case 'drop-sync':
    case 'delay':
    case 'throttle':
      if (!context.partition) throw new Error(`${step.action} is not available in this build`);
      if (step.action === 'cut') return { message: await cutFromMaster(state, name) };
      if (step.action === 'drop-sync') return dropMidSync(state, name);
      return { message: await slowLinks(state, name, step.action) };
    case 'fill':
      return { message: await fill(state, name) };
    case 'crash':
    case 'restart-empty':
      return crashNode(state, paths, name, step.action === 'restart-empty');
    case 'restart': {
      const result = await nodeAction('restart', { state, paths, selector: name });
      if (step.target === 'all') {
        // One at a time: the next node goes only once this one is back in sync.
        await waitFor(state, 'synced', 30_000).catch(() => undefined);
      }
      return { message: result.message };
    }
    default:
      return { message: (await nodeAction(step.action, { state, paths, selector: name })).message };
  }
}

/** Resumes paused nodes, heals partitions, starts stopped nodes; returns what it did (an event, or null). */
export async function healAll(context: FaultContext): Promise<FaultEvent | null> {
  const atMs = Date.now() - context.begin;
  const did: string[] = [];
  const nodes: string[] = [];
  const problems: string[] = [];
  if (context.partition) {
    try {
      const healed = await context.partition.healAll(context.state);
      if (healed) did.push(healed);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const node of await liveCluster(context.state)) {
    const action = node.process === 'paused' ? 'resume' : !isAlive(node) ? 'start' : null;
    if (!action) continue;
    try {
      did.push((await nodeAction(action, { state: context.state, paths: context.paths, selector: node.record.name })).message);
      nodes.push(node.record.name);
    } catch (error) {
      problems.push(`${node.record.name}: ${(error as Error).message}`);
    }
  }
  try {
    const sentinels = await startStoppedSentinels(context.state, context.paths);
    if (sentinels.length) did.push(`Started ${sentinels.join(', ')}.`);
  } catch (error) {
    problems.push(`sentinels: ${(error as Error).message}`);
  }
  if (did.length === 0 && problems.length === 0) return null;
  return { atMs, plannedMs: atMs, step: 'heal everything', action: 'heal-all', nodes, ok: problems.length === 0, message: [...did, ...problems].join(' '), disruptive: false };
}
