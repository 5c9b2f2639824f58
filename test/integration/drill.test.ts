// clusterctl drill end to end on engine builtin, through the real bin as a user runs it, against a
// running cluster: a bad fault list is refused; every scenario runs, and on the defaults
// (asynchronous replication + self-fencing + confirmed replies) pause-master, partition-master,
// kill-replica, restart-all and flapping-master lose no acknowledged write; kill-master's verdict
// and exit code agree; the JSON fields and the HTML report are there. Short drills (7 s of writes)
// to keep CI fast.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from './cli-harness.js';
import { expectConsistent, topology } from './drill-helpers.js';

describe('clusterctl drill (engine builtin, running cluster)', () => {
  let box: Sandbox;

  beforeAll(async () => {
    box = Sandbox.create(await topology('builtin'));
    const up = await box.run(['up', '--json']);
    expect(up.code, up.stdout + up.stderr).toBe(0);
  });

  afterAll(async () => {
    if (box) expect(await box.cleanup()).toEqual([]);
  });

  it('refuses a bad fault list before touching the cluster, naming each problem', async () => {
    const run = await box.run(['drill', '--faults', 'kil:master@2s,start:old-master@1s', '--json']);
    expect(run.code).toBe(2);
    expect(run.json.error).toMatchObject({ code: 'BAD_FAULTS' });
    expect(run.json.error.details.join('\n')).toMatch(/unknown action "kil" \(did you mean "kill"\?\)/);
  });

  it('pause-master: a frozen master loses no acknowledged write; failover, recovery and the HTML report', async () => {
    const report = join(box.cwd, 'pause.html');
    const run = await box.run(['drill', '--scenario', 'pause-master', '--duration', '7s', '--json', '--report', report], 120_000);
    expectConsistent(run);
    expect(run.json.verdict).toBe('pass');
    expect(run.json.acknowledgedLost.count).toBe(0);
    expect(run.json.perFault[0].newMaster).not.toBe(run.json.master.before);
    expect(run.json.perFault[0].firstWriteAfterMs).not.toBeNull();
    expect(run.json.startedCluster).toBe(false);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('class="mark fault"');
    expect(html).toContain('class="mark failover"');
  });

  it('partition-master: the master and its clients cut off acknowledge nothing that is lost', async () => {
    const run = await box.run(['drill', '--scenario', 'partition-master', '--duration', '7s', '--json'], 120_000);
    expectConsistent(run);
    expect(run.json.acknowledgedLost.count).toBe(0);
    expect(run.json.perFault[0].newMaster).not.toBe(run.json.master.before);
    // The clients left with the old master see failures, never a lost OK.
    expect(run.json.writes.failed + run.json.writes.unknown).toBeGreaterThan(0);
  });

  it.each(['kill-replica', 'restart-all', 'flapping-master'])('%s: no acknowledged write lost, the cluster converges', async (scenario) => {
    const run = await box.run(['drill', '--scenario', scenario, '--duration', '7s', '--json'], 150_000);
    expectConsistent(run);
    expect(run.json.acknowledgedLost.count).toBe(0);
    if (scenario === 'kill-replica') expect(run.json.master.after).toBe(run.json.master.before);
  });

  it('kill-master: the verdict matches the exit code and the readback; the running cluster stays up', async () => {
    const run = await box.run(['drill', '--scenario', 'kill-master', '--duration', '7s', '--json'], 120_000);
    expectConsistent(run);
    const status = await box.run(['status', '--json']);
    expect(status.json.nodes.every((n: any) => n.process === 'running')).toBe(true);
  });
});
