// What Linux says about a process: alive or not, its state letter (R/S/T/Z...), name and start time
// (from /proc/<pid>/stat). The start time is what proves a pid is still *our* process and not a
// recycled pid now owned by another program.

import { readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  /** The short command name (comm), e.g. "redis-server" or "node". */
  comm: string;
  /** R running, S sleeping, T stopped (SIGSTOP), Z zombie, ... */
  state: string;
  /** Start time in clock ticks since boot: with the pid, a unique process identity. */
  startTime: number;
}

/** Reads /proc/<pid>/stat; undefined when the process does not exist (or /proc is unavailable). */
export function processInfo(pid: number): ProcessInfo | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // comm is in parentheses and may itself contain spaces or ')': the fields resume after the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: fields[0] ?? '?',
    startTime: Number(fields[19]),
  };
}

export type Liveness = 'running' | 'paused' | 'gone' | 'recycled';

/**
 * Is the process recorded as (pid, startTime) still alive? `recycled` means the pid now belongs to
 * another program (the record is stale and that process must never be signalled). Zombies count as
 * gone: they have exited and only wait for their parent to reap them.
 */
export function liveness(pid: number | null, startTime: number | null): Liveness {
  if (pid === null) return 'gone';
  const info = processInfo(pid);
  if (!info || info.state === 'Z' || info.state === 'X') return 'gone';
  if (startTime !== null && info.startTime !== startTime) return 'recycled';
  return info.state === 'T' || info.state === 't' ? 'paused' : 'running';
}

/** The program a process runs, for messages: the script name for node, else comm. */
export function describeProcess(pid: number): string | undefined {
  const info = processInfo(pid);
  if (!info) return undefined;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean);
    if (info.comm === 'node' && argv[1]) return `node ${argv[1].split('/').pop()}`;
  } catch {
    // Exited meanwhile: comm is enough.
  }
  return info.comm;
}

/** Sends a signal by pid after checking the pid is still the recorded process. */
export function signalProcess(pid: number, startTime: number | null, signal: NodeJS.Signals): boolean {
  const state = liveness(pid, startTime);
  if (state === 'gone' || state === 'recycled') return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
