// clusterctl drill on a Redis Cluster (mode: cluster, 3 shards x 1 replica, node-timeout 2000 ms),
// through the real bin against a running cluster: the scenario and shard are checked first; on
// engine builtin kill-master, partition-master (the master of shard 1 cut off from every other node
// and from one client group) and reshard-under-load run with their verdict matching the exit code
// and the readback (losses are reported, not hidden), one lane per shard in the JSON and the HTML
// report; on engine redis partition-master is refused and kill-master runs. Short drills (7 s).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, type CliRun } from './cli-harness.js';
import { clusterEngines, clusterPorts } from './cluster-engines.js';
import { expectConsistent } from './drill-helpers.js';

const NAMES = ['m1', 'm2', 'm3', 'r1', 'r2', 'r3'];

async function clusterTopology(engine: string): Promise<string> {
  const free = await clusterPorts(NAMES.length);
  const line = (n: string, i: number) => `  ${n}: { port: ${free[i]}${n.startsWith('r') ? `, replicaof: m${n.slice(1)}` : ''} }`;
  return `name: cdrill-${engine}\nmode: cluster\nengine: ${engine}\ncluster: { node-timeout: 2000 }\nnodes:\n${NAMES.map(line).join('\n')}\n`;
}

/** What every cluster drill's --json carries beyond the sentinel drill's fields. */
function expectLanes(run: CliRun): void {
  expectConsistent(run);
  expect(run.json.mode).toBe('cluster');
  expect(run.json.shards.map((lane: any) => lane.shard)).toEqual([1, 2, 3]);
  // The shards' checked writes add up to the drill's, and so do their losses.
  const sum = (f: (lane: any) => number) => run.json.shards.reduce((n: number, lane: any) => n + f(lane), 0);
  expect(sum((lane) => lane.writes.total)).toBe(run.json.writes.total);
  expect(sum((lane) => lane.acknowledgedLost)).toBe(run.json.acknowledgedLost.count);
  // Every shard took writes (the keys spread over every slot) and its replica was compared.
  for (const lane of run.json.shards) {
    expect(lane.writes.ok).toBeGreaterThan(0);
    expect(lane.replicas.length).toBe(1);
  }
}

const engines = await clusterEngines();

describe.each(engines)('clusterctl drill on a Redis Cluster (engine %s)', (engine) => {
  let box: Sandbox;

  beforeAll(async () => {
    box = Sandbox.create(await clusterTopology(engine));
    const up = await box.run(['up', '--json'], 90_000);
    expect(up.code, up.stdout + up.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    if (box) expect(await box.cleanup()).toEqual([]);
  });

  it('refuses a shard that does not exist and, on engine redis, partition-master, before touching the cluster', async () => {
    const noShard = await box.run(['drill', '--scenario', 'kill-master', '--shard', '9', '--json']);
    expect(noShard.code).toBe(2);
    expect(noShard.json.error).toMatchObject({ code: 'NO_SUCH_SHARD' });
    expect(noShard.json.error.message).toMatch(/shards: 1, 2, 3/);
    if (engine === 'redis') {
      const partition = await box.run(['drill', '--scenario', 'partition-master', '--json']);
      expect(partition.code).toBe(2);
      expect(partition.json.error).toMatchObject({ code: 'BAD_FAULTS' });
      expect(partition.json.error.message).toMatch(/redis-server cannot black-hole/);
    }
    const sentinelOnly = await box.run(['drill', '--scenario', 'crash-all', '--json']);
    expect(sentinelOnly.code).toBe(2);
    expect(sentinelOnly.json.error.message).toMatch(/does not run on a Redis Cluster/);
  }, 60_000);

  it('kill-master: shard 1 fails over to its replica; the verdict matches the readback and the exit code; lanes in the HTML report', async () => {
    const report = join(box.cwd, 'kill.html');
    const run = await box.run(['drill', '--scenario', 'kill-master', '--shard', '1', '--duration', '7s', '--json', '--report', report], 150_000);
    expectLanes(run);
    const shard1 = run.json.shards[0];
    expect(shard1.master.after).not.toBe(shard1.master.before);
    expect(run.json.perFault[0]).toMatchObject({ shard: 1, nodes: [shard1.master.before], newMaster: shard1.master.after });
    // The other shards kept their masters.
    expect(run.json.shards.slice(1).every((lane: any) => lane.master.after === lane.master.before)).toBe(true);
    const html = readFileSync(report, 'utf8');
    expect(html.match(/<svg [^>]*class="lane"/g)?.length).toBe(3);
    expect(html).toContain('class="mark fault"');
    expect(html).toContain('class="mark failover"');
  }, 180_000);

  it.runIf(engine === 'builtin')('partition-master: the master of shard 1 is cut off from the other nodes and one client group; the cut-off clients see failures', async () => {
    const run = await box.run(['drill', '--scenario', 'partition-master', '--duration', '7s', '--json'], 150_000);
    expectLanes(run);
    expect(run.json.faultEvents[0].message).toMatch(/^Partitioned \S+ from .*clients/);
    expect(run.json.perFault[0].newMaster).not.toBeNull();
    expect(run.json.writes.failed + run.json.writes.unknown).toBeGreaterThan(0);
  }, 180_000);

  it.runIf(engine === 'builtin')('reshard-under-load: slots move from shard 1 to shard 2 while the clients write; no acknowledged write lost', async () => {
    const run = await box.run(['drill', '--scenario', 'reshard-under-load', '--duration', '7s', '--json'], 150_000);
    expectLanes(run);
    expect(run.json.slotMoves.count).toBeGreaterThan(0);
    expect(run.json.shards[0].slots.after).toBe(run.json.shards[0].slots.before - run.json.slotMoves.count);
    expect(run.json.timeline.some((e: any) => e.kind === 'slot-moves')).toBe(true);
    expect(run.json.acknowledgedLost.count).toBe(0);
  }, 180_000);
});
