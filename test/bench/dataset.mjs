// Memory and snapshot latency on a loaded dataset, redis-server and our node side by side:
//  memory:  RSS (VmRSS of /proc/<pid>/status) before and after loading N keys of 100-byte values
//           with pipelined SETs, and the ratio ours/redis;
//  latency: p50 / p99 / worst GET round trip of one client looping GETs while BGSAVE of those keys
//           runs (and, for reference, before it). "n/a" while our node has no BGSAVE.

import { record } from './lib/checks.mjs';
import { formatBytes, printTable, rawCommand, rss, sleep, startServer, stopServer } from './lib/servers.mjs';
import { keyName, PipelineClient, percentiles } from './lib/pipeline-client.mjs';

const VALUE_SIZE = 100;

async function load(server, keys) {
  const client = new PipelineClient(server.port);
  await client.open();
  const started = Date.now();
  await client.loadKeys(keys, VALUE_SIZE);
  client.close();
  return (Date.now() - started) / 1000;
}

function usedMemory(infoText) {
  return Number(/used_memory:(\d+)/.exec(infoText)?.[1]);
}

async function infoField(port, section, field) {
  const text = await rawCommand(port, `INFO ${section}`);
  return new RegExp(`${field}:([^\\r]*)`).exec(text)?.[1];
}

/** Loops GETs for `ms` (or until `until()` says stop) and returns the round trips in µs. */
async function getLoop(client, keys, { ms, until }) {
  const samples = [];
  const deadline = Date.now() + ms;
  let i = 0;
  while (Date.now() < deadline && !(until && (await until()))) {
    for (let n = 0; n < 50; n++) samples.push(await client.timedGet(keyName((i++ * 7919) % keys), VALUE_SIZE));
  }
  return samples;
}

async function latencyDuringBgsave(server, keys) {
  const client = new PipelineClient(server.port);
  await client.open();
  try {
    const baseline = percentiles(await getLoop(client, keys, { ms: 2000 }));
    const reply = await rawCommand(server.port, 'BGSAVE');
    if (reply.startsWith('-')) {
      return { baseline, during: undefined, note: /unknown command/i.test(reply) ? 'n/a (no BGSAVE yet)' : `n/a (${reply.trim()})` };
    }
    const started = Date.now();
    // Poll the save state about every 100 ms from another connection, between GET bursts.
    let lastPoll = 0;
    let done = false;
    const until = async () => {
      if (Date.now() - lastPoll < 100) return false;
      lastPoll = Date.now();
      done = (await infoField(server.port, 'persistence', 'rdb_bgsave_in_progress')) === '0';
      return done;
    };
    const during = percentiles(await getLoop(client, keys, { ms: 300_000, until }));
    const status = await infoField(server.port, 'persistence', 'rdb_last_bgsave_status');
    return { baseline, during, seconds: (Date.now() - started) / 1000, note: done ? `bgsave ${status}` : 'bgsave still running after 300 s' };
  } finally {
    client.close();
  }
}

export async function dataset({ keys = 1_000_000, sections = ['memory', 'latency'] } = {}) {
  console.log(`\n## Dataset: ${keys.toLocaleString('en-US')} keys x ${VALUE_SIZE}-byte values (${sections.join(', ')})\n`);
  const results = {};
  for (const engine of ['redis', 'ours']) {
    const server = await startServer(engine);
    try {
      await sleep(500);
      const empty = rss(server.pid);
      const seconds = await load(server, keys);
      const dbsize = (await rawCommand(server.port, 'DBSIZE')).trim();
      await sleep(1000); // let the loader's garbage settle before reading RSS
      const loaded = rss(server.pid);
      const used = usedMemory(await rawCommand(server.port, 'INFO memory'));
      console.log(`  ${engine}: loaded in ${seconds.toFixed(1)} s (DBSIZE ${dbsize}), RSS ${formatBytes(empty)} -> ${formatBytes(loaded)}`);
      results[engine] = { empty, loaded, used };
      if (sections.includes('latency')) {
        results[engine].latency = await latencyDuringBgsave(server, keys);
        console.log(`  ${engine}: GET latency during BGSAVE measured (${results[engine].latency.note})`);
      }
    } finally {
      await stopServer(server);
    }
  }
  if (sections.includes('memory')) {
    printMemory(results, keys);
    record('memory.rss', results.ours.loaded / results.redis.loaded, `${keys.toLocaleString('en-US')} keys x ${VALUE_SIZE} B`);
  }
  if (sections.includes('latency')) printLatency(results);
  return results;
}

function printMemory({ redis, ours }, keys) {
  const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? (a / b).toFixed(2) : 'n/a');
  const perKey = (r) => `${((r.loaded - r.empty) / keys).toFixed(0)} B`;
  console.log('');
  printTable(
    ['memory', 'redis', 'ours', 'ours/redis'],
    [
      ['RSS empty', formatBytes(redis.empty), formatBytes(ours.empty), ratio(ours.empty, redis.empty)],
      ['RSS loaded', formatBytes(redis.loaded), formatBytes(ours.loaded), ratio(ours.loaded, redis.loaded)],
      ['RSS growth per key', perKey(redis), perKey(ours), ratio(ours.loaded - ours.empty, redis.loaded - redis.empty)],
      ['INFO used_memory', formatBytes(redis.used), formatBytes(ours.used), ratio(ours.used, redis.used)],
    ],
  );
}

function printLatency({ redis, ours }) {
  const ms = (us) => (Number.isFinite(us) ? `${(us / 1000).toFixed(2)} ms` : 'n/a');
  const row = (label, r, o) => [label, r ? `${ms(r.p50)} / ${ms(r.p99)} / ${ms(r.max)}` : 'n/a', o ? `${ms(o.p50)} / ${ms(o.p99)} / ${ms(o.max)}` : 'n/a'];
  console.log('');
  printTable(
    ['GET round trip (p50 / p99 / worst)', 'redis', 'ours'],
    [
      row('before BGSAVE', redis.latency.baseline, ours.latency.baseline),
      row('during BGSAVE', redis.latency.during, ours.latency.during),
      ['BGSAVE', `${redis.latency.seconds?.toFixed(1) ?? '-'} s, ${redis.latency.note}`, `${ours.latency.seconds?.toFixed(1) ?? '-'} s, ${ours.latency.note}`],
      ['GETs during BGSAVE', String(redis.latency.during?.count ?? 'n/a'), String(ours.latency.during?.count ?? 'n/a')],
    ],
  );
}
