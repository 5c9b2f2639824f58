// The crash drills end to end on engine builtin, through the real bin: crash-all (every node and
// sentinel SIGKILLed at once, then started again) under appendonly yes + appendfsync always loses no
// acknowledged write, and the nodes come back with their keys; restart-master-empty (the master
// killed and started again at once with its data files set aside) is refused by the node
// (-EMPTYRESTART), the sentinels fail it over, and its replicas keep their data; crash-all with
// persistence off reports what it lost and that the empty master was refused. The redis side of
// restart-master-empty (the replicas wiped) is in drill-redis.test.ts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from './cli-harness.js';
import { expectConsistent, topology } from './drill-helpers.js';

/** The default topology with `directives` under defaults: (as a user writes appendonly in YAML). */
async function withDefaults(directives: string, name: string): Promise<string> {
  return (await topology('builtin')).replace(/^defaults:\n/m, `defaults:\n${directives}`).replace(/^name: .*$/m, `name: ${name}`);
}

/** A running cluster (`up`) on the default topology with `directives` under defaults:, for one describe block. */
function runningCluster(directives: string, name: string): () => Sandbox {
  let box: Sandbox;
  beforeAll(async () => {
    box = Sandbox.create(await withDefaults(directives, name));
    const up = await box.run(['up', '--json']);
    expect(up.code, up.stdout + up.stderr).toBe(0);
  });
  afterAll(async () => {
    if (box) expect(await box.cleanup()).toEqual([]);
  });
  return () => box;
}

describe('clusterctl drill crash-all and restart-master-empty (engine builtin, appendfsync always)', () => {
  const cluster = runningCluster('  appendonly: "yes"\n  appendfsync: always\n', 'crash-always');

  it('crash-all: every node and sentinel killed at once and restarted from the AOF loses no acknowledged write', async () => {
    const run = await cluster().run(['drill', '--scenario', 'crash-all', '--duration', '7s', '--json'], 150_000);
    expectConsistent(run);
    expect(run.json.verdict).toBe('pass');
    expect(run.json.acknowledgedLost.count).toBe(0);
    const crash = run.json.faultEvents.find((e: any) => e.action === 'crash');
    expect(crash.ok, crash.message).toBe(true);
    expect(crash.message).toMatch(/Killed m1, r1, r2, s1, s2, s3 at once \(SIGKILL\)/);
    // Every node came back with keys: its own AOF, not a resync, brought them back.
    for (const node of ['m1', 'r1', 'r2']) expect(Number(new RegExp(`${node} (\\d+)`).exec(crash.message)?.[1]), crash.message).toBeGreaterThan(0);
    expect(run.json.emptyRestarts).toEqual([]);
    expect(run.json.perFault[0].lostBefore).toBeNull();
  });

  it('restart-master-empty: the empty master refuses to act as one, the sentinels fail it over, the replicas keep their keys', async () => {
    const run = await cluster().run(['drill', '--scenario', 'restart-master-empty', '--duration', '8s', '--json'], 150_000);
    expectConsistent(run);
    expect(run.json.emptyRestarts).toEqual([{ node: run.json.master.before, refused: true, reply: expect.stringMatching(/^EMPTYRESTART/) }]);
    expect(run.json.master.after).not.toBe(run.json.master.before);
    expect(run.json.perFault[0].newMaster).toBe(run.json.master.after);
    // The writes acknowledged before the restart are on the new master (a replica that kept them):
    // at most the few whose bytes the killed master had not sent yet can be missing.
    const lostBefore = run.json.perFault[0].lostBefore?.count ?? 0;
    expect(lostBefore).toBeLessThan(Math.max(5, run.json.writes.ok * 0.01));
    // The old master became a replica of the new one and holds the same drill keys.
    expect(run.json.replicas.find((r: any) => r.node === run.json.master.before)).toMatchObject({ differing: 0 });
    const logs = await cluster().run(['logs', run.json.master.before, '--lines', '400']);
    expect(logs.stdout).toMatch(/Empty restart refused: it restarted with an empty dataset after serving as master of \d+ keys/);
  });
});

describe('clusterctl drill crash-all with persistence off (engine builtin)', () => {
  const cluster = runningCluster('  appendonly: "no"\n  save: ""\n', 'crash-off');

  it('reports the writes lost with the data, and that the empty master was refused rather than resynced from', async () => {
    const run = await cluster().run(['drill', '--scenario', 'crash-all', '--duration', '7s', '--json'], 150_000);
    expectConsistent(run);
    expect(run.json.verdict).toBe('loss');
    const lost = run.json.perFault[0].lostBefore;
    // Everything acknowledged before the crash was only in memory: it is (nearly all of) the loss; a
    // few replies the clients read just after the kill count as acknowledged after it.
    expect(lost.count).toBeGreaterThanOrEqual(run.json.acknowledgedLost.count * 0.95);
    expect(lost.oldestMs).toBeGreaterThan(0);
    expect(run.json.emptyRestarts).toEqual([{ node: run.json.master.before, refused: true, reply: expect.stringMatching(/^EMPTYRESTART/) }]);
  });
});
