// Replication faults end to end on engine builtin, through the real bin: a replica cut from its
// master only while 4 MB are written, then healed, resyncs fully when the topology's
// repl-backlog-size is 1mb (the backlog was overwritten; `replica-sync-drop` then drops its link mid
// full sync, and the next attempt is full again: no history) and partially, with the missed bytes
// served from the backlog, at 64mb (`replica-outage`); `clusterctl fault --delay` visibly delays what a replica receives; and
// on the chain template (with its sentinels) a killed master's sub-replica continues with a partial
// resync (PSYNC2) from the promoted replica.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePortRange, Sandbox } from './cli-harness.js';
import { expectConsistent, topology } from './drill-helpers.js';
import { waitFor } from '../helpers/wait-for.js';

const TEMPLATES = join(import.meta.dirname, '..', '..', 'templates');

/** A running cluster (`up`) for one describe block. */
function runningCluster(yaml: () => Promise<string>): () => Sandbox {
  let box: Sandbox;
  beforeAll(async () => {
    box = Sandbox.create(await yaml());
    const up = await box.run(['up', '--json'], 90_000);
    expect(up.code, up.stdout + up.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    if (box) expect(await box.cleanup()).toEqual([]);
  });
  return () => box;
}

async function withBacklog(size: string): Promise<string> {
  return (await topology('builtin')).replace(/^ {2}repl-backlog-size: .*$/m, `  repl-backlog-size: ${size}`).replace(/^name: .*$/m, `name: outage-${size}`);
}

function portOf(box: Sandbox, cluster: string, node: string): number {
  return box.state(cluster).nodes.find((n: { name: string }) => n.name === node).port;
}

/** The resyncs of the replica the drill cut (the node its cut step named). */
function resyncsOfCut(json: any): any[] {
  const cut = json.faultEvents.find((e: any) => e.action === 'cut');
  expect(cut?.ok, JSON.stringify(json.faultEvents)).toBe(true);
  return json.resyncs.filter((r: any) => r.replica === cut.nodes[0]);
}

describe('replica-outage with repl-backlog-size 1mb', () => {
  const cluster = runningCluster(() => withBacklog('1mb'));

  it('the cut replica needs a full resync (the backlog was overwritten); dropped mid-way, the next one is full again (no history)', async () => {
    const run = await cluster().run(['drill', '--scenario', 'replica-sync-drop', '--duration', '7s', '--json'], 150_000);
    expectConsistent(run);
    expect(run.json.verdict).toBe('pass');
    const mine = resyncsOfCut(run.json);
    expect(mine.length, JSON.stringify(run.json.resyncs)).toBeGreaterThan(0);
    expect(mine[0]).toMatchObject({ kind: 'full', cause: 'backlog-overwritten', master: run.json.master.before, backlogSize: 1024 * 1024 });
    const drop = run.json.faultEvents.find((e: any) => e.action === 'drop-sync');
    expect(drop?.ok, drop?.message).toBe(true);
    expect(drop.message).toMatch(/mid full sync/);
    // Its history was given up when that sync began: nothing to continue from.
    expect(mine[1], JSON.stringify(mine)).toMatchObject({ kind: 'full', cause: 'no-history', requested: '?:-1' });
    expect(run.json.resyncSummary.full).toBeGreaterThanOrEqual(2);
    // The lag series saw it fall more than the whole backlog behind while cut off.
    const lags = run.json.replication.map((p: any) => p.lag[mine[0].replica] ?? 0);
    expect(Math.max(...lags)).toBeGreaterThan(1024 * 1024);
  });

  it('clusterctl fault --delay holds back what the replica receives, --clear ends it', async () => {
    const box = cluster();
    const master = new Redis({ port: portOf(box, 'outage-1mb', 'm1'), lazyConnect: true, maxRetriesPerRequest: 1 });
    const replica = new Redis({ port: portOf(box, 'outage-1mb', 'r2'), lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await Promise.all([master.connect(), replica.connect()]);
      const usage = await box.run(['fault', 'r2', '--json']);
      expect(usage.code).toBe(2);
      const slow = await box.run(['fault', 'r2', '--delay', '2s', '--throttle', '1mb/s', '--json']);
      expect(slow.code, slow.stdout + slow.stderr).toBe(0);
      expect(slow.json).toMatchObject({ node: 'r2', action: 'shape', delayMs: 2000, bytesPerSec: 1024 * 1024, peers: ['master', 'replicas'] });
      expect(await replica.info('faults')).toMatch(/fault_shapes:1/);
      await master.set('delayed-key', 'v1');
      // Written on the master; the replica gets it 2 s later: not yet, then there.
      expect(await replica.get('delayed-key')).toBeNull();
      await waitFor(async () => (await replica.get('delayed-key')) === 'v1', { timeout: 20_000, message: 'the delayed write on the replica' });
      const clear = await box.run(['fault', 'r2', '--clear', '--json']);
      expect(clear.json).toMatchObject({ action: 'clear', count: 1 });
      expect(await replica.info('faults')).toMatch(/fault_shapes:0/);
    } finally {
      master.disconnect();
      replica.disconnect();
    }
  });
});

describe('replica-outage with repl-backlog-size 64mb', () => {
  const cluster = runningCluster(() => withBacklog('64mb'));

  it('the cut replica continues with a partial resync, the backlog serving what it missed', async () => {
    const run = await cluster().run(['drill', '--scenario', 'replica-outage', '--duration', '6s', '--json'], 150_000);
    expectConsistent(run);
    expect(run.json.verdict).toBe('pass');
    const mine = resyncsOfCut(run.json);
    expect(mine.length, JSON.stringify(run.json.resyncs)).toBe(1);
    expect(mine[0]).toMatchObject({ kind: 'partial', cause: null, backlogSize: 64 * 1024 * 1024 });
    // At least the 4 MB `fill` wrote while it was cut off.
    expect(mine[0].bytes).toBeGreaterThan(4 * 1024 * 1024);
    expect(run.json.resyncSummary).toMatchObject({ partial: 1, full: 0 });
  });
});

describe('a failover on the chain template (m1 -> r1 -> r2, three sentinels)', () => {
  const cluster = runningCluster(async () => {
    const nodeBase = await freePortRange(3);
    let sentinelBase = await freePortRange(3);
    while (Math.abs(sentinelBase - nodeBase) < 3) sentinelBase = await freePortRange(3);
    return readFileSync(join(TEMPLATES, 'chain.yaml'), 'utf8').replace(/^ports: .*$/m, `ports: { base: ${nodeBase}, sentinels: ${sentinelBase} }`);
  });

  it('the sub-replica continues from the promoted replica with a partial resync (PSYNC2)', async () => {
    const run = await cluster().run(['drill', '--scenario', 'kill-master', '--duration', '6s', '--json'], 150_000);
    expectConsistent(run);
    expect(run.json.verdict).toBe('pass');
    // The sentinels know only r1 (m1's one direct replica): it is the one promoted.
    expect(run.json.master).toEqual({ before: 'm1', after: 'r1' });
    const sub = run.json.resyncs.filter((r: any) => r.replica === 'r2');
    expect(sub.length, JSON.stringify(run.json.resyncs)).toBeGreaterThan(0);
    expect(sub.every((r: any) => r.kind === 'partial' && r.master === 'r1'), JSON.stringify(sub)).toBe(true);
    // It offered the old history; r1 continued it under its new replication ID.
    expect(sub[0].requested).toMatch(/^[0-9a-f]{40}:\d+$/);
  });
});
