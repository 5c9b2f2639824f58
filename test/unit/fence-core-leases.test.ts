// Scenario tests of the fence core on a fake clock for the promise "fencing keeps its promise and
// nothing more": only sentinels holding a lease can fence (redis-sentinel's traffic alone cannot,
// unless fence-heuristic), a released lease lifts the fence, a forced failover's leader can make a
// healthy master step aside until the failover ends, and every fenced state says why and what lifts it.

import { describe, expect, it } from 'vitest';
import { fencedMessage } from '../../src/server/fencing/core/explain.js';
import { FenceCore } from '../../src/server/fencing/core/fence-core.js';
import type { FenceAction, NodeView, TickObservation } from '../../src/server/fencing/core/types.js';

const IDS = ['aaaaaaaa', 'bbbbbbbb', 'cccccccc'];
const T0 = 1_000_000;
const NODE: NodeView = { isReplica: false, configuredLeaseMs: 2000, minReplicasToWrite: 0, heuristic: false };

function seen(traffic: readonly string[], now: number, replicaAckTimes: number[] = []): TickObservation {
  return { traffic: traffic.map((id) => [id, now] as const), replicaAckTimes, linkOpen: () => true };
}

/** Ticks every 100 ms in (from, to]: `traffic` ids send data, `beats` ids send acknowledged heartbeats. */
function run(core: FenceCore, from: number, to: number, options: { traffic?: string[]; beats?: string[]; node?: NodeView } = {}): FenceAction[] {
  const node = options.node ?? NODE;
  const out: FenceAction[] = [];
  for (let t = from + 100; t <= to; t += 100) {
    (options.beats ?? []).forEach((id) => core.heartbeat(id, IDS.indexOf(id), Math.floor((t - T0) / 100) - 1, t));
    core.cron(node, seen(options.traffic ?? [], t), t);
    out.push(...core.drain());
  }
  return out;
}

/** Three of our sentinels holding 750 ms leases, heartbeating. */
function leased(): FenceCore {
  const core = new FenceCore(T0);
  for (const id of IDS) expect(core.requestLease(id, 750, NODE, T0)).toBe(750);
  run(core, T0, T0 + 500, { beats: IDS });
  expect(core.check(NODE, T0 + 500)).toBeNull();
  return core;
}

describe('who can fence: only sentinels holding a lease', () => {
  it('redis-sentinels (seen, never leasing) do nothing: no lease rule, no stall, no config, no restart — as redis-server', () => {
    const core = new FenceCore(T0);
    run(core, T0, T0 + 500, { traffic: IDS });
    core.announce({ from: IDS[0]!, epoch: 0, namesUs: true }, NODE, T0 + 500);
    expect(core.active(NODE)).toBe(false);
    // They vanish (SENTINEL REMOVE, restarted, re-added under new ids): writes go on.
    run(core, T0 + 500, T0 + 10_000);
    expect(core.check(NODE, T0 + 10_000)).toBeNull();
    // A stall, and a hello naming a newer master: still as redis-server.
    expect(core.check(NODE, T0 + 20_000)).toBeNull();
    core.announce({ from: IDS[1]!, epoch: 5, namesUs: false }, NODE, T0 + 20_000);
    expect(core.check(NODE, T0 + 20_000)).toBeNull();
    // Nothing is remembered across a restart for them.
    expect(run(core, T0 + 20_000, T0 + 20_100).filter((a) => a.type === 'remember')).toEqual([]);
  });

  it('fence-heuristic yes turns the heuristic fence on for them (the lease over what they send)', () => {
    const node = { ...NODE, heuristic: true };
    const core = new FenceCore(T0);
    run(core, T0, T0 + 500, { traffic: IDS, node });
    expect(core.active(node)).toBe(true);
    run(core, T0 + 500, T0 + 2600, { node });
    expect(core.check(node, T0 + 2600)).toBe('lease');
    // min-replicas-to-write alone: only under the heuristic.
    expect(new FenceCore(T0).active({ ...NODE, minReplicasToWrite: 1 })).toBe(false);
    expect(new FenceCore(T0).active({ ...node, minReplicasToWrite: 1 })).toBe(true);
  });

  it('a redis-sentinel among ours neither joins the majority nor can fence by a hello', () => {
    const core = leased();
    core.announce({ from: 'dddddddd', epoch: 9, namesUs: false }, NODE, T0 + 500);
    expect(core.check(NODE, T0 + 500)).toBeNull();
    expect(core.authority.ids()).toEqual(IDS);
  });
});

describe('a lease given back', () => {
  it('SENTINEL REMOVE on all of them (FENCING RELEASE each): a master they all lost serves writes again at once', () => {
    const core = leased();
    run(core, T0 + 500, T0 + 1500); // every sentinel silent: fenced on the lease
    expect(core.reason).toBe('lease');
    core.release(IDS[0]!, NODE, T0 + 1500);
    core.release(IDS[1]!, NODE, T0 + 1500);
    expect(core.fenced).toBe(true); // one still holds a lease and was not heard
    expect(core.explain(NODE, T0 + 1500)!.waitingFor).toEqual([IDS[2]]);
    core.release(IDS[2]!, NODE, T0 + 1500);
    expect(core.fenced).toBe(false);
    expect(core.check(NODE, T0 + 1600)).toBeNull();
    // The lease in force grows back to fence-lease-ms; the group to remember is rewritten.
    expect(core.lease(NODE)).toBe(2000);
    expect(core.drain().map((a) => a.type)).toContain('forget-remembered');
  });

  it('a released sentinel that asks again (SENTINEL RESET: release, reconnect, lease) is a member again', () => {
    const core = leased();
    core.release(IDS[0]!, NODE, T0 + 500);
    expect(core.authority.ids()).toEqual(IDS.slice(1));
    core.requestLease(IDS[0]!, 750, NODE, T0 + 520);
    expect(core.authority.ids()).toEqual([IDS[1], IDS[2], IDS[0]]);
    run(core, T0 + 500, T0 + 1000, { beats: IDS });
    expect(core.check(NODE, T0 + 1000)).toBeNull();
  });

  it('releases of a minority while the rest are cut off: the fence stays, saying who it waits for', () => {
    const core = leased();
    core.release(IDS[0]!, NODE, T0 + 500);
    run(core, T0 + 500, T0 + 1500);
    const explained = core.explain(NODE, T0 + 1500)!;
    expect(explained.reason).toBe('lease');
    expect(explained.waitingFor).toEqual(IDS.slice(1));
    expect(fencedMessage(explained)).toBe(
      'FENCED (lease) it has not heard from 2 of its 2 sentinel(s) within the 750 ms lease, so they may be failing it over; writes are refused until hellos naming this master from 2 of its 2 sentinel(s), or their FENCING RELEASE (SENTINEL REMOVE or RESET on them), or FENCING FORGET <id> for one gone for good (waiting for bbbbbbbb, cccccccc)',
    );
  });
});

describe('a forced failover (SENTINEL FAILOVER) and the healthy old master', () => {
  it('FENCING FENCE makes it refuse writes while the others keep confirming it; a newer configuration then keeps it fenced', () => {
    const core = leased();
    core.stepAside(IDS[0]!, 4000, NODE, T0 + 500);
    expect(core.check(NODE, T0 + 500)).toBe('failover');
    // The other sentinels still name it master (old epoch): that does not lift it.
    for (let t = T0 + 600; t <= T0 + 1500; t += 100) {
      IDS.forEach((id) => core.announce({ from: id, epoch: 0, namesUs: true }, NODE, t));
      run(core, t - 100, t, { beats: IDS });
    }
    expect(core.reason).toBe('failover');
    expect(core.explain(NODE, T0 + 1500)!.liftedBy).toBe('becoming a replica, or the failover ending without a promotion (at the latest in 3000 ms)');
    core.announce({ from: IDS[0]!, epoch: 1, namesUs: false }, NODE, T0 + 1600);
    expect(core.reason).toBe('config');
    run(core, T0 + 1600, T0 + 5000, { beats: IDS });
    expect(core.reason).toBe('config');
    run(core, T0 + 5000, T0 + 5100, { node: { ...NODE, isReplica: true } });
    expect(core.fenced).toBe(false);
  });

  it('lifted by FENCE 0 (the failover was aborted) or at its deadline when nothing newer came', () => {
    const aborted = leased();
    aborted.stepAside(IDS[0]!, 4000, NODE, T0 + 500);
    aborted.stepAside(IDS[1]!, 0, NODE, T0 + 600); // only its leader can lift it
    expect(aborted.reason).toBe('failover');
    aborted.stepAside(IDS[0]!, 0, NODE, T0 + 700);
    expect(aborted.check(NODE, T0 + 700)).toBeNull();
    const expired = leased();
    expired.stepAside(IDS[0]!, 1000, NODE, T0 + 500);
    run(expired, T0 + 500, T0 + 1400, { beats: IDS });
    expect(expired.reason).toBe('failover');
    const actions = run(expired, T0 + 1400, T0 + 1600, { beats: IDS });
    expect(expired.fenced).toBe(false);
    expect(actions).toContainEqual({ type: 'log', level: 'notice', message: `Unfenced: the forced failover by ${IDS[0]} ended without a newer configuration` });
  });
});

describe('every fenced state says why and what lifts it', () => {
  it('stall, config and restart', () => {
    const node = { ...NODE, heuristic: true };
    const stalled = new FenceCore(T0);
    run(stalled, T0, T0 + 300, { traffic: IDS, node });
    expect(stalled.check(node, T0 + 3300)).toBe('stall');
    expect(stalled.explain(node, T0 + 3300)!.why).toBe('this process was stalled for 3000 ms and may have been replaced meanwhile');
    const superseded = leased();
    superseded.announce({ from: IDS[2]!, epoch: 4, namesUs: false }, NODE, T0 + 600);
    expect(superseded.explain(NODE, T0 + 600)).toMatchObject({ reason: 'config', why: 'sentinel cccccccc announced a newer configuration (epoch 4) naming another master' });
    const restarted = new FenceCore(T0);
    restarted.boot(IDS, NODE, T0);
    IDS.slice(0, 1).forEach((id) => restarted.announce({ from: id, epoch: 0, namesUs: true }, NODE, T0 + 300));
    run(restarted, T0, T0 + 400);
    IDS.slice(0, 1).forEach((id) => restarted.announce({ from: id, epoch: 0, namesUs: true }, NODE, T0 + 450));
    expect(restarted.explain(NODE, T0 + 500)!.waitingFor).toEqual(IDS.slice(1));
    expect(restarted.check(NODE, T0 + 500)).toBe('restart');
  });
});
