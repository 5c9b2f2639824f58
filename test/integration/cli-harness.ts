// Runs the real clusterctl (bin/clusterctl, as a user would) in a fresh temporary folder with a
// topology on free ports; remembers every pid the cluster's state file ever named so that cleanup
// can run `down --purge` and then prove no process was left behind.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort, ROOT } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

export const CLI = join(ROOT, 'bin', 'clusterctl');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (when --json was passed). */
  json: any;
}

/** Ports for `count` nodes, each a free port the OS handed out. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

/** The first of `count` consecutive free ports (for ports.sentinels, which counts up from a base). */
export async function freePortRange(count: number): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base + count > 65535) continue;
    const free = await Promise.all(Array.from({ length: count - 1 }, (_, i) => canBind(base + i + 1)));
    if (free.every(Boolean)) return base;
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A topology file with explicit ports: `nodes` maps name -> upstream (null for a master). */
export async function topology(name: string, engine: 'builtin' | 'redis', nodes: Record<string, string | null>, extra = ''): Promise<{ yaml: string; ports: Record<string, number> }> {
  const names = Object.keys(nodes);
  const free = await freePorts(names.length);
  const ports = Object.fromEntries(names.map((n, i) => [n, free[i]!]));
  const lines = names.map((n) => `  ${n}: { port: ${ports[n]}${nodes[n] ? `, replicaof: ${nodes[n]}` : ''} }`);
  return { yaml: `name: ${name}\nengine: ${engine}\n${extra}nodes:\n${lines.join('\n')}\n`, ports };
}

export class Sandbox {
  readonly pids = new Set<number>();

  constructor(readonly cwd: string) {}

  static create(yaml?: string): Sandbox {
    const cwd = mkdtempSync(join(tmpdir(), 'clusterctl-cli-'));
    if (yaml !== undefined) writeFileSync(join(cwd, 'clusterctl.yaml'), yaml);
    return new Sandbox(cwd);
  }

  /** Runs clusterctl with `args`; never throws on a non-zero exit. */
  run(args: string[], timeoutMs = 60_000): Promise<CliRun> {
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { cwd: this.cwd, timeout: timeoutMs, env: this.env() }, (error, stdout, stderr) => {
        this.track();
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        let json: unknown;
        try {
          json = args.includes('--json') ? JSON.parse(stdout) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, json });
      });
    });
  }

  /** Starts clusterctl without waiting (for signal tests). */
  spawn(args: string[]): ChildProcess {
    return spawn(process.execPath, [CLI, ...args], { cwd: this.cwd, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /**
   * Runs clusterctl with `args` and sends SIGINT once `ready(output)` holds (or it exited first),
   * tracking the pids it records meanwhile; resolves with its exit code and everything it printed.
   */
  async interrupt(args: string[], ready: (output: string) => boolean, message: string): Promise<{ code: number | null; output: string }> {
    const child = this.spawn(args);
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(
      () => {
        this.track();
        return child.exitCode !== null || ready(output);
      },
      { timeout: 60_000, interval: 5, message },
    );
    child.kill('SIGINT');
    const code = await exited;
    this.track();
    return { code, output };
  }

  stateFile(cluster: string): string {
    return join(this.cwd, '.clusterctl', cluster, 'state.json');
  }

  state(cluster: string): any {
    const file = this.stateFile(cluster);
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  }

  /** Records every pid the state files name (also for the global teardown's safety net). */
  track(): void {
    for (const cluster of ['default', ...this.clusterNames()]) {
      let state: any;
      try {
        state = this.state(cluster);
      } catch {
        continue; // Being rewritten right now: the next call sees it.
      }
      for (const node of [...(state?.nodes ?? []), ...(state?.sentinels ?? [])]) {
        if (typeof node.pid === 'number' && !this.pids.has(node.pid)) {
          this.pids.add(node.pid);
          const dir = process.env.CLUSTERCTL_TEST_PID_DIR;
          if (dir) writeFileSync(join(dir, String(node.pid)), '');
        }
      }
    }
  }

  /** Pids recorded at any time that are still alive (zombies count as dead). */
  alive(): number[] {
    return [...this.pids].filter((pid) => isAlive(pid));
  }

  /** `down --purge` for every cluster here, then the folder goes; returns the survivors (should be none). */
  async cleanup(): Promise<number[]> {
    for (const cluster of this.clusterNames()) await this.run(['down', '--purge', '--cluster', cluster, '--json']);
    const survivors = this.alive();
    for (const pid of survivors) process.kill(pid, 'SIGKILL');
    rmSync(this.cwd, { recursive: true, force: true });
    return survivors;
  }

  private clusterNames(): string[] {
    const text = existsSync(join(this.cwd, 'clusterctl.yaml')) ? readFileSync(join(this.cwd, 'clusterctl.yaml'), 'utf8') : '';
    const fromFile = /^name:\s*(\S+)/m.exec(text)?.[1];
    const dir = join(this.cwd, '.clusterctl');
    let known: string[] = [];
    try {
      known = existsSync(dir) ? readdirSync(dir) : [];
    } catch {
      known = [];
    }
    return [...new Set([...(fromFile ? [fromFile] : []), ...known])];
  }

  private env(): NodeJS.ProcessEnv {
    const env = { ...process.env };
    delete env.CLUSTERCTL_DIR;
    return env;
  }
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
