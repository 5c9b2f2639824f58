// `npm run bench` (builds first): our node against redis-server in the same run, on free loopback
// ports, everything stopped at the end. Sections:
//   throughput  redis-benchmark -c 50 -n 200000 at -P 1 and -P 16 (SET GET INCR LPUSH LPOP SADD
//               HSET ZADD, SET/GET -d 1024), requests/s and ours/redis
//   scripting   EVALSHA and FCALL of a 1-call and a 10-call script, -c 50 -P 1 (scripting.mjs)
//   memory      RSS for 1,000,000 keys of 100-byte values, ours/redis
//   latency     p99 and worst GET round trip while BGSAVE of those keys runs
//   replicas    SET -P 16 and -P 1 on a master with 2 replicas attached (replicas.mjs)
//   topology    the same on the default topology: + 3 sentinels, ours with confirmed replies on
//               against redis-server + redis-sentinel (replicas.mjs)
//   replication, sentinel   the separate benchmark scripts in this folder
//   confirm     SET cost of confirmed replies under our sentinels vs redis-server + redis-sentinel (confirmed-writes.mjs)
//   cluster     a killed cluster master -> first write of an ioredis Cluster client, ours vs redis-server,
//               and false failovers under CPU load and allocation-heavy writes (cluster-failover.mjs)
// Options: --only throughput,memory   --requests 200000   --keys 1000000   --pipelines 1,16
//          --rounds 3 (runs per test and server; the median is shown)
//          --check: after the sections, judge the measured values against issue 17's targets
//          (lib/checks.mjs) and exit 1 naming each one missed (not part of `npm test`)
// Numbers depend on the machine and its load: compare ratios from one run, not across runs.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throughput } from './throughput.mjs';
import { scripting } from './scripting.mjs';
import { dataset } from './dataset.mjs';
import { replicas, topology } from './replicas.mjs';
import { judge } from './lib/checks.mjs';
import { option } from './lib/options.mjs';
import { cleanup, requireTool, ROOT, track } from './lib/servers.mjs';

const EXTRA_SCRIPTS = {
  replication: 'replication.mjs',
  sentinel: 'sentinel-failover.mjs',
  confirm: 'confirmed-writes.mjs',
  cluster: 'cluster-failover.mjs',
};
// Everything runs by default: the node, replication and sentinel figures side by side with Redis.
const DEFAULT_SECTIONS = ['throughput', 'scripting', 'memory', 'latency', 'replicas', 'topology', ...Object.keys(EXTRA_SCRIPTS)];

function runScript(file) {
  return new Promise((resolve) => {
    const child = track(spawn(process.execPath, [join(ROOT, 'test', 'bench', file)], { stdio: 'inherit' }));
    child.on('exit', (code) => resolve(code));
  });
}

async function main() {
  const sections = option('only', DEFAULT_SECTIONS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = DEFAULT_SECTIONS;
  const unknown = sections.filter((s) => !known.includes(s));
  if (unknown.length > 0) {
    console.error(`unknown section(s): ${unknown.join(', ')}; choose from ${known.join(', ')}`);
    process.exit(2);
  }
  requireTool('redis-server');
  requireTool('redis-benchmark');
  if (sections.includes('topology')) requireTool('redis-sentinel');
  const check = process.argv.includes('--check');
  // Every section, here or in a spawned script, records its measured values in this file.
  const resultsDir = mkdtempSync(join(tmpdir(), 'clusterctl-bench-results-'));
  process.env.CLUSTERCTL_BENCH_RESULTS = join(resultsDir, 'results.jsonl');
  process.on('exit', () => rmSync(resultsDir, { recursive: true, force: true }));
  const requests = Number(option('requests', '200000'));
  const keys = Number(option('keys', '1000000'));
  const pipelines = option('pipelines', '1,16').split(',').map(Number);
  const rounds = Number(option('rounds', '3'));
  console.log(`# clusterctl-node vs redis-server (node ${process.version}, ${new Date().toISOString()})`);

  if (sections.includes('throughput')) await throughput({ requests, pipelines, rounds });
  if (sections.includes('scripting')) await scripting({ requests: Math.min(requests, 100_000), rounds });
  const datasetSections = sections.filter((s) => s === 'memory' || s === 'latency');
  if (datasetSections.length > 0) await dataset({ keys, sections: datasetSections });
  if (sections.includes('replicas')) await replicas({ requests, rounds });
  if (sections.includes('topology')) await topology({ requests, rounds });
  for (const [section, file] of Object.entries(EXTRA_SCRIPTS)) {
    if (sections.includes(section)) {
      console.log(`\n## ${section} (${file})\n`);
      await runScript(file);
    }
  }
  if (check) {
    const failed = judge();
    if (failed.length > 0) {
      console.error(`\nbench --check: ${failed.length} target(s) missed:\n${failed.map((f) => `  - ${f}`).join('\n')}`);
      process.exitCode = 1;
    } else {
      console.log('\nbench --check: every measured target met');
    }
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(cleanup);
