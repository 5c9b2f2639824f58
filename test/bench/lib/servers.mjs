// Benchmark plumbing: start our node or redis-server on a free loopback port in a temp dir, wait
// until it answers PING, read its RSS, and stop everything this process started, whatever happens
// (normal end, error, Ctrl-C), so a benchmark never leaves a server or redis-benchmark behind.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { option } from './options.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const NODE_BIN = join(ROOT, 'bin', 'clusterctl-node');

/**
 * `--baseline <checkout>`: another built checkout of this project (say, a worktree of the last
 * commit) that the replicas/topology sections also run, as engine 'baseline', to compare a change.
 */
export const BASELINE = option('baseline', '');

/** The executable `bin/<name>` of engine 'ours' or 'baseline'. */
export function projectBin(engine, name) {
  return join(engine === 'baseline' ? resolve(BASELINE) : ROOT, 'bin', name);
}

const children = new Set();
const dirs = new Set();

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Tracks a child process so that cleanup() kills it. */
export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Sends one inline command on a fresh connection and returns the raw reply text (or throws). */
export function rawCommand(port, line, timeoutMs = 5000) {
  return new Promise((resolveReply, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply to ${line}`));
    }, timeoutMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (replyComplete(text)) {
        clearTimeout(timer);
        socket.destroy();
        resolveReply(text);
      }
    });
    socket.write(`${line}\r\n`);
  });
}

/** Whether `text` holds one whole simple reply or bulk string (what rawCommand needs). */
function replyComplete(text) {
  const lineEnd = text.indexOf('\r\n');
  if (lineEnd < 0) return false;
  if (text[0] !== '$') return true;
  const length = Number(text.slice(1, lineEnd));
  return length < 0 || text.length >= lineEnd + 2 + length + 2;
}

/** Starts `engine` ('ours' | 'redis') and waits for PING; returns { engine, port, pid, dir }. */
export async function startServer(engine, directives = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `clusterctl-bench-${engine}-`));
  dirs.add(dir);
  const all = { port, bind: '127.0.0.1', dir, logfile: join(dir, 'server.log'), save: '', ...directives };
  const argv = Object.entries(all).flatMap(([k, v]) => [`--${k}`, ...(v === '' ? [''] : String(v).split(' '))]);
  const child = track(
    engine === 'redis'
      ? spawn('redis-server', argv, { stdio: 'ignore' })
      : spawn(process.execPath, [engine === 'ours' ? NODE_BIN : projectBin(engine, 'clusterctl-node'), ...argv], { stdio: 'ignore' }),
  );
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${engine} exited at start; see ${all.logfile}`);
    try {
      if ((await rawCommand(port, 'PING', 1000)) === '+PONG\r\n') break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${engine} on port ${port} did not answer PING`);
    await sleep(50);
  }
  return { engine, port, pid: child.pid, dir, child };
}

export async function stopServer(server) {
  if (!server || server.child.exitCode !== null) return;
  server.child.kill('SIGTERM');
  const exited = new Promise((r) => server.child.once('exit', r));
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  rmSync(server.dir, { recursive: true, force: true });
  dirs.delete(server.dir);
}

/** Resident memory in bytes from /proc/<pid>/status. */
export function rss(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Kills every tracked child and removes temp dirs; safe to call more than once. */
export function cleanup() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanup();
    process.exit(130);
  });
}
process.on('exit', cleanup);

export function formatNumber(n) {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

export function formatBytes(n) {
  return Number.isFinite(n) ? `${(n / 1024 / 1024).toFixed(1)} MB` : 'n/a';
}

/** Prints rows (arrays of cells) as an aligned text table. */
export function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** Exits with a clear message (status 2) when a Redis tool the benchmarks run is not installed. */
export function requireTool(tool) {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
  } catch {
    console.error(`${tool} is needed for the benchmarks (Debian: apt-get install redis-server redis-sentinel redis-tools)`);
    process.exit(2);
  }
}
