// Scripting throughput: EVALSHA and FCALL of a one-call and a ten-call script, redis-benchmark
// (-c 50, -P 1) against redis-server and our node in the same run, the two taking turns (median
// of --rounds runs each). Prints requests/s and the ratio ours/redis.
// Run: npm run build && node test/bench/scripting.mjs [requests] [rounds]

import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { formatNumber, printTable, startServer, stopServer, track } from './lib/servers.mjs';

/** Sends one command as RESP (bodies hold quotes and newlines) and resolves to its reply text. */
function send(port, args) {
  return new Promise((resolveReply, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let text = '';
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n');
      if (end < 0) return;
      if (text[0] === '$' && text.length < end + 4 + Number(text.slice(1, end))) return;
      socket.destroy();
      resolveReply(text[0] === '$' ? text.slice(end + 2, end + 2 + Number(text.slice(1, end))) : text.trim());
    });
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

const ONE = "return redis.call('GET', KEYS[1])";
const TEN = "local r for i = 1, 10 do r = redis.call('GET', KEYS[1]) end return r";
const LIBRARY = `#!lua name=benchlib\nredis.register_function('one', function(keys) ${ONE.replace('KEYS', 'keys')} end)\nredis.register_function('ten', function(keys) ${TEN.replace('KEYS', 'keys')} end)`;

function bench(port, args, requests) {
  return new Promise((resolveRun) => {
    const child = track(spawn('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-c', '50', '-P', '1', '-n', String(requests), '-q', ...args]));
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', () => {
      const match = /: ([\d.]+) requests per second/.exec(output);
      resolveRun(match ? Number(match[1]) : NaN);
    });
  });
}

async function prepare(port) {
  const load = (body) => send(port, ['SCRIPT', 'LOAD', body]);
  const shas = { one: await load(ONE), ten: await load(TEN) };
  await send(port, ['FUNCTION', 'LOAD', 'REPLACE', LIBRARY]);
  await send(port, ['SET', 'key', 'value']);
  return shas;
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];

export async function scripting({ requests = 100_000, rounds = 3 } = {}) {
  console.log(`\n## Scripting: redis-benchmark -c 50 -P 1 -n ${requests}, median of ${rounds} alternating runs\n`);
  const redis = await startServer('redis');
  const ours = await startServer('ours');
  try {
    const shas = { redis: await prepare(redis.port), ours: await prepare(ours.port) };
    const tests = [
      ['EVALSHA 1 call', (s) => ['EVALSHA', s.one, '1', 'key']],
      ['EVALSHA 10 calls', (s) => ['EVALSHA', s.ten, '1', 'key']],
      ['FCALL 1 call', () => ['FCALL', 'one', '1', 'key']],
      ['FCALL 10 calls', () => ['FCALL', 'ten', '1', 'key']],
    ];
    const rows = [];
    for (const [name, args] of tests) {
      const runs = { redis: [], ours: [] };
      await bench(ours.port, args(shas.ours), 20_000);
      for (let r = 0; r < rounds; r++) {
        runs.redis.push(await bench(redis.port, args(shas.redis), requests));
        runs.ours.push(await bench(ours.port, args(shas.ours), requests));
      }
      const [theirs, mine] = [median(runs.redis), median(runs.ours)];
      rows.push([name, formatNumber(theirs), formatNumber(mine), (mine / theirs).toFixed(2)]);
    }
    printTable(['test', 'redis-server req/s', 'ours req/s', 'ours/redis'], rows);
  } finally {
    await stopServer(redis);
    await stopServer(ours);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await scripting({ requests: Number(process.argv[2] ?? 100_000), rounds: Number(process.argv[3] ?? 3) });
}
