// Throughput: redis-benchmark against redis-server and our node in the same run with the same
// settings (-c 50 -n <requests>), one test per redis-benchmark process, the two servers taking
// turns run by run (median of --rounds runs each) so that background load hits both alike. Prints
// requests/s and the ratio ours/redis, the server's CPU per request (user+sys from /proc) and the
// p99 / worst latency; per pipeline depth, the CPU per request over all tests together. A test our
// node cannot run yet (unknown command) shows "n/a".

import { record } from './lib/checks.mjs';
import { median, runBenchmark } from './lib/redis-benchmark.mjs';
import { formatNumber, printTable, startServer, stopServer } from './lib/servers.mjs';

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

export async function throughput({ requests = 200_000, pipelines = [1, 16], rounds = 3 } = {}) {
  console.log(`\n## Throughput: redis-benchmark -c 50 -n ${requests}, -P ${pipelines.join(' and -P ')}, median of ${rounds} alternating runs\n`);
  const redis = await startServer('redis');
  const ours = await startServer('ours');
  const rows = [];
  const cpuRows = [];
  try {
    // Warm up both (our JIT compiles the hot path; redis fills its allocator) before measuring.
    for (const server of [redis, ours]) {
      for (const test of TESTS) await runBenchmark(server.port, ['-P', '16', ...test.args], { requests: 20_000 });
    }
    for (const pipeline of pipelines) {
      const cpu = { redis: 0, ours: 0, requests: 0 };
      for (const test of TESTS) {
        const args = ['-P', String(pipeline), ...test.args];
        const runs = { redis: [], ours: [] };
        const errors = {};
        for (let round = 0; round < rounds; round++) {
          // Alternate who goes first, so a burst of background load does not always hit one side.
          for (const server of round % 2 === 0 ? [redis, ours] : [ours, redis]) {
            if (errors[server.engine]) continue;
            const result = await runBenchmark(server.port, args, { requests, pid: server.pid });
            if (result.rps) runs[server.engine].push(result);
            else errors[server.engine] = result.error;
          }
        }
        const m = (engine, field) => median(runs[engine].map((r) => r[field]));
        const r = m('redis', 'rps');
        const o = m('ours', 'rps');
        const cell = (value, engine) => (Number.isFinite(value) ? formatNumber(value) : `n/a (${errors[engine]})`);
        const ratio = Number.isFinite(r) && Number.isFinite(o) ? (o / r).toFixed(2) : 'n/a';
        const us = (engine) => (Number.isFinite(m(engine, 'cpuUs')) ? m(engine, 'cpuUs').toFixed(2) : 'n/a');
        const ms = (engine) => `${m(engine, 'p99')}/${m(engine, 'max')}`;
        rows.push([test.name, `P${pipeline}`, cell(r, 'redis'), cell(o, 'ours'), ratio, us('redis'), us('ours'), ms('redis'), ms('ours')]);
        console.log(`  ${test.name} P${pipeline}: redis ${rows.at(-1)[2]}, ours ${rows.at(-1)[3]}, ratio ${ratio}; µs/req ${us('redis')} / ${us('ours')}; p99/max ms ${ms('redis')} / ${ms('ours')}`);
        if (errors.redis || errors.ours) continue;
        cpu.redis += m('redis', 'cpuUs');
        cpu.ours += m('ours', 'cpuUs');
        cpu.requests++;
        // Issue 17's latency targets: p99 within 1.5x at -P 1, -P 16 and with 1 KB values.
        const p99Key = test.name.includes('-d 1024') ? 'throughput.p99-d1024' : pipeline === 1 ? 'throughput.p99-p1' : pipeline === 16 ? 'throughput.p99-p16' : undefined;
        if (p99Key) record(p99Key, m('ours', 'p99') / m('redis', 'p99'), `${test.name} P${pipeline}`);
        record('latency.worst-ms', Math.max(...runs.ours.map((x) => x.max)), `${test.name} P${pipeline}`);
      }
      // CPU per request over the tests both could run (each test's median µs/req, averaged).
      const perRequest = { redis: cpu.redis / cpu.requests, ours: cpu.ours / cpu.requests };
      cpuRows.push([`P${pipeline}`, perRequest.redis.toFixed(2), perRequest.ours.toFixed(2), (perRequest.ours / perRequest.redis).toFixed(2), String(cpu.requests)]);
      if (pipeline === 16) record('throughput.cpu-p16', perRequest.ours / perRequest.redis, `mean over ${cpu.requests} tests`);
    }
  } finally {
    await stopServer(ours);
    await stopServer(redis);
  }
  console.log('');
  printTable(['test', 'pipeline', 'redis req/s', 'ours req/s', 'ours/redis', 'redis µs/req', 'ours µs/req', 'redis p99/max ms', 'ours p99/max ms'], rows);
  console.log('');
  printTable(['server CPU per request', 'redis µs', 'ours µs', 'ours/redis', 'tests'], cpuRows);
  return rows;
}
