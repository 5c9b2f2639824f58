// One cluster drill, start to finish: the ioredis Cluster workload and the step schedule run
// together while the nodes' own view of the cluster is recorded (sharded/events.ts); then every
// fault is undone (partitions healed, paused nodes resumed, stopped ones started), a background
// reshard stops after its slot in flight, slots left open are fixed as `reshard --fix` fixes them,
// and the cluster must be ready again (what `up` waits for); then every write is read back from its
// slot's owner and each shard's replicas are compared with their master.

import { randomBytes } from 'node:crypto';
import { isAlive, liveCluster } from '../../cluster/live.js';
import { healNodes } from '../../ops/node-control/partition.js';
import { nodeAction } from '../../ops/node-control/node-control.js';
import { fixOpenSlots } from '../../ops/reshard/reshard.js';
import { waitFor } from '../../ops/status/wait.js';
import { passwordFor } from '../../probe/passwords.js';
import type { ClusterAnalysis } from '../../sharded/analyze.js';
import { recordClusterEvents } from '../../sharded/events.js';
import { analyzeLive } from '../../sharded/ready.js';
import { sleep } from '../../util/sleep.js';
import type { DrillCluster } from '../cluster.js';
import { readDrillLedger } from '../ledger.js';
import { bucketSeries, longestGap } from '../series.js';
import { errorCounts, tally } from '../run.js';
import { checkCluster, splitByShard, type ShardCheck } from './check.js';
import { runClusterSchedule, type ClusterFaultEvent } from './faults.js';
import { keySlot } from './key-slot.js';
import { ownsSlot, readShard } from './readback.js';
import type { ClusterDrillResult, ShardLane } from './result.js';
import type { ClusterStep } from './scenarios.js';
import { clusterFaultMetrics, clusterTimeline } from './timeline.js';
import { ClusterWorkload } from './workload.js';

const PROBLEMS_SHOWN = 20;

export interface ClusterDrillOptions {
  scenario: string;
  shard: number;
  steps: ClusterStep[];
  durationMs: number;
  clients: number;
  rate: number;
  seed: number;
  convergeTimeoutMs: number;
  log: (line: string) => void;
}

export async function runClusterDrill(cluster: DrillCluster, options: ClusterDrillOptions): Promise<ClusterDrillResult> {
  const { state, paths } = cluster;
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const faultsText = options.steps.map((step) => step.text).join(',');
  options.log(`Drill ${runId} on Redis Cluster "${state.name}" (${state.engine}): ${options.scenario} on shard ${options.shard} — ${faultsText}`);
  await waitFor(state, 'synced', 30_000);
  const before = (await analyzeLive(state)).analysis;
  const workload = new ClusterWorkload({
    seeds: state.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
    password: passwordFor(state.nodes[0]!.port),
    clients: options.clients,
    rate: options.rate,
    runId,
    seed: options.seed,
  });
  await workload.connect();
  const begin = Date.now();
  // Every 100 ms: often enough to time a failover, rarely enough not to compete with the workload.
  const recorder = recordClusterEvents(state, begin, 100);
  const lastStep = options.steps.at(-1)?.atMs ?? 0;
  const durationMs = Math.max(options.durationMs, lastStep + 2000);
  let stopped = false;
  workload.start(begin);
  const context = { state, paths, begin, isolatedClients: options.clients > 1 ? ['drill-g0-*'] : [], stopped: () => stopped };
  const schedule = await runClusterSchedule(options.steps, context);
  for (const event of schedule.events) options.log(`  +${event.atMs} ms  ${event.step}: ${event.ok ? event.message : `FAILED: ${event.message}`}`);
  const remaining = begin + durationMs - Date.now();
  if (remaining > 0) await sleep(remaining);
  const records = await workload.stop();
  stopped = true;
  const endMs = Date.now() - begin;
  options.log(`  workload stopped after ${endMs} ms: ${records.length} writes; healing and waiting for the cluster to converge`);
  await Promise.all(schedule.reshards.map((r) => r.done));
  const healed = await healCluster(cluster, begin);
  if (healed) schedule.events.push(healed);
  const converged = await converge(cluster, options.convergeTimeoutMs, begin, options.log);
  const clusterEvents = await recorder.stop();

  const warnings = schedule.events.filter((e) => !e.ok).map((e) => `${e.step} failed: ${e.message}`);
  for (const { run } of schedule.reshards) if (run.error) warnings.push(`${run.step}: the move stopped after ${run.moved} of ${run.planned} slots: ${run.error}`);
  warnings.push(...converged.fixed);
  let check: ReturnType<typeof checkCluster> | null = null;
  let unowned = 0;
  if (converged.analysis) {
    const owners = converged.analysis.shards.filter((shard) => shard.master !== null).map((shard) => ({ shard: shard.shard, owns: ownsSlot(shard), view: shard }));
    const split = splitByShard(records, keySlot, owners);
    unowned = split.unowned.length;
    const readbacks = await Promise.all(
      owners.map(({ view }) => {
        const bySlot = new Map<number, string[]>();
        for (const record of split.byShard.get(view.shard) ?? []) {
          const slot = keySlot(record.key);
          bySlot.set(slot, [...(bySlot.get(slot) ?? []), record.key]);
        }
        return readShard(view, state.nodes, bySlot);
      }),
    );
    const ledger = readDrillLedger(state, `drill:${runId}:`);
    if (ledger.warning) warnings.push(ledger.warning);
    check = checkCluster(split.byShard, readbacks, ledger.writes);
    if (unowned) warnings.push(`${unowned} writes are in slots no master owns: not checked`);
  }

  // Lanes: the shards as they began (a key stays in the lane of the shard that owned its slot then).
  const startOwners = before.shards.map((shard) => ({ shard: shard.shard, owns: ownsSlot(shard) }));
  const { byShard: startSplit } = splitByShard(records, keySlot, startOwners);
  const shardOf = (name: string) => before.nodes.find((node) => node.name === name)?.shard ?? null;
  const perFault = clusterFaultMetrics(schedule.events, clusterEvents, records, startSplit, shardOf, new Set(check?.total.acknowledgedLost.keys ?? []));
  const after = converged.analysis;
  const lanes: ShardLane[] = before.shards.map((shard) => {
    const mine = startSplit.get(shard.shard) ?? [];
    const checked: ShardCheck | undefined = check?.shards.find((s) => s.shard === shard.shard);
    return {
      shard: shard.shard,
      master: { before: shard.master, after: after?.shards.find((s) => s.shard === shard.shard)?.master ?? null },
      slots: { before: shard.slotCount, after: after?.shards.find((s) => s.shard === shard.shard)?.slotCount ?? null },
      writes: checked?.writes ?? null,
      acknowledgedLost: checked?.acknowledgedLost.count ?? null,
      replicas: checked?.replicas ?? [],
      buckets: bucketSeries(mine, endMs),
      unavailability: longestGap(mine, 0, endMs),
    };
  });
  const convergedAtMs = converged.atMs;
  const total = check?.total;
  return {
    mode: 'cluster',
    cluster: state.name,
    engine: state.engine,
    runId,
    scenario: options.scenario,
    shard: options.shard,
    faults: faultsText,
    seed: options.seed,
    clients: options.clients,
    rate: options.rate,
    waitReplicas: 0,
    durationMs: endMs,
    verdict: total?.verdict ?? 'not-converged',
    converged: convergedAtMs !== null,
    convergeMs: convergedAtMs === null ? null : convergedAtMs - endMs,
    convergeProblems: converged.problems,
    masters: lanes.map((lane) => ({ shard: lane.shard, ...lane.master })),
    writes: total?.writes ?? tally(records),
    acknowledgedLost: total?.acknowledgedLost ?? null,
    recoveredByLedger: total?.recoveredByLedger ?? null,
    unknown: total?.unknown ?? null,
    failedButPresent: total?.failedButPresent ?? null,
    replicas: total?.replicas ?? [],
    errors: errorCounts(records),
    unavailability: longestGap(records, 0, endMs),
    perFault,
    shards: lanes,
    slotMoves: { count: schedule.moves.length, keys: schedule.moves.reduce((sum, m) => sum + m.keys, 0), runs: schedule.reshards.map((r) => r.run), moves: schedule.moves },
    faultEvents: schedule.events,
    clusterEvents,
    timeline: clusterTimeline({ faults: schedule.events, cluster: clusterEvents, moves: schedule.moves, metrics: perFault, convergedAtMs, shardOf }),
    buckets: bucketSeries(records, endMs),
    startedCluster: cluster.started,
    warnings,
  };
}

/** Heals partitions (builtin), resumes paused nodes, starts stopped ones. */
async function healCluster(cluster: DrillCluster, begin: number): Promise<ClusterFaultEvent | null> {
  const { state, paths } = cluster;
  const atMs = Date.now() - begin;
  const did: string[] = [];
  const problems: string[] = [];
  const nodes: string[] = [];
  if (state.engine !== 'redis') {
    try {
      const result = await healNodes(state);
      if (result.healed.some((h) => h.partitions > 0)) did.push(result.message);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const node of await liveCluster(state)) {
    const action = node.process === 'paused' ? 'resume' : !isAlive(node) ? 'start' : null;
    if (!action) continue;
    try {
      did.push((await nodeAction(action, { state, paths, selector: node.record.name })).message);
      nodes.push(node.record.name);
    } catch (error) {
      problems.push(`${node.record.name}: ${(error as Error).message}`);
    }
  }
  if (did.length === 0 && problems.length === 0) return null;
  return { atMs, plannedMs: atMs, step: 'heal everything', action: 'heal-all', nodes, ok: problems.length === 0, message: [...did, ...problems].join(' '), disruptive: false };
}

/**
 * Ready again: every node at cluster_state:ok, one slot map and one set of replica -> master pairs
 * everywhere, no node flagged, every replica caught up (sharded/analyze.ts notReady), every shard
 * with a master, and no slot left open (fixed once, as `reshard --fix` does, and said so).
 */
async function converge(cluster: DrillCluster, timeoutMs: number, begin: number, log: (line: string) => void): Promise<{ atMs: number | null; analysis: ClusterAnalysis | null; problems: string[]; fixed: string[] }> {
  const deadline = Date.now() + timeoutMs;
  const fixed: string[] = [];
  let problems: string[] = [];
  let nextFix = 0;
  let fixError: string | null = null;
  for (;;) {
    const { analysis } = await analyzeLive(cluster.state);
    const open = analysis.problems.filter((problem) => / is open: /.test(problem));
    problems = [...analysis.notReady, ...analysis.shards.filter((s) => s.master === null).map((s) => `shard ${s.shard} has no master`)];
    // Open slots can themselves keep the nodes from agreeing (a node importing a slot ignores other
    // claims on it: cluster.c clusterUpdateSlotsConfigWith), so fix them once every node answers.
    const fixable = open.length > 0 && analysis.nodes.every((node) => node.role !== null) && Date.now() >= nextFix;
    if (fixable) {
      nextFix = Date.now() + 2000;
      try {
        const result = await fixOpenSlots(cluster.state, cluster.paths, Math.max(5000, deadline - Date.now()));
        // One line per outcome and owner: "slots 186, 187 left open: closed, m1 keeps them (why; 0 keys moved)".
        const groups = new Map<string, typeof result.fixed>();
        for (const f of result.fixed) {
          const how = f.action === 'finished' ? `move finished, ${f.owner} owns them` : `closed, ${f.owner} keeps them`;
          groups.set(how, [...(groups.get(how) ?? []), f]);
        }
        for (const [how, list] of groups) fixed.push(`slot(s) ${list.map((f) => f.slot).join(', ')} left open, fixed as \`reshard --fix\` does: ${how} (${list[0]!.why}; ${list.reduce((n, f) => n + f.keysMoved, 0)} keys moved)`);
        log(`  fixed ${result.fixed.length} open slot(s) as \`reshard --fix\` does`);
        fixError = null;
        continue;
      } catch (error) {
        fixError = `reshard --fix: ${(error as Error).message}`;
      }
    }
    if (fixError) problems.push(fixError);
    if (open.length) problems.push(...open);
    if (problems.length === 0) {
      await waitFor(cluster.state, 'synced', 1000).catch(() => undefined); // reconciles the records
      return { atMs: Date.now() - begin, analysis, problems, fixed };
    }
    if (Date.now() >= deadline) {
      // Thousands of open slots are thousands of lines: the first ones say what is wrong.
      const shown = problems.length > PROBLEMS_SHOWN ? [...problems.slice(0, PROBLEMS_SHOWN), `… and ${problems.length - PROBLEMS_SHOWN} more (clusterctl status)`] : problems;
      return { atMs: null, analysis: null, problems: shown, fixed };
    }
    await sleep(250);
  }
}
