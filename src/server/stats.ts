// Counters shown by INFO stats and reset by CONFIG RESETSTAT.

import { clock } from './base/clock.js';

export class Stats {
  totalConnections = 0;
  rejectedConnections = 0;
  totalCommands = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  expiredKeys = 0;
  evictedKeys = 0;
  /**
   * maxmemory exceeded (Redis stat_total_eviction_exceeded_time / stat_last_eviction_exceeded_time):
   * ms summed over finished periods over the limit, and the monotonic start of the current one (0: none).
   */
  evictionExceededTotalMs = 0;
  evictionExceededSince = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  errorReplies = 0;
  syncFull = 0;
  syncPartialOk = 0;
  syncPartialErr = 0;
  /**
   * Per command: calls and microseconds (INFO commandstats); `rejected` = refused before running;
   * `histogram`: calls per latency level (base/latency-histogram.ts, LATENCY HISTOGRAM).
   */
  readonly commandCalls = new Map<string, { calls: number; usec: number; failed: number; rejected?: number; histogram?: number[] }>();
  /** Error replies by their first word, `ERR`, `WRONGTYPE`, ... (INFO errorstats). */
  readonly errorCodes = new Map<string, number>();
  private opsSamples: number[] = [];
  private lastSampleCommands = 0;
  private lastSampleTime = clock.now();

  /** Called by the cron: keeps a short history for instantaneous_ops_per_sec. */
  sample(now: number): void {
    const elapsed = now - this.lastSampleTime;
    if (elapsed < 100) return;
    const ops = ((this.totalCommands - this.lastSampleCommands) * 1000) / elapsed;
    this.opsSamples.push(ops);
    if (this.opsSamples.length > 16) this.opsSamples.shift();
    this.lastSampleCommands = this.totalCommands;
    this.lastSampleTime = now;
  }

  get instantaneousOps(): number {
    if (this.opsSamples.length === 0) return 0;
    return Math.round(this.opsSamples.reduce((a, b) => a + b, 0) / this.opsSamples.length);
  }

  /** Counts an error reply sent to a client (total_error_replies and errorstat_<CODE>). */
  recordError(message: string): void {
    this.errorReplies++;
    const space = message.indexOf(' ');
    const code = space === -1 ? message : message.slice(0, space);
    this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
  }

  reset(): void {
    this.totalConnections = 0;
    this.rejectedConnections = 0;
    this.totalCommands = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.expiredKeys = 0;
    this.evictedKeys = 0;
    this.evictionExceededTotalMs = 0;
    this.evictionExceededSince = 0;
    this.keyspaceHits = 0;
    this.keyspaceMisses = 0;
    this.errorReplies = 0;
    this.syncFull = 0;
    this.syncPartialOk = 0;
    this.syncPartialErr = 0;
    this.commandCalls.clear();
    this.errorCodes.clear();
  }
}
