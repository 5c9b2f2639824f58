// Starts sentinels for integration tests: ours (bin/clusterctl-sentinel) or Debian's redis-sentinel,
// on a free loopback port with a sentinel.conf in a fresh directory; waits until it answers PING;
// stops it (SIGTERM, then SIGKILL) and records its pid so the global teardown can reap leftovers.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { forgetPid, freePort, ping, rememberPid, ROOT, startNode, type Engine, type NodeProcess } from './processes.js';
import { waitFor } from './wait-for.js';

export const SENTINEL_BIN = join(ROOT, 'bin', 'clusterctl-sentinel');

export interface MonitorSpec {
  name: string;
  port: number;
  quorum: number;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
}

export interface SentinelOptions {
  engine?: Engine;
  monitors: MonitorSpec[];
  /** Extra config lines. */
  lines?: string[];
}

export class SentinelProcess {
  private exited: Promise<number | null>;
  constructor(
    readonly engine: Engine,
    readonly port: number,
    readonly dir: string,
    readonly child: ChildProcess,
    readonly configPath: string,
    readonly logFile: string,
  ) {
    this.exited = new Promise((res) => child.once('exit', (code) => res(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  client(): Redis {
    return new Redis({ host: '127.0.0.1', port: this.port, maxRetriesPerRequest: 1, enableReadyCheck: false });
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  config(): string {
    return readFileSync(this.configPath, 'utf8');
  }

  waitExit(): Promise<number | null> {
    return this.exited;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; removes its directory unless `keepDir`. Idempotent. */
  async stop(graceMs = 5000, keepDir = false): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.running && this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    forgetPid(this.pid);
    if (!keepDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts a sentinel and waits until it answers PING. `dir` reuses a directory (restart with its config). */
export async function startSentinel(options: SentinelOptions, reuse?: { dir: string; port: number }): Promise<SentinelProcess> {
  const engine = options.engine ?? 'builtin';
  const dir = reuse?.dir ?? mkdtempSync(join(tmpdir(), `clusterctl-sentinel-${engine}-`));
  const port = reuse?.port ?? (await freePort());
  const configPath = join(dir, 'sentinel.conf');
  const logFile = join(dir, 'sentinel.log');
  if (!reuse) {
    const lines = [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `logfile ${logFile}`];
    for (const m of options.monitors) {
      lines.push(`sentinel monitor ${m.name} 127.0.0.1 ${m.port} ${m.quorum}`);
      lines.push(`sentinel down-after-milliseconds ${m.name} ${m.downAfterMs ?? 1000}`);
      lines.push(`sentinel failover-timeout ${m.name} ${m.failoverTimeoutMs ?? 10_000}`);
    }
    lines.push(...(options.lines ?? []));
    writeFileSync(configPath, `${lines.join('\n')}\n`);
  }
  const child =
    engine === 'redis'
      ? spawn('redis-sentinel', [configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, [SENTINEL_BIN, configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  rememberPid(child.pid!);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.resume();
  const sentinel = new SentinelProcess(engine, port, dir, child, configPath, logFile);
  try {
    await waitFor(
      async () => {
        if (!sentinel.running) throw new Error(`exited early: ${stderr}${sentinel.log()}`);
        return await ping(port);
      },
      { timeout: 15_000, message: `${engine} sentinel on port ${port} to answer PING` },
    );
  } catch (error) {
    await sentinel.stop(1000);
    throw error;
  }
  return sentinel;
}


/** `SENTINEL MASTER name` as an object. */
export async function sentinelMaster(client: Redis, name: string): Promise<Record<string, string>> {
  const flat = (await client.call('SENTINEL', 'MASTER', name)) as string[];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

export async function masterAddress(client: Redis, name: string): Promise<string | null> {
  const reply = (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string] | null;
  return reply ? `${reply[0]}:${reply[1]}` : null;
}

/** A master, two replicas and three of our sentinels (quorum 2, down-after 1000) that know each other. */
export interface SentinelGroup {
  name: string;
  master: NodeProcess;
  replicas: NodeProcess[];
  sentinels: SentinelProcess[];
  /** One client per sentinel. */
  sentinelClients: Redis[];
  /** Resumes anything paused, then stops every process of the group. */
  stop(): Promise<void>;
}

export async function startSentinelGroup(masterConfig: Record<string, string> = {}, name = 'mymaster'): Promise<SentinelGroup> {
  const master = await startNode({ config: { 'repl-diskless-sync-delay': '0', ...masterConfig } });
  const replicas = await Promise.all([0, 1].map(() => startNode({ config: { replicaof: `127.0.0.1 ${master.port}` } })));
  const sentinels = await Promise.all(
    [0, 1, 2].map(() => startSentinel({ monitors: [{ name, port: master.port, quorum: 2, downAfterMs: 1000, failoverTimeoutMs: 10_000 }] })),
  );
  const sentinelClients = sentinels.map((s) => s.client());
  const group: SentinelGroup = {
    name,
    master,
    replicas,
    sentinels,
    sentinelClients,
    async stop() {
      for (const c of sentinelClients) c.disconnect();
      for (const node of [master, ...replicas]) node.kill('SIGCONT');
      await Promise.all([...sentinels.map((s) => s.stop()), ...[master, ...replicas].map((n) => n.stop())]);
    },
  };
  await waitFor(
    async () => {
      const views = await Promise.all(sentinelClients.map((c) => sentinelMaster(c, name)));
      return views.every((v) => v['num-slaves'] === '2' && v['num-other-sentinels'] === '2');
    },
    { timeout: 15_000, message: 'sentinels to discover the replicas and each other' },
  );
  return group;
}
