// The performance targets of `npm run bench -- --check` (issue 17: ratios to redis-server measured
// in one run on one machine) and the record of measured values they are judged on. Sections call
// record(); values reach run-all through a JSON-lines file named by CLUSTERCTL_BENCH_RESULTS (set by
// run-all, inherited by the benchmark scripts it spawns), so a separate script can report too.

import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/**
 * min: the value must be at least this; max: at most this. A key recorded several times (one per
 * test or configuration) is judged on its worst value, and the check names where that came from.
 */
export const TARGETS = {
  'replicas.set-p16': { label: 'SET -P 16 with 2 replicas, ours/redis requests/s', min: 0.8 },
  'topology.set-p1': { label: 'default topology (our sentinels, confirmed replies) SET -P 1, ours/redis requests/s', min: 0.8 },
  'topology.set-p16': { label: 'default topology (our sentinels, confirmed replies) SET -P 16, ours/redis requests/s', min: 0.8 },
  'throughput.cpu-p16': { label: 'server CPU per request at -P 16, ours/redis', max: 1.3 },
  'throughput.p99-p1': { label: 'p99 latency at -P 1, ours/redis', max: 1.5 },
  'throughput.p99-p16': { label: 'p99 latency at -P 16, ours/redis', max: 1.5 },
  'throughput.p99-d1024': { label: 'p99 latency with -d 1024, ours/redis', max: 1.5 },
  'latency.worst-ms': { label: 'worst latency of ours in any configuration (ms)', max: 10 },
  'sync.time': { label: 'full sync time, ours/redis', max: 1.3 },
  'sync.ping-p99-ms': { label: "master's PING p99 during our full sync (ms)", max: 1 },
  'sync.ping-max-ms': { label: "master's worst PING during our full sync (ms)", max: 20 },
  'memory.rss': { label: 'RSS for the loaded keys, ours/redis', max: 1.3 },
  // Issue "Faster": SIGKILL of a cluster master -> first acknowledged write, and the soak without a kill.
  'cluster.failover-write': { label: 'cluster master killed -> first write (ioredis Cluster), ours/redis', max: 0.6 },
  'cluster.false-failovers': { label: 'elections + master changes of ours in the soak without a kill', max: 0 },
};

const recorded = [];

/** Records a measured value for target `key`; `where` says which test or configuration it is. */
export function record(key, value, where = '') {
  if (!TARGETS[key]) throw new Error(`unknown benchmark target ${key}`);
  const entry = { key, value, where };
  recorded.push(entry);
  const file = process.env.CLUSTERCTL_BENCH_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

/** Everything recorded in this process or, when a results file is set, by every process. */
function allRecorded() {
  const file = process.env.CLUSTERCTL_BENCH_RESULTS;
  if (!file || !existsSync(file)) return recorded;
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

/**
 * Judges every target on what was recorded; prints one line per target and returns the failed
 * ones (a value of NaN, a run that could not be measured, counts as failed).
 */
export function judge() {
  const entries = allRecorded();
  const failed = [];
  console.log('\n## Check against the targets (issue 17)\n');
  for (const [key, target] of Object.entries(TARGETS)) {
    const mine = entries.filter((e) => e.key === key);
    if (mine.length === 0) {
      console.log(`  -     ${target.label}: not measured in this run`);
      continue;
    }
    const bad = (e) => !Number.isFinite(e.value);
    const worst = mine.reduce((w, e) => {
      if (bad(w)) return w;
      if (bad(e)) return e;
      return target.min !== undefined ? (e.value < w.value ? e : w) : e.value > w.value ? e : w;
    });
    const ok = !bad(worst) && (target.min !== undefined ? worst.value >= target.min : worst.value <= target.max);
    const bound = target.min !== undefined ? `>= ${target.min}` : `<= ${target.max}`;
    const value = Number.isFinite(worst.value) ? worst.value.toFixed(2) : 'n/a';
    const line = `${target.label}: ${value}${worst.where ? ` (${worst.where})` : ''}, target ${bound}`;
    console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${line}`);
    if (!ok) failed.push(line);
  }
  return failed;
}
