// Replication benchmarks, ours and redis-server side by side in one run (issue "Replication"):
//  1. full sync of N keys x 100 bytes: seconds until the replica reports link up and sync done,
//     with the master's p99 / worst PING latency measured while the sync runs;
//  2. write throughput (redis-benchmark SET -P 16) with 0 and with 2 attached replicas;
//  3. a 2 s outage: bytes the master sent for the partial resync vs the stream it missed.
// Usage: node test/bench/replication.mjs [--keys 1000000]   (after `npm run build`)

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { record } from './lib/checks.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE_BIN = join(ROOT, 'bin', 'clusterctl-node');
const args = process.argv.slice(2);
const KEYS = Number(args[args.indexOf('--keys') + 1] || 1_000_000) || 1_000_000;
const started = [];

function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function start(engine, config = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `bench-${engine}-`));
  const log = join(dir, 'node.log');
  const directives = { port, bind: '127.0.0.1', dir, logfile: log, save: '', 'repl-diskless-sync-delay': '0', ...config };
  const argv = Object.entries(directives).flatMap(([k, v]) => [`--${k}`, ...(v === '' ? [''] : String(v).split(' '))]);
  const child =
    engine === 'redis'
      ? spawn('redis-server', argv, { stdio: 'ignore' })
      : spawn(process.execPath, [NODE_BIN, ...argv], { stdio: 'ignore' });
  const connect = () => {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
    client.on('error', () => {});
    return client;
  };
  const node = { engine, port, dir, log, child, client: connect() };
  started.push(node);
  for (let i = 0; i < 200; i++) {
    try {
      await node.client.connect();
      await node.client.ping();
      return node;
    } catch {
      node.client.disconnect();
      node.client = connect();
      await sleep(50);
    }
  }
  throw new Error(`${engine} on ${port} did not start`);
}

async function stop(node) {
  node.client.disconnect();
  if (node.child.exitCode === null) {
    node.child.kill('SIGKILL');
    await new Promise((r) => node.child.once('exit', r));
  }
  rmSync(node.dir, { recursive: true, force: true });
}

async function info(client, section) {
  const text = await client.info(section);
  return Object.fromEntries(text.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
}

async function populate(client, count) {
  const value = 'v'.repeat(100);
  const batch = 10_000;
  for (let i = 0; i < count; i += batch) {
    const pipeline = client.pipeline();
    for (let j = i; j < Math.min(count, i + batch); j++) pipeline.set(`key:${j}`, value);
    await pipeline.exec();
  }
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function fullSync(engine) {
  // Redis's own figure was taken with disk sync and no delay; ours streams from memory either way.
  const master = await start(engine, engine === 'redis' ? { 'repl-diskless-sync': 'no' } : {});
  await populate(master.client, KEYS);
  const pinger = new Redis({ port: master.port, host: '127.0.0.1' });
  const latencies = [];
  let pinging = true;
  const pingLoop = (async () => {
    while (pinging) {
      const t = process.hrtime.bigint();
      await pinger.ping();
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  })();
  const replica = await start(engine);
  const t0 = Date.now();
  await replica.client.replicaof('127.0.0.1', String(master.port));
  for (;;) {
    const r = await info(replica.client, 'replication');
    if (r.master_link_status === 'up' && r.master_sync_in_progress === '0') break;
    await sleep(20);
  }
  const seconds = (Date.now() - t0) / 1000;
  pinging = false;
  await pingLoop;
  pinger.disconnect();
  const keys = await replica.client.dbsize();
  await stop(replica);
  await stop(master);
  const sorted = latencies.sort((a, b) => a - b);
  return { seconds, keys, p99: percentile(sorted, 0.99), worst: sorted.at(-1) ?? 0 };
}

function benchmarkSet(port) {
  const out = execFileSync('redis-benchmark', ['-p', String(port), '-t', 'set', '-n', '200000', '-c', '50', '-P', '16', '-q'], {
    encoding: 'latin1',
  });
  const match = /SET: ([\d.]+) requests per second/.exec(out.replace(/\r/g, '\n'));
  return match ? Number(match[1]) : NaN;
}

async function throughputWithReplicas(engine) {
  const master = await start(engine);
  const alone = benchmarkSet(master.port);
  const replicas = [await start(engine, { replicaof: `127.0.0.1 ${master.port}` }), await start(engine, { replicaof: `127.0.0.1 ${master.port}` })];
  for (;;) {
    if ((await info(master.client, 'replication')).connected_slaves === '2') break;
    await sleep(50);
  }
  const withTwo = benchmarkSet(master.port);
  for (const r of replicas) await stop(r);
  await stop(master);
  return { alone, withTwo, ratio: withTwo / alone };
}

async function partialAfterOutage(engine) {
  // A backlog large enough for 2 s of writes, so the resync can be partial.
  const master = await start(engine, { 'repl-backlog-size': '64mb' });
  const replica = await start(engine, { replicaof: `127.0.0.1 ${master.port}` });
  for (;;) {
    const r = await info(replica.client, 'replication');
    if (r.master_link_status === 'up') break;
    await sleep(50);
  }
  await master.client.set('warm', '1');
  await sleep(1200);
  const before = Number((await info(master.client, 'replication')).master_repl_offset);
  replica.child.kill('SIGSTOP');
  await master.client.client('KILL', 'TYPE', 'replica');
  const deadline = Date.now() + 2000;
  let i = 0;
  while (Date.now() < deadline) await master.client.set(`outage:${i++ % 1000}`, 'x'.repeat(100));
  const after = Number((await info(master.client, 'replication')).master_repl_offset);
  replica.child.kill('SIGCONT');
  let sent = NaN;
  for (let tries = 0; tries < 200 && Number.isNaN(sent); tries++) {
    const match = /Sending (\d+) bytes of backlog starting from offset/.exec(readFileSync(master.log, 'utf8'));
    if (match) sent = Number(match[1]);
    else await sleep(50);
  }
  const stats = await info(master.client, 'stats');
  await stop(replica);
  await stop(master);
  return { missed: after - before, sent, fullSyncs: Number(stats.sync_full) };
}

const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

async function main() {
  if (ONLY === 'partial') {
    for (const engine of ['builtin', 'redis']) console.log(engine, await partialAfterOutage(engine));
    return;
  }
  console.log(`Replication benchmarks (${KEYS.toLocaleString()} keys for the full sync)`);
  const sync = { builtin: await fullSync('builtin'), redis: await fullSync('redis') };
  console.log('\nFull sync          ours        redis       ours/redis');
  console.log(`  seconds          ${sync.builtin.seconds.toFixed(2).padEnd(12)}${sync.redis.seconds.toFixed(2).padEnd(12)}${(sync.builtin.seconds / sync.redis.seconds).toFixed(2)}`);
  console.log(`  master PING p99  ${sync.builtin.p99.toFixed(2).padEnd(12)}${sync.redis.p99.toFixed(2).padEnd(12)}(ms)`);
  console.log(`  master PING max  ${sync.builtin.worst.toFixed(2).padEnd(12)}${sync.redis.worst.toFixed(2).padEnd(12)}(ms)`);
  console.log(`  keys on replica  ${String(sync.builtin.keys).padEnd(12)}${sync.redis.keys}`);
  record('sync.time', sync.builtin.seconds / sync.redis.seconds, `${KEYS.toLocaleString('en-US')} keys`);
  record('sync.ping-p99-ms', sync.builtin.p99);
  record('sync.ping-max-ms', sync.builtin.worst);
  const tp = { builtin: await throughputWithReplicas('builtin'), redis: await throughputWithReplicas('redis') };
  console.log('\nSET -P 16 req/s    no replicas  2 replicas  with/without');
  for (const [name, r] of Object.entries(tp)) {
    console.log(`  ${name.padEnd(17)}${Math.round(r.alone).toString().padEnd(13)}${Math.round(r.withTwo).toString().padEnd(12)}${r.ratio.toFixed(2)}`);
  }
  const partial = { builtin: await partialAfterOutage('builtin'), redis: await partialAfterOutage('redis') };
  console.log('\nPartial resync after a 2 s outage');
  for (const [name, r] of Object.entries(partial)) {
    console.log(`  ${name.padEnd(8)} stream missed ${r.missed} bytes, backlog sent ${r.sent} bytes, full syncs ${r.fullSyncs - 1}`);
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const node of started) if (node.child.exitCode === null) node.child.kill('SIGKILL');
  });
