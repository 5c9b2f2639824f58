// Scenario tests of the pure fence core (server/fencing/core) on a fake clock: no Server, no
// sockets. Each script feeds observations (ticks, sentinel traffic, hellos, heartbeats, replica
// ACKs) at explicit times and checks the verdict and the actions the wiring would carry out.

import { describe, expect, it } from 'vitest';
import { FenceCore } from '../../src/server/fencing/core/fence-core.js';
import type { FenceAction, NodeView } from '../../src/server/fencing/core/types.js';

const IDS = ['aaaaaaaa', 'bbbbbbbb', 'cccccccc'];
const T0 = 1_000_000;

/** A master (or replica) and the world around it, driven by hand; time only moves when told. */
class Script {
  now = T0;
  readonly node: NodeView = { isReplica: false, configuredLeaseMs: 2000, minReplicasToWrite: 0, heuristic: true };
  readonly core = new FenceCore(T0);
  /** Sentinel id -> last time data arrived on its command link. */
  readonly traffic = new Map<string, number>();
  /** Online replicas' last ACK times. */
  replicaAcks: number[] = [];
  readonly openLinks = new Set<number>();
  readonly actions: FenceAction[] = [];

  /** One cron tick `step` ms later, with `heard` sentinels' links active at that time. */
  tick(heard: readonly string[] = [], step = 100): this {
    this.now += step;
    for (const id of heard) this.traffic.set(id, this.now);
    this.core.cron(this.node, { traffic: this.traffic, replicaAckTimes: this.replicaAcks, linkOpen: (l) => this.openLinks.has(l) }, this.now);
    return this.collect();
  }

  /** Ticks every 100 ms for `ms`, the `heard` sentinels active throughout. */
  run(ms: number, heard: readonly string[] = IDS): this {
    for (let left = ms; left > 0; left -= 100) this.tick(heard);
    return this;
  }

  hello(id: string, namesUs: boolean, epoch = 0): this {
    this.core.announce({ from: id, epoch, namesUs }, this.node, this.now);
    return this.collect();
  }

  check(at = this.now): string | null {
    const reason = this.core.check(this.node, at);
    this.collect();
    return reason;
  }

  taken(type: FenceAction['type']): FenceAction[] {
    return this.actions.filter((a) => a.type === type);
  }

  logged(): string[] {
    return this.actions.flatMap((a) => (a.type === 'log' ? [a.message] : []));
  }

  private collect(): this {
    this.actions.push(...this.core.drain());
    return this;
  }
}

describe('fence core: the lease over the authority', () => {
  it('is inactive without an authority, without a lease, or on a replica', () => {
    const s = new Script();
    expect(s.core.active(s.node)).toBe(false);
    expect(s.check(T0 + 60_000)).toBeNull();
    s.tick(IDS);
    expect(s.core.active(s.node)).toBe(true);
    expect(s.core.active({ ...s.node, configuredLeaseMs: 0 })).toBe(false);
    expect(s.core.active({ ...s.node, isReplica: true })).toBe(false);
    // min-replicas-to-write alone makes it active (the stall rule, confirmed by replica ACKs).
    expect(new FenceCore(T0).active({ ...s.node, minReplicasToWrite: 1 })).toBe(true);
  });

  it('fences when a majority was last heard more than a lease ago, at the boundary exactly', () => {
    const s = new Script().run(500);
    const heardAt = s.now;
    s.run(2000, IDS.slice(0, 1));
    expect(s.check(heardAt + 2000)).toBeNull(); // heard exactly a lease ago: still fresh
    expect(s.check(heardAt + 2001)).toBe('lease');
    // Fenced once: one warning naming each sentinel's age, one change, one disconnect.
    expect(s.taken('disconnect-clients')).toHaveLength(1);
    expect(s.taken('changed')).toHaveLength(1);
    expect(s.logged()[0]).toBe(`Fenced (lease): refusing writes until the sentinels (or replicas) confirm this master (last heard: aaaaaaaa? 1 ms, bbbbbbbb? 2001 ms, cccccccc? 2001 ms)`);
  });

  it('unfences only on hellos naming it from a majority, received from the second tick after the fence', () => {
    const s = new Script().run(300);
    s.core.fence('stall', s.now);
    s.hello(IDS[0]!, true).hello(IDS[1]!, true); // queued during the stall: never count
    s.tick(IDS);
    s.hello(IDS[0]!, true).hello(IDS[1]!, true); // before the second tick: too early still
    s.tick(IDS);
    expect(s.core.fenced).toBe(true);
    s.hello(IDS[0]!, true);
    s.tick(IDS);
    expect(s.core.fenced).toBe(true); // one of three is no majority
    s.hello(IDS[1]!, true);
    s.tick(IDS);
    expect(s.core.fenced).toBe(false);
    expect(s.logged().at(-1)).toBe('Unfenced: confirmed 400 ms after fencing');
  });

  it('keeps the shortest lease asked for, never above fence-lease-ms, and 0 when that is 0', () => {
    const s = new Script();
    expect(s.core.requestLease(IDS[0]!, 750, s.node, s.now)).toBe(750);
    expect(s.core.requestLease(IDS[1]!, 5000, s.node, s.now)).toBe(750);
    expect(s.core.requestLease(IDS[0]!, 1500, s.node, s.now)).toBe(1500);
    expect(s.core.requestLease(IDS[2]!, 750, s.node, s.now)).toBe(750);
    expect(s.core.lease({ ...s.node, configuredLeaseMs: 500 })).toBe(500);
    expect(s.core.lease({ ...s.node, configuredLeaseMs: 0 })).toBe(0);
    // A sentinel asking is a member, heard when it asked.
    expect(s.core.authority.size).toBe(3);
    expect(s.core.authority.leaseRequests).toBe(3);
  });

  it('saves the group it knows every tick, and drops its normal clients only on the first fence', () => {
    const s = new Script().run(200);
    expect(s.taken('remember').at(-1)).toEqual({ type: 'remember', ids: IDS });
    s.core.fence('stall', s.now);
    s.core.fence('config', s.now);
    s.actions.push(...s.core.drain());
    expect(s.taken('disconnect-clients')).toHaveLength(1);
    expect(s.core.reason).toBe('config');
  });
});

describe('fence core: stalls', () => {
  it('counts a tick later than max(250, lease / 2) as a stall and fences on it', () => {
    const s = new Script().run(300);
    s.tick(IDS, 1000); // lease 2000: 1000 ms late is not yet a stall
    expect(s.core.fenced).toBe(false);
    s.tick(IDS, 1001);
    expect(s.core.reason).toBe('stall');
    const short = new Script();
    short.core.requestLease(IDS[0]!, 300, short.node, short.now);
    short.tick(IDS, 250); // lease 300: the floor of 250 ms applies, not 150
    expect(short.core.fenced).toBe(false);
    short.tick(IDS, 251);
    expect(short.core.reason).toBe('stall');
  });

  it('is seen by the write gate before any tick runs, and outranks a lease that ran out', () => {
    const s = new Script().run(300);
    expect(s.check(s.now + 3000)).toBe('stall');
    s.core.fence('lease', s.now + 3000);
    expect(s.core.reason).toBe('stall');
  });

  it('a newer configuration is never replaced by a later stall or lease', () => {
    const s = new Script().run(300);
    s.hello(IDS[0]!, false, 1);
    expect(s.core.reason).toBe('config');
    s.tick(IDS, 5000);
    expect(s.core.reason).toBe('config');
  });

  it('with every sentinel acknowledging heartbeats, a stall only logs: the lease decides', () => {
    const s = new Script();
    IDS.forEach((id, link) => {
      s.openLinks.add(link);
      s.core.requestLease(id, 750, s.node, s.now);
      s.core.heartbeat(id, link, 0, s.now);
    });
    s.tick([], 400); // more than half of 750: a stall
    expect(s.core.fenced).toBe(false);
    expect(s.logged()).toEqual(['Stalled for 400 ms: the lease decides (heartbeats are acknowledged)']);
  });
});

describe('fence core: acknowledged heartbeats', () => {
  /** Three acking sentinels on links 0..2; `beat` sends one heartbeat each acking `ack(id)`. */
  function acking() {
    const s = new Script();
    const read = new Map(IDS.map((id) => [id, 0]));
    IDS.forEach((id, link) => {
      s.openLinks.add(link);
      s.core.requestLease(id, 750, s.node, s.now);
    });
    const beat = (ack: (id: string) => number) => IDS.forEach((id, link) => s.core.heartbeat(id, link, ack(id), s.now));
    const healthy = (id: string) => {
      const n = read.get(id)!;
      read.set(id, n + 1);
      return n;
    };
    return { s, beat, healthy };
  }

  it('heard is the send time of the last reply a sentinel confirmed, not when its traffic arrived', () => {
    const { s, beat, healthy } = acking();
    beat(healthy); // reply #1 goes out at T0; from now on they are acking
    s.tick();
    beat(healthy); // acknowledges #1 (sent T0); #2 goes out at T0 + 100
    s.tick(IDS); // traffic at T0 + 200 does not count for acking sentinels
    beat(healthy); // acknowledges #2
    expect(s.core.authority.majorityHeardAt()).toBe(T0 + 100);
    s.actions.push(...s.core.drain());
    expect(s.taken('changed')).toHaveLength(6);
  });

  it('fences on a one-way partition: heartbeats keep arriving, our replies are not read', () => {
    const { s, beat, healthy } = acking();
    for (let i = 0; i < 5; i++) {
      beat(healthy);
      s.tick();
    }
    // They read reply #5 (sent at the last tick) and nothing after: their ack stops moving.
    const lastConfirmed = s.now - 100;
    const stuck = new Map(IDS.map((id) => [id, healthy(id)]));
    while (s.now + 100 <= lastConfirmed + 750) {
      beat((id) => stuck.get(id)!);
      s.tick();
    }
    expect(s.check(lastConfirmed + 750)).toBeNull();
    expect(s.check(lastConfirmed + 751)).toBe('lease');
  });

  it('a closed link takes its unacknowledged replies with it', () => {
    const { s, beat } = acking();
    beat(() => 0);
    s.openLinks.delete(0);
    s.tick();
    s.core.heartbeat(IDS[0]!, 0, 1, s.now); // reply #1 on link 0 is forgotten: nothing confirmed
    expect(s.taken('changed')).toHaveLength(0);
    s.core.heartbeat(IDS[1]!, 1, 1, s.now);
    expect(s.core.drain()).toEqual([{ type: 'changed' }]);
  });
});

describe('fence core: configuration announcements', () => {
  it('fences on a hello naming another master at a newer epoch, not at the same one', () => {
    const s = new Script().run(300);
    s.hello(IDS[0]!, true, 1).hello(IDS[1]!, false, 1);
    expect(s.check()).toBeNull();
    s.hello(IDS[1]!, false, 2);
    expect(s.check()).toBe('config');
  });

  it('a replica learns the epoch baseline: once promoted, its old master named at that epoch does not fence it', () => {
    const s = new Script();
    s.node.isReplica = true;
    s.run(300).hello(IDS[0]!, false, 5);
    s.node.isReplica = false;
    s.hello(IDS[1]!, false, 5).run(100);
    expect(s.check()).toBeNull();
    s.hello(IDS[1]!, false, 6);
    expect(s.check()).toBe('config');
  });

  it('a hello naming it counts as a confirmation only at an epoch no older than one naming another', () => {
    const s = new Script().run(300);
    s.core.fence('stall', s.now);
    s.run(200).hello(IDS[0]!, false, 3);
    expect(s.core.reason).toBe('config');
    s.run(200).hello(IDS[1]!, true, 2).hello(IDS[2]!, true, 2).run(100);
    expect(s.core.fenced).toBe(true);
    s.hello(IDS[1]!, true, 3).hello(IDS[2]!, true, 3).run(100);
    expect(s.core.fenced).toBe(false);
  });

  it('an unreadable epoch only shows that its sender is alive', () => {
    const s = new Script();
    s.hello(IDS[0]!, false, Number('x'));
    expect(s.core.authority.has(IDS[0]!)).toBe(true);
    expect(s.core.fenced).toBe(false);
  });
});
