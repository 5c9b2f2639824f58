// Scenario tests on the fake clock of the sentinel rules added for parity with redis-sentinel 7.0:
// master-reboot-down-after-period, replica-announced, replica priority, TILT under SENTINEL DEBUG
// timings, notification / client-reconfig scripts, SCRIPT KILL of a busy master, SIMULATE-FAILURE,
// leases given back when a sentinel stops watching a node, and the forced failover's fence.

import { describe, expect, it } from 'vitest';
import { forceFailover, remove, reset } from '../../src/sentinel/core/admin.js';
import { announcedReplicas, flagsOf } from '../../src/sentinel/core/instances.js';
import { retryDelayFor, SCRIPT_MAX_RETRY, ScriptQueue } from '../../src/sentinel/core/scripts.js';
import { SIM_CRASH_AFTER_ELECTION, SIM_CRASH_AFTER_PROMOTION } from '../../src/sentinel/core/sim-failure.js';
import type { MasterSettings } from '../../src/sentinel/core/types.js';
import { Sim, type SimSentinel } from '../helpers/sentinel-sim.js';

const M = 7000;
const R1 = 7001;
const R2 = 7002;
const S = [26001, 26002, 26003];

interface WorldOptions {
  settings?: Partial<MasterSettings>;
  r1?: { priority?: number; offset?: number; announced?: boolean };
  /** Nodes that grant leases (clusterctl nodes with this fence-lease-ms). */
  fenceLeaseMs?: number;
}

function world(options: WorldOptions = {}): Sim {
  const sim = new Sim();
  sim.addNode(M, 'master', null, 500);
  const r1 = sim.addNode(R1, 'slave', M, options.r1?.offset ?? 400, options.r1?.priority ?? 100);
  if (options.r1?.announced === false) r1.announced = false;
  sim.addNode(R2, 'slave', M, 500);
  if (options.fenceLeaseMs) for (const node of sim.nodes.values()) node.fenceLeaseMs = options.fenceLeaseMs;
  for (const port of S) sim.addSentinel(port, [{ name: 'mymaster', port: M, quorum: 2, settings: options.settings }]);
  sim.runUntil(() => sim.sentinels.every((s) => master(s).replicas.size === 2 && master(s).sentinels.size === 2), 5000);
  return sim;
}

function master(s: SimSentinel) {
  return s.core.masters.get('mymaster')!;
}

function newMasterPort(sim: Sim): number | null {
  const ports = sim.sentinels.filter((s) => s.alive).map((s) => master(s).port);
  return ports.every((p) => p === ports[0] && p !== M) ? ports[0]! : null;
}

describe('master-reboot-down-after-period', () => {
  it('a master that rebooted and answers only -LOADING is SDOWN after the period, up again at its first +PONG', () => {
    // No replica can be promoted: the master stays the master whatever its state.
    const sim = world({ settings: { masterRebootDownAfterMs: 500 }, r1: { priority: 0 } });
    sim.nodes.get(R2)!.priority = 0;
    for (const s of sim.sentinels) s.core.timings.infoPeriod = 200;
    const node = sim.nodes.get(M)!;
    node.runId = 'f'.repeat(40);
    node.pingReply = 'available';
    expect(sim.runUntil(() => sim.events('+sdown').length === 3, 3000)).toBe(true);
    const rebootAt = sim.events('+reboot')[0]!.at;
    expect(sim.events('+sdown')[0]!.at - rebootAt).toBeGreaterThan(500);
    expect(sim.events('+sdown')[0]!.message).toBe('master mymaster 127.0.0.1 7000');
    node.pingReply = 'pong';
    expect(sim.runUntil(() => sim.events('-sdown').length === 3, 3000)).toBe(true);
  });

  it('without the period a reboot answered by -LOADING is no SDOWN (Redis counts LOADING as available)', () => {
    const sim = world();
    for (const s of sim.sentinels) s.core.timings.infoPeriod = 200;
    sim.nodes.get(M)!.runId = 'f'.repeat(40);
    sim.nodes.get(M)!.pingReply = 'available';
    sim.run(3000);
    expect(sim.events('+reboot').length).toBe(3);
    expect(sim.events('+sdown')).toEqual([]);
  });
});

describe('replicas', () => {
  it('replica-announced no: left out of SENTINEL REPLICAS, still counted and still promotable', () => {
    const sim = world({ r1: { announced: false, offset: 900 } });
    sim.run(11_000); // the replicas' INFO (every 10 s) reports replica_announced
    const m = master(sim.sentinels[0]!);
    expect(announcedReplicas(m).map((r) => r.port)).toEqual([R2]);
    expect(m.replicas.size).toBe(2);
    sim.nodes.get(M)!.alive = false;
    expect(sim.runUntil(() => newMasterPort(sim) !== null, 10_000)).toBe(true);
    expect(newMasterPort(sim)).toBe(R1);
  });

  it('replica-priority: a lower priority wins over a larger offset; priority 0 is never promoted', () => {
    const sim = world({ r1: { priority: 50, offset: 100 } });
    sim.run(11_000);
    sim.nodes.get(M)!.alive = false;
    expect(sim.runUntil(() => newMasterPort(sim) !== null, 10_000)).toBe(true);
    expect(newMasterPort(sim)).toBe(R1);
    const never = world({ r1: { priority: 0, offset: 900 } });
    never.run(11_000);
    never.nodes.get(M)!.alive = false;
    expect(never.runUntil(() => newMasterPort(never) !== null, 10_000)).toBe(true);
    expect(newMasterPort(never)).toBe(R2);
  });
});

describe('TILT under SENTINEL DEBUG timings', () => {
  it('tilt-trigger and tilt-period come from the timings: a 500 ms stall tilts, 1 s later it acts again', () => {
    const sim = world();
    const s = sim.sentinels[0]!;
    s.core.timings.tiltTrigger = 300;
    s.core.timings.tiltPeriod = 1000;
    sim.run(200);
    // This sentinel's process stalls for 500 ms (the others tick on).
    s.alive = false;
    sim.run(500);
    s.alive = true;
    sim.run(20);
    expect(s.core.tilt).toBe(true);
    expect(s.events.map((e) => e.channel)).toContain('+tilt');
    sim.run(1100);
    expect(s.core.tilt).toBe(false);
    expect(s.events.filter((e) => e.channel === '-tilt')).toHaveLength(1);
  });
});

describe('scripts', () => {
  it('notification-script runs for warning events about its master (with or without %@), not for notices', () => {
    const sim = world({ settings: { notificationScript: '/n' } });
    const s = sim.sentinels[0]!;
    sim.nodes.get(M)!.alive = false;
    sim.runUntil(() => newMasterPort(sim) !== null, 10_000);
    const argv = s.core.scripts.jobs.map((job) => job.argv);
    expect(argv).toContainEqual(['/n', '+sdown', 'master mymaster 127.0.0.1 7000']);
    expect(argv.some((a) => a[1] === '+new-epoch' && /^\d+$/.test(a[2]!))).toBe(true);
    expect(argv.some((a) => a[1] === '+switch-master' && a[2] === 'mymaster 127.0.0.1 7000 127.0.0.1 7002')).toBe(true);
    expect(argv.some((a) => a[1] === '+slave')).toBe(false);
  });

  it('client-reconfig-script: `leader start` at promotion, `observer start` at a switch learnt from a hello', () => {
    const sim = world({ settings: { clientReconfigScript: '/c' } });
    sim.nodes.get(M)!.alive = false;
    sim.runUntil(() => newMasterPort(sim) !== null, 10_000);
    const calls = sim.sentinels.flatMap((s) => s.core.scripts.jobs.map((job) => job.argv.join(' ')));
    expect(calls.filter((c) => c === '/c mymaster leader start 127.0.0.1 7000 127.0.0.1 7002')).toHaveLength(1);
    expect(calls.filter((c) => c === '/c mymaster observer start 127.0.0.1 7000 127.0.0.1 7002')).toHaveLength(2);
  });

  it('the core starts queued scripts on its tick, at most 16 at once, and retries exit 1 after the delay', () => {
    const sim = world();
    const core = sim.sentinels[0]!.core;
    const started: number[] = [];
    for (let i = 0; i < 20; i++) core.scripts.schedule(['/n', 'x', String(i)]);
    core.tick(sim.now + 10);
    for (const action of core.drain()) if (action.type === 'run-script') started.push(action.job);
    expect(started).toHaveLength(16);
    expect(core.scripts.running).toBe(16);
    core.onScriptExited(started[0]!, 1, 0, sim.now + 20);
    const retried = core.scripts.jobs.find((job) => job.id === started[0])!;
    expect(retried.running).toBe(false);
    expect(retried.startTime).toBe(sim.now + 20 + core.timings.scriptRetryDelay);
    core.onScriptExited(started[1]!, 3, 0, sim.now + 20);
    expect(core.drain()).toContainEqual({ type: 'event', level: 'warning', channel: '-script-error', message: '/n 0 3' });
  });

  it('a script running past script-max-runtime is killed once (-script-timeout) and retried as killed by a signal', () => {
    const sim = world();
    const core = sim.sentinels[0]!.core;
    core.timings.scriptMaxRuntime = 1000;
    core.scripts.schedule(['/n', 'x', 'y']);
    core.tick(sim.now);
    const job = core.drain().find((a) => a.type === 'run-script')!;
    if (job.type !== 'run-script') throw new Error('no job');
    core.onScriptStarted(job.job, 4242);
    core.tick(sim.now + 1500);
    core.tick(sim.now + 1600);
    const actions = core.drain();
    expect(actions.filter((a) => a.type === 'kill-script')).toEqual([{ type: 'kill-script', job: job.job }]);
    expect(actions).toContainEqual({ type: 'event', level: 'warning', channel: '-script-timeout', message: '/n 4242' });
    core.onScriptExited(job.job, 0, 9, sim.now + 1700);
    expect(core.scripts.jobs[0]!.retryNum).toBe(1);
    expect(core.scripts.jobs[0]!.running).toBe(false);
  });
});

describe('the script queue (pure)', () => {
  it('keeps at most 256 (dropping the oldest waiting one), doubles the retry delay, stops after 10 runs', () => {
    const queue = new ScriptQueue();
    for (let i = 0; i < 16; i++) queue.schedule(['/s', String(i)]);
    expect(queue.due(0)).toHaveLength(16);
    for (let i = 16; i < 257; i++) queue.schedule(['/s', String(i)]);
    expect(queue.jobs).toHaveLength(256);
    // The 16 running ones stay; the oldest waiting one (16) went.
    expect(queue.jobs.slice(15, 17).map((j) => j.argv[1])).toEqual(['15', '17']);
    expect([1, 2, 3, 4].map((n) => retryDelayFor(n, 30_000))).toEqual([30_000, 60_000, 120_000, 240_000]);
    const one = new ScriptQueue();
    one.schedule(['/s']);
    let now = 0;
    for (let run = 1; run < SCRIPT_MAX_RETRY; run++) {
      const [job] = one.due(now);
      expect(job!.retryNum).toBe(run);
      expect(one.exited(job!.id, 1, 0, now, 1000)).toEqual({ kind: 'retry' });
      expect(one.due(now)).toEqual([]);
      now = one.jobs[0]!.startTime;
    }
    const [last] = one.due(now);
    expect(one.exited(last!.id, 1, 0, now, 1000)).toEqual({ kind: 'error', path: '/s', signal: 0, code: 1 });
    expect(one.jobs).toEqual([]);
  });
});

describe('a master busy with a script', () => {
  it('answering -BUSY it goes SDOWN and gets one SCRIPT KILL (script_kill_sent), cleared at -sdown', () => {
    const sim = world();
    sim.nodes.get(M)!.pingReply = 'busy';
    expect(sim.runUntil(() => master(sim.sentinels[0]!).scriptKillSent, 3000)).toBe(true);
    expect(flagsOf(master(sim.sentinels[0]!))).toContain('script_kill_sent');
    sim.nodes.get(M)!.pingReply = 'pong';
    sim.runUntil(() => !master(sim.sentinels[0]!).sdown, 3000);
    expect(master(sim.sentinels[0]!).scriptKillSent).toBe(false);
  });
});

describe('SIMULATE-FAILURE', () => {
  it('crash-after-election: the elected leader stops right after +elected-leader; another one finishes later', () => {
    const sim = world({ settings: { failoverTimeoutMs: 2000 } });
    for (const s of sim.sentinels) s.core.simFailure = SIM_CRASH_AFTER_ELECTION;
    sim.nodes.get(M)!.alive = false;
    expect(sim.runUntil(() => sim.sentinels.some((s) => !s.alive), 10_000)).toBe(true);
    const crashed = sim.sentinels.find((s) => !s.alive)!;
    expect(crashed.events.at(-1)!.channel).toBe('+elected-leader');
    for (const s of sim.sentinels) s.core.simFailure = 0;
    expect(sim.runUntil(() => newMasterPort(sim) !== null, 20_000)).toBe(true);
  });

  it('crash-after-promotion: the leader stops right after +promoted-slave, its config epoch saved', () => {
    const sim = world();
    for (const s of sim.sentinels) s.core.simFailure = SIM_CRASH_AFTER_PROMOTION;
    sim.nodes.get(M)!.alive = false;
    expect(sim.runUntil(() => sim.sentinels.some((s) => !s.alive), 10_000)).toBe(true);
    const crashed = sim.sentinels.find((s) => !s.alive)!;
    expect(crashed.events.at(-1)!.channel).toBe('+promoted-slave');
    expect(sim.nodes.get(R2)!.role).toBe('master');
    expect(master(crashed).configEpoch).toBe(master(crashed).failoverEpoch);
  });
});

describe('leases given back', () => {
  it('SENTINEL REMOVE releases the master and its replicas; RESET releases and asks again', () => {
    const sim = world({ fenceLeaseMs: 2000 });
    const s = sim.sentinels[0]!;
    expect(master(s).link.grantedLeaseMs).toBe(750);
    reset(s.core, 'mymaster');
    sim.flush(s);
    expect([M, R1, R2].map((p) => sim.nodes.get(p)!.releasedBy)).toEqual([[26001], [26001], [26001]]);
    sim.run(1500);
    expect(master(s).link.grantedLeaseMs).toBe(750);
    expect(remove(s.core, 'mymaster')).toBe(true);
    sim.flush(s);
    expect(sim.nodes.get(M)!.releasedBy).toEqual([26001, 26001]);
  });

  it('a switch of address gives no lease back: a stopped old master stays fenced until it is converted', () => {
    const sim = world({ fenceLeaseMs: 2000 });
    // SIGSTOP: the links to it stay up, so a FENCING RELEASE sent now is what it reads on SIGCONT,
    // before any hello naming the new master: with every lease given back it would take writes.
    sim.nodes.get(M)!.stopped = true;
    expect(sim.runUntil(() => newMasterPort(sim) !== null, 10_000)).toBe(true);
    sim.run(2000);
    expect(sim.nodes.get(M)!.releasedBy ?? []).toEqual([]);
    // Nor the promoted replica's (its record is made anew as the master's, which asks again).
    expect(sim.nodes.get(R2)!.releasedBy ?? []).toEqual([]);
    expect(sim.nodes.get(R1)!.releasedBy ?? []).toEqual([]);
  });
});

describe('forced failover (SENTINEL FAILOVER) and the old master', () => {
  it('a healthy clusterctl master is asked to fence itself, and the replica is promoted only once it did', () => {
    const sim = world({ fenceLeaseMs: 2000 });
    const s = sim.sentinels[0]!;
    expect(forceFailover(s.core, 'mymaster')).toBe('ok');
    sim.flush(s);
    expect(sim.runUntil(() => newMasterPort(sim) !== null, 10_000)).toBe(true);
    const fencedAt = sim.nodes.get(M)!.fencedAt!;
    expect(fencedAt).toBeDefined();
    expect(sim.events('+failover-state-wait-promotion')[0]!.at).toBeGreaterThanOrEqual(fencedAt);
  });

  it('a master that granted no lease (redis-server) is not asked: promotion goes on at once, as Redis', () => {
    const sim = world();
    const s = sim.sentinels[0]!;
    forceFailover(s.core, 'mymaster');
    sim.flush(s);
    expect(sim.runUntil(() => newMasterPort(sim) !== null, 10_000)).toBe(true);
    expect(sim.nodes.get(M)!.fencedAt).toBeUndefined();
  });

  it('an aborted forced failover lifts the fence it asked for', () => {
    const sim = world({ fenceLeaseMs: 2000, settings: { failoverTimeoutMs: 1000 } });
    sim.nodes.get(R1)!.ignoresSlaveOf = true;
    sim.nodes.get(R2)!.ignoresSlaveOf = true;
    const s = sim.sentinels[0]!;
    forceFailover(s.core, 'mymaster');
    sim.flush(s);
    expect(sim.runUntil(() => sim.events('-failover-abort-slave-timeout').length > 0, 5000)).toBe(true);
    expect(sim.nodes.get(M)!.fencedAt).toBeUndefined();
  });
});
