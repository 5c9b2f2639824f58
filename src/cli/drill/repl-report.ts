// The replication part of a drill's summary and HTML report, pure: each reconnect (partial with the
// bytes the backlog served, or full and why), and two charts over the drill: every replica's lag
// behind the master (bytes) and how full the master's replication backlog was.

import type { DrillResult } from './run.js';
import { CAUSE_TEXT, resyncCounts, type ReplPoint } from './repl-series.js';

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

export function resyncLines(result: DrillResult): string[] {
  const lines: string[] = [];
  // Results saved by an older clusterctl have neither field.
  const resyncs = result.resyncs ?? [];
  const { partial, full, partialBytes, causes } = resyncCounts(resyncs);
  if (partial + full === 0) return lines;
  const why = Object.entries(causes).map(([cause, n]) => `${n} ${cause}`).join(', ');
  lines.push(`  resyncs:    ${partial} partial (${formatBytes(partialBytes)} from the backlog), ${full} full${why ? ` (${why})` : ''}`);
  for (const r of resyncs) {
    const what = r.kind === 'partial' ? `partial, ${formatBytes(r.bytes)} from the backlog` : `FULL: ${CAUSE_TEXT[r.cause ?? ''] ?? r.cause}`;
    lines.push(`    +${r.atMs} ms  ${r.replica} from ${r.master}: ${what} (backlog ${formatBytes(r.backlogSize)})`);
  }
  return lines;
}

const PALETTE = ['#2860c8', '#d64545', '#2e9e5b', '#e0a020', '#8a4fc8', '#444'];

function lineChart(title: string, points: readonly ReplPoint[], series: { name: string; value: (p: ReplPoint) => number | null }[], max: number, label: (v: number) => string): string {
  const W = 960;
  const H = 180;
  const pad = { left: 64, right: 10, top: 14, bottom: 24 };
  const span = Math.max(1000, points.at(-1)?.atMs ?? 1000);
  const x = (ms: number) => pad.left + (ms / span) * (W - pad.left - pad.right);
  const y = (v: number) => pad.top + (H - pad.top - pad.bottom) * (1 - v / max);
  const parts: string[] = [
    `<line x1="${pad.left}" y1="${y(0)}" x2="${W - pad.right}" y2="${y(0)}" stroke="#888"/>`,
    `<text x="${pad.left - 6}" y="${pad.top + 4}" font-size="10" text-anchor="end" fill="#555">${label(max)}</text>`,
    `<text x="${pad.left - 6}" y="${y(0)}" font-size="10" text-anchor="end" fill="#555">0</text>`,
  ];
  for (let t = 0; t <= span; t += span > 30_000 ? 5000 : 1000) parts.push(`<text x="${x(t).toFixed(1)}" y="${H - 8}" font-size="10" text-anchor="middle" fill="#555">${t / 1000}s</text>`);
  series.forEach((s, i) => {
    // A gap in the line where the value is unknown (no answer, no master).
    let path = '';
    let pen = false;
    for (const p of points) {
      const v = s.value(p);
      if (v === null) {
        pen = false;
        continue;
      }
      path += `${pen ? 'L' : 'M'}${x(p.atMs).toFixed(1)},${y(Math.min(v, max)).toFixed(1)}`;
      pen = true;
    }
    if (path) parts.push(`<path d="${path}" fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="1.5"><title>${s.name}</title></path>`);
  });
  const legend = series.map((s, i) => `<span><i class="sw" style="background:${PALETTE[i % PALETTE.length]}"></i>${s.name}</span>`).join('');
  return `<h2>${title}</h2><p class="legend">${legend}</p><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${title}">${parts.join('')}</svg>`;
}

/** The report's replication section (escape: the page's own escaper). */
export function replicationHtml(result: DrillResult, escape: (text: string) => string): string {
  const points = result.replication ?? [];
  const resyncs = result.resyncs ?? [];
  const replicas = [...new Set(points.flatMap((p) => Object.keys(p.lag)))].sort();
  const maxLag = Math.max(1024, ...points.flatMap((p) => Object.values(p.lag).filter((v): v is number => v !== null)));
  const charts = points.length
    ? lineChart('Replica lag (bytes behind the master)', points, replicas.map((name) => ({ name, value: (p: ReplPoint) => p.lag[name] ?? null })), maxLag, formatBytes) +
      lineChart('Master\'s replication backlog fill', points, [{ name: 'repl_backlog_histlen / repl-backlog-size', value: (p: ReplPoint) => (p.backlogFill === null ? null : p.backlogFill * 100) }], 100, (v) => `${v}%`)
    : '';
  const rows = resyncs
    .map((r) => `<tr><td>+${r.atMs} ms</td><td>${escape(r.replica)}</td><td>${escape(r.master)}</td><td>${r.kind}</td><td>${r.kind === 'partial' ? formatBytes(r.bytes) : '—'}</td><td>${escape(r.cause ? (CAUSE_TEXT[r.cause] ?? r.cause) : '')}</td><td>${formatBytes(r.backlogSize)}</td></tr>`)
    .join('');
  const table = resyncs.length
    ? `<table><tr><th>at</th><th>replica</th><th>from</th><th>resync</th><th>backlog served</th><th>why full</th><th>backlog size</th></tr>${rows}</table>`
    : `<p>No replica reconnected${result.engine === 'redis' ? ' (engine redis does not list its resyncs: see sync_full / sync_partial_ok in INFO stats)' : ''}.</p>`;
  return `${charts}<h2>Resyncs</h2>${table}`;
}
