// `remove-shard N`: empty shard N and take its nodes out, what `redis-cli --cluster reshard` (to
// every other master) then `del-node` for each of its nodes do. The cluster must be healthy and keep
// at least one other master. Shard N's slots move one at a time (sharded/move-slot.ts: MIGRATE,
// clients follow ASK), spread so the staying masters end as even as they can (drain-plan.ts); then
// every staying node forgets the shard's nodes and they are stopped within the 60 s ban
// (sharded/forget.ts), and their records go. Their folders stay (logs, an empty dataset) until
// `down --purge`; a later shard never reuses their names or the shard's number.
//
// Redis turns a master that gave away its last slot into a replica of the node that took it
// (cluster.c clusterUpdateSlotsConfigWith, cluster-allow-replica-migration), and its replicas
// follow: the shard's members are therefore fixed before the first slot moves, not looked up after.
//
// Ctrl-C while slots move finishes the slot in flight and stops (nothing open, nothing forgotten,
// the shard keeps its other slots; exit 130). Ctrl-C after the last slot moved lets the removal end.

import { CliError, EXIT } from '../../errors.js';
import { acquireLock } from '../../state/lock.js';
import { spentShardNumbers, writeState, type ClusterPaths, type RunState } from '../../state/run-state.js';
import { Supervisor } from '../../supervisor/supervisor.js';
import { moveSlots, NodeClients, SLOTS_IN_FLIGHT } from '../../sharded/move-slot.js';
import { forgetNodes } from '../../sharded/forget.js';
import { probeCluster, waitClusterReady } from '../../sharded/ready.js';
import { masters, ranges } from '../reshard/reshard.js';
import { planDrain } from './drain-plan.js';
import { refuseUnhealthy } from './healthy.js';

export interface RemoveShardOptions {
  pipeline: number;
  timeoutMs: number;
  onProgress?: (done: number, total: number, keys: number) => void;
}

export interface RemoveShardResult {
  cluster: string;
  shard: number;
  /** The shard's nodes: taken out of the cluster and stopped (when complete). */
  nodes: { name: string; port: number; pid: number | null; clusterId: string | null }[];
  moves: { to: string; slots: string[]; slotCount: number }[];
  slotsMoved: number;
  keysMoved: number;
  /** False when Ctrl-C stopped the slot moves early: the shard is still there (with fewer slots). */
  complete: boolean;
  /** The staying nodes agreed and were at cluster_state:ok afterwards. */
  settled: boolean;
  durationMs: number;
}

export async function removeShard(state: RunState, paths: ClusterPaths, shard: number, options: RemoveShardOptions): Promise<RemoveShardResult> {
  const begin = Date.now();
  const release = acquireLock(paths.lockFile, state.name);
  const clients = new NodeClients();
  let stop = false;
  const onSignal = () => (stop = true);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  try {
    const { analysis, probes } = await refuseUnhealthy(state, `remove shard ${shard}`);
    const known = analysis.shards.map((s) => s.shard);
    const view = analysis.shards.find((s) => s.shard === shard);
    if (!view) {
      throw new CliError(`cluster "${state.name}" has no shard ${shard} (shards: ${known.join(', ')})`, { exit: EXIT.USAGE, code: 'NO_SUCH_SHARD', suggestion: '`clusterctl status` lists the shards.' });
    }
    // A removal cut short after its last slot moved: the members recorded then (they replicate another shard now).
    const pending = state.removingShard?.shard === shard && view.slotCount === 0 ? state.removingShard.nodes : null;
    const members = state.nodes.filter((record) => (pending ? pending.includes(record.name) : analysis.nodes.find((node) => node.name === record.name)?.shard === shard));
    const staying = masters(probes).filter((owner) => !members.some((record) => record.name === owner.name));
    if (staying.length === 0) {
      throw new CliError(`shard ${shard} is the last shard of cluster "${state.name}": removing it would leave no master for its ${view.slotCount} slots`, {
        exit: EXIT.USAGE,
        code: 'LAST_SHARD',
        suggestion: 'Add a shard first (clusterctl add-shard), or stop the whole cluster with clusterctl down.',
      });
    }
    const sourceProbe = probes.find((probe) => probe.name === (view.master ?? members[0]?.name));
    if (!sourceProbe?.self) throw new CliError(`shard ${shard} has no reachable node`, { code: 'CLUSTER_NOT_HEALTHY', suggestion: '`clusterctl status` shows the shard.' });
    const source = { name: sourceProbe.name, port: sourceProbe.port, id: sourceProbe.self.id };
    const slotsOf = (name: string) => probes.find((probe) => probe.name === name)!.self!.slots.flatMap((span) => Array.from({ length: span.end - span.start + 1 }, (_, i) => span.start + i));
    const plan = planDrain(pending ? [] : slotsOf(source.name), staying.map((owner) => ({ name: owner.name, count: slotsOf(owner.name).length })));
    state.removingShard = { shard, nodes: members.map((record) => record.name) };
    writeState(paths, state);
    const total = plan.reduce((sum, move) => sum + move.slots.length, 0);
    const moved = plan.map((move) => ({ to: move.to, slots: [] as number[] }));
    let keys = 0;
    let done = 0;
    const all = masters(probes);
    for (const [i, move] of plan.entries()) {
      const target = all.find((owner) => owner.name === move.to)!;
      await moveSlots(clients, move.slots, source, target, all.filter((owner) => owner.id !== source.id && owner !== target), {
        pipeline: options.pipeline,
        timeoutMs: 60_000,
        concurrency: SLOTS_IN_FLIGHT,
        stopped: () => stop,
        onMoved: (slot, count) => {
          keys += count;
          moved[i]!.slots.push(slot);
          options.onProgress?.(++done, total, keys);
        },
      });
      if (stop) break;
    }
    const complete = done === total;
    const nodes = members.map((record) => ({ name: record.name, port: record.port, pid: record.pid, clusterId: record.clusterId ?? null }));
    if (complete) await takeOut(state, paths, shard, members);
    delete state.removingShard;
    const settled = await waitClusterReady(state, begin + options.timeoutMs, () => {}).then(() => true, () => false);
    writeState(paths, state);
    return {
      cluster: state.name,
      shard,
      nodes,
      moves: moved.filter((move) => move.slots.length > 0).map((move) => ({ to: move.to, slots: ranges(move.slots), slotCount: move.slots.length })),
      slotsMoved: done,
      keysMoved: keys,
      complete,
      settled,
      durationMs: Date.now() - begin,
    };
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    clients.close();
    release();
  }
}

/** The emptied shard's nodes leave: forgotten by every staying node, stopped, out of the records. */
async function takeOut(state: RunState, paths: ClusterPaths, shard: number, members: RunState['nodes']): Promise<void> {
  spentShardNumbers(state); // The shard's number stays spent once it disappears from the state.
  const names = new Set(members.map((record) => record.name));
  const ids = new Set(members.map((record) => record.clusterId).filter((id): id is string => Boolean(id)));
  const ports = new Set(members.map((record) => record.port));
  const stayingProbes = (await probeCluster(state)).filter((probe) => !names.has(probe.name));
  await forgetNodes(stayingProbes, (line) => ids.has(line.id) || ports.has(line.port)).catch((error: Error) => {
    throw new CliError(`could not take shard nodes out: ${error.message}`, { code: 'FORGET_FAILED', suggestion: '`clusterctl status` shows which nodes still know them; run remove-shard again.' });
  });
  // Stopped right away, inside the ban window: none of them can gossip its way back in.
  const supervisor = new Supervisor(state, paths);
  await Promise.all(members.map((record) => supervisor.stop(record, { graceMs: 2000 })));
  state.nodes = state.nodes.filter((record) => !names.has(record.name));
  state.spec.nodes = state.spec.nodes.filter((node) => !names.has(node.name));
  state.spec.cluster!.shards = state.spec.cluster!.shards.filter((s) => s.shard !== shard);
  writeState(paths, state);
}
