// Starts and reaps the user's scripts for the core's queue (core/scripts.ts), as Redis forks and
// execve()s them: argv[0] is the path, no shell, the sentinel's environment; the exit status (or the
// killing signal, by number) goes back to the core. A path that cannot be executed ends as Redis's
// child does after a failed execve: exit code 2, not retried.

import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { SentinelCore } from '../core/sentinel-core.js';

export class ScriptRunner {
  private readonly children = new Map<number, ChildProcess>();

  constructor(
    private readonly core: SentinelCore,
    /** Called after each observation, so the shell lets the core act (and start the next job). */
    private readonly observed: () => void,
  ) {}

  run(job: number, argv: string[]): void {
    let child: ChildProcess;
    try {
      child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore', env: process.env });
    } catch {
      this.exited(job, 2, 0);
      return;
    }
    let done = false;
    const finish = (code: number, signal: number) => {
      if (done) return;
      done = true;
      this.children.delete(job);
      this.exited(job, code, signal);
    };
    child.once('error', () => finish(2, 0));
    child.once('exit', (code, signal) => finish(code ?? 0, signal ? (constants.signals[signal] ?? 0) : 0));
    if (child.pid !== undefined) {
      this.children.set(job, child);
      this.core.onScriptStarted(job, child.pid);
    }
  }

  kill(job: number): void {
    this.children.get(job)?.kill('SIGKILL');
  }

  private exited(job: number, code: number, signal: number): void {
    this.core.onScriptExited(job, code, signal, Date.now());
    this.observed();
  }
}
