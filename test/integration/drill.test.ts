// clusterctl drill end to end, through the real bin as a user runs it: on engine builtin against a
// running cluster (pause-master must lose no acknowledged write; kill-master's verdict and exit code
// agree), with the JSON fields and the HTML report; on engine redis a drill that starts and stops its
// own cluster. Short drills (7 s of writes) to keep CI fast.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOPOLOGY_YAML } from '../../src/cli/topology/load.js';
import { hasRedis } from '../helpers/processes.js';
import { Sandbox, freePortRange, isAlive, type CliRun } from './cli-harness.js';

async function topology(engine: 'builtin' | 'redis'): Promise<string> {
  const nodeBase = await freePortRange(3);
  let sentinelBase = await freePortRange(3);
  while (Math.abs(sentinelBase - nodeBase) < 3) sentinelBase = await freePortRange(3);
  return DEFAULT_TOPOLOGY_YAML.replace(/^ports: .*$/m, `ports: { base: ${nodeBase}, sentinels: ${sentinelBase} }`)
    .replace(/^engine: .*$/m, `engine: ${engine}`)
    .replace(/^name: .*$/m, `name: drill-${engine}`);
}

/** The verdict and the exit code tell the same story; the JSON carries what the report promises. */
function expectConsistent(run: CliRun): void {
  expect(run.json, run.stdout + run.stderr).toBeDefined();
  const exit = { pass: 0, loss: 6, diverged: 6, 'not-converged': 7 }[run.json.verdict as string];
  expect(run.code, run.stdout + run.stderr).toBe(exit);
  expect(run.json).toMatchObject({
    converged: true,
    writes: { total: expect.any(Number), ok: expect.any(Number), failed: expect.any(Number), unknown: expect.any(Number) },
    acknowledgedLost: { count: expect.any(Number), keys: expect.any(Array) },
    recoveredByLedger: { count: expect.any(Number) },
    unknown: { present: expect.any(Number), absent: expect.any(Number) },
    unavailability: { ms: expect.any(Number) },
  });
  expect(run.json.acknowledgedLost.count).toBe(run.json.acknowledgedLost.keys.length);
  expect(run.json.verdict === 'loss').toBe(run.json.acknowledgedLost.count > 0);
  expect(run.json.writes.ok).toBeGreaterThan(0);
  expect(run.json.perFault[0]).toMatchObject({ step: expect.any(String), nodes: [expect.any(String)] });
  expect(run.json.buckets.length).toBeGreaterThan(10);
}

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

  it('kill-master: the verdict matches the exit code and the readback; the running cluster stays up', async () => {
    const run = await box.run(['drill', '--scenario', 'kill-master', '--duration', '7s', '--json'], 120_000);
    expectConsistent(run);
    const status = await box.run(['status', '--json']);
    expect(status.json.nodes.every((n: any) => n.process === 'running')).toBe(true);
  });
});

describe.skipIf(!hasRedis())('clusterctl drill (engine redis, cluster started by the drill)', () => {
  let box: Sandbox;

  beforeAll(async () => {
    box = Sandbox.create(await topology('redis'));
  });

  afterAll(async () => {
    if (box) expect(await box.cleanup()).toEqual([]);
  });

  it('kill-master runs on redis-server + redis-sentinel, reports consistently, and stops what it started', async () => {
    const run = await box.run(['drill', '--scenario', 'kill-master', '--duration', '6s', '--json'], 150_000);
    expectConsistent(run);
    expect(run.json).toMatchObject({ engine: 'redis', startedCluster: true });
    const state = box.state('drill-redis');
    expect([...state.nodes, ...state.sentinels].filter((p: any) => p.pid && isAlive(p.pid))).toEqual([]);
    expect(existsSync(box.stateFile('drill-redis'))).toBe(true);
  });
});
