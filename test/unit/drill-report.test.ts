// The drill's HTML report and human summary: a well-formed, self-contained page with the verdict,
// a chart bar per outcome, the fault and failover marks, the numbers and the lost keys (escaped).

import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/cli/drill/report-html.js';
import type { DrillResult } from '../../src/cli/drill/run.js';
import { summaryLines, verdictLine } from '../../src/cli/drill/summary.js';

function result(over: Partial<DrillResult> = {}): DrillResult {
  return {
    cluster: 'default',
    engine: 'builtin',
    runId: 'abc',
    scenario: 'kill-master',
    faults: 'kill:master@1s,start:old-master@4s',
    seed: 7,
    clients: 2,
    rate: 100,
    waitReplicas: 0,
    durationMs: 600,
    verdict: 'loss',
    converged: true,
    convergeMs: 900,
    convergeProblems: [],
    master: { before: 'm1', after: 'r1' },
    writes: { total: 12, ok: 9, failed: 2, unknown: 1 },
    acknowledgedLost: { count: 2, keys: ['drill:abc:0:5', 'drill:abc:1:<6>'] },
    recoveredByLedger: { count: 1, keys: ['drill:abc:0:5'] },
    unknown: { present: 0, absent: 1 },
    failedButPresent: { count: 0, keys: [] },
    replicas: [{ node: 'r2', differing: 0, sample: [] }],
    errors: [],
    unavailability: { fromMs: 200, toMs: 400, ms: 200 },
    perFault: [{ step: 'kill:master@1s', nodes: ['m1'], atMs: 200, newMaster: 'r1', newMasterAfterMs: 150, firstProblemAfterMs: 5, firstWriteAfterMs: 210, lostBefore: null }],
    emptyRestarts: [],
    faultEvents: [],
    timeline: [
      { atMs: 200, kind: 'fault', text: 'kill:master@1s — Killed m1 (pid 1, SIGKILL).' },
      { atMs: 350, kind: 'failover', text: '+switch-master mymaster 127.0.0.1 7000 127.0.0.1 7001 (s1)' },
      { atMs: 1500, kind: 'converged', text: 'converged' },
    ],
    sentinelEvents: [],
    buckets: [0, 1, 2, 3, 4, 5].map((i) => ({ atMs: i * 100, ok: i === 2 || i === 3 ? 0 : 2, failed: i === 2 ? 2 : 0, unknown: i === 3 ? 1 : 0 })),
    startedCluster: false,
    warnings: [],
    ...over,
  };
}

const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);
/** Every element closed in order (SVG self-closing tags allowed); returns the first problem. */
function balance(html: string): string | null {
  const stack: string[] = [];
  for (const match of html.replace(/<!DOCTYPE[^>]*>/i, '').matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (selfClosing || VOID.has(name!.toLowerCase())) continue;
    if (!closing) stack.push(name!);
    else if (stack.pop() !== name) return `</${name}> does not close the open element`;
  }
  return stack.length ? `unclosed: ${stack.join(' ')}` : null;
}

describe('HTML report', () => {
  const html = renderReport(result());

  it('is well-formed and self-contained (no scripts, no external assets)', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(balance(html)).toBeNull();
    expect(html).not.toMatch(/<script|<link|\ssrc=|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('charts each outcome per bucket and marks the fault and the failover', () => {
    expect(html.match(/class="bar ok"/g)).toHaveLength(4);
    expect(html.match(/class="bar failed"/g)).toHaveLength(1);
    expect(html.match(/class="bar unknown"/g)).toHaveLength(1);
    expect(html).toContain('<g class="mark fault">');
    expect(html).toContain('<g class="mark failover">');
    expect(html).toContain('class="gap"');
  });

  it('shows the verdict and the lost keys, escaped, with the ledger ones marked', () => {
    expect(html).toContain('✖ LOSS: 2 of 9 acknowledged writes lost; 1 of them in a lost-writes ledger');
    expect(html).toContain('<li>drill:abc:0:5 <em>(in ledger)</em></li>');
    expect(html).toContain('<li>drill:abc:1:&lt;6&gt;</li>');
  });
});

describe('human summary', () => {
  it('starts with the verdict line', () => {
    expect(verdictLine(result({ verdict: 'pass', acknowledgedLost: { count: 0, keys: [] } }))).toBe('✔ PASS: 0 of 9 acknowledged writes lost (kill-master, builtin, 600 ms, 2 clients)');
    expect(summaryLines(result())[0]).toMatch(/^✖ LOSS: 2 of 9/);
    expect(summaryLines(result({ verdict: 'not-converged', converged: false, convergeProblems: ['r1: link down'] }))[0]).toMatch(/^✖ NOT CONVERGED/);
  });

  it('says how long before a crash the lost writes were acknowledged, and what an empty restart did', () => {
    const crash = result({
      scenario: 'crash-all',
      perFault: [{ step: 'crash:all@1s', nodes: ['m1', 'r1'], atMs: 1000, newMaster: null, newMasterAfterMs: null, firstProblemAfterMs: 1, firstWriteAfterMs: 900, lostBefore: { count: 2, oldestMs: 840 } }],
      emptyRestarts: [
        { node: 'm1', refused: true, reply: 'EMPTYRESTART This node refuses' },
        { node: 'm2', refused: false, reply: '3' },
      ],
    });
    const lines = summaryLines(crash).join('\n');
    expect(lines).toContain('! lost:     2 writes acknowledged before it, the oldest 840 ms before');
    expect(lines).toContain('empty restart: m1 came back with no data and refused to act as master (-EMPTYRESTART)');
    expect(lines).toContain('! empty restart: m2 came back with no data and served as master (DBSIZE: 3): its replicas resynced from the empty dataset');
    const html = renderReport(crash);
    expect(balance(html)).toBeNull();
    expect(html).toContain('2, oldest 840 ms before');
    expect(html).toContain('<th>empty restart of m1</th><td>refused to act as master');
  });
});
