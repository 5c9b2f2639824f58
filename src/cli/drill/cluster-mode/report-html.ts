// The cluster drill's HTML report, pure: one self-contained page like the sentinel drill's
// (../report-html.ts), with one lane per shard — that shard's acknowledged / failed / unknown writes
// per 100 ms — and, on each lane, the faults struck there, its failovers (another node's +master)
// and the slot moves out of it marked; then the numbers, recovery per fault, timeline, lost keys.

import { formatDuration } from '../../util/duration.js';
import { escapeHtml } from '../report-html.js';
import type { Bucket } from '../series.js';
import type { ClusterDrillResult, ClusterTimelineEvent, ShardLane } from './result.js';
import { clusterVerdictLine } from './summary.js';

const KEYS_SHOWN = 5000;
const COLORS = { ok: '#2e9e5b', unknown: '#e0a020', failed: '#d64545', fault: '#b03030', failover: '#2860c8', heal: '#6a6a6a', 'slot-moves': '#8a4fc0' };
type MarkKind = 'fault' | 'failover' | 'heal' | 'slot-moves';

export function laneSvg(title: string, buckets: readonly Bucket[], marks: readonly ClusterTimelineEvent[], spanBuckets: number, max: number): string {
  const W = 960;
  const H = 130;
  const pad = { left: 70, right: 10, top: 26, bottom: 18 };
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const n = Math.max(1, spanBuckets);
  const bw = plotW / n;
  const spanMs = n * 100;
  const x = (ms: number) => pad.left + (Math.min(Math.max(ms, 0), spanMs) / spanMs) * plotW;
  const y = (v: number) => pad.top + plotH - (v / max) * plotH;
  const parts: string[] = [`<text x="4" y="${pad.top + plotH / 2}" font-size="12" font-weight="600" fill="#333">${escapeHtml(title)}</text>`];
  buckets.forEach((b, i) => {
    let base = 0;
    for (const kind of ['ok', 'unknown', 'failed'] as const) {
      const v = b[kind];
      if (v === 0) continue;
      const top = y(base + v);
      parts.push(`<rect class="bar ${kind}" x="${(pad.left + i * bw).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(bw - 0.5, 0.5).toFixed(1)}" height="${(y(base) - top).toFixed(1)}" fill="${COLORS[kind]}"><title>+${b.atMs} ms: ${v} ${kind}</title></rect>`);
      base += v;
    }
  });
  parts.push(`<line x1="${pad.left}" y1="${pad.top + plotH}" x2="${W - pad.right}" y2="${pad.top + plotH}" stroke="#888"/>`);
  const step = spanMs > 30_000 ? 5000 : 1000;
  for (let t = 0; t <= spanMs; t += step) parts.push(`<text x="${x(t).toFixed(1)}" y="${H - 4}" font-size="9" text-anchor="middle" fill="#777">${t / 1000}s</text>`);
  marks.forEach((mark, i) => {
    if (mark.atMs > spanMs) return;
    const kind = mark.kind as MarkKind;
    const lx = x(mark.atMs).toFixed(1);
    const label = kind === 'failover' ? `failover: ${mark.text.split(' ')[0]}` : kind === 'slot-moves' ? mark.text.split(' (')[0]! : mark.text.split(' — ')[0]!;
    parts.push(
      `<g class="mark ${kind}"><line x1="${lx}" y1="${pad.top - 2}" x2="${lx}" y2="${pad.top + plotH}" stroke="${COLORS[kind]}" stroke-width="1.5" stroke-dasharray="4 3"/>` +
        `<text x="${lx}" y="${9 + (i % 2) * 10}" font-size="9" text-anchor="middle" fill="${COLORS[kind]}">${escapeHtml(label)}</text><title>+${mark.atMs} ms ${escapeHtml(mark.text)}</title></g>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="lane" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeHtml(title)}: writes per 100 ms">${parts.join('')}</svg>`;
}

function row(label: string, value: string): string {
  return `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
}

function laneMarks(result: ClusterDrillResult, lane: ShardLane): ClusterTimelineEvent[] {
  const kinds = new Set(['fault', 'failover', 'heal', 'slot-moves']);
  return result.timeline.filter((e) => kinds.has(e.kind) && (e.shard === lane.shard || (e.shard === null && e.kind !== 'failover')));
}

export function renderClusterReport(result: ClusterDrillResult): string {
  const w = result.writes;
  const ms = (v: number | null) => (v === null ? '—' : formatDuration(v));
  const span = Math.max(1, ...result.shards.map((lane) => lane.buckets.length));
  const max = Math.max(1, ...result.shards.flatMap((lane) => lane.buckets.map((b) => b.ok + b.failed + b.unknown)));
  const lanes = result.shards.map((lane) => laneSvg(`shard ${lane.shard}`, lane.buckets, laneMarks(result, lane), span, max)).join('\n');
  const numbers = [
    row('writes sent', String(w?.total ?? 0)),
    row('acknowledged', String(w?.ok ?? 0)),
    row('failed (refused)', String(w?.failed ?? 0)),
    row('unknown outcome', `${w?.unknown ?? 0}${result.unknown ? ` (${result.unknown.present} present, ${result.unknown.absent} absent)` : ''}`),
    row('acknowledged writes lost', result.acknowledgedLost ? String(result.acknowledgedLost.count) : 'not checked'),
    row('of which in a lost-writes ledger', result.recoveredByLedger ? String(result.recoveredByLedger.count) : '—'),
    row('refused writes present anyway', result.failedButPresent ? String(result.failedButPresent.count) : '—'),
    row('longest stretch without an acknowledged write', `${formatDuration(result.unavailability.ms)} (+${result.unavailability.fromMs} ms → +${result.unavailability.toMs} ms)`),
    row('converged', result.converged ? `${ms(result.convergeMs)} after the workload` : `no: ${result.convergeProblems.join('; ')}`),
    row('slots moved', `${result.slotMoves.count} (${result.slotMoves.keys} keys)`),
    ...result.shards.map((lane) =>
      row(
        `shard ${lane.shard}`,
        `master ${lane.master.before ?? '?'} → ${lane.master.after ?? '?'}; ${lane.writes ? `${lane.writes.ok} acknowledged, ${lane.acknowledgedLost} lost` : 'not checked'}; ${lane.replicas.map((r) => (r.differing ? `${r.node}: ${r.differing} keys differ` : `${r.node}: same keys`)).join(', ') || 'no replica'}`,
      ),
    ),
  ].join('');
  const faults = result.perFault
    .map((f) => `<tr><td>${escapeHtml(f.step)}</td><td>${escapeHtml(f.nodes.join(', '))}</td><td>${f.shard ?? '—'}</td><td>+${f.atMs} ms</td><td>${escapeHtml(f.newMaster ?? 'no failover')}</td><td>${ms(f.newMasterAfterMs)}</td><td>${ms(f.firstWriteAfterMs)}</td><td>${f.lostBefore ? `${f.lostBefore.count}, oldest ${ms(f.lostBefore.oldestMs)} before` : '0'}</td></tr>`)
    .join('');
  const timeline = result.timeline.map((e) => `<tr class="${e.kind}"><td>+${e.atMs} ms</td><td>${e.kind}</td><td>${e.shard ?? ''}</td><td>${escapeHtml(e.text)}</td></tr>`).join('');
  const lost = result.acknowledgedLost?.keys ?? [];
  const ledger = new Set(result.recoveredByLedger?.keys ?? []);
  const lostList = lost.length
    ? `<details open><summary>${lost.length} acknowledged keys lost${lost.length > KEYS_SHOWN ? ` (first ${KEYS_SHOWN} shown)` : ''}</summary><ol class="keys">${lost
        .slice(0, KEYS_SHOWN)
        .map((k) => `<li>${escapeHtml(k)}${ledger.has(k) ? ' <em>(in ledger)</em>' : ''}</li>`)
        .join('')}</ol></details>`
    : '<p>No acknowledged write was lost.</p>';
  const legend = (['ok', 'unknown', 'failed', 'fault', 'failover', 'slot-moves'] as const).map((k) => `<span><i class="sw" style="background:${COLORS[k]}"></i>${k === 'ok' ? 'acknowledged' : k === 'unknown' ? 'unknown outcome' : k === 'failover' ? 'failover (+master)' : k}</span>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>clusterctl drill ${escapeHtml(result.scenario)} (Redis Cluster) — ${escapeHtml(result.verdict)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 12px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.verdict{font-size:18px;font-weight:600;padding:10px 14px;border-radius:6px;margin:12px 0}
.verdict.pass{background:#e3f4ea;color:#17663a}.verdict.fail{background:#fbe4e4;color:#8a1f1f}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{font-weight:600}.numbers th{width:40%}.legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:10px;height:10px;margin-right:4px}
tr.fault td{color:${COLORS.fault}}tr.failover td{color:${COLORS.failover}}tr.slot-moves td{color:${COLORS['slot-moves']}}.keys{font-family:ui-monospace,monospace;font-size:12px;columns:2}
code{font-family:ui-monospace,monospace}.meta{color:#666}svg.lane{display:block;margin-bottom:4px}
</style>
</head>
<body>
<h1>clusterctl drill: ${escapeHtml(result.scenario)} on shard ${result.shard} (Redis Cluster)</h1>
<p class="meta">cluster ${escapeHtml(result.cluster)} · engine ${escapeHtml(result.engine)} · run ${escapeHtml(result.runId)} · ${result.clients} clients at up to ${result.rate} writes/s each · seed ${result.seed} · steps <code>${escapeHtml(result.faults)}</code></p>
<div class="verdict ${result.verdict === 'pass' ? 'pass' : 'fail'}">${escapeHtml(clusterVerdictLine(result))}</div>
<h2>Writes per 100 ms, one lane per shard</h2>
<p class="legend">${legend}</p>
${lanes}
<h2>Numbers</h2>
<table class="numbers">${numbers}</table>
<h2>Recovery per fault</h2>
<table><tr><th>fault</th><th>node</th><th>shard</th><th>at</th><th>new master</th><th>to new master</th><th>to first acknowledged write</th><th>acknowledged before it and lost</th></tr>${faults}</table>
<h2>Timeline</h2>
<table>${timeline}</table>
<h2>Lost keys</h2>
${lostList}
</body>
</html>
`;
}
