// What confirmed replies cost: a master monitored by our sentinels holds each write's OK until a
// majority of them confirm a round (fence-confirm-writes yes, the default). redis-benchmark
// -t set -c 50 at each -P against three clusters of 1 master + 1 replica + 3 sentinels (quorum 2,
// down-after 1000 ms), all started once on free loopback ports, taking turns run by run:
//   1. clusterctl-node + clusterctl-sentinel, fence-confirm-writes yes
//   2. the same cluster after CONFIG SET fence-confirm-writes no (set before each of its runs)
//   3. redis-server + redis-sentinel
// A builtin run starts only once INFO fencing shows fence_active:1 and fence_acking_sentinels:3
// (else nothing is held); each variant 1 run prints its fence_confirm_rounds and fence_held_replies
// deltas (rounds per write: how well pipelined writes share a round). Median of --rounds runs.
// Usage: node test/bench/confirmed-writes.mjs [--requests 100000] [--rounds 3] [--pipelines 1,16]
//        (after `npm run build`)

import { spawn } from 'node:child_process';
import { option } from './lib/options.mjs';
import { cleanup, formatNumber, printTable, rawCommand, requireTool, track } from './lib/servers.mjs';
import { startTopology, until } from './lib/topology.mjs';

const REQUESTS = Number(option('requests', '100000'));
const ROUNDS = Number(option('rounds', '3'));
const PIPELINES = option('pipelines', '1,16').split(',').map(Number);

/** Master + 1 replica + 3 sentinels; waits until every sentinel sees the replica and the other two. */
async function startCluster(engine) {
  return (await startTopology(engine, { replicas: 1, sentinels: true })).master;
}

async function fencing(port) {
  const text = await rawCommand(port, 'INFO fencing');
  return Object.fromEntries(text.split('\r\n').filter((l) => l.includes(':')).map((l) => l.split(':')));
}

/** Sets fence-confirm-writes, then waits until the master is fenceable by all 3 sentinels (and not fenced). */
async function readyBuiltin(port, confirm) {
  const reply = await rawCommand(port, `CONFIG SET fence-confirm-writes ${confirm}`);
  if (reply !== '+OK\r\n') throw new Error(`CONFIG SET fence-confirm-writes ${confirm}: ${reply.trim()}`);
  await until('fence_active:1 and fence_acking_sentinels:3', async () => {
    const f = await fencing(port);
    return f.fence_active === '1' && f.fence_acking_sentinels === '3' && f.fenced === '0' && f.fence_confirm_writes === (confirm === 'yes' ? '1' : '0');
  });
}

/** One redis-benchmark -t set run (--csv); resolves to { rps, p50 } or throws. */
function benchSet(port, pipeline, requests) {
  return new Promise((resolveRun, reject) => {
    const argv = ['-h', '127.0.0.1', '-p', String(port), '-t', 'set', '-c', '50', '-n', String(requests), '-P', String(pipeline), '-q', '--csv'];
    const child = track(spawn('redis-benchmark', argv, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(60_000, requests * 2));
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      const row = output.split(/\r?\n/).find((l) => l.startsWith('"SET"'));
      if (!row) return reject(new Error(`redis-benchmark on ${port}: ${output.trim().slice(-200) || 'no output (timeout?)'}`));
      const cells = row.split(',').map((c) => Number(c.replaceAll('"', '')));
      resolveRun({ rps: cells[1], p50: cells[4] });
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

async function main() {
  console.log(`# Confirmed writes: redis-benchmark -t set -c 50 -n ${REQUESTS}, -P ${PIPELINES.join(' and -P ')}, median of ${ROUNDS} alternating runs`);
  console.log('# 1 master + 1 replica + 3 sentinels (quorum 2, down-after 1000 ms) per engine, all on 127.0.0.1\n');
  const ours = await startCluster('ours');
  const redis = await startCluster('redis');
  const variants = [
    { name: 'builtin, confirm-writes yes', port: ours.port, confirm: 'yes', runs: {} },
    { name: 'builtin, confirm-writes no', port: ours.port, confirm: 'no', runs: {} },
    { name: 'redis-server + redis-sentinel', port: redis.port, runs: {} },
  ];
  // Warm up (JIT, allocator) before measuring; not counted.
  for (const v of variants) {
    if (v.confirm) await readyBuiltin(v.port, v.confirm);
    await benchSet(v.port, 16, 20_000);
  }
  const deltas = {};
  for (const pipeline of PIPELINES) {
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so a burst of background load does not always hit the same variant.
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
        if (v.confirm) await readyBuiltin(v.port, v.confirm);
        const before = v.confirm ? await fencing(v.port) : null;
        const result = await benchSet(v.port, pipeline, REQUESTS);
        (v.runs[pipeline] ??= []).push(result);
        if (!before) continue;
        const after = await fencing(v.port);
        const rounds = after.fence_confirm_rounds - before.fence_confirm_rounds;
        const held = after.fence_held_replies - before.fence_held_replies;
        const line = `  ${v.name} P${pipeline} run ${round + 1}: ${formatNumber(result.rps)} req/s, p50 ${result.p50} ms; ` +
          `fence_confirm_rounds +${formatNumber(rounds)} (${(rounds / REQUESTS).toFixed(3)}/write), fence_held_replies +${formatNumber(held)}`;
        console.log(line);
        if (v.confirm === 'yes') {
          const d = (deltas[pipeline] ??= { rounds: 0, held: 0, writes: 0 });
          d.rounds += rounds;
          d.held += held;
          d.writes += REQUESTS;
        }
      }
    }
  }
  const rows = [];
  for (const pipeline of PIPELINES) {
    const redisRps = median(variants[2].runs[pipeline].map((r) => r.rps));
    for (const v of variants) {
      const rps = median(v.runs[pipeline].map((r) => r.rps));
      const p50 = median(v.runs[pipeline].map((r) => r.p50));
      rows.push([v.name, `P${pipeline}`, formatNumber(rps), p50.toFixed(3), (rps / redisRps).toFixed(2)]);
    }
  }
  console.log('');
  printTable(['variant', 'pipeline', 'requests/s', 'p50 ms', 'ratio to redis'], rows);
  console.log('\nVariant 1 (confirm-writes yes), master INFO fencing deltas over the measured runs:');
  for (const [pipeline, d] of Object.entries(deltas)) {
    console.log(
      `  P${pipeline}: ${formatNumber(d.writes)} writes, fence_confirm_rounds +${formatNumber(d.rounds)} ` +
        `(${(d.rounds / d.writes).toFixed(4)} rounds/write, ${(d.writes / Math.max(1, d.rounds)).toFixed(1)} writes/round), fence_held_replies +${formatNumber(d.held)}`,
    );
  }
}

for (const tool of ['redis-server', 'redis-sentinel', 'redis-benchmark']) requireTool(tool);
main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(cleanup);
