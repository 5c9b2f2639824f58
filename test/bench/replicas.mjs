// Writes on a master that feeds replicas, ours and redis-server in the same shape and the same run:
//   replicas  master + 2 replicas, redis-benchmark SET -c 50 at -P 16 and -P 1;
//   topology  the product's default topology, master + 2 replicas + 3 sentinels (quorum 2,
//             down-after 1000 ms): ours with our sentinels and confirmed replies on (each run starts
//             only once INFO fencing shows all 3 sentinels acking), vs redis-server + redis-sentinel.
// Per configuration: requests/s, the master's CPU (user+sys from /proc) per request, the replicas'
// mean CPU per request (and the 3 sentinels' together in topology), p50/p99/max latency; the two engines take turns run by run and the median
// of --rounds runs is shown, with the spread (max/min over the runs) as the noise figure.
// With --baseline <checkout> (another built checkout, e.g. a worktree of the last commit) that
// build runs too, as engine 'baseline', in the same rotation: before/after ratios of a change.
// Usage: node test/bench/replicas.mjs [--only replicas,topology] [--requests 200000] [--rounds 3]
//        [--pipelines 16,1] [--baseline dir]   (after `npm run build`; run-all.mjs runs it as two sections)

import { fileURLToPath } from 'node:url';
import { record, TARGETS } from './lib/checks.mjs';
import { option } from './lib/options.mjs';
import { cpuSeconds, median, runBenchmark, spread } from './lib/redis-benchmark.mjs';
import { BASELINE, cleanup, formatNumber, printTable, requireTool, stopServer } from './lib/servers.mjs';
import { infoFields, startTopology, until } from './lib/topology.mjs';

/** Our master under our sentinels: wait until confirmed replies are really in force. */
async function fencingReady(port) {
  await until('fence_active:1 and fence_acking_sentinels:3', async () => {
    const f = await infoFields(port, 'fencing');
    return f.fence_active === '1' && f.fence_acking_sentinels === '3' && f.fenced === '0' && f.fence_confirm_writes === '1';
  });
}

const fixed = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

async function stopTopology(topology) {
  for (const s of topology.sentinels) s.child.kill('SIGKILL');
  for (const r of topology.replicas) await stopServer(r);
  await stopServer(topology.master);
}

/** One side-by-side section; returns its table rows. */
async function section({ name, title, sentinels, requests, rounds, pipelines }) {
  console.log(`\n## ${title}: redis-benchmark SET -c 50 -n ${requests}, -P ${pipelines.join(' and -P ')}, median of ${rounds} alternating runs\n`);
  const engines = {};
  const names = BASELINE ? ['redis', 'ours', 'baseline'] : ['redis', 'ours'];
  const rows = [];
  try {
    for (const engine of names) engines[engine] = await startTopology(engine, { replicas: 2, sentinels });
    const ready = async (engine) => {
      if (engine !== 'redis' && sentinels) await fencingReady(engines[engine].master.port);
    };
    const once = async (engine, pipeline, n) => {
      await ready(engine);
      const t = engines[engine];
      const replicaCpu = t.replicas.map((r) => cpuSeconds(r.pid));
      const sentinelCpu = t.sentinels.map((s) => cpuSeconds(s.pid));
      const result = await runBenchmark(t.master.port, ['-P', String(pipeline), '-t', 'set'], { requests: n, pid: t.master.pid });
      const spent = t.replicas.map((r, i) => cpuSeconds(r.pid) - replicaCpu[i]);
      result.replicaCpuUs = (spent.reduce((a, b) => a + b, 0) / spent.length / n) * 1e6;
      // The 3 sentinels together: on a small machine they share the cores with the data nodes.
      const sentinelsSpent = t.sentinels.reduce((sum, s, i) => sum + cpuSeconds(s.pid) - sentinelCpu[i], 0);
      result.sentinelCpuUs = t.sentinels.length > 0 ? (sentinelsSpent / n) * 1e6 : NaN;
      return result;
    };
    // Warm up both (our JIT compiles the hot path; Redis fills its allocator); not counted.
    for (const engine of names) await once(engine, 16, 50_000);
    for (const pipeline of pipelines) {
      const runs = Object.fromEntries(names.map((engine) => [engine, []]));
      for (let round = 0; round < rounds; round++) {
        // Alternate who goes first, so a burst of background load does not always hit one side.
        for (const engine of round % 2 === 0 ? names : [...names].reverse()) {
          const result = await once(engine, pipeline, requests);
          if (result.error) throw new Error(`${engine} ${name} -P ${pipeline}: ${result.error}`);
          runs[engine].push(result);
          console.log(
            `  ${engine.padEnd(8)} P${pipeline} run ${round + 1}: ${formatNumber(result.rps)} req/s, master ${fixed(result.cpuUs)} µs/req, ` +
              `replicas ${fixed(result.replicaCpuUs)} µs/req${sentinels ? `, sentinels ${fixed(result.sentinelCpuUs)} µs/req` : ''}, p50/p99/max ${result.p50}/${result.p99}/${result.max} ms`,
          );
        }
      }
      const m = (engine, field) => median(runs[engine].map((r) => r[field]));
      const ratio = m('ours', 'rps') / m('redis', 'rps');
      const noise = Math.max(...names.map((engine) => spread(runs[engine].map((r) => r.rps))));
      if (TARGETS[`${name}.set-p${pipeline}`]) record(`${name}.set-p${pipeline}`, ratio, `${name} SET -P ${pipeline}, runs spread up to ${fixed(noise)}x`);
      record('latency.worst-ms', Math.max(...runs.ours.map((r) => r.max)), `${name} SET -P ${pipeline}`);
      for (const engine of names) {
        rows.push([
          engine, `P${pipeline}`, formatNumber(m(engine, 'rps')), engine === 'redis' ? '' : fixed(m(engine, 'rps') / m('redis', 'rps')),
          fixed(m(engine, 'cpuUs')), fixed(m(engine, 'replicaCpuUs')), ...(sentinels ? [fixed(m(engine, 'sentinelCpuUs'))] : []),
          `${fixed(m(engine, 'p50'), 3)}/${fixed(m(engine, 'p99'), 3)}/${fixed(m(engine, 'max'), 3)}`,
          fixed(spread(runs[engine].map((r) => r.rps))),
        ]);
      }
    }
  } finally {
    for (const t of Object.values(engines)) await stopTopology(t);
  }
  console.log('');
  const cpuColumns = ['master µs/req', 'replica µs/req', ...(sentinels ? ['3 sentinels µs/req'] : [])];
  printTable(['engine', 'pipeline', 'requests/s', 'ours/redis', ...cpuColumns, 'p50/p99/max ms', 'spread'], rows);
  return rows;
}

export async function replicas({ requests = 200_000, rounds = 3, pipelines = [16, 1] } = {}) {
  return section({ name: 'replicas', title: 'Master with 2 replicas', sentinels: false, requests, rounds, pipelines });
}

export async function topology({ requests = 200_000, rounds = 3, pipelines = [16, 1] } = {}) {
  return section({
    name: 'topology',
    title: 'Default topology: master + 2 replicas + 3 sentinels (ours: confirmed replies on)',
    sentinels: true, requests, rounds, pipelines,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const tool of ['redis-server', 'redis-sentinel', 'redis-benchmark']) requireTool(tool);
  const only = option('only', 'replicas,topology').split(',');
  const settings = {
    requests: Number(option('requests', '200000')),
    rounds: Number(option('rounds', '3')),
    pipelines: option('pipelines', '16,1').split(',').map(Number),
  };
  (async () => {
    if (only.includes('replicas')) await replicas(settings);
    if (only.includes('topology')) await topology(settings);
  })()
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(cleanup);
}
