// One drill, start to finish: the workload and the fault schedule run together while the sentinels'
// events are recorded; then everything is healed, the cluster must converge, every write is read
// back from the master and every replica, and the verdict is computed.

import { randomBytes } from 'node:crypto';
import { passwordFor } from '../probe/passwords.js';
import { liveCluster } from '../cluster/live.js';
import { recordSentinelEvents, type SentinelEvent } from '../cluster/sentinel-events.js';
import { waitFor } from '../ops/status/wait.js';
import { CliError, EXIT } from '../errors.js';
import { sleep } from '../util/sleep.js';
import { checkWrites, type CheckResult } from './checker.js';
import type { DrillCluster } from './cluster.js';
import { formatFaultList, type FaultStep } from './fault-list.js';
import type { EmptyRestartOutcome } from './crash.js';
import { healAll, runSchedule, type FaultEvent } from './faults.js';
import { readDrillLedger } from './ledger.js';
import type { PartitionSupport } from './partition-support.js';
import { readBack } from './readback.js';
import { replicasSettled } from './settled.js';
import { bucketSeries, longestGap, type Bucket, type Gap } from './series.js';
import { buildTimeline, faultMetrics, type FaultMetrics, type TimelineEvent } from './timeline.js';
import { Workload, type WriteRecord } from './workload.js';
import { collectResyncs, watchReplication } from './repl-watch.js';
import { resyncCounts, type ReplPoint, type Resync } from './repl-series.js';

export type DrillVerdict = CheckResult['verdict'] | 'not-converged';

export interface DrillOptions {
  scenario: string | null;
  steps: FaultStep[];
  durationMs: number;
  clients: number;
  rate: number;
  seed: number;
  /** WAIT N after every write (0: none). */
  waitReplicas: number;
  convergeTimeoutMs: number;
  partition: PartitionSupport | null;
  log: (line: string) => void;
}

export interface DrillResult {
  cluster: string;
  engine: string;
  runId: string;
  scenario: string | null;
  faults: string;
  seed: number;
  clients: number;
  rate: number;
  /** WAIT N after every write (0: none). */
  waitReplicas: number;
  /** How long the workload ran, ms. */
  durationMs: number;
  verdict: DrillVerdict;
  converged: boolean;
  /** From the end of the workload to convergence, ms (null when it never converged). */
  convergeMs: number | null;
  convergeProblems: string[];
  master: { before: string | null; after: string | null };
  writes: CheckResult['writes'] | null;
  acknowledgedLost: CheckResult['acknowledgedLost'] | null;
  recoveredByLedger: CheckResult['recoveredByLedger'] | null;
  unknown: CheckResult['unknown'] | null;
  failedButPresent: CheckResult['failedButPresent'] | null;
  replicas: CheckResult['replicas'];
  /** Why writes failed or had no verdict: error text (numbers and addresses masked) -> count, most frequent first. */
  errors: { outcome: string; error: string; count: number; firstAtMs: number }[];
  /** Longest stretch without an acknowledged write during the workload. */
  unavailability: Gap;
  perFault: FaultMetrics[];
  /** restart-empty steps: whether the node, back with no data, refused to act as a master. */
  emptyRestarts: EmptyRestartOutcome[];
  faultEvents: FaultEvent[];
  timeline: TimelineEvent[];
  sentinelEvents: SentinelEvent[];
  buckets: Bucket[];
  /** Every replica (re)connect during the drill: partial (bytes from the backlog) or full and why (engine builtin). */
  resyncs: Resync[];
  resyncSummary: ReturnType<typeof resyncCounts>;
  /** Every 250 ms during the workload: each replica's lag behind the master (bytes) and the master's backlog fill. */
  replication: ReplPoint[];
  startedCluster: boolean;
  /** Fault steps that could not run, an unreadable ledger, ... */
  warnings: string[];
}

export async function runDrill(cluster: DrillCluster, options: DrillOptions): Promise<DrillResult> {
  const { state } = cluster;
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  options.log(`Drill ${runId} on cluster "${state.name}" (${state.engine}): ${options.scenario ?? 'custom faults'} — ${formatFaultList(options.steps)}`);
  // A drill starts from a healthy cluster, so that what it measures is the fault's doing.
  await waitFor(state, 'synced', 30_000);
  const masterBefore = await liveMaster(cluster);
  const workload = new Workload({
    sentinels: state.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
    name: state.spec.sentinels!.monitorName,
    password: passwordFor(state.nodes[0]!.port),
    clients: options.clients,
    rate: options.rate,
    runId,
    seed: options.seed,
    waitReplicas: options.waitReplicas,
  });
  await workload.connect();
  const begin = Date.now();
  const recorder = await recordSentinelEvents(state.sentinels, begin);
  const replWatch = watchReplication(state, begin);
  const lastStep = options.steps.at(-1)?.atMs ?? 0;
  // Leave clients time to recover after the last step, however short --duration is.
  const durationMs = Math.max(options.durationMs, lastStep + 2000);
  workload.start(begin);
  // partition-master keeps client group 0 with the master (connection names drill-g0-c*).
  const isolatedClients = options.clients > 1 ? ['drill-g0-*'] : [];
  const context = { state, paths: cluster.paths, begin, partition: options.partition, isolatedClients };
  // Ctrl-C mid-drill must not leave a node frozen or cut off: heal, then exit 130.
  const stopSignals = onInterrupt(() => healAll(context), options.log);
  const faultEvents = await runSchedule(options.steps, context);
  for (const event of faultEvents) options.log(`  +${event.atMs} ms  ${event.step}: ${event.ok ? event.message : `FAILED: ${event.message}`}`);
  const remaining = begin + durationMs - Date.now();
  if (remaining > 0) await sleep(remaining);
  const records = await workload.stop();
  const endMs = Date.now() - begin;
  const replication = await replWatch.stop();
  options.log(`  workload stopped after ${endMs} ms: ${records.length} writes; healing and waiting for the cluster to converge`);

  const healed = await healAll(context);
  stopSignals();
  if (healed) faultEvents.push(healed);
  const { atMs: convergedAtMs, master: masterAfter, problems: convergeProblems } = await converge(cluster, options.convergeTimeoutMs, begin);
  // Events up to convergence (the old master's +convert-to-slave comes late).
  const sentinelEvents = recorder.stop();

  const warnings: string[] = faultEvents.filter((e) => !e.ok).map((e) => `${e.step} failed: ${e.message}`);
  let check: CheckResult | null = null;
  if (convergedAtMs !== null && masterAfter) {
    const master = state.nodes.find((node) => node.name === masterAfter)!;
    const replicas = state.nodes.filter((node) => node.name !== masterAfter);
    const readback = await readBack(master, replicas, records.map((r) => r.key));
    const ledger = readDrillLedger(state, `drill:${runId}:`);
    if (ledger.warning) warnings.push(ledger.warning);
    check = checkWrites(records, readback, ledger.writes);
  }
  const resyncs = await collectResyncs(state, begin);
  const nodeAt = (port: number) => state.nodes.find((node) => node.port === port)?.name ?? null;
  const perFault = faultMetrics(faultEvents, sentinelEvents, records, nodeAt, new Set(check?.acknowledgedLost.keys ?? []));
  return {
    cluster: state.name,
    engine: state.engine,
    runId,
    scenario: options.scenario,
    faults: formatFaultList(options.steps),
    seed: options.seed,
    clients: options.clients,
    rate: options.rate,
    waitReplicas: options.waitReplicas,
    durationMs: endMs,
    verdict: check?.verdict ?? 'not-converged',
    converged: convergedAtMs !== null,
    convergeMs: convergedAtMs === null ? null : convergedAtMs - endMs,
    convergeProblems,
    master: { before: masterBefore, after: masterAfter },
    writes: check?.writes ?? tally(records),
    acknowledgedLost: check?.acknowledgedLost ?? null,
    recoveredByLedger: check?.recoveredByLedger ?? null,
    unknown: check?.unknown ?? null,
    failedButPresent: check?.failedButPresent ?? null,
    replicas: check?.replicas ?? [],
    errors: errorCounts(records),
    unavailability: longestGap(records, 0, endMs),
    perFault,
    emptyRestarts: faultEvents.flatMap((event) => (event.emptyRestart ? [event.emptyRestart] : [])),
    faultEvents,
    timeline: buildTimeline({ faults: faultEvents, sentinel: sentinelEvents, metrics: perFault, convergedAtMs }),
    sentinelEvents,
    buckets: bucketSeries(records, endMs),
    resyncs,
    resyncSummary: resyncCounts(resyncs),
    replication,
    startedCluster: cluster.started,
    warnings,
  };
}

/**
 * Converged: every replica in sync with its upstream and every sentinel agreeing (ops/status/wait.ts),
 * exactly one node answering as master (a restarted master the sentinels have not demoted yet is a
 * second one, and wait's view of the records cannot see it), and every other node on the master's
 * history (settled.ts). Returns when (ms since `begin`) and who.
 */
async function converge(cluster: DrillCluster, timeoutMs: number, begin: number): Promise<{ atMs: number | null; master: string | null; problems: string[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const problems: string[] = [];
    try {
      await waitFor(cluster.state, 'synced', Math.max(0, deadline - Date.now()));
      const master = await liveMaster(cluster, problems);
      if (master) {
        const record = cluster.state.nodes.find((node) => node.name === master)!;
        problems.push(...(await replicasSettled(record, cluster.state.nodes.filter((node) => node !== record))));
        if (problems.length === 0) return { atMs: Date.now() - begin, master, problems };
      }
    } catch (error) {
      problems.push(...(error instanceof CliError ? ((error.data.problems as string[] | undefined) ?? [error.shortMessage]) : [(error as Error).message]));
    }
    if (Date.now() >= deadline) return { atMs: null, master: null, problems };
    await sleep(500);
  }
}

/**
 * The one node that says it is master. Probes of a node busy right after a resync can time out,
 * so ask again for a few seconds before concluding there is none (or several).
 */
async function liveMaster(cluster: DrillCluster, problems: string[] = []): Promise<string | null> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const live = await liveCluster(cluster.state, 2000);
    const masters = live.filter((node) => node.process === 'running' && node.roleIsLive && node.role === 'master');
    if (masters.length === 1) return masters[0]!.record.name;
    if (Date.now() >= deadline) {
      const seen = live.map((node) => `${node.record.name} ${node.process}${node.roleIsLive ? ` ${node.role}` : ` (no answer: ${node.probe?.error ?? 'not probed'})`}`);
      problems.push(`${masters.length === 0 ? 'no node answers as master' : `several masters: ${masters.map((m) => m.record.name).join(', ')}`} (${seen.join('; ')})`);
      return null;
    }
    await sleep(200);
  }
}

export function tally(records: readonly WriteRecord[]): CheckResult['writes'] {
  const writes = { total: records.length, ok: 0, failed: 0, unknown: 0 };
  for (const record of records) writes[record.outcome] += 1;
  return writes;
}

export function errorCounts(records: readonly WriteRecord[]): DrillResult['errors'] {
  const counts = new Map<string, DrillResult['errors'][number]>();
  for (const record of records) {
    if (record.error === null) continue;
    const error = record.error.replace(/\d+/g, 'N').slice(0, 120);
    const key = `${record.outcome} ${error}`;
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else counts.set(key, { outcome: record.outcome, error, count: 1, firstAtMs: record.doneAt });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count);
}

/** SIGINT/SIGTERM while faults are in force: undo them (resume, start, heal) before exiting 130. */
function onInterrupt(heal: () => Promise<unknown>, log: (line: string) => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    log(`\n✖ Interrupted (${signal}): healing the cluster before exiting`);
    void heal()
      .catch(() => undefined)
      .finally(() => process.exit(EXIT.INTERRUPTED));
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.once(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
