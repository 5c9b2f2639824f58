// The queue of user scripts (notification-script, client-reconfig-script) as Redis 7.0 runs them
// (sentinelScheduleScriptExecution ... sentinelKillTimedoutScripts): at most 256 queued (the oldest
// waiting one is dropped), at most 16 running, older jobs first; a script killed by a signal or
// exiting with 1 is retried (up to 10 runs) after script-retry-delay, doubled at each retry; one
// running longer than script-max-runtime is killed. Pure: the shell starts and reaps the processes.

export const SCRIPT_MAX_QUEUE = 256;
export const SCRIPT_MAX_RUNNING = 16;
export const SCRIPT_MAX_RETRY = 10;

export interface ScriptJob {
  readonly id: number;
  /** argv[0] is the script's path. */
  readonly argv: string[];
  running: boolean;
  /** Runs started so far. */
  retryNum: number;
  /** Running: when it started; waiting: not before this time (0 = at once). */
  startTime: number;
  pid: number;
  /** Killed for running too long (once: its exit is reported as for any signal). */
  killed: boolean;
}

/** What became of a job whose process ended. */
export type ScriptOutcome = { kind: 'retry' } | { kind: 'done' } | { kind: 'error'; path: string; signal: number; code: number };

export class ScriptQueue {
  readonly jobs: ScriptJob[] = [];
  private lastId = 0;

  get running(): number {
    return this.jobs.filter((job) => job.running).length;
  }

  schedule(argv: string[]): void {
    this.jobs.push({ id: ++this.lastId, argv, running: false, retryNum: 0, startTime: 0, pid: 0, killed: false });
    if (this.jobs.length <= SCRIPT_MAX_QUEUE) return;
    const oldest = this.jobs.findIndex((job) => !job.running);
    if (oldest >= 0) this.jobs.splice(oldest, 1);
  }

  /** The jobs to start now, oldest first, within the running limit; they count as running from now. */
  due(now: number): ScriptJob[] {
    const started: ScriptJob[] = [];
    let running = this.running;
    for (const job of this.jobs) {
      if (running >= SCRIPT_MAX_RUNNING) break;
      if (job.running || (job.startTime && job.startTime > now)) continue;
      job.running = true;
      job.startTime = now;
      job.retryNum++;
      running++;
      started.push(job);
    }
    return started;
  }

  started(jobId: number, pid: number): void {
    const job = this.jobs.find((j) => j.id === jobId);
    if (job) job.pid = pid;
  }

  /**
   * The process of `jobId` ended with `code`, or by `signal` (its number, 0 for none). A process
   * that could not even be started is reported by the shell as Redis's child would: exit code 2.
   */
  exited(jobId: number, code: number, signal: number, now: number, retryDelay: number): ScriptOutcome {
    const index = this.jobs.findIndex((j) => j.id === jobId);
    if (index < 0) return { kind: 'done' };
    const job = this.jobs[index]!;
    if ((signal !== 0 || code === 1) && job.retryNum !== SCRIPT_MAX_RETRY) {
      job.running = false;
      job.pid = 0;
      job.killed = false;
      job.startTime = now + retryDelayFor(job.retryNum, retryDelay);
      return { kind: 'retry' };
    }
    this.jobs.splice(index, 1);
    return signal !== 0 || code !== 0 ? { kind: 'error', path: job.argv[0]!, signal, code } : { kind: 'done' };
  }

  /** Running jobs past `maxRuntime`, each once (the shell kills them; their exit is reported as usual). */
  timedOut(now: number, maxRuntime: number): ScriptJob[] {
    const late = this.jobs.filter((job) => job.running && !job.killed && now - job.startTime > maxRuntime);
    for (const job of late) job.killed = true;
    return late;
  }
}

/** sentinelScriptRetryDelay: the delay doubles for every run after the first. */
export function retryDelayFor(retryNum: number, base: number): number {
  let delay = base;
  for (let n = retryNum; n > 1; n--) delay *= 2;
  return delay;
}
