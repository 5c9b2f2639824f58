// `clusterctl drill` on a Redis Cluster (mode: cluster): checks the scenario and the shard against
// the topology (partition-master needs engine builtin: redis-server has no fault hooks), runs the
// drill on the running cluster or one it starts, writes the report, and sets the drill's exit code
// (6 loss or divergence unless --allow-loss, 7 not converged).

import { writeFileSync } from 'node:fs';
import { CliError, EXIT } from '../../errors.js';
import type { ClusterPaths } from '../../state/run-state.js';
import type { ClusterSpec } from '../../topology/types.js';
import { openOrStart, stopCluster } from '../cluster.js';
import { PARTITION_REDIS } from '../partition-support.js';
import { renderClusterReport } from './report-html.js';
import type { ClusterDrillResult } from './result.js';
import { runClusterDrill } from './run.js';
import { CLUSTER_SCENARIOS, findClusterScenario } from './scenarios.js';
import { clusterSummaryLines } from './summary.js';

export interface ClusterDrillFlags {
  scenario?: string;
  faults?: string;
  shard: number;
  durationMs: number;
  convergeTimeoutMs: number;
  clients: number;
  rate: number;
  seed?: number;
  wait: number;
  report?: string;
  allowLoss: boolean;
  keep: boolean;
  json: boolean;
}

function usage(message: string, suggestion: string, code = 'USAGE'): CliError {
  return new CliError(message, { exit: EXIT.USAGE, code, suggestion });
}

/** Shard numbers of the topology as `up` numbers them (1..N in the short form). */
function shardNumbers(spec: ClusterSpec, recorded: (number | null | undefined)[] | null): number[] {
  const numbers = recorded ?? (spec.cluster?.shards ?? []).map((shard) => shard.shard);
  return [...new Set(numbers.filter((n): n is number => typeof n === 'number'))].sort((a, b) => a - b);
}

export async function clusterDrill(paths: ClusterPaths, spec: () => ClusterSpec, engine: string, recordedShards: (number | null | undefined)[] | null, flags: ClusterDrillFlags, log: (line: string) => void): Promise<ClusterDrillResult> {
  const names = CLUSTER_SCENARIOS.map((s) => s.name).join(', ');
  if (flags.faults) throw usage('--faults is not available on a Redis Cluster yet: use --scenario and --shard', `Scenarios on a cluster: ${names}.`);
  if (flags.wait > 0) throw usage('--wait is not available on a Redis Cluster (WAIT counts the replicas of the node a client wrote to; the drill does not route it)', 'Leave out --wait.');
  const scenario = findClusterScenario(flags.scenario ?? 'kill-master');
  if (!scenario) throw usage(`scenario ${flags.scenario} does not run on a Redis Cluster`, `Scenarios on a cluster: ${names}.`, 'BAD_FAULTS');
  if (scenario.partition && engine === 'redis') throw usage(`scenario ${scenario.name} cannot run here: ${PARTITION_REDIS}`, 'Use engine builtin for partition-master.', 'BAD_FAULTS');
  const shards = shardNumbers(spec(), recordedShards);
  if (shards.length && !shards.includes(flags.shard)) throw usage(`--shard ${flags.shard}: no such shard (shards: ${shards.join(', ')})`, '`clusterctl status` lists the shards.', 'NO_SUCH_SHARD');
  const cluster = await openOrStart(paths, spec, flags.json);
  let result: ClusterDrillResult;
  try {
    result = await runClusterDrill(cluster, {
      scenario: scenario.name,
      shard: flags.shard,
      steps: scenario.steps(flags.durationMs, flags.shard, Math.max(1, shards.length)),
      durationMs: flags.durationMs,
      clients: flags.clients,
      rate: flags.rate,
      seed: flags.seed ?? Math.floor(Math.random() * 2 ** 31),
      convergeTimeoutMs: flags.convergeTimeoutMs,
      log,
    });
  } finally {
    if (cluster.started && !flags.keep) await stopCluster(cluster);
  }
  if (flags.report) writeFileSync(flags.report, renderClusterReport(result));
  for (const line of clusterSummaryLines(result, flags.report)) log(line);
  if (result.verdict === 'not-converged') process.exitCode = EXIT.NOT_CONVERGED;
  else if (result.verdict !== 'pass' && !flags.allowLoss) process.exitCode = EXIT.LOSS;
  return result;
}
