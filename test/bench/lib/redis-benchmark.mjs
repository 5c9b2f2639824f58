// Runs redis-benchmark (--csv) against a port and reads the server's CPU time around it, so a
// section can print requests/s, p50/p99/max latency and server CPU per request side by side.

import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { track } from './servers.mjs';

let ticksPerSecond;

/** user + system CPU seconds of process `pid` so far (/proc/<pid>/stat fields 14 and 15). */
export function cpuSeconds(pid) {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'latin1' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/**
 * One redis-benchmark run (-c `clients` -n `requests`, extra `args` such as ['-P', '16', '-t',
 * 'set']); resolves to { rps, p50, p99, max } (latencies in ms) plus `cpuUs`, the server CPU per
 * request in µs when `pid` is given, or to { error } with a short reason. A hard timeout guards
 * against redis-benchmark retrying forever when the server stopped answering.
 */
export function runBenchmark(port, args, { requests, clients = 50, pid, timeoutMs = Math.max(60_000, requests * 2) }) {
  return new Promise((resolveRun) => {
    const argv = ['-h', '127.0.0.1', '-p', String(port), '-c', String(clients), '-n', String(requests), '-q', '--csv', ...args];
    const cpuBefore = pid ? cpuSeconds(pid) : 0;
    const child = track(spawn('redis-benchmark', argv, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => resolveRun({ error: error.message }));
    child.on('exit', () => {
      clearTimeout(timer);
      const cpuUs = pid ? ((cpuSeconds(pid) - cpuBefore) * 1e6) / requests : NaN;
      const lines = output.split(/[\r\n]+/);
      const serverError = lines.find((l) => l.includes('Error from server') || l.startsWith('ERR'));
      if (serverError) return resolveRun({ error: serverError.replace(/^.*Error from server: /, '').slice(0, 60) });
      // Header: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
      const row = lines.find((l) => l.startsWith('"') && !l.startsWith('"test"'));
      if (!row) return resolveRun({ error: 'no result (timeout?)' });
      const cells = row.split('","').map((c) => Number(c.replaceAll('"', '')));
      resolveRun({ rps: cells[1], p50: cells[4], p99: cells[6], max: cells[7], cpuUs });
    });
  });
}

/** The median of the finite values (the lower one of an even count), NaN when none. */
export function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)];
}

/** max/min of the finite values: how far runs of one configuration spread (1.00 = identical). */
export function spread(values) {
  const finite = values.filter(Number.isFinite);
  return finite.length < 2 ? NaN : Math.max(...finite) / Math.min(...finite);
}
