// Stopping one process, by pid only and only if it is still the recorded process (start time
// check): a paused process is resumed first (a stopped process cannot act on anything), then asked
// to SHUTDOWN (immediate in Redis; SIGTERM is only noticed by the next serverCron tick), then SIGTERM,
// then SIGKILL. Idempotent: stopping a process that is gone is a success.

import { call } from '../probe/client.js';
import { liveness, signalProcess } from '../proc/proc.js';
import { pollUntil } from '../util/sleep.js';

export interface StopTarget {
  pid: number | null;
  startTime: number | null;
  /** Port to send SHUTDOWN to; null for processes that do not speak RESP. */
  port: number | null;
}

export type StopOutcome = 'not-running' | 'shutdown' | 'terminated' | 'killed' | 'stale';

export interface StopOptions {
  /** How long SHUTDOWN / SIGTERM may take (saving a snapshot) before the next, harder step. */
  graceMs?: number;
  /** Skip SHUTDOWN and SIGTERM. */
  force?: boolean;
}

export async function stopProcess(target: StopTarget, { graceMs = 5000, force = false }: StopOptions = {}): Promise<StopOutcome> {
  const { pid, startTime } = target;
  const state = liveness(pid, startTime);
  if (state === 'gone') return 'not-running';
  if (state === 'recycled') return 'stale';
  if (state === 'paused') signalProcess(pid!, startTime, 'SIGCONT');
  const gone = (ms: number) => pollUntil(() => (isGone(pid!, startTime) ? true : undefined), Date.now() + ms, 10);
  if (!force) {
    if (target.port !== null && (await askShutdown(target.port)) && (await gone(graceMs))) return 'shutdown';
    if (signalProcess(pid!, startTime, 'SIGTERM') && (await gone(graceMs))) return 'terminated';
    if (isGone(pid!, startTime)) return 'terminated';
  }
  signalProcess(pid!, startTime, 'SIGKILL');
  await gone(2000);
  return 'killed';
}

function isGone(pid: number, startTime: number | null): boolean {
  const state = liveness(pid, startTime);
  return state === 'gone' || state === 'recycled';
}

/**
 * Sends SHUTDOWN. True when the node accepted it (the connection closes without a reply); false
 * when it refused (an error reply such as a failed save, or no SHUTDOWN command yet) or is unreachable.
 */
async function askShutdown(port: number): Promise<boolean> {
  try {
    await call(port, ['SHUTDOWN'], { timeoutMs: 1000 });
    return false; // A reply means it did not shut down.
  } catch (error) {
    return /Connection is closed|ECONNRESET|closed/i.test((error as Error).message);
  }
}
