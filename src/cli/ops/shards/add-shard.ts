// `add-shard`: a new shard on a running Redis Cluster, the steps `redis-cli --cluster add-node` (and
// `add-node --cluster-slave` for its replicas) then `rebalance --cluster-use-empty-masters` take,
// done from here on both engines: the cluster must be healthy; the new master and replicas start on
// free client and bus ports (new-shard.ts), meet the cluster and replicate (sharded/form.ts), every
// node must agree and be at cluster_state:ok (sharded/ready.ts), then the masters' slots are evened
// out with the new one (reshard/rebalance.ts, keys with MIGRATE while clients write and follow ASK).
//
// Ctrl-C or a failure before any slot moved rolls back: the new processes stop, the others FORGET
// them (sharded/forget.ts), their records and folders go (they never owned a slot, so never a key),
// and the shard number is not spent. Ctrl-C while slots move finishes the slot in flight and stops:
// the shard stays, with the slots it got.

import { rmSync } from 'node:fs';
import { registerAuth } from '../../auth.js';
import { acquireLock } from '../../state/lock.js';
import type { ClusterPaths, NodeRecord, RunState } from '../../state/run-state.js';
import { Supervisor } from '../../supervisor/supervisor.js';
import { exitOnInterrupt } from '../../supervisor/interrupt.js';
import { checkBinaries, checkPorts } from '../../cluster/preflight.js';
import { plural } from '../../cluster/summary.js';
import { formatSlots } from '../../sharded/analyze.js';
import { probeClusterNode, probeClusterNodes } from '../../sharded/cluster-probe.js';
import { forgetNodes } from '../../sharded/forget.js';
import { formCluster } from '../../sharded/form.js';
import { waitClusterReady } from '../../sharded/ready.js';
import { rebalanceLocked, type RebalanceResult } from '../reshard/rebalance.js';
import { runUpSteps } from '../up/up-tasks.js';
import { planNewShard, type NewShard } from './new-shard.js';
import { refuseUnhealthy } from './healthy.js';
import { SLOTS_IN_FLIGHT } from '../../sharded/move-slot.js';

export interface AddShardOptions {
  replicas: number;
  rebalance: boolean;
  pipeline: number;
  timeoutMs: number;
  json: boolean;
  onProgress?: (done: number, total: number, keys: number) => void;
  /** Said once the shard has joined, before slots move (the progress bar follows). */
  onJoined?: (shard: NewShard) => void;
}

export interface AddShardResult {
  cluster: string;
  shard: number;
  master: string;
  replicas: string[];
  nodes: { name: string; port: number; busPort: number; pid: number | null; clusterId: string | null }[];
  /** The new shard's slots when the command ended, as ranges (`-` when none). */
  slots: string;
  slotCount: number;
  /** The slot moves to it (null with --no-rebalance). */
  rebalance: RebalanceResult | null;
  /** False when Ctrl-C stopped the slot moves early (the shard stays, with the slots it got). */
  complete: boolean;
  durationMs: number;
}

export async function addShard(state: RunState, paths: ClusterPaths, options: AddShardOptions): Promise<AddShardResult> {
  const begin = Date.now();
  const deadline = begin + options.timeoutMs;
  const release = acquireLock(paths.lockFile, state.name);
  let planned: NewShard;
  const nextBefore = state.nextShard;
  try {
    registerAuth(state);
    await refuseUnhealthy(state, 'add a shard');
    planned = await planNewShard(state, paths, options.replicas);
  } catch (error) {
    release();
    throw error;
  }
  const supervisor = new Supervisor(state, paths);
  state.nodes.push(...planned.records);
  state.spec.nodes.push(...planned.specs);
  state.spec.cluster!.shards.push(planned.shardSpec);
  supervisor.save();
  const rollback = () => undo(supervisor, planned, nextBefore);
  const stopSignals = exitOnInterrupt(supervisor, { json: options.json, announce: (signal) => `Interrupted (${signal}): taking the new nodes out again`, cleanUp: rollback, release });
  try {
    await joinShard(supervisor, planned, deadline, options.json);
  } catch (error) {
    if (supervisor.interrupted) await new Promise(() => {}); // The signal handler rolls back and exits.
    stopSignals();
    await rollback();
    release();
    throw error;
  }
  stopSignals();
  try {
    options.onJoined?.(planned);
    const rebalance = options.rebalance
      ? await rebalanceLocked(state, paths, { thresholdPct: 0, pipeline: options.pipeline, timeoutMs: Math.max(deadline - Date.now(), 10_000), useEmptyMasters: true, concurrency: SLOTS_IN_FLIGHT, onProgress: options.onProgress })
      : null;
    supervisor.save();
    const master = planned.records[0]!;
    const owned = (await probeClusterNode(master)).self?.slots ?? [];
    return {
      cluster: state.name,
      shard: planned.shard,
      master: master.name,
      replicas: planned.shardSpec.replicas,
      nodes: planned.records.map((record) => ({
        name: record.name,
        port: record.port,
        busPort: planned.specs.find((spec) => spec.name === record.name)!.cluster!.busPort,
        pid: record.pid,
        clusterId: record.clusterId ?? null,
      })),
      slots: formatSlots(owned),
      slotCount: owned.reduce((sum, span) => sum + span.end - span.start + 1, 0),
      rebalance,
      complete: rebalance?.complete ?? true,
      durationMs: Date.now() - begin,
    };
  } finally {
    release();
  }
}

/** up's steps for the new nodes only: ports, start, meet and replicate, every node agreeing. */
async function joinShard(supervisor: Supervisor, planned: NewShard, deadline: number, json: boolean): Promise<void> {
  const { state } = supervisor;
  const busPort = (record: NodeRecord) => planned.specs.find((spec) => spec.name === record.name)!.cluster!.busPort;
  const describe = planned.records.map((r) => `${r.name} :${r.port}`).join(', ');
  await runUpSteps(
    supervisor,
    [
      {
        title: `New shard ${planned.shard}: master ${planned.shardSpec.master}${planned.shardSpec.replicas.length ? `, ${plural(planned.shardSpec.replicas.length, 'replica')} (${planned.shardSpec.replicas.join(', ')})` : ', no replica'}`,
        task: () => {},
      },
      {
        title: `Ports ${planned.records.map((r) => `${r.port}/${busPort(r)}`).join(', ')} (client/bus) are free`,
        task: async () => {
          checkBinaries(state);
          await checkPorts(planned.records.flatMap((record) => [record, { name: `${record.name} (cluster bus)`, port: busPort(record) }]));
        },
      },
      {
        title: `Start ${describe} in cluster mode`,
        task: async (_ctx, task) => {
          await Promise.all(planned.records.map((record) => supervisor.start(record, { deadline, withReplicaof: false })));
          task.title = `Started ${describe}`;
        },
      },
      {
        title: 'Join the cluster',
        task: async (_ctx, task) => {
          const report = await formCluster(state, deadline, (text) => (task.title = `Join the cluster: ${text}`));
          supervisor.save();
          const replicas = report.replicated.map((r) => `${r.node}->${r.master}`);
          task.title = `Joined the cluster (${plural(report.met.length, 'node')} met${replicas.length ? `; replicas ${replicas.join(', ')}` : ''})`;
        },
      },
      {
        title: 'Every node agrees',
        task: async (_ctx, task) => {
          let last = '';
          const analysis = await waitClusterReady(state, deadline, (text) => {
            if (text !== last) task.title = `Waiting for the cluster: ${(last = text)}`;
          }, true);
          supervisor.save();
          task.title = `Every node agrees: ${plural(analysis.stateOk, 'node')} cluster_state:ok, same slot map, ${plural(analysis.shards.length, 'shard')}`;
        },
      },
    ],
    json,
  );
}

/** Takes the new nodes out again: stop them, the others forget them, records and folders go. */
async function undo(supervisor: Supervisor, planned: NewShard, nextBefore: number | undefined): Promise<void> {
  const { state } = supervisor;
  const names = new Set(planned.records.map((record) => record.name));
  const ports = new Set(planned.records.map((record) => record.port));
  await Promise.all(planned.records.map((record) => supervisor.stop(record, { graceMs: 1000 })));
  const staying = state.nodes.filter((record) => !names.has(record.name));
  await forgetNodes(await probeClusterNodes(staying), (line) => ports.has(line.port)).catch(() => undefined);
  state.nodes = staying;
  state.spec.nodes = state.spec.nodes.filter((node) => !names.has(node.name));
  state.spec.cluster!.shards = state.spec.cluster!.shards.filter((shard) => shard.shard !== planned.shard);
  state.nextShard = nextBefore;
  supervisor.save();
  for (const record of planned.records) rmSync(record.dir, { recursive: true, force: true });
}
