// The cluster drill's human summary: the verdict line, the numbers, one line per shard (master
// before → after, writes, losses, replicas), per-fault recovery, slot moves, lost keys, timeline.

import { formatDuration } from '../../util/duration.js';
import type { ClusterDrillResult } from './result.js';
import { verdictWords } from '../summary.js';

const LOST_SHOWN = 10;

export function clusterVerdictLine(result: ClusterDrillResult): string {
  const what = `${result.scenario} on shard ${result.shard}, ${result.engine} cluster, ${formatDuration(result.durationMs)}, ${result.clients} clients`;
  return verdictWords(result, what, { replicasOf: 'their master', unsettled: 'the cluster was not ready again after the faults' });
}

export function clusterSummaryLines(result: ClusterDrillResult, reportFile?: string): string[] {
  const lines = [clusterVerdictLine(result)];
  const w = result.writes;
  const unknown = result.unknown ? ` (${result.unknown.present} present, ${result.unknown.absent} absent)` : '';
  if (w) lines.push(`  writes:     ${w.total} sent: ${w.ok} acknowledged, ${w.failed} failed, ${w.unknown} unknown outcome${unknown}`);
  for (const warning of result.warnings) lines.push(`  ! ${warning}`);
  if (result.failedButPresent?.count) lines.push(`  ! ${result.failedButPresent.count} writes refused with an error are present anyway (e.g. ${result.failedButPresent.keys[0]})`);
  for (const lane of result.shards) {
    const writes = lane.writes ? `${lane.writes.ok} acknowledged, ${lane.acknowledgedLost} lost` : 'not checked';
    const replicas = lane.replicas.length ? lane.replicas.map((r) => (r.differing ? `${r.node} differs on ${r.differing}` : `${r.node} same`)).join(', ') : 'no replica';
    const slots = lane.slots.after === null || lane.slots.after === lane.slots.before ? `${lane.slots.before} slots` : `${lane.slots.before} → ${lane.slots.after} slots`;
    lines.push(`  shard ${lane.shard}:    master ${lane.master.before ?? '?'} → ${lane.master.after ?? '?'}, ${slots}; ${writes}; replicas: ${replicas}; longest gap ${formatDuration(lane.unavailability.ms)}`);
  }
  for (const fault of result.perFault) {
    const parts = [
      fault.newMaster ? `new master ${fault.newMaster} after ${formatDuration(fault.newMasterAfterMs!)}` : 'no failover',
      fault.firstWriteAfterMs === null ? 'no acknowledged write to the shard after it' : `first acknowledged write to the shard after ${formatDuration(fault.firstWriteAfterMs)}`,
    ];
    lines.push(`  fault:      ${fault.step} (${fault.nodes.join(', ')}) at +${fault.atMs} ms: ${parts.join('; ')}`);
    if (fault.lostBefore) lines.push(`  ! lost:     ${fault.lostBefore.count} writes acknowledged before it, the oldest ${formatDuration(fault.lostBefore.oldestMs)} before`);
  }
  for (const run of result.slotMoves.runs) lines.push(`  slots:      ${run.from} → ${run.to}: ${run.moved} of ${run.planned} slots moved (${run.keys} keys)${run.error ? `, stopped: ${run.error}` : ''}`);
  const gap = result.unavailability;
  lines.push(`  unavailable: ${formatDuration(gap.ms)} at most without an acknowledged write anywhere (+${gap.fromMs} ms → +${gap.toMs} ms)`);
  if (result.converged) lines.push(`  converged:  ${formatDuration(result.convergeMs!)} after the workload`);
  else lines.push('  converged:  no, still wrong:', ...result.convergeProblems.slice(0, 12).map((p) => `    ${p}`));
  const lost = result.acknowledgedLost;
  if (lost?.count) {
    const more = lost.count > LOST_SHOWN ? ` … and ${lost.count - LOST_SHOWN} more (--json lists all)` : '';
    lines.push(`  lost keys:  ${lost.keys.slice(0, LOST_SHOWN).join(' ')}${more}`);
    if (result.recoveredByLedger?.count) lines.push('  recover:    `clusterctl lost-writes` lists the ledger; `--replay` sends each write to its slot\'s owner');
  }
  lines.push('  timeline:');
  for (const event of result.timeline) lines.push(`    ${`+${event.atMs} ms`.padStart(11)}  ${event.kind.padEnd(17)} ${event.shard === null ? '' : `[shard ${event.shard}] `}${event.text}`);
  if (reportFile) lines.push(`  report:     ${reportFile}`);
  return lines;
}
