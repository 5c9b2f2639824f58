// Cluster failover benchmark (issue "Faster"), our nodes and redis-server side by side in one run:
// 3 masters x 1 replica made by `redis-cli --cluster create`, cluster-node-timeout 2000; an ioredis
// Cluster client writes one key every 2 ms; the key's master is SIGKILLed; measured: time from the
// kill to the first write acknowledged (a write sent after the kill), and to the new master's
// promotion as CLUSTER NODES of a surviving master shows it. Rounds alternate the engines on fresh
// clusters; medians and ours/redis are printed (recorded for --check: at most 0.6).
// Then the soak: for --soak seconds per engine, no node is killed while two CPU burners run and the
// client writes 64 KB values to every shard (allocation-heavy: GC pauses in our nodes); every
// failover there is a false one: the count of elections (cluster_current_epoch increases) and of
// master changes, and the PFAIL/FAIL flags seen, are printed.
// Usage: node test/bench/cluster-failover.mjs [--rounds 5] [--engines ours,redis] [--soak 120]
//        (after `npm run build`; run-all.mjs runs it as section `cluster`)

import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { record } from './lib/checks.mjs';
import { option } from './lib/options.mjs';
import { cleanup, freePort, rawCommand, ROOT, sleep, track } from './lib/servers.mjs';

const run = promisify(execFile);
const NODE_BIN = join(ROOT, 'bin', 'clusterctl-node');
const ROUNDS = Number(option('rounds', '5'));
const ENGINES = option('engines', 'ours,redis').split(',');
const SOAK_SECONDS = Number(option('soak', '120'));
const NODE_TIMEOUT = 2000;
const KEY = 'bench:failover';

/** A client port whose bus port (+10000) is free and below 65536. */
async function clusterPort(taken) {
  for (;;) {
    const port = await freePort();
    if (port + 10000 > 65535 || taken.has(port) || taken.has(port + 10000)) continue;
    try {
      const bus = await new Promise((res, rej) => {
        const s = createServer();
        s.once('error', rej);
        s.listen(port + 10000, '127.0.0.1', () => s.close(() => res(true)));
      });
      if (bus) {
        taken.add(port);
        taken.add(port + 10000);
        return port;
      }
    } catch {
      // taken: try another
    }
  }
}

async function startNode(engine, dir, port) {
  const argv = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--logfile', join(dir, `n${port}.log`), '--save', '',
    '--appendonly', 'no', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
    '--cluster-node-timeout', String(NODE_TIMEOUT),
  ];
  const child = track(engine === 'redis' ? spawn('redis-server', argv, { stdio: 'ignore' }) : spawn(process.execPath, [NODE_BIN, ...argv], { stdio: 'ignore' }));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${engine} on ${port} exited at start`);
    try {
      if ((await rawCommand(port, 'PING', 1000)) === '+PONG\r\n') return { engine, port, child };
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${engine} on ${port} did not answer`);
    await sleep(50);
  }
}

async function nodesLines(port) {
  const text = await rawCommand(port, 'CLUSTER NODES', 2000);
  return text
    .replace(/^\$\d+\r\n/, '')
    .trim()
    .split('\n')
    .filter((l) => l.includes(':'))
    .map((l) => {
      const f = l.trim().split(' ');
      return { id: f[0], port: Number(f[1].split(':')[1].split('@')[0]), flags: f[2].split(','), master: f[3], slots: f.slice(8) };
    });
}

async function infoField(port, command, field) {
  const text = await rawCommand(port, command, 2000);
  return new RegExp(`${field}:(\\S+)`).exec(text)?.[1];
}

/** Six nodes of `engine` made a 3 x 1 cluster; resolves once every node is ok and every replica synced. */
async function makeCluster(engine) {
  const dir = mkdtempSync(join(tmpdir(), `bench-cluster-${engine}-`));
  const taken = new Set();
  const ports = [];
  for (let i = 0; i < 6; i++) ports.push(await clusterPort(taken));
  const nodes = await Promise.all(ports.map((p) => startNode(engine, dir, p)));
  await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 60_000 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const states = await Promise.all(ports.map((p) => infoField(p, 'CLUSTER INFO', 'cluster_state')));
      const views = await Promise.all(ports.map((p) => nodesLines(p)));
      const replicas = views[0].filter((l) => l.flags.includes('slave'));
      const links = await Promise.all(replicas.map((r) => infoField(r.port, 'INFO replication', 'master_link_status')));
      if (states.every((s) => s === 'ok') && views.every((v) => v.length === 6 && v.every((l) => !l.flags.some((f) => /fail|handshake/.test(f)))) &&
        replicas.length === 3 && links.every((s) => s === 'up')) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${engine} cluster did not converge`);
    await sleep(200);
  }
  return { dir, nodes, ports };
}

function stopCluster(cluster) {
  for (const node of cluster.nodes) node.child.kill('SIGKILL');
  if (!process.env.BENCH_KEEP_LOGS) rmSync(cluster.dir, { recursive: true, force: true });
}

function client(port, extra = {}) {
  const c = new Cluster([{ host: '127.0.0.1', port }], { ...extra });
  c.on('error', () => {});
  return c;
}

/** One round: kill the master of KEY's slot, time the first write acknowledged after that. */
async function round(engine) {
  const cluster = await makeCluster(engine);
  try {
    const slot = Number((await rawCommand(cluster.ports[0], `CLUSTER KEYSLOT ${KEY}`)).replace(/^:/, ''));
    const lines = await nodesLines(cluster.ports[0]);
    const owner = lines.find((l) => l.flags.includes('master') && l.slots.some((r) => {
      const [a, b = a] = r.split('-').map(Number);
      return slot >= a && slot <= b;
    }));
    const victim = cluster.nodes.find((n) => n.port === owner.port);
    const survivor = cluster.nodes.find((n) => n !== victim && lines.find((l) => l.port === n.port).flags.includes('master'));
    const app = client(survivor.port);
    await app.set(KEY, 'warm');
    await sleep(500 + Math.random() * 1000); // a random phase against the nodes' cron and ping schedule
    let killedAt = 0;
    let firstWrite = 0;
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const sentAfterKill = killedAt > 0;
        try {
          await app.set(KEY, String(i));
          if (sentAfterKill && !firstWrite) firstWrite = Date.now();
        } catch {
          // keep writing
        }
        await sleep(2);
      }
    })();
    await sleep(200);
    victim.child.kill('SIGKILL');
    killedAt = Date.now();
    let promotedAt = 0;
    const deadline = killedAt + 30_000;
    while ((!firstWrite || !promotedAt) && Date.now() < deadline) {
      if (!promotedAt) {
        try {
          const now = await nodesLines(survivor.port);
          if (now.find((l) => l.id === owner.id)?.slots.length === 0) promotedAt = Date.now();
        } catch {
          // busy
        }
      }
      await sleep(10);
    }
    stop = true;
    await writer;
    app.disconnect();
    return { write: firstWrite ? firstWrite - killedAt : NaN, promoted: promotedAt ? promotedAt - killedAt : NaN };
  } finally {
    stopCluster(cluster);
  }
}

/** The soak: no kill; load and allocation-heavy writes; every election and master change counted. */
async function soak(engine, seconds) {
  const cluster = await makeCluster(engine);
  const burners = [0, 1].map(() => track(spawn(process.execPath, ['-e', 'const end = Date.now() + ' + seconds * 1000 + '; while (Date.now() < end) {}'], { stdio: 'ignore' })));
  const app = client(cluster.ports[0]);
  const big = 'x'.repeat(64 * 1024);
  let stop = false;
  let writes = 0;
  let failedWrites = 0;
  const writers = [0, 1, 2, 3].map(async (w) => {
    for (let i = 0; !stop; i++) {
      try {
        await app.set(`soak:${w}:${i % 500}`, big);
        writes++;
      } catch {
        failedWrites++;
      }
    }
  });
  const epoch0 = Number(await infoField(cluster.ports[0], 'CLUSTER INFO', 'cluster_current_epoch'));
  const masters = async () => (await nodesLines(cluster.ports[0])).filter((l) => l.flags.includes('master') && l.slots.length > 0).map((l) => l.id).sort().join();
  let mastersThen = await masters();
  let masterChanges = 0;
  let flagsSeen = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await sleep(500);
    try {
      const views = await Promise.all(cluster.ports.map((p) => nodesLines(p)));
      if (views.some((v) => v.some((l) => l.flags.some((f) => f === 'fail?' || f === 'fail')))) flagsSeen++;
      const now = await masters();
      if (now !== mastersThen) {
        masterChanges++;
        mastersThen = now;
      }
    } catch {
      // a node too busy to answer within 2 s: counted by nothing, looked at again
    }
  }
  stop = true;
  await Promise.all(writers);
  const epochs = await Promise.all(cluster.ports.map((p) => infoField(p, 'CLUSTER INFO', 'cluster_current_epoch')));
  app.disconnect();
  for (const b of burners) b.kill('SIGKILL');
  stopCluster(cluster);
  return { elections: Math.max(...epochs.map(Number)) - epoch0, masterChanges, flagsSeen, writes, failedWrites };
}

const median = (xs) => {
  const ok = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return ok.length === 0 ? NaN : ok[Math.floor(ok.length / 2)];
};
const LABEL = { ours: 'clusterctl-node', redis: 'redis-server   ' };

async function main() {
  const results = Object.fromEntries(ENGINES.map((e) => [e, []]));
  for (let i = 0; i < ROUNDS; i++) {
    for (const engine of ENGINES) {
      const r = await round(engine);
      results[engine].push(r);
      console.log(`  round ${i + 1} ${LABEL[engine]}: kill -> first write ${r.write} ms, -> promoted ${r.promoted} ms`);
    }
  }
  console.log(`\ncluster failover, 3 masters x 1 replica, cluster-node-timeout ${NODE_TIMEOUT}, ioredis Cluster, SIGKILL of the key's master:`);
  for (const engine of ENGINES) {
    const w = results[engine].map((r) => r.write);
    console.log(`  ${LABEL[engine]}: first write median ${median(w)} ms [${w.join(', ')}]; promoted median ${median(results[engine].map((r) => r.promoted))} ms`);
  }
  if (ENGINES.includes('ours') && ENGINES.includes('redis')) {
    const ratio = median(results.ours.map((r) => r.write)) / median(results.redis.map((r) => r.write));
    console.log(`  ours/redis (first write): ${ratio.toFixed(2)} (target <= 0.6)`);
    record('cluster.failover-write', ratio, `node-timeout ${NODE_TIMEOUT}`);
  }
  if (SOAK_SECONDS > 0) {
    console.log(`\nfalse failovers: ${SOAK_SECONDS} s per engine, no kill, 2 CPU burners, 4 writers of 64 KB values:`);
    for (const engine of ENGINES) {
      const s = await soak(engine, SOAK_SECONDS);
      console.log(
        `  ${LABEL[engine]}: elections ${s.elections}, master changes ${s.masterChanges}, polls with PFAIL/FAIL flags ${s.flagsSeen}; ` +
          `${s.writes} writes acknowledged, ${s.failedWrites} failed`,
      );
      if (engine === 'ours') record('cluster.false-failovers', s.elections + s.masterChanges, `${SOAK_SECONDS} s soak`);
    }
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(cleanup);
