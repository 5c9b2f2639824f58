// Failover benchmark, clusterctl-sentinel and redis-sentinel side by side (issue "Sentinels"):
// 1 master + 2 replicas, 3 sentinels (quorum 2, down-after 1000 ms, failover-timeout 10000 ms), an
// ioredis client in sentinel mode writing every 2 ms; the master SIGKILLed (kill) or SIGSTOPped
// (pause: it holds its sockets open, so the client needs a command timeout and the sentinels'
// +switch-master to leave it); measured: time from the fault to the first successful write, and to all sentinels agreeing on
// the new master.
// Usage: node test/bench/sentinel-failover.mjs [--runs 5] [--nodes builtin|redis] [--sentinels builtin,redis] [--faults kill,pause]
//        (after `npm run build`)

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { option } from './lib/options.mjs';
import { writeSentinelConfig } from './lib/sentinel-config.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE_BIN = join(ROOT, 'bin', 'clusterctl-node');
const SENTINEL_BIN = join(ROOT, 'bin', 'clusterctl-sentinel');
const RUNS = Number(option('--runs', '5'));
const NODES = option('--nodes', 'builtin');
const SENTINELS = option('--sentinels', 'builtin,redis').split(',');
const FAULTS = option('--faults', 'kill,pause').split(',');
const DOWN_AFTER = 1000;
const children = new Set();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function until(fn, timeout = 20_000) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

function spawnTracked(cmd, argv) {
  const child = spawn(cmd, argv, { stdio: 'ignore' });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function ping(port) {
  const c = new Redis({ port, lazyConnect: true, retryStrategy: () => null, enableReadyCheck: false, maxRetriesPerRequest: 0 });
  c.on('error', () => {});
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } finally {
    c.disconnect();
  }
}

async function startNode(dir, replicaof) {
  const port = await freePort();
  const argv = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--logfile', join(dir, `n${port}.log`), '--save', ''];
  if (replicaof) argv.push('--replicaof', '127.0.0.1', String(replicaof));
  const child = NODES === 'redis' ? spawnTracked('redis-server', argv) : spawnTracked(process.execPath, [NODE_BIN, ...argv]);
  await until(() => ping(port));
  return { port, child };
}

async function startSentinel(engine, dir, masterPort) {
  const port = await freePort();
  const conf = writeSentinelConfig(dir, port, masterPort, DOWN_AFTER);
  const child = engine === 'redis' ? spawnTracked('redis-sentinel', [conf]) : spawnTracked(process.execPath, [SENTINEL_BIN, conf]);
  await until(() => ping(port));
  return { port, child, client: new Redis({ port, enableReadyCheck: false }) };
}

async function masterView(client) {
  const flat = await client.call('SENTINEL', 'MASTER', 'm');
  const out = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

async function run(engine, fault) {
  const dir = mkdtempSync(join(tmpdir(), `bench-sentinel-${engine}-`));
  const master = await startNode(dir);
  const replicas = [await startNode(dir, master.port), await startNode(dir, master.port)];
  const sentinels = [];
  for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(engine, dir, master.port));
  await until(async () => {
    const views = await Promise.all(sentinels.map((s) => masterView(s.client)));
    return views.every((v) => v['num-slaves'] === '2' && v['num-other-sentinels'] === '2');
  });
  await sleep(1500 + Math.random() * 1000); // random phase against the sentinels' ping schedule
  const app = new Redis({
    sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
    name: 'm',
    maxRetriesPerRequest: null,
    // A paused master keeps its socket open: the client gives up on a command after 200 ms and
    // learns the switch from the sentinels' +switch-master (ioredis failoverDetector).
    ...(fault === 'pause' ? { commandTimeout: 200, failoverDetector: true } : {}),
  });
  app.on('error', () => {});
  await app.set('warmup', '1');
  let stop = false;
  let killedAt = 0;
  let firstWrite = 0;
  const writer = (async () => {
    for (let i = 0; !stop; i++) {
      // Only a write sent after the kill counts: one answered by the old master just before the
      // signal landed would read as a failover in no time.
      const sentAfterKill = killedAt > 0;
      try {
        await app.set(`k${i % 1000}`, String(i));
        if (sentAfterKill && !firstWrite) firstWrite = Date.now();
      } catch {
        // keep writing
      }
      await sleep(2);
    }
  })();
  await sleep(300);
  master.child.kill(fault === 'pause' ? 'SIGSTOP' : 'SIGKILL');
  killedAt = Date.now();
  const agreed = await until(async () => {
    const all = await Promise.all(sentinels.map((s) => s.client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'm')));
    return all.every((a) => a && a[1] !== String(master.port) && a[1] === all[0][1]) ? Date.now() : 0;
  });
  await until(() => firstWrite > 0);
  stop = true;
  await writer;
  app.disconnect();
  for (const s of sentinels) {
    s.client.disconnect();
    s.child.kill('SIGKILL');
  }
  for (const r of replicas) r.child.kill('SIGKILL');
  master.child.kill('SIGKILL');
  await sleep(100);
  rmSync(dir, { recursive: true, force: true });
  return { write: firstWrite - killedAt, agree: agreed - killedAt };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  for (const fault of FAULTS) for (const engine of SENTINELS) {
    const results = [];
    for (let i = 0; i < RUNS; i++) results.push(await run(engine, fault));
    const label = engine === 'redis' ? 'redis-sentinel     ' : 'clusterctl-sentinel';
    console.log(
      `${label} (nodes: ${NODES}, down-after ${DOWN_AFTER} ms): ${fault} -> first write median ${median(results.map((r) => r.write))} ms ` +
        `[${results.map((r) => r.write).join(', ')}]; all sentinels agree median ${median(results.map((r) => r.agree))} ms`,
    );
  }
} finally {
  for (const child of children) child.kill('SIGKILL');
}
