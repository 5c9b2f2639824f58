// Throughput: redis-benchmark against redis-server and our node in the same run with the same
// settings (-c 50 -n <requests>), one test per redis-benchmark process, the two servers taking
// turns run by run (median of --rounds runs each) so that background load hits both alike. Prints requests/s
// and the ratio ours/redis. A test our node cannot run yet (unknown command) shows "n/a".

import { spawn } from 'node:child_process';
import { formatNumber, printTable, startServer, stopServer, track } from './lib/servers.mjs';

const TESTS = [
  { name: 'SET', args: ['-t', 'set'] },
  { name: 'GET', args: ['-t', 'get'] },
  { name: 'INCR', args: ['-t', 'incr'] },
  { name: 'LPUSH', args: ['-t', 'lpush'] },
  { name: 'LPOP', args: ['-t', 'lpop'] },
  { name: 'SADD', args: ['-t', 'sadd'] },
  { name: 'HSET', args: ['-t', 'hset'] },
  { name: 'ZADD', args: ['-r', '100000', 'zadd', 'myzset', '__rand_int__', 'member:__rand_int__'] },
  // Points spread over a 1x1 degree square (13-14 E, 38-39 N); the search then finds a few dozen.
  { name: 'GEOADD', args: ['-r', '100000', 'geoadd', 'mygeo', '13.__rand_int__', '38.__rand_int__', 'member:__rand_int__'] },
  { name: 'GEOSEARCH', args: ['geosearch', 'mygeo', 'FROMLONLAT', '13.5', '38.5', 'BYRADIUS', '1', 'km', 'ASC', 'COUNT', '10'] },
  // __rand_int__ is zero-padded (000000012345), which SETBIT refuses as an offset: one fixed bit of
  // a 12.5 KB bitmap, which BITCOUNT then counts whole. The HLL turns dense during the warm-up.
  { name: 'SETBIT', args: ['setbit', 'mybitmap', '99999', '1'] },
  { name: 'BITCOUNT', args: ['bitcount', 'mybitmap'] },
  { name: 'PFADD', args: ['-r', '100000', 'pfadd', 'myhll', 'element:__rand_int__'] },
  { name: 'PFCOUNT', args: ['pfcount', 'myhll'] },
  { name: 'SET -d 1024', args: ['-t', 'set', '-d', '1024'] },
  { name: 'GET -d 1024', args: ['-t', 'get', '-d', '1024'] },
];

/**
 * Runs one redis-benchmark; resolves to requests/s, or to a short reason when it failed. A hard
 * timeout guards against redis-benchmark retrying forever when the server is unreachable.
 */
function redisBenchmark(port, args, requests, timeoutMs) {
  return new Promise((resolveRun) => {
    const argv = ['-h', '127.0.0.1', '-p', String(port), '-c', '50', '-n', String(requests), '-q', ...args];
    const child = track(spawn('redis-benchmark', argv, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => resolveRun({ error: error.message }));
    child.on('exit', () => {
      clearTimeout(timer);
      const lines = output.split(/[\r\n]+/);
      const serverError = lines.find((l) => l.includes('Error from server') || l.startsWith('ERR'));
      if (serverError) return resolveRun({ error: serverError.replace(/^.*Error from server: /, '').slice(0, 60) });
      const result = lines.map((l) => /: ([\d.]+) requests per second/.exec(l)).find(Boolean);
      resolveRun(result ? { rps: Number(result[1]) } : { error: 'no result (timeout?)' });
    });
  });
}

const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)];
};

export async function throughput({ requests = 200_000, pipelines = [1, 16], rounds = 3 } = {}) {
  console.log(`\n## Throughput: redis-benchmark -c 50 -n ${requests}, -P ${pipelines.join(' and -P ')}, median of ${rounds} alternating runs\n`);
  const redis = await startServer('redis');
  const ours = await startServer('ours');
  const rows = [];
  try {
    // Warm up both (our JIT compiles the hot path; redis fills its allocator) before measuring.
    for (const server of [redis, ours]) {
      for (const test of TESTS) await redisBenchmark(server.port, ['-P', '16', ...test.args], 20_000, 60_000);
    }
    for (const pipeline of pipelines) {
      for (const test of TESTS) {
        const args = ['-P', String(pipeline), ...test.args];
        // Generous: only a hang (or a server that stopped answering) trips it.
        const timeoutMs = Math.max(60_000, requests * 2);
        const runs = { redis: [], ours: [] };
        const errors = {};
        for (let round = 0; round < rounds; round++) {
          // Alternate who goes first, so a burst of background load does not always hit one side.
          for (const server of round % 2 === 0 ? [redis, ours] : [ours, redis]) {
            if (errors[server.engine]) continue;
            const result = await redisBenchmark(server.port, args, requests, timeoutMs);
            if (result.rps) runs[server.engine].push(result.rps);
            else errors[server.engine] = result.error;
          }
        }
        const r = median(runs.redis);
        const o = median(runs.ours);
        const cell = (value, engine) => (Number.isFinite(value) ? formatNumber(value) : `n/a (${errors[engine]})`);
        const ratio = Number.isFinite(r) && Number.isFinite(o) ? (o / r).toFixed(2) : 'n/a';
        rows.push([test.name, `P${pipeline}`, cell(r, 'redis'), cell(o, 'ours'), ratio]);
        console.log(`  ${test.name} P${pipeline}: redis ${rows.at(-1)[2]}, ours ${rows.at(-1)[3]}, ratio ${ratio}`);
      }
    }
  } finally {
    await stopServer(ours);
    await stopServer(redis);
  }
  console.log('');
  printTable(['test', 'pipeline', 'redis req/s', 'ours req/s', 'ours/redis'], rows);
  return rows;
}
