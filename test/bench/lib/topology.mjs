// Starts a replicated topology for the benchmarks, ours or Redis's alike: a master, N replicas
// (replicaof at start) and optionally 3 sentinels (quorum 2), and waits until it is settled: every
// replica online at the master and every sentinel seeing all replicas and the other sentinels.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { writeSentinelConfig } from './sentinel-config.mjs';
import { freePort, projectBin, rawCommand, sleep, startServer, track } from './servers.mjs';

// Sentinel config dirs are ours (startServer's dirs are removed by cleanup()).
const confDirs = new Set();
process.on('exit', () => {
  for (const dir of confDirs) rmSync(dir, { recursive: true, force: true });
});

/** Polls `fn` every 50 ms until it resolves truthy; throws after `timeoutMs`. */
export async function until(what, fn, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** An INFO section as a field -> value object (over a fresh connection). */
export async function infoFields(port, section) {
  const text = await rawCommand(port, `INFO ${section}`);
  return Object.fromEntries(text.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
}

export async function startSentinel(engine, dir, masterPort, downAfterMs) {
  const port = await freePort();
  const conf = writeSentinelConfig(dir, port, masterPort, downAfterMs);
  const child = track(engine === 'redis' ? spawn('redis-sentinel', [conf], { stdio: 'ignore' }) : spawn(process.execPath, [projectBin(engine, 'clusterctl-sentinel'), conf], { stdio: 'ignore' }));
  await until(`sentinel on ${port}`, async () => child.exitCode === null && (await rawCommand(port, 'PING', 1000)) === '+PONG\r\n');
  return { port, pid: child.pid, child };
}

/**
 * Master + `replicas` replicas (+ 3 sentinels when `sentinels`), engine 'ours', 'baseline' or 'redis'; returns
 * { master, replicas, sentinels } once every replica is online and every sentinel sees them all.
 */
export async function startTopology(engine, { replicas = 2, sentinels = false, downAfterMs = 1000, directives = {} } = {}) {
  const master = await startServer(engine, directives);
  const started = [];
  for (let i = 0; i < replicas; i++) started.push(await startServer(engine, { ...directives, replicaof: `127.0.0.1 ${master.port}` }));
  await until(`${engine} master to see ${replicas} online replicas`, async () => {
    const info = await infoFields(master.port, 'replication');
    return Object.entries(info).filter(([k, v]) => /^slave\d+$/.test(k) && v.includes('state=online')).length === replicas;
  });
  const watchers = [];
  if (sentinels) {
    const dir = mkdtempSync(join(tmpdir(), `clusterctl-bench-topology-${engine}-`));
    confDirs.add(dir);
    for (let i = 0; i < 3; i++) watchers.push(await startSentinel(engine, dir, master.port, downAfterMs));
    const clients = watchers.map((s) => new Redis({ port: s.port, host: '127.0.0.1', enableReadyCheck: false, lazyConnect: true }));
    try {
      await until(`${engine} sentinels to see ${replicas} replicas and 2 other sentinels`, async () => {
        const views = await Promise.all(clients.map((c) => c.call('SENTINEL', 'MASTER', 'm')));
        return views.every((flat) => {
          const v = Object.fromEntries(flat.flatMap((x, i) => (i % 2 === 0 ? [[x, flat[i + 1]]] : [])));
          return v['num-slaves'] === String(replicas) && v['num-other-sentinels'] === '2';
        });
      });
    } finally {
      for (const c of clients) c.disconnect();
    }
  }
  return { master, replicas: started, sentinels: watchers };
}
