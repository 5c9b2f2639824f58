// The replication side of a drill, pure: PSYNC's full-resync causes, the node's resync log as INFO
// shows it, the drill's reading of it (each reconnect named by replica and master, partial with
// bytes or full and why), the lag / backlog-fill series, and the replication-link fault steps.

import { describe, expect, it } from 'vitest';
import { decidePsync } from '../../src/server/replication/psync-decision.js';
import { ResyncLog, RESYNC_LOG_LENGTH } from '../../src/server/replication/resync-log.js';
import { nodeSample, parseInfoFields, parseResyncs, replPoint, resyncCounts } from '../../src/cli/drill/repl-series.js';
import { resyncLines } from '../../src/cli/drill/repl-report.js';
import { FAULT_ACTIONS, NEEDS_FAULT_COMMAND, isDisruptive, parseFaultList } from '../../src/cli/drill/fault-list.js';
import { findScenario } from '../../src/cli/drill/scenarios.js';
import type { DrillResult } from '../../src/cli/drill/run.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('full-resync causes (masterTryPartialResynchronization)', () => {
  const identity = { replid: A, replid2: B, secondReplOffset: 50, masterReplOffset: 200 };
  const backlog = { firstByteOffset: 20, histlen: 181 };
  it('names why a PSYNC cannot continue', () => {
    expect(decidePsync('?', -1, identity, backlog)).toMatchObject({ kind: 'full', cause: 'no-history' });
    expect(decidePsync(A, 19, identity, backlog)).toMatchObject({ kind: 'full', cause: 'backlog-overwritten' });
    expect(decidePsync(A, 202, identity, backlog)).toMatchObject({ kind: 'full', cause: 'offset-ahead' });
    expect(decidePsync(B, 51, identity, backlog)).toMatchObject({ kind: 'full', cause: 'history-changed' });
    expect(decidePsync('c'.repeat(40), 100, identity, backlog)).toMatchObject({ kind: 'full', cause: 'history-changed' });
    expect(decidePsync(A, 100, identity, null)).toMatchObject({ kind: 'full', cause: 'no-backlog' });
    expect(decidePsync(A, 20, identity, backlog)).toEqual({ kind: 'continue', fromOffset: 20 });
  });
});

describe('the resync log and its reading by the drill', () => {
  const begin = 1_000_000;
  function log(): ResyncLog {
    const l = new ResyncLog();
    l.add({ atMs: begin - 5, replica: '127.0.0.1:7001', kind: 'full', bytes: 0, cause: 'no-history', requested: '?:-1', backlogRange: '', backlogSize: 1 << 20 });
    l.add({ atMs: begin + 1500, replica: '127.0.0.1:7001', kind: 'full', bytes: 0, cause: 'backlog-overwritten', requested: `${A}:10`, backlogRange: '900..1900', backlogSize: 1 << 20 });
    l.add({ atMs: begin + 2500, replica: '127.0.0.1:7002', kind: 'partial', bytes: 4321, cause: '', requested: `${A}:1800`, backlogRange: '900..6121', backlogSize: 1 << 20 });
    return l;
  }

  it('keeps the newest entries, numbered', () => {
    const l = new ResyncLog();
    for (let i = 0; i < RESYNC_LOG_LENGTH + 3; i++) l.add({ atMs: i, replica: 'x:1', kind: 'partial', bytes: i, cause: '', requested: '', backlogRange: '', backlogSize: 0 });
    expect(l.all.length).toBe(RESYNC_LOG_LENGTH);
    expect(l.all[0]!.seq).toBe(4);
    expect(l.infoLines()[0]).toBe(`resync_log_next_seq:${RESYNC_LOG_LENGTH + 4}`);
  });

  it('the drill takes the entries since it began, names the replicas and counts them', () => {
    const text = ['# Resyncs', ...log().infoLines()].join('\r\n');
    const names: Record<string, string> = { '127.0.0.1:7001': 'r1', '127.0.0.1:7002': 'r2' };
    const resyncs = parseResyncs(text, 'm1', begin, (address) => names[address] ?? address);
    expect(resyncs).toEqual([
      { atMs: 1500, replica: 'r1', master: 'm1', kind: 'full', bytes: 0, cause: 'backlog-overwritten', requested: `${A}:10`, backlogSize: 1 << 20 },
      { atMs: 2500, replica: 'r2', master: 'm1', kind: 'partial', bytes: 4321, cause: null, requested: `${A}:1800`, backlogSize: 1 << 20 },
    ]);
    expect(resyncCounts(resyncs)).toEqual({ partial: 1, full: 1, partialBytes: 4321, causes: { 'backlog-overwritten': 1 } });
    const lines = resyncLines({ resyncs } as DrillResult);
    expect(lines[0]).toBe('  resyncs:    1 partial (4.2 KB from the backlog), 1 full (1 backlog-overwritten)');
    expect(lines[1]).toMatch(/\+1500 ms {2}r1 from m1: FULL: the backlog was overwritten/);
  });
});

describe('lag and backlog fill', () => {
  const info = (fields: Record<string, string | number>) => parseInfoFields(Object.entries(fields).map(([k, v]) => `${k}:${v}`).join('\r\n'));
  it('each replica\'s bytes behind the one master, and the master\'s backlog fill', () => {
    const m1 = nodeSample('m1', info({ role: 'master', master_repl_offset: 5000, repl_backlog_histlen: 1024, repl_backlog_size: 4096 }));
    const r1 = nodeSample('r1', info({ role: 'slave', master_link_status: 'down', slave_repl_offset: 1000, master_repl_offset: 1000, master_sync_in_progress: 1 }));
    const point = replPoint(250, [m1, r1], ['r1', 'r2']);
    expect(point).toEqual({ atMs: 250, master: 'm1', masterOffset: 5000, backlogFill: 0.25, backlogHistlen: 1024, backlogSize: 4096, lag: { r1: 4000, r2: null }, syncing: ['r1'] });
    // Two masters (mid-failover): no lag can be told.
    expect(replPoint(500, [m1, { ...r1, role: 'master' }], ['r2'])).toMatchObject({ master: null, lag: { r2: null }, backlogFill: null });
  });
});

describe('replication-link fault steps', () => {
  it('parse, need the FAULT command (but fill), and count as faults (but fill)', () => {
    const { steps, errors } = parseFaultList('cut:replica@1s,fill:master@1500ms,heal:old-replica@4s,drop-sync:old-replica@4s,delay:r2@5s,throttle:r2@5s', { available: FAULT_ACTIONS, nodeNames: ['m1', 'r1', 'r2'] });
    expect(errors).toEqual([]);
    expect(steps.map((s) => s.action)).toEqual(['cut', 'fill', 'heal', 'drop-sync', 'delay', 'throttle']);
    expect(steps.filter(isDisruptive).map((s) => s.action)).toEqual(['cut', 'drop-sync', 'delay', 'throttle']);
    expect(FAULT_ACTIONS.filter((a) => !NEEDS_FAULT_COMMAND.has(a))).toContain('fill');
    const redis = parseFaultList('cut:replica@1s', { available: FAULT_ACTIONS.filter((a) => !NEEDS_FAULT_COMMAND.has(a)), unavailableReason: () => 'engine redis cannot' });
    expect(redis.errors).toEqual(['step 1 "cut:replica@1s": engine redis cannot']);
  });

  it('replica-outage cuts a replica, fills the master while it is away, and heals it; short drills still fit', () => {
    for (const duration of [6000, 20_000, 60_000]) {
      const text = findScenario('replica-outage')!.faults(duration);
      const { steps, errors } = parseFaultList(text, { available: FAULT_ACTIONS });
      expect(errors).toEqual([]);
      expect(steps.map((s) => `${s.action}:${s.target}`)).toEqual(['cut:replica', 'fill:master', 'heal:old-replica']);
      expect(steps[2]!.atMs - steps[0]!.atMs).toBeGreaterThanOrEqual(3000);
      expect(steps[2]!.atMs).toBeLessThan(Math.max(duration, steps[2]!.atMs + 1));
    }
    const drop = parseFaultList(findScenario('replica-sync-drop')!.faults(7000), { available: FAULT_ACTIONS });
    expect(drop.steps.map((s) => s.action)).toEqual(['cut', 'fill', 'heal', 'drop-sync']);
  });
});
