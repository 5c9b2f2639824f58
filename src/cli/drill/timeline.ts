// The drill's story, pure: per disruptive fault, how long until the sentinels named a new master
// (+switch-master) and until a client wrote successfully again; and one merged timeline of faults,
// sentinel events, the clients' first failure and recovery, healing and convergence.

import type { SentinelEvent } from '../cluster/sentinel-events.js';
import type { FaultEvent } from './faults.js';
import { firstAfter, firstProblemAfter } from './series.js';
import type { WriteRecord } from './workload.js';

export type TimelineKind = 'fault' | 'heal' | 'sentinel' | 'failover' | 'clients-failing' | 'clients-recovered' | 'converged';

export interface TimelineEvent {
  atMs: number;
  kind: TimelineKind;
  text: string;
}

export interface FaultMetrics {
  step: string;
  nodes: string[];
  atMs: number;
  /** The node the sentinels switched to after this fault (null: no switch before the next fault). */
  newMaster: string | null;
  /** Fault -> first +switch-master, ms. */
  newMasterAfterMs: number | null;
  /** Fault -> first write that failed or had an unknown outcome, ms. */
  firstProblemAfterMs: number | null;
  /**
   * Fault -> the +OK of the first acknowledged write sent after the fault that survived (a write a
   * cut-off master acknowledged and then lost does not count as recovery).
   */
  firstWriteAfterMs: number | null;
  /**
   * Acknowledged writes lost that were acknowledged before this fault (after the previous one), and
   * how long before it the oldest of them was: a crash under appendfsync everysec should lose about
   * a second at most. null when none was lost.
   */
  lostBefore: { count: number; oldestMs: number } | null;
}

/** +switch-master <name> <old ip> <old port> <new ip> <new port>: the new master's port. */
export function switchTarget(event: SentinelEvent): number | null {
  if (event.event !== '+switch-master') return null;
  const port = Number(event.detail.trim().split(/\s+/).at(-1));
  return Number.isInteger(port) ? port : null;
}

export function faultMetrics(
  faults: readonly FaultEvent[],
  sentinel: readonly SentinelEvent[],
  records: readonly WriteRecord[],
  nodeAt: (port: number) => string | null,
  lostKeys: ReadonlySet<string> = new Set(),
): FaultMetrics[] {
  const disruptive = faults.filter((fault) => fault.disruptive && fault.ok);
  const lost = records.filter((record) => record.outcome === 'ok' && lostKeys.has(record.key));
  return disruptive.map((fault, i) => {
    const since = disruptive[i - 1]?.atMs ?? -Infinity;
    const before = lost.filter((record) => record.doneAt <= fault.atMs && record.doneAt > since);
    const until = disruptive[i + 1]?.atMs ?? Infinity;
    const switched = sentinel.find((event) => event.event === '+switch-master' && event.atMs >= fault.atMs && event.atMs < until);
    const port = switched ? switchTarget(switched) : null;
    const problem = firstProblemAfter(records, fault.atMs);
    const ok = firstAfter(records, fault.atMs, ['ok'], lostKeys);
    return {
      step: fault.step,
      nodes: fault.nodes,
      atMs: fault.atMs,
      newMaster: port === null ? null : nodeAt(port) ?? `127.0.0.1:${port}`,
      newMasterAfterMs: switched ? switched.atMs - fault.atMs : null,
      firstProblemAfterMs: problem && problem.doneAt < until ? problem.doneAt - fault.atMs : null,
      firstWriteAfterMs: ok ? ok.doneAt - fault.atMs : null,
      lostBefore: before.length ? { count: before.length, oldestMs: fault.atMs - Math.min(...before.map((r) => r.doneAt)) } : null,
    };
  });
}

/** Sentinel events worth a line of their own (the rest stay in --json). */
const NOTABLE = new Set(['+sdown', '-sdown', '+odown', '-odown', '+try-failover', '+elected-leader', '+promoted-slave', '+switch-master', '+failover-end', '+convert-to-slave']);

export function buildTimeline(input: {
  faults: readonly FaultEvent[];
  sentinel: readonly SentinelEvent[];
  metrics: readonly FaultMetrics[];
  convergedAtMs: number | null;
  all?: boolean;
}): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (const fault of input.faults) {
    const what = fault.ok ? fault.message : `FAILED: ${fault.message}`;
    events.push({ atMs: fault.atMs, kind: fault.action === 'heal-all' ? 'heal' : 'fault', text: `${fault.step} — ${what}` });
  }
  for (const event of input.sentinel) {
    if (!input.all && !NOTABLE.has(event.event)) continue;
    const kind = event.event === '+switch-master' ? 'failover' : 'sentinel';
    events.push({ atMs: event.atMs, kind, text: `${event.event} ${event.detail} (${event.sentinels.join(',')})` });
  }
  for (const metric of input.metrics) {
    if (metric.firstProblemAfterMs !== null) events.push({ atMs: metric.atMs + metric.firstProblemAfterMs, kind: 'clients-failing', text: `first write failing after ${metric.step}` });
    if (metric.firstWriteAfterMs !== null) events.push({ atMs: metric.atMs + metric.firstWriteAfterMs, kind: 'clients-recovered', text: `first acknowledged write after ${metric.step}` });
  }
  if (input.convergedAtMs !== null) events.push({ atMs: input.convergedAtMs, kind: 'converged', text: 'converged: every sentinel agrees on the master, every replica in sync' });
  return events.sort((a, b) => a.atMs - b.atMs);
}
