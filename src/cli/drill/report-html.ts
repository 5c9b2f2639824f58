// The drill's HTML report, pure: one self-contained page (inline CSS and SVG, no scripts, no external
// assets) — the verdict, a chart of acknowledged / failed / unknown writes per 100 ms with the faults
// and failovers marked, the numbers, recovery per fault, the timeline and the lost keys.

import { formatDuration } from '../util/duration.js';
import type { DrillResult } from './run.js';
import { verdictLine } from './summary.js';
import { replicationHtml } from './repl-report.js';

const KEYS_SHOWN = 5000;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const COLORS = { ok: '#2e9e5b', unknown: '#e0a020', failed: '#d64545', fault: '#b03030', failover: '#2860c8', heal: '#6a6a6a' };

export function chartSvg(result: DrillResult): string {
  const W = 960;
  const H = 240;
  const pad = { left: 44, right: 10, top: 34, bottom: 28 };
  const buckets = result.buckets;
  const n = Math.max(1, buckets.length);
  const max = Math.max(1, ...buckets.map((b) => b.ok + b.failed + b.unknown));
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const bw = plotW / n;
  const spanMs = n * 100;
  const x = (ms: number) => pad.left + (Math.min(Math.max(ms, 0), spanMs) / spanMs) * plotW;
  const y = (v: number) => pad.top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  const gap = result.unavailability;
  if (gap.ms > 0) {
    parts.push(`<rect class="gap" x="${x(gap.fromMs).toFixed(1)}" y="${pad.top}" width="${(x(gap.toMs) - x(gap.fromMs)).toFixed(1)}" height="${plotH}" fill="#f3e3e3"><title>longest stretch without an acknowledged write: ${formatDuration(gap.ms)}</title></rect>`);
  }
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
  // Axes and ticks: one per second (or per 5 s on long drills).
  parts.push(`<line x1="${pad.left}" y1="${pad.top + plotH}" x2="${W - pad.right}" y2="${pad.top + plotH}" stroke="#888"/>`);
  parts.push(`<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${pad.top + plotH}" stroke="#888"/>`);
  const step = spanMs > 30_000 ? 5000 : 1000;
  for (let t = 0; t <= spanMs; t += step) parts.push(`<text x="${x(t).toFixed(1)}" y="${H - 10}" font-size="10" text-anchor="middle" fill="#555">${t / 1000}s</text>`);
  parts.push(`<text x="${pad.left - 6}" y="${pad.top + 4}" font-size="10" text-anchor="end" fill="#555">${max}</text>`);
  parts.push(`<text x="${pad.left - 6}" y="${pad.top + plotH}" font-size="10" text-anchor="end" fill="#555">0</text>`);
  // Marks: faults (red), failovers (+switch-master, blue), healing (grey).
  const marks = result.timeline.filter((e) => e.kind === 'fault' || e.kind === 'failover' || e.kind === 'heal');
  marks.forEach((mark, i) => {
    if (mark.atMs > spanMs) return;
    const color = COLORS[mark.kind as 'fault' | 'failover' | 'heal'];
    const label = mark.kind === 'failover' ? 'failover' : mark.text.split(' — ')[0]!;
    const lx = x(mark.atMs).toFixed(1);
    parts.push(
      `<g class="mark ${mark.kind}"><line x1="${lx}" y1="${pad.top - 4}" x2="${lx}" y2="${pad.top + plotH}" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 3"/>` +
        `<text x="${lx}" y="${10 + (i % 2) * 12}" font-size="10" text-anchor="middle" fill="${color}">${escapeHtml(label)}</text><title>+${mark.atMs} ms ${escapeHtml(mark.text)}</title></g>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="writes per 100 ms">${parts.join('')}</svg>`;
}

function row(label: string, value: string): string {
  return `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
}

export function renderReport(result: DrillResult): string {
  const w = result.writes;
  const ms = (v: number | null) => (v === null ? '—' : formatDuration(v));
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
    row('master', `${result.master.before ?? '?'} → ${result.master.after ?? '?'}`),
    ...result.replicas.map((r) => row(`replica ${r.node}`, r.differing ? `${r.differing} drill keys differ from the master` : 'same drill keys as the master')),
    ...result.emptyRestarts.map((e) =>
      row(`empty restart of ${e.node}`, e.refused ? 'refused to act as master (-EMPTYRESTART): no replica resynced from it' : `served as master (DBSIZE: ${e.reply}): its replicas resynced from the empty dataset`),
    ),
  ].join('');
  const faults = result.perFault
    .map((f) => `<tr><td>${escapeHtml(f.step)}</td><td>${escapeHtml(f.nodes.join(', '))}</td><td>+${f.atMs} ms</td><td>${escapeHtml(f.newMaster ?? 'no failover')}</td><td>${ms(f.newMasterAfterMs)}</td><td>${ms(f.firstWriteAfterMs)}</td><td>${f.lostBefore ? `${f.lostBefore.count}, oldest ${ms(f.lostBefore.oldestMs)} before` : '0'}</td></tr>`)
    .join('');
  const timeline = result.timeline.map((e) => `<tr class="${e.kind}"><td>+${e.atMs} ms</td><td>${e.kind}</td><td>${escapeHtml(e.text)}</td></tr>`).join('');
  const lost = result.acknowledgedLost?.keys ?? [];
  const ledger = new Set(result.recoveredByLedger?.keys ?? []);
  const lostList = lost.length
    ? `<details open><summary>${lost.length} acknowledged keys lost${lost.length > KEYS_SHOWN ? ` (first ${KEYS_SHOWN} shown)` : ''}</summary><ol class="keys">${lost
        .slice(0, KEYS_SHOWN)
        .map((k) => `<li>${escapeHtml(k)}${ledger.has(k) ? ' <em>(in ledger)</em>' : ''}</li>`)
        .join('')}</ol></details>`
    : '<p>No acknowledged write was lost.</p>';
  const verdictClass = result.verdict === 'pass' ? 'pass' : 'fail';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>clusterctl drill ${escapeHtml(result.scenario ?? 'custom')} — ${escapeHtml(result.verdict)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 12px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.verdict{font-size:18px;font-weight:600;padding:10px 14px;border-radius:6px;margin:12px 0}
.verdict.pass{background:#e3f4ea;color:#17663a}.verdict.fail{background:#fbe4e4;color:#8a1f1f}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{font-weight:600}.numbers th{width:40%}.legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:10px;height:10px;margin-right:4px}
tr.fault td{color:${COLORS.fault}}tr.failover td{color:${COLORS.failover}}.keys{font-family:ui-monospace,monospace;font-size:12px;columns:2}
code{font-family:ui-monospace,monospace}.meta{color:#666}
</style>
</head>
<body>
<h1>clusterctl drill: ${escapeHtml(result.scenario ?? 'custom faults')}</h1>
<p class="meta">cluster ${escapeHtml(result.cluster)} · engine ${escapeHtml(result.engine)} · run ${escapeHtml(result.runId)} · ${result.clients} clients at up to ${result.rate} writes/s each · seed ${result.seed} · faults <code>${escapeHtml(result.faults)}</code></p>
<div class="verdict ${verdictClass}">${escapeHtml(verdictLine(result))}</div>
<h2>Writes per 100 ms</h2>
<p class="legend"><span><i class="sw" style="background:${COLORS.ok}"></i>acknowledged</span><span><i class="sw" style="background:${COLORS.unknown}"></i>unknown outcome</span><span><i class="sw" style="background:${COLORS.failed}"></i>failed</span><span><i class="sw" style="background:${COLORS.fault}"></i>fault</span><span><i class="sw" style="background:${COLORS.failover}"></i>failover (+switch-master)</span><span><i class="sw" style="background:#f3e3e3"></i>longest gap</span></p>
${chartSvg(result)}
<h2>Numbers</h2>
<table class="numbers">${numbers}</table>
<h2>Recovery per fault</h2>
<table><tr><th>fault</th><th>node</th><th>at</th><th>new master</th><th>to new master</th><th>to first acknowledged write</th><th>acknowledged before it and lost</th></tr>${faults}</table>
${replicationHtml(result, escapeHtml)}
<h2>Timeline</h2>
<table>${timeline}</table>
<h2>Lost keys</h2>
${lostList}
</body>
</html>
`;
}
