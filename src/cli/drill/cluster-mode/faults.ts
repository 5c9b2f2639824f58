// Runs a cluster drill's steps against the live cluster: kill/pause/resume/start/restart through
// the node control `clusterctl kill shard1:master` uses; partition through FAULT PARTITION on our
// node (the master cut off from every other node — on the cluster bus, since a host:port naming a
// cluster node drops its bus messages both ways, and its replication links — and from every client
// but group 0); reshard in the background, slot after slot as `clusterctl reshard` moves them
// (sharded/move-slot.ts), so that a later step can strike while slots are in flight.

import { nodeAction } from '../../ops/node-control/node-control.js';
import { partitionNode, healNodes } from '../../ops/node-control/partition.js';
import { masters } from '../../ops/reshard/reshard.js';
import { waitFor } from '../../ops/status/wait.js';
import { selectNode } from '../../cluster/select.js';
import { analyzeLive } from '../../sharded/ready.js';
import { moveSlots, NodeClients, type SlotOwner } from '../../sharded/move-slot.js';
import type { ClusterPaths, RunState } from '../../state/run-state.js';
import { sleep } from '../../util/sleep.js';
import { isDisruptiveClusterStep, type ClusterStep } from './scenarios.js';

/** One slot handed to another master during the drill. */
export interface SlotMove {
  atMs: number;
  slot: number;
  from: string;
  to: string;
  keys: number;
}

export interface ReshardRun {
  step: string;
  from: string;
  to: string;
  planned: number;
  moved: number;
  keys: number;
  /** Why the move stopped before the end (null: it finished, or the drill stopped it). */
  error: string | null;
}

/** One step as it ran (the sentinel drill's FaultEvent, with the cluster's actions). */
export interface ClusterFaultEvent {
  atMs: number;
  plannedMs: number;
  step: string;
  action: ClusterStep['action'] | 'heal-all';
  nodes: string[];
  ok: boolean;
  message: string;
  disruptive: boolean;
}

export interface ClusterFaultContext {
  state: RunState;
  paths: ClusterPaths;
  begin: number;
  /** Client connection names a partition keeps with the cut-off master (one client group). */
  isolatedClients: string[];
  /** True once the workload has stopped: a background reshard stops after its slots in flight. */
  stopped: () => boolean;
}

export interface ScheduleOutcome {
  events: ClusterFaultEvent[];
  moves: SlotMove[];
  /** Background reshards; await `done` before healing. */
  reshards: { run: ReshardRun; done: Promise<void> }[];
}

export async function runClusterSchedule(steps: readonly ClusterStep[], context: ClusterFaultContext): Promise<ScheduleOutcome> {
  const outcome: ScheduleOutcome = { events: [], moves: [], reshards: [] };
  const remembered = new Map<string, string>();
  for (const step of steps) {
    const wait = context.begin + step.atMs - Date.now();
    if (wait > 0) await sleep(wait);
    const disruptive = isDisruptiveClusterStep(step.action);
    const startedAt = Date.now() - context.begin;
    try {
      if (step.action === 'restart' && step.target === 'all') {
        await restartAll(step, context, outcome.events);
        continue;
      }
      const name = await resolve(step, context.state, remembered);
      let message: string;
      if (step.action === 'partition') message = await isolate(context, name);
      else if (step.action === 'heal') message = (await healNodes(context.state, name)).message;
      else if (step.action === 'reshard') message = await startReshard(step, name, context, outcome);
      else if (step.action === 'start' && step.target === 'old-master') {
        // Started again before its replica won the election, a killed master would be back as the
        // shard's master with whatever its persistence kept (none by default: an empty master its
        // replica then resyncs from) — another drill. So wait for the failover first (up to 15 s).
        const waited = await failedOver(context.state, name, 15_000);
        message = `${(await nodeAction('start', { state: context.state, paths: context.paths, selector: name })).message}${waited ? '' : ' (no failover seen within 15 s: started anyway)'}`;
      }
      else message = (await nodeAction(step.action, { state: context.state, paths: context.paths, selector: name })).message;
      // A kill, pause or partition strikes once it took effect (the process gone, stopped, cut off),
      // a start once the node answers (after waiting for the failover); a restart or a reshard
      // counts from when it began.
      const atMs = step.action === 'restart' || step.action === 'reshard' || step.action === 'heal' ? startedAt : Date.now() - context.begin;
      outcome.events.push({ atMs, plannedMs: step.atMs, step: step.text, action: step.action, nodes: [name], ok: true, message, disruptive });
    } catch (error) {
      outcome.events.push({ atMs: startedAt, plannedMs: step.atMs, step: step.text, action: step.action, nodes: [], ok: false, message: (error as Error).message, disruptive });
    }
  }
  return outcome;
}

async function resolve(step: ClusterStep, state: RunState, remembered: Map<string, string>): Promise<string> {
  if (step.target === 'old-master' || step.target === 'old-replica') {
    const name = remembered.get(step.target);
    if (!name) throw new Error(`${step.target}: the earlier step did not run`);
    return name;
  }
  const { record } = await selectNode(state, step.target);
  if (/master$/.test(step.target)) remembered.set('old-master', record.name);
  if (/replica(:\d+)?$/.test(step.target)) remembered.set('old-replica', record.name);
  return record.name;
}

async function isolate(context: ClusterFaultContext, name: string): Promise<string> {
  const others = context.state.nodes.filter((node) => node.name !== name).map((node) => node.name);
  const result = await partitionNode(context.state, name, { from: [...others, 'clients'], except: context.isolatedClients });
  return `${result.message.replace(/\.$/, '')}; clients ${context.isolatedClients.join(', ') || 'none'} stay with it.`;
}

/** True once another node of `name`'s shard is its master (false after `timeoutMs`). */
async function failedOver(state: RunState, name: string, timeoutMs: number): Promise<boolean> {
  const shard = state.nodes.find((node) => node.name === name)?.shard;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { analysis } = await analyzeLive(state);
    const master = analysis.shards.find((s) => s.shard === shard)?.master ?? null;
    if (master !== null && master !== name) return true;
    if (Date.now() >= deadline) return false;
    await sleep(200);
  }
}

/** Every node, replicas first, each once the cluster is back in sync (as the sentinel drill's restart:all). */
async function restartAll(step: ClusterStep, context: ClusterFaultContext, events: ClusterFaultEvent[]): Promise<void> {
  const { analysis } = await analyzeLive(context.state);
  const order = [...analysis.nodes].sort((a, b) => Number(a.role === 'master') - Number(b.role === 'master')).map((node) => node.name);
  for (const name of order) {
    const atMs = Date.now() - context.begin;
    try {
      const { message } = await nodeAction('restart', { state: context.state, paths: context.paths, selector: name });
      events.push({ atMs, plannedMs: step.atMs, step: `${step.text} (${name})`, action: 'restart', nodes: [name], ok: true, message, disruptive: true });
      await waitFor(context.state, 'synced', 30_000).catch(() => undefined);
    } catch (error) {
      events.push({ atMs, plannedMs: step.atMs, step: `${step.text} (${name})`, action: 'restart', nodes: [name], ok: false, message: (error as Error).message, disruptive: true });
    }
  }
}

/** Starts moving the source's lowest `step.slots` slots to the next shard's master; returns at once. */
async function startReshard(step: ClusterStep, sourceName: string, context: ClusterFaultContext, outcome: ScheduleOutcome): Promise<string> {
  const { analysis, probes } = await analyzeLive(context.state);
  const owners = masters(probes);
  const source = owners.find((owner) => owner.name === sourceName);
  if (!source) throw new Error(`${sourceName} is not a reachable master`);
  const shards = analysis.shards.filter((shard) => shard.master !== null && shard.slotCount > 0);
  const at = shards.findIndex((shard) => shard.master === sourceName);
  const next = shards[(at + 1) % shards.length]!;
  const target = owners.find((owner) => owner.name === next.master);
  if (!target || target.name === source.name) throw new Error('no other master to move slots to');
  const slots = analysis.shards.find((shard) => shard.master === sourceName)!.slots.flatMap((span) => Array.from({ length: span.end - span.start + 1 }, (_, i) => span.start + i)).slice(0, step.slots ?? 1000);
  const run: ReshardRun = { step: step.text, from: source.name, to: target.name, planned: slots.length, moved: 0, keys: 0, error: null };
  const clients = new NodeClients();
  const others: SlotOwner[] = owners.filter((owner) => owner.id !== source.id && owner.id !== target.id);
  const done = moveSlots(clients, slots, source, target, others, {
    pipeline: 100,
    timeoutMs: 10_000,
    // A few slots in flight, as add-shard moves them: one at a time takes ~80 ms a slot on a busy machine.
    concurrency: 8,
    stopped: context.stopped,
    onMoved: (slot, keys) => {
      run.moved += 1;
      run.keys += keys;
      outcome.moves.push({ atMs: Date.now() - context.begin, slot, from: source.name, to: target.name, keys });
    },
  })
    .catch((error: Error) => {
      run.error = error.message;
    })
    .finally(() => clients.close());
  outcome.reshards.push({ run, done });
  return `Moving ${slots.length} slots (${slots[0]}-${slots.at(-1)}) from ${source.name} to ${target.name} (shard ${next.shard}), 8 in flight.`;
}
