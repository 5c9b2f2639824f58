// clusterctl drill: break the cluster on purpose under a recorded write workload and prove what
// survived (the work lives in src/cli/drill/).

import { writeFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import { CliError, EXIT } from '../errors.js';
import { clusterPaths, defaultRoot, readState } from '../state/run-state.js';
import { durationFlag } from '../util/duration-flag.js';
import { FAULT_ACTIONS, FAULTS_GRAMMAR, NEEDS_FAULT_COMMAND, parseFaultList } from '../drill/fault-list.js';
import { SCENARIOS, findScenario } from '../drill/scenarios.js';
import { CLUSTER_SCENARIOS } from '../drill/cluster-mode/scenarios.js';
import type { DrillResult } from '../drill/run.js';

export default class Drill extends BaseCommand {
  static override summary = 'Run writes through the sentinels, inject faults, heal, and check that no acknowledged write was lost.';
  static override description =
    'Uses the running cluster (or starts one and stops it afterwards, unless --keep). N ioredis clients in sentinel mode write unique keys, ' +
    'each write recorded as acknowledged, failed or unknown outcome; the fault schedule runs meanwhile; then every fault is healed, the cluster must ' +
    'converge, and every key is read back from the master and compared on every replica. ' +
    `Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}. --faults takes ${FAULTS_GRAMMAR}. ` +
    'On a Redis Cluster (mode: cluster) ioredis Cluster clients write over every slot and --shard N picks the shard struck ' +
    `(${CLUSTER_SCENARIOS.map((s) => s.name).join(', ')}). ` +
    'Exit 6 when an acknowledged write was lost (unless --allow-loss), 7 when the cluster did not converge.';
  static override examples = [
    '<%= config.bin %> drill --scenario pause-master',
    '<%= config.bin %> drill --scenario kill-master --duration 10s --report drill.html',
    '<%= config.bin %> drill --faults "kill:master@2s,start:old-master@8s" --json',
    '<%= config.bin %> drill --scenario kill-during-migration --shard 2   # mode: cluster',
  ];
  static override flags = {
    scenario: Flags.string({ summary: 'A named drill (default kill-master unless --faults).', options: [...new Set([...SCENARIOS, ...CLUSTER_SCENARIOS].map((s) => s.name))], exclusive: ['faults'] }),
    shard: Flags.integer({ summary: 'Redis Cluster (mode: cluster): the shard the scenario strikes (as `status` numbers them).', default: 1, min: 1 }),
    faults: Flags.string({ summary: `Your own fault schedule: ${FAULTS_GRAMMAR}.` }),
    duration: Flags.string({ summary: 'How long the workload runs (at least until 2 s after the last fault step).', default: '20s' }),
    clients: Flags.integer({ summary: 'Concurrent clients (sentinel mode); half of them form the group a partition keeps with the master.', default: 4, min: 1, max: 64 }),
    rate: Flags.integer({ summary: 'Writes per second per client (upper bound: one write in flight per client).', default: 200, min: 1, max: 10_000 }),
    seed: Flags.integer({ summary: 'Seed for the clients\' start offsets (reported, to repeat a run).' }),
    wait: Flags.integer({
      summary: 'Follow every write with WAIT N (Redis\'s own tool, both engines): a write counts as acknowledged only once N replicas hold it.',
      default: 0,
      min: 0,
    }),
    report: Flags.string({ summary: 'Also write a self-contained HTML report (chart, numbers, lost keys) to this file.' }),
    'allow-loss': Flags.boolean({ summary: 'Exit 0 even when acknowledged writes were lost (to measure, e.g. on engine redis).', default: false }),
    keep: Flags.boolean({ summary: 'Leave a cluster the drill started running afterwards.', default: false }),
    'converge-timeout': Flags.string({ summary: 'How long the healed cluster has to converge.', default: '60s' }),
  };

  async run(): Promise<DrillResult> {
    const { flags } = await this.parse(Drill);
    const durationMs = durationFlag(flags.duration, '--duration');
    const convergeTimeoutMs = durationFlag(flags['converge-timeout'], '--converge-timeout');
    const name = this.clusterName(flags);
    const paths = clusterPaths(defaultRoot(flags.dir), name);
    const existing = readState(paths);
    const nodeNames = existing ? existing.nodes.map((n) => n.name) : this.loadSpec(flags.file).nodes.map((n) => n.name);
    const engine = existing?.engine ?? this.loadSpec(flags.file).engine;
    if (existing?.spec.cluster ?? this.loadSpec(flags.file).cluster) {
      const { clusterDrill } = await import('../drill/cluster-mode/command.js');
      const { scenario, faults, shard, clients, rate, seed, wait, report, keep } = flags;
      const recorded = existing ? existing.nodes.map((n) => n.shard) : null;
      const options = { scenario, faults, shard, clients, rate, seed, wait, report, keep, durationMs, convergeTimeoutMs, allowLoss: flags['allow-loss'], json: this.jsonEnabled() };
      return (await clusterDrill(paths, () => this.loadSpec(flags.file), engine, recorded, options, (line) => this.log(line))) as unknown as DrillResult;
    }

    const { partitionSupport, PARTITION_REDIS } = await import('../drill/partition-support.js');
    const partition = partitionSupport(engine);
    const partitionOk = partition !== null;
    const partitionReason = PARTITION_REDIS;
    const available = FAULT_ACTIONS.filter((action) => partitionOk || !NEEDS_FAULT_COMMAND.has(action));
    const scenario = flags.faults ? null : findScenario(flags.scenario ?? 'kill-master');
    if (!flags.faults && !scenario) throw new CliError(`scenario ${flags.scenario} runs on a Redis Cluster (mode: cluster) only`, { exit: EXIT.USAGE, code: 'BAD_FAULTS' });
    const text = flags.faults ?? scenario!.faults(durationMs);
    const parsed = parseFaultList(text, { available, unavailableReason: () => partitionReason, nodeNames });
    if (parsed.errors.length) {
      throw new CliError(scenario ? `scenario ${scenario.name} cannot run here` : `--faults: ${parsed.errors.length} problem${parsed.errors.length === 1 ? '' : 's'}`, {
        exit: EXIT.USAGE,
        code: 'BAD_FAULTS',
        details: parsed.errors.map((e) => `  ${e}`),
        suggestion: `Write ${FAULTS_GRAMMAR}; actions ${available.join(', ')}.`,
      });
    }

    const { openOrStart, stopCluster } = await import('../drill/cluster.js');
    const { runDrill } = await import('../drill/run.js');
    const cluster = await openOrStart(paths, () => this.loadSpec(flags.file), this.jsonEnabled());
    let result: DrillResult;
    try {
      result = await runDrill(cluster, {
        scenario: scenario?.name ?? null,
        steps: parsed.steps,
        durationMs,
        clients: flags.clients,
        rate: flags.rate,
        seed: flags.seed ?? Math.floor(Math.random() * 2 ** 31),
        waitReplicas: flags.wait,
        convergeTimeoutMs,
        partition,
        log: (line) => this.log(line),
      });
    } finally {
      if (cluster.started && !flags.keep) await stopCluster(cluster);
    }
    if (flags.report) {
      const { renderReport } = await import('../drill/report-html.js');
      writeFileSync(flags.report, renderReport(result));
    }
    const { summaryLines } = await import('../drill/summary.js');
    for (const line of summaryLines(result, flags.report)) this.log(line);
    if (result.verdict === 'not-converged') process.exitCode = EXIT.NOT_CONVERGED;
    else if (result.verdict !== 'pass' && !flags['allow-loss']) process.exitCode = EXIT.LOSS;
    return result;
  }
}
