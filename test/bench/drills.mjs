// Drill benchmark (issue "lost writes"): runs `clusterctl drill` scenarios N times on engine
// builtin (every scenario), builtin with `sync-replicas 1`, and redis (kill-master, pause-master,
// restart-master-empty), and the crash drills on builtin with the AOF (`aof-always`: appendonly yes +
// appendfsync always; `aof-everysec`; crash-all, restart-master-empty); prints per scenario the
// median across runs of: acknowledged writes lost, unknown-outcome writes, how long before the fault
// the oldest lost write was acknowledged (the loss window), fault -> first acknowledged write (the
// slowest fault of a run), and the drill's wall-clock duration; plus the worst loss.
// Replication faults (issue #18): `backlog-1mb` and `backlog-64mb` run replica-outage (a replica cut
// from its master while 4 MB are written) with the topology's repl-backlog-size at 1mb and 64mb, and
// the kill-master drill on the `chain` and `fan-out` templates (sub-replicas); every row reports the
// reconnects of its runs: partial resyncs (and the bytes the backlog served) vs full ones, and why.
// The Redis Cluster variants (`cluster-builtin`, `cluster-redis`: mode cluster, 3 shards x 1 replica,
// node-timeout 2000 ms) run the cluster scenarios on shard 1 (partition-master on builtin only).
// Usage: npm run bench:drills [-- --runs 3 --duration 12s --variants builtin,builtin-sync,redis,aof-always,aof-everysec,backlog-1mb,backlog-64mb,chain,fan-out,cluster-builtin,cluster-redis --scenarios kill-master,pause-master]
//        (npm run bench:drills builds first)

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { option } from './lib/options.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'bin', 'clusterctl');
const RUNS = Number(option('--runs', '3'));
const DURATION = option('--duration', '12s');
const VARIANTS = option('--variants', 'builtin,builtin-sync,redis,aof-always,aof-everysec,backlog-1mb,backlog-64mb,chain,fan-out,cluster-builtin,cluster-redis').split(',');
const ALL = ['kill-master', 'pause-master', 'partition-master', 'kill-replica', 'restart-all', 'flapping-master', 'restart-master-empty'];
const CRASH = ['crash-all', 'restart-master-empty'];
const ONLY = option('--scenarios', null)?.split(',');
/** Which scenarios a variant runs (before --scenarios filters them). */
const CLUSTER = ['kill-master', 'pause-master', 'kill-replica', 'restart-all', 'reshard-under-load', 'kill-during-migration'];
const SCENARIOS_OF = {
  redis: ['kill-master', 'pause-master', 'restart-master-empty'],
  'aof-always': CRASH,
  'aof-everysec': CRASH,
  'backlog-1mb': ['replica-outage'],
  'backlog-64mb': ['replica-outage'],
  chain: ['kill-master'],
  'fan-out': ['kill-master'],
  'cluster-builtin': ['kill-master', 'pause-master', 'partition-master', ...CLUSTER.slice(2)],
  'cluster-redis': CLUSTER,
};
/** The template a variant starts from (default.yaml unless named). */
const TEMPLATE_OF = { chain: 'chain.yaml', 'fan-out': 'fan-out.yaml' };
/** repl-backlog-size per variant (replaces the template's). */
const BACKLOG_OF = { 'backlog-1mb': '1mb', 'backlog-64mb': '64mb' };
/** Directives a variant adds under defaults: (as a user writes them in the topology). */
const DEFAULTS_OF = {
  'builtin-sync': '  sync-replicas: 1\n',
  'aof-always': '  appendonly: "yes"\n  appendfsync: always\n',
  'aof-everysec': '  appendonly: "yes"\n  appendfsync: everysec\n',
};

function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function canBind(port) {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

async function portRange(count) {
  for (;;) {
    const base = await freePort();
    if (base + count > 65535) continue;
    const ok = await Promise.all(Array.from({ length: count }, (_, i) => canBind(base + i)));
    if (ok.every(Boolean)) return base;
  }
}

function clusterctl(cwd, argv, timeout = 300_000) {
  return new Promise((res) => {
    const env = { ...process.env };
    delete env.CLUSTERCTL_DIR;
    const begin = Date.now();
    execFile(process.execPath, [CLI, ...argv], { cwd, env, timeout, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      let json;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      res({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, json, stderr, ms: Date.now() - begin });
    });
  });
}

async function clusterTopology(variant) {
  const engine = variant === 'cluster-redis' ? 'redis' : 'builtin';
  for (;;) {
    const base = await portRange(6);
    if (base + 10006 > 65535) continue;
    const bus = await Promise.all(Array.from({ length: 6 }, (_, i) => canBind(base + 10000 + i)));
    if (bus.every(Boolean)) return `name: bench-${variant}\nmode: cluster\nengine: ${engine}\nports: { base: ${base} }\ncluster: { shards: 3, replicas: 1, node-timeout: 2000 }\n`;
  }
}

async function topology(variant) {
  if (variant.startsWith('cluster-')) return clusterTopology(variant);
  const engine = variant === 'redis' ? 'redis' : 'builtin';
  const nodeBase = await portRange(5);
  let sentinelBase = await portRange(3);
  while (Math.abs(sentinelBase - nodeBase) < 5) sentinelBase = await portRange(3);
  let yaml = readFileSync(join(ROOT, 'templates', TEMPLATE_OF[variant] ?? 'default.yaml'), 'utf8')
    .replace(/^ports: .*$/m, `ports: { base: ${nodeBase}, sentinels: ${sentinelBase} }`)
    .replace(/^engine: .*$/m, `engine: ${engine}`)
    .replace(/^name: .*$/m, `name: bench-${variant}`);
  if (DEFAULTS_OF[variant]) yaml = yaml.replace(/^defaults:\n/m, `defaults:\n${DEFAULTS_OF[variant]}`);
  if (BACKLOG_OF[variant]) yaml = yaml.replace(/^ {2}repl-backlog-size: .*$/m, `  repl-backlog-size: ${BACKLOG_OF[variant]}`);
  return yaml;
}

const median = (values) => {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (v.length === 0) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const fmt = (v, unit = '') => (v === null ? '—' : `${Math.round(v)}${unit}`);

/** Reconnects across the runs: partial (with the median bytes the backlog served) and full by cause. */
function resyncTally(runs) {
  const all = runs.flatMap((r) => r.resyncs ?? []);
  const partial = all.filter((r) => r.kind === 'partial');
  const causes = {};
  for (const r of all) if (r.kind === 'full') causes[r.cause ?? '?'] = (causes[r.cause ?? '?'] ?? 0) + 1;
  return {
    partial: partial.length,
    partialBytes: median(partial.map((r) => r.bytes)),
    full: all.length - partial.length,
    fullWhy: Object.entries(causes).map(([cause, n]) => `${n} ${cause}`).join(', '),
  };
}

const rows = [];
for (const variant of VARIANTS) {
  const scenarios = (SCENARIOS_OF[variant] ?? ALL).filter((s) => !ONLY || ONLY.includes(s));
  if (scenarios.length === 0) continue;
  const cwd = mkdtempSync(join(tmpdir(), `clusterctl-drills-${variant}-`));
  writeFileSync(join(cwd, 'clusterctl.yaml'), await topology(variant));
  try {
    const up = await clusterctl(cwd, ['up', '--json']);
    if (up.code !== 0) {
      console.error(`${variant}: up failed (exit ${up.code}): ${up.stderr || JSON.stringify(up.json)}`);
      continue;
    }
    for (const scenario of scenarios) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) {
        const run = await clusterctl(cwd, ['drill', '--scenario', scenario, '--duration', DURATION, '--json', '--allow-loss']);
        if (!run.json || run.json.error) {
          console.error(`${variant} ${scenario} run ${i + 1}: exit ${run.code} ${run.json?.error?.message ?? run.stderr.slice(-500)}`);
          continue;
        }
        runs.push({ ...run.json, wallMs: run.ms });
        const why = run.json.converged ? '' : ` (${run.json.convergeProblems.join('; ')})`;
        process.stderr.write(`${variant} ${scenario} run ${i + 1}/${RUNS}: ${run.json.verdict}, lost ${run.json.acknowledgedLost?.count ?? '?'}${why}\n`);
      }
      // Per run, the slowest recovery among its faults (a rolling restart or a flapping master has several).
      const firstWrite = runs.map((r) => (r.perFault.length ? Math.max(...r.perFault.map((f) => f.firstWriteAfterMs ?? Infinity)) : null));
      rows.push({
        variant,
        scenario,
        runs: runs.length,
        lost: median(runs.map((r) => r.acknowledgedLost?.count ?? null)),
        worst: runs.length ? Math.max(...runs.map((r) => r.acknowledgedLost?.count ?? 0)) : null,
        ledger: median(runs.map((r) => r.recoveredByLedger?.count ?? null)),
        unknown: median(runs.map((r) => r.writes?.unknown ?? null)),
        // Per run, how long before its fault the oldest lost acknowledged write was (0 when none).
        window: median(runs.map((r) => Math.max(0, ...r.perFault.map((f) => f.lostBefore?.oldestMs ?? 0)))),
        refused: runs.filter((r) => r.emptyRestarts?.some((e) => e.refused)).length,
        firstWrite: median(firstWrite),
        gap: median(runs.map((r) => r.unavailability?.ms ?? null)),
        wall: median(runs.map((r) => r.wallMs)),
        verdicts: runs.map((r) => r.verdict).join(','),
        ...resyncTally(runs),
      });
    }
  } finally {
    await clusterctl(cwd, ['down', '--purge', '--json']);
    rmSync(cwd, { recursive: true, force: true });
  }
}

console.log(`\nclusterctl drill, median of ${RUNS} runs (duration ${DURATION}, 4 clients at 200 writes/s each, down-after 1000 ms)`);
const header = ['variant', 'scenario', 'runs', 'acked lost', 'worst', 'in ledger', 'unknown', 'lost window', 'empty master refused', 'first write after fault (slowest)', 'longest gap', 'drill duration', 'partial resyncs (backlog bytes, median)', 'full resyncs (why)'];
const kb = (v) => (v === null ? '—' : `${Math.round(v / 1024)} KB`);
const table = rows.map((r) =>
  [
    r.variant, r.scenario, r.runs, fmt(r.lost), fmt(r.worst), fmt(r.ledger), fmt(r.unknown), fmt(r.window, ' ms'), `${r.refused}/${r.runs}`, fmt(r.firstWrite, ' ms'), fmt(r.gap, ' ms'), fmt(r.wall && r.wall / 1000, ' s'),
    `${r.partial}${r.partial ? ` (${kb(r.partialBytes)})` : ''}`,
    `${r.full}${r.fullWhy ? ` (${r.fullWhy})` : ''}`,
  ].map(String),
);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
for (const row of [header, ...table]) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
