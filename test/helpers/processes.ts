// Starts real server processes for integration tests: our node (bin/clusterctl-node) or Debian's
// redis-server, on a free loopback port in a fresh directory; waits until it answers PING; stops it
// (SIGTERM, then SIGKILL) and records its pid so the global teardown can reap leftovers.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { waitFor } from './wait-for.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NODE_BIN = join(ROOT, 'bin', 'clusterctl-node');

/** Asks the OS for a free loopback port (bind port 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** True when Debian's redis-server is installed. CI sets CLUSTERCTL_REQUIRE_REDIS=1: then missing = failure. */
export function hasRedis(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CLUSTERCTL_REQUIRE_REDIS === '1') {
      throw new Error('redis-server is required (CLUSTERCTL_REQUIRE_REDIS=1) but not installed');
    }
    return false;
  }
}

export type Engine = 'builtin' | 'redis';

export interface StartOptions {
  engine?: Engine;
  /** Extra directives, redis.conf spelling: { 'repl-backlog-size': '1mb' }. */
  config?: Record<string, string>;
  /** Directory to run in (default: a fresh temp dir, removed on stop). */
  dir?: string;
  port?: number;
  /** A redis.conf to start with (first argument, as `redis-server file --opt ...`). */
  configFile?: string;
  /** How long to wait for its first PONG (default 15 s): longer for a node loading a big file slowly. */
  readyTimeout?: number;
}

export class NodeProcess {
  private exited: Promise<number | null>;
  constructor(
    readonly engine: Engine,
    readonly port: number,
    readonly dir: string,
    readonly child: ChildProcess,
    private readonly ownsDir: boolean,
    readonly logFile: string,
  ) {
    this.exited = new Promise((res) => child.once('exit', (code) => res(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  client(options: ConstructorParameters<typeof Redis>[0] & object = {}): Redis {
    return new Redis({ host: '127.0.0.1', port: this.port, lazyConnect: false, maxRetriesPerRequest: 1, ...options });
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  waitExit(): Promise<number | null> {
    return this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; removes the temp dir it made. Idempotent. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.running && this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    forgetPid(this.pid);
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.running) this.child.kill(signal);
  }
}

/** Records a pid for the global teardown (test/helpers/global-teardown.ts). */
export function rememberPid(pid: number): void {
  const dir = process.env.CLUSTERCTL_TEST_PID_DIR;
  if (dir) writeFileSync(join(dir, String(pid)), '');
}

export function forgetPid(pid: number): void {
  const dir = process.env.CLUSTERCTL_TEST_PID_DIR;
  if (!dir) return;
  try {
    unlinkSync(join(dir, String(pid)));
  } catch {
    // Never recorded or already forgotten.
  }
}

/** Starts a node (ours or redis-server) and waits until it answers PING. */
export async function startNode(options: StartOptions = {}): Promise<NodeProcess> {
  const engine = options.engine ?? 'builtin';
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), `clusterctl-${engine}-`));
  for (let attempt = 0; ; attempt++) {
    const port = options.port ?? (await freePort());
    const logFile = join(dir, `node-${port}.log`);
    const directives: Record<string, string> = {
      port: String(port),
      bind: '127.0.0.1',
      dir,
      logfile: logFile,
      save: '',
      ...(engine === 'redis' ? { 'enable-debug-command': 'yes' } : {}),
      ...options.config,
    };
    const args = Object.entries(directives).flatMap(([k, v]) => [`--${k}`, ...(k === 'save' && v === '' ? [''] : v.split(' '))]);
    const fileArgs = options.configFile === undefined ? [] : [options.configFile];
    const child =
      engine === 'redis'
        ? spawn('redis-server', [...fileArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(process.execPath, [NODE_BIN, ...fileArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    rememberPid(child.pid!);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.resume();
    const node = new NodeProcess(engine, port, dir, child, ownsDir, logFile);
    try {
      await waitFor(
        async () => {
          if (!node.running) throw new Error(`exited early: ${stderr}${node.log()}`);
          return await ping(port);
        },
        { timeout: options.readyTimeout ?? 15_000, message: `${engine} node on port ${port} to answer PING` },
      );
      return node;
    } catch (error) {
      await node.stop(1000);
      const busy = /Address already in use/.test(stderr + node.log());
      if (busy && options.port === undefined && attempt < 3) continue;
      throw error;
    }
  }
}

/** True when something on the loopback port answers PONG (nodes and sentinels alike). */
export async function ping(port: number): Promise<boolean> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, enableReadyCheck: false, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    client.disconnect();
  }
}
