// SENTINEL INFO-CACHE <name> ... and SENTINEL PENDING-SCRIPTS (Redis 7.0 reply shapes): the last INFO
// read from each master and its replicas, and the script queue.

import { MapReply, type Reply } from '../../shared/resp/reply.js';
import type { CommandContext } from './host.js';

/**
 * `[name, [[age ms, info text or null], ...], ...]`, the master first, then its replicas; unknown
 * names are skipped. The age of a replica's INFO is 0 while the master has none, as in Redis.
 */
export function infoCache({ host }: CommandContext, args: string[]): Reply {
  const now = Date.now();
  const wanted = new Set(args.slice(2));
  const out: Reply[] = [];
  for (const master of host.core.masters.values()) {
    if (!wanted.has(master.name)) continue;
    const entries: Reply[] = [[master.infoRefresh ? now - master.infoRefresh : 0, master.infoText]];
    for (const replica of master.replicas.values()) entries.push([master.infoRefresh ? now - replica.infoRefresh : 0, replica.infoText]);
    out.push(master.name, entries);
  }
  return out;
}

/** One map per queued script: argv, flags (running | scheduled), pid, run-time or run-delay, retry-num. */
export function pendingScripts({ host }: CommandContext): Reply {
  const now = Date.now();
  return host.core.scripts.jobs.map((job) => {
    const timing = job.running ? ['run-time', String(now - job.startTime)] : ['run-delay', String(job.startTime ? Math.max(0, job.startTime - now) : 0)];
    return new MapReply(['argv', job.argv, 'flags', job.running ? 'running' : 'scheduled', 'pid', String(job.pid), ...timing, 'retry-num', String(job.retryNum)]);
  });
}
