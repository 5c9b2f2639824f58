// The cluster drill's story, pure: per disruptive step, how long until another node of the shard
// said it was master (the nodes' +master, sharded/events.ts) and until a write to the shard's slots
// was acknowledged again; and one timeline of steps, the nodes' failure detection and elections,
// slot moves (one line per burst), the clients failing and recovering, and convergence.

import type { ClusterEvent } from '../../sharded/events.js';
import { firstAfter, firstProblemAfter } from '../series.js';
import type { WriteRecord } from '../workload.js';
import type { ClusterFaultEvent, SlotMove } from './faults.js';
import type { ClusterFaultMetrics, ClusterTimelineEvent } from './result.js';

export function clusterFaultMetrics(
  faults: readonly ClusterFaultEvent[],
  events: readonly ClusterEvent[],
  records: readonly WriteRecord[],
  byShard: ReadonlyMap<number, readonly WriteRecord[]>,
  shardOf: (node: string) => number | null,
  lostKeys: ReadonlySet<string>,
): ClusterFaultMetrics[] {
  const disruptive = faults.filter((fault) => fault.disruptive && fault.ok);
  return disruptive.map((fault, i) => {
    const shard = fault.nodes.length === 1 ? shardOf(fault.nodes[0]!) : null;
    const mine = shard === null ? records : (byShard.get(shard) ?? []);
    const since = disruptive[i - 1]?.atMs ?? -Infinity;
    const until = disruptive[i + 1]?.atMs ?? Infinity;
    const lost = mine.filter((r) => r.outcome === 'ok' && lostKeys.has(r.key) && r.doneAt <= fault.atMs && r.doneAt > since);
    const promoted = events.find((e) => e.event === '+master' && e.atMs >= fault.atMs && e.atMs < until && !fault.nodes.includes(e.node) && (shard === null || shardOf(e.node) === shard));
    const problem = firstProblemAfter(mine, fault.atMs);
    const ok = firstAfter(mine, fault.atMs, ['ok'], lostKeys);
    return {
      step: fault.step,
      nodes: fault.nodes,
      atMs: fault.atMs,
      shard,
      newMaster: promoted?.node ?? null,
      newMasterAfterMs: promoted ? promoted.atMs - fault.atMs : null,
      firstProblemAfterMs: problem && problem.doneAt < until ? problem.doneAt - fault.atMs : null,
      firstWriteAfterMs: ok ? ok.doneAt - fault.atMs : null,
      lostBefore: lost.length ? { count: lost.length, oldestMs: fault.atMs - Math.min(...lost.map((r) => r.doneAt)) } : null,
    };
  });
}

/** Node events worth a line (the rest stay in --json's clusterEvents). */
const NOTABLE = new Set(['+fail', '-fail', '+master', '+replica']);
/** cluster_state changes this close together are one line. */
const STATE_GROUP_MS = 1000;
/** Slot moves more than this apart start a new line. */
const BURST_GAP_MS = 500;

export function moveBursts(moves: readonly SlotMove[]): { fromMs: number; toMs: number; count: number; keys: number; from: string; to: string }[] {
  const bursts: ReturnType<typeof moveBursts> = [];
  for (const move of moves) {
    const last = bursts.at(-1);
    if (last && last.from === move.from && last.to === move.to && move.atMs - last.toMs <= BURST_GAP_MS) {
      last.toMs = move.atMs;
      last.count += 1;
      last.keys += move.keys;
    } else bursts.push({ fromMs: move.atMs, toMs: move.atMs, count: 1, keys: move.keys, from: move.from, to: move.to });
  }
  return bursts;
}

export function clusterTimeline(input: {
  faults: readonly ClusterFaultEvent[];
  cluster: readonly ClusterEvent[];
  moves: readonly SlotMove[];
  metrics: readonly ClusterFaultMetrics[];
  convergedAtMs: number | null;
  shardOf?: (node: string) => number | null;
}): ClusterTimelineEvent[] {
  const shardOf = input.shardOf ?? (() => null);
  const out: ClusterTimelineEvent[] = [];
  for (const fault of input.faults) {
    const what = fault.ok ? fault.message : `FAILED: ${fault.message}`;
    out.push({ atMs: fault.atMs, kind: fault.action === 'heal-all' || fault.action === 'heal' ? 'heal' : 'fault', shard: fault.nodes.length === 1 ? shardOf(fault.nodes[0]!) : null, text: `${fault.step} — ${what}` });
  }
  // Each node reports its own cluster_state: one line per change, naming the nodes.
  const states: { atMs: number; detail: string; nodes: string[] }[] = [];
  for (const event of input.cluster) {
    if (event.event !== '+state') continue;
    const group = states.find((s) => s.detail === event.detail && event.atMs - s.atMs <= STATE_GROUP_MS);
    if (group) group.nodes.push(event.node);
    else states.push({ atMs: event.atMs, detail: event.detail, nodes: [event.node] });
  }
  for (const state of states) out.push({ atMs: state.atMs, kind: 'cluster', shard: null, text: `${state.detail} on ${state.nodes.join(', ')}` });
  for (const event of input.cluster) {
    if (!NOTABLE.has(event.event)) continue;
    out.push({ atMs: event.atMs, kind: event.event === '+master' ? 'failover' : 'cluster', shard: shardOf(event.node), text: `${event.node} ${event.event}${event.detail ? ` ${event.detail}` : ''} (seen by ${event.seenBy.join(',')})` });
  }
  for (const burst of moveBursts(input.moves)) {
    out.push({ atMs: burst.fromMs, kind: 'slot-moves', shard: shardOf(burst.from), text: `${burst.count} slot(s) moved ${burst.from} → ${burst.to} (${burst.keys} keys) until +${burst.toMs} ms` });
  }
  for (const metric of input.metrics) {
    if (metric.firstProblemAfterMs !== null) out.push({ atMs: metric.atMs + metric.firstProblemAfterMs, kind: 'clients-failing', shard: metric.shard, text: `first write failing after ${metric.step}` });
    if (metric.firstWriteAfterMs !== null) out.push({ atMs: metric.atMs + metric.firstWriteAfterMs, kind: 'clients-recovered', shard: metric.shard, text: `first acknowledged write after ${metric.step}` });
  }
  if (input.convergedAtMs !== null) out.push({ atMs: input.convergedAtMs, kind: 'converged', shard: null, text: 'converged: every node at cluster_state:ok, one slot map, no slot open, every replica in sync' });
  return out.sort((a, b) => a.atMs - b.atMs);
}
