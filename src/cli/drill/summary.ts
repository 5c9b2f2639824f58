// The drill's human summary: the verdict line first, then the numbers, per-fault recovery times,
// the lost keys (a few) and the timeline.

import { formatDuration } from '../util/duration.js';
import type { DrillResult } from './run.js';
import { resyncLines } from './repl-report.js';

const LOST_SHOWN = 10;

export function verdictLine(result: DrillResult): string {
  const what = `${result.scenario ?? 'custom faults'}, ${result.engine}, ${formatDuration(result.durationMs)}, ${result.clients} clients${result.waitReplicas > 0 ? `, WAIT ${result.waitReplicas}` : ''}`;
  return verdictWords(result, what, { replicasOf: 'the master', unsettled: 'the cluster did not settle after the faults' });
}

/** The words a drill verdict is given in; the sentinel and the cluster drill differ only in `words`. */
export function verdictWords(
  result: Pick<DrillResult, 'verdict' | 'writes' | 'acknowledgedLost' | 'recoveredByLedger'>,
  what: string,
  words: { replicasOf: string; unsettled: string },
): string {
  const acked = result.writes?.ok ?? 0;
  switch (result.verdict) {
    case 'pass':
      return `✔ PASS: 0 of ${acked} acknowledged writes lost (${what})`;
    case 'loss': {
      const lost = result.acknowledgedLost!.count;
      const ledger = result.recoveredByLedger!.count;
      const note = ledger ? `; ${ledger === lost ? 'all' : ledger} of them in a lost-writes ledger` : '';
      return `✖ LOSS: ${lost} of ${acked} acknowledged writes lost${note} (${what})`;
    }
    case 'diverged':
      return `✖ DIVERGED: no acknowledged write lost, but replicas hold other data than ${words.replicasOf} (${what})`;
    case 'not-converged':
      return `✖ NOT CONVERGED: ${words.unsettled}, writes were not checked (${what})`;
  }
}

export function summaryLines(result: DrillResult, reportFile?: string): string[] {
  const lines = [verdictLine(result)];
  const w = result.writes;
  if (w) {
    const unknown = result.unknown ? ` (${result.unknown.present} present, ${result.unknown.absent} absent)` : '';
    lines.push(`  writes:     ${w.total} sent: ${w.ok} acknowledged, ${w.failed} failed, ${w.unknown} unknown outcome${unknown}`);
  }
  for (const warning of result.warnings) lines.push(`  ! ${warning}`);
  if (result.failedButPresent?.count) lines.push(`  ! ${result.failedButPresent.count} writes refused with an error are present anyway (e.g. ${result.failedButPresent.keys[0]})`);
  for (const fault of result.perFault) {
    const parts = [
      fault.newMaster ? `new master ${fault.newMaster} after ${formatDuration(fault.newMasterAfterMs!)}` : 'no failover',
      fault.firstWriteAfterMs === null ? 'no acknowledged write after it' : `first acknowledged write after ${formatDuration(fault.firstWriteAfterMs)}`,
    ];
    lines.push(`  fault:      ${fault.step} (${fault.nodes.join(', ')}) at +${fault.atMs} ms: ${parts.join('; ')}`);
    if (fault.lostBefore) {
      lines.push(`  ! lost:     ${fault.lostBefore.count} writes acknowledged before it, the oldest ${formatDuration(fault.lostBefore.oldestMs)} before`);
    }
  }
  for (const empty of result.emptyRestarts) {
    lines.push(
      empty.refused
        ? `  empty restart: ${empty.node} came back with no data and refused to act as master (-EMPTYRESTART): no replica resynced from it`
        : `  ! empty restart: ${empty.node} came back with no data and served as master (DBSIZE: ${empty.reply}): its replicas resynced from the empty dataset`,
    );
  }
  const gap = result.unavailability;
  lines.push(`  unavailable: ${formatDuration(gap.ms)} at most without an acknowledged write (+${gap.fromMs} ms → +${gap.toMs} ms)`);
  if (result.converged) {
    lines.push(`  converged:  ${formatDuration(result.convergeMs!)} after the workload; master ${result.master.before ?? '?'} → ${result.master.after ?? '?'}`);
  } else {
    lines.push('  converged:  no, still wrong:', ...result.convergeProblems.map((p) => `    ${p}`));
  }
  for (const replica of result.replicas) {
    if (replica.differing) lines.push(`  ! replica ${replica.node}: ${replica.differing} drill keys differ from the master (e.g. ${replica.sample[0]})`);
  }
  if (result.replicas.length && result.replicas.every((r) => r.differing === 0)) lines.push(`  replicas:   ${result.replicas.map((r) => r.node).join(', ')} hold exactly the master's drill keys`);
  lines.push(...resyncLines(result));
  const lost = result.acknowledgedLost;
  if (lost?.count) {
    const more = lost.count > LOST_SHOWN ? ` … and ${lost.count - LOST_SHOWN} more (--json lists all)` : '';
    lines.push(`  lost keys:  ${lost.keys.slice(0, LOST_SHOWN).join(' ')}${more}`);
    if (result.recoveredByLedger?.count) lines.push('  recover:    `clusterctl lost-writes` lists the ledger; `--replay` applies it to the master');
  }
  lines.push('  timeline:');
  for (const event of result.timeline) lines.push(`    ${`+${event.atMs} ms`.padStart(11)}  ${event.kind.padEnd(17)} ${event.text}`);
  if (reportFile) lines.push(`  report:     ${reportFile}`);
  return lines;
}
