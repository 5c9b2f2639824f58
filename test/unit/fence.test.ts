// Self-fencing wired to a unit server (fencing/fence.ts over its pure core), driven with explicit
// times: the lease over the sentinels heard, the stall rule and its confirmation, a newer
// configuration naming another master.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fence, SENTINELS_FILE } from '../../src/server/fencing/fence.js';
import { connect, makeServer } from '../helpers/unit-server.js';

const IDS = ['aaaaaaaa', 'bbbbbbbb', 'cccccccc'];
const hello = (id: string, port: number, epoch: number) => `127.0.0.1,26379,${id.padEnd(40, '0')},${epoch},mymaster,127.0.0.1,${port},${epoch}`;

/** The command links of the sentinels in IDS, named as our sentinels name them. */
function connectSentinels(server: ReturnType<typeof makeServer>) {
  return IDS.map((id) => {
    const c = connect(server);
    c.run('CLIENT', 'SETNAME', `sentinel-${id}-cmd`);
    return c;
  });
}

/** Sentinels known by their link names only (as redis-sentinel): they count under fence-heuristic yes. */
function setup(directives: Record<string, string> = { 'fence-heuristic': 'yes' }) {
  const server = makeServer(directives);
  server.port = 7000;
  const fence = new Fence(server);
  const sentinels = connectSentinels(server);
  const app = connect(server);
  return { server, fence, sentinels, app };
}

/** Cron ticks every 100 ms from `from` to `to`, with the given sentinels heard at each tick. */
function run(fence: Fence, sentinels: { client: { lastInteraction: number } }[], from: number, to: number) {
  for (let t = from; t <= to; t += 100) {
    for (const s of sentinels) s.client.lastInteraction = t;
    fence.cron(t);
  }
}

describe('self-fencing', () => {
  it('is off on a master no sentinel monitors', () => {
    const server = makeServer();
    const fence = new Fence(server);
    fence.cron(Date.now());
    expect(fence.active).toBe(false);
    expect(fence.check(Date.now() + 10_000)).toBeUndefined();
  });

  it('holds while a majority is heard; fences and drops normal clients when the lease runs out', async () => {
    const { fence, sentinels, app } = setup();
    const t0 = Date.now();
    run(fence, sentinels, t0, t0 + 3000);
    expect(fence.check(t0 + 3000)).toBeUndefined();
    // Only one of three sentinels still heard: the lease (2000 ms) runs out for the majority.
    run(fence, sentinels.slice(0, 1), t0 + 3100, t0 + 5500);
    expect(fence.check(t0 + 5500)?.message).toMatch(/^FENCED \(lease\) it has not heard from 2 of its 3 sentinel\(s\)/);
    await new Promise((r) => setImmediate(r));
    expect(app.closed).toEqual(['fenced']);
    expect(sentinels.every((s) => s.closed.length === 0)).toBe(true);
    // Confirmed again by hellos naming it from a majority, received after the fence: writes resume.
    run(fence, sentinels, t0 + 5600, t0 + 5900);
    fence.onHello(hello(IDS[0]!, 7000, 0), t0 + 5950);
    fence.onHello(hello(IDS[1]!, 7000, 0), t0 + 5950);
    run(fence, sentinels, t0 + 6000, t0 + 6000);
    expect(fence.check(t0 + 6000)).toBeUndefined();
  });

  it('after a stall, messages queued during it do not count: only later confirmations do', () => {
    const { fence, sentinels } = setup();
    const t0 = Date.now();
    run(fence, sentinels, t0, t0 + 500);
    // Stopped 3 s: the hellos and pings read first after resuming were sent before.
    const resumed = t0 + 3500;
    for (const id of IDS) fence.onHello(hello(id, 7000, 0), resumed);
    for (const s of sentinels) s.client.lastInteraction = resumed;
    expect(fence.check(resumed)?.message).toMatch(/^FENCED .*stalled/);
    run(fence, sentinels, resumed + 100, resumed + 300);
    expect(fence.check(resumed + 300)).toBeDefined();
    for (const id of IDS) fence.onHello(hello(id, 7000, 0), resumed + 400);
    run(fence, sentinels, resumed + 500, resumed + 500);
    expect(fence.check(resumed + 500)).toBeUndefined();
  });

  it('fences at once on a hello naming another master with a newer epoch; a promoted replica is not fenced by its old master', () => {
    const { server, fence, sentinels } = setup();
    const t0 = Date.now();
    run(fence, sentinels, t0, t0 + 300);
    fence.onHello(hello(IDS[0]!, 7000, 1), t0 + 350);
    fence.onHello(hello(IDS[1]!, 7001, 1), t0 + 360); // same epoch: not newer
    expect(fence.check(t0 + 370)).toBeUndefined();
    fence.onHello(hello(IDS[1]!, 7001, 2), t0 + 380);
    expect(fence.check(t0 + 390)?.message).toMatch(/^FENCED .*newer configuration/);

    // A replica that hears hellos naming its master, then gets promoted.
    const { server: s2, fence: f2, sentinels: ss2 } = setup();
    s2.isReplica = true;
    run(f2, ss2, t0, t0 + 300);
    f2.onHello(hello(IDS[0]!, 7001, 5), t0 + 310);
    s2.isReplica = false;
    f2.onHello(hello(IDS[1]!, 7001, 5), t0 + 320);
    run(f2, ss2, t0 + 400, t0 + 400);
    expect(f2.check(t0 + 400)).toBeUndefined();
    expect(server.isReplica).toBe(false);
  });

  it('shortens its lease to the shortest one a sentinel requested, never lengthens it, and fences on it', () => {
    const { fence, sentinels } = setup();
    expect(fence.lease).toBe(2000);
    expect(fence.requestLease(IDS[0]!, 750)).toBe(750);
    expect(fence.requestLease(IDS[1]!, 5000)).toBe(750);
    // A sentinel that asks again for more cannot lengthen what another one relies on.
    expect(fence.requestLease(IDS[0]!, 1500)).toBe(1500);
    expect(fence.requestLease(IDS[2]!, 750)).toBe(750);
    expect(fence.infoLines()).toContain('fence_lease_ms:750');
    const t0 = Date.now();
    run(fence, sentinels, t0, t0 + 500);
    // One of three heard: fenced once 750 ms have passed, where fence-lease-ms alone would wait 2 s.
    run(fence, sentinels.slice(0, 1), t0 + 600, t0 + 1200);
    expect(fence.check(t0 + 1200)).toBeUndefined();
    run(fence, sentinels.slice(0, 1), t0 + 1300, t0 + 1400);
    expect(fence.check(t0 + 1400)?.message).toMatch(/^FENCED /);
  });

  it('keeps fence-lease-ms 0 (off) whatever a sentinel requests; FENCING LEASE is for sentinel links only', () => {
    const server = makeServer({ 'fence-lease-ms': '0' });
    const fence = new Fence(server);
    expect(fence.requestLease(IDS[0]!, 750)).toBe(0);
    const app = connect(makeServer());
    expect(String((app.run('FENCING', 'LEASE', '750') as Error).message)).toMatch(/^ERR FENCING LEASE is sent by a sentinel/);
  });

  describe('with acknowledged heartbeats (FENCING PING)', () => {
    /** Cron ticks every 100 ms; each listed sentinel sends a heartbeat acking `ack(i)` at each tick. */
    function beat(fence: Fence, ids: string[], from: number, to: number, ack: (id: string, t: number) => number) {
      for (let t = from; t <= to; t += 100) {
        ids.forEach((id) => fence.heartbeat(id, clientIds.get(id)!, ack(id, t), t));
        fence.cron(t);
      }
    }

    let clientIds = new Map<string, number>();

    function acking() {
      const { server, fence, sentinels } = setup();
      clientIds = new Map(IDS.map((id, i) => [id, sentinels[i]!.client.id]));
      for (const id of IDS) fence.requestLease(id, 750);
      const replies = new Map(IDS.map((id) => [id, 0]));
      // A healthy link: every reply is read before the next heartbeat.
      const healthy = (id: string) => {
        const n = replies.get(id)!;
        replies.set(id, n + 1);
        return n;
      };
      return { server, fence, sentinels, healthy };
    }

    it('holds the lease while heartbeats are acknowledged', () => {
      const { fence, healthy } = acking();
      const t0 = Date.now();
      beat(fence, IDS, t0, t0 + 3000, healthy);
      expect(fence.check(t0 + 3000)).toBeUndefined();
      expect(fence.infoLines()).toContain('fence_acking_sentinels:3');
    });

    it('fences on a one-way partition: heartbeats still arrive but our replies are not read', () => {
      const { fence, healthy } = acking();
      const t0 = Date.now();
      beat(fence, IDS, t0, t0 + 1000, healthy);
      // From now on the sentinels read nothing of ours: their ack stops moving.
      const stuck = new Map(IDS.map((id) => [id, healthy(id)]));
      beat(fence, IDS, t0 + 1100, t0 + 1700, (id) => stuck.get(id)!);
      expect(fence.check(t0 + 1700)).toBeUndefined();
      beat(fence, IDS, t0 + 1800, t0 + 2000, (id) => stuck.get(id)!);
      expect(fence.check(t0 + 2000)?.message).toMatch(/^FENCED \(lease\) it has not heard from 2 of its 3 sentinel\(s\)/);
    });

    it('a stall shorter than the lease costs nothing; a longer one fences before queued writes run', () => {
      const { fence, healthy } = acking();
      const t0 = Date.now();
      beat(fence, IDS, t0, t0 + 1000, healthy);
      // A 400 ms pause (a long GC): more than half the lease, less than the lease.
      beat(fence, IDS, t0 + 1400, t0 + 1400, healthy);
      expect(fence.check(t0 + 1400)).toBeUndefined();
      expect(fence.fenced).toBe(false);
      // SIGSTOP for 3 s: heartbeats queued meanwhile only acknowledge replies sent before the stop.
      const beforeStop = new Map(IDS.map((id) => [id, healthy(id)]));
      expect(fence.check(t0 + 4500)?.message).toMatch(/^FENCED /);
      beat(fence, IDS, t0 + 4500, t0 + 4500, (id) => beforeStop.get(id)!);
      expect(fence.check(t0 + 4500)?.message).toMatch(/^FENCED /);
    });
  });

  describe('after a restart', () => {
    function restarted(remembered: string[]) {
      const dir = mkdtempSync(join(tmpdir(), 'fence-'));
      writeFileSync(join(dir, SENTINELS_FILE), JSON.stringify({ sentinels: remembered }));
      const server = makeServer({ 'fence-heuristic': 'yes' });
      server.port = 7000;
      const fence = new Fence(server);
      const t0 = Date.now();
      expect(fence.boot(dir, t0)).toBe(remembered.length);
      return { server, fence, dir, t0 };
    }

    it('a master its sentinels monitored begins fenced until a majority of them name it again', () => {
      const { server, fence, dir, t0 } = restarted(IDS);
      expect(fence.check(t0)?.message).toMatch(/^FENCED \(restart\) this master restarted/);
      const sentinels = connectSentinels(server);
      run(fence, sentinels, t0 + 100, t0 + 300);
      fence.onHello(hello(IDS[0]!, 7000, 0), t0 + 350);
      run(fence, sentinels, t0 + 400, t0 + 400);
      expect(fence.fenced).toBe(true);
      fence.onHello(hello(IDS[1]!, 7000, 0), t0 + 450);
      run(fence, sentinels, t0 + 500, t0 + 500);
      expect(fence.check(t0 + 500)).toBeUndefined();
      expect(JSON.parse(readFileSync(join(dir, SENTINELS_FILE), 'utf8')).sentinels.sort()).toEqual([...IDS].sort());
      rmSync(dir, { recursive: true });
    });

    it('sentinels replaced while it was down confirm it too; the absent ones stop counting', () => {
      const { server, fence, dir, t0 } = restarted(['dddddddd', 'eeeeeeee', 'ffffffff']);
      const sentinels = connectSentinels(server);
      run(fence, sentinels, t0 + 100, t0 + 300);
      for (const id of IDS) fence.onHello(hello(id, 7000, 0), t0 + 350);
      run(fence, sentinels, t0 + 400, t0 + 500);
      expect(fence.check(t0 + 500)).toBeUndefined();
      expect(fence.infoLines()).toContain('fence_known_sentinels:3');
      run(fence, sentinels, t0 + 600, t0 + 600);
      expect(JSON.parse(readFileSync(join(dir, SENTINELS_FILE), 'utf8')).sentinels.sort()).toEqual([...IDS].sort());
      rmSync(dir, { recursive: true });
    });

    it('stays fenced while none of its sentinels comes back, saying which it waits for; FENCING FORGET * lifts it', () => {
      const { server, fence, dir, t0 } = restarted(IDS);
      for (let t = t0 + 100; t <= t0 + 30_000; t += 100) fence.cron(t);
      expect(fence.fenced).toBe(true);
      expect(fence.infoLines()).toContain(`fence_waiting_for:${IDS.join(',')}`);
      expect(fence.check(t0 + 30_000)?.message).toContain(`(waiting for ${IDS.join(', ')})`);
      const operator = connect(server);
      expect(operator.run('FENCING', 'FORGET', 'nothex!')).toMatchObject({ message: expect.stringMatching(/^ERR FENCING FORGET takes a sentinel id/) });
      // (The unit server has no replication wing for the command to reach: the fence directly.)
      expect(fence.forget('*')).toBe(3);
      expect(fence.fenced).toBe(false);
      expect(fence.active).toBe(false);
      rmSync(dir, { recursive: true });
    });

    it('a node booting as a replica forgets the sentinels it remembers: once promoted, only those it meets count', () => {
      // A cluster restart gave the sentinels new identities: the remembered ones will never answer.
      const dir = mkdtempSync(join(tmpdir(), 'fence-'));
      writeFileSync(join(dir, SENTINELS_FILE), JSON.stringify({ sentinels: ['dddddddd', 'eeeeeeee', 'ffffffff'] }));
      const { server, fence, sentinels } = setup();
      server.isReplica = true;
      const t0 = Date.now();
      expect(fence.boot(dir, t0)).toBe(0);
      expect(fence.fenced).toBe(false);
      run(fence, sentinels, t0, t0 + 300);
      server.isReplica = false; // promoted
      run(fence, sentinels, t0 + 400, t0 + 2000);
      expect(fence.check(t0 + 2000)).toBeUndefined();
      expect(fence.infoLines()).toContain('fence_known_sentinels:3');
      expect(JSON.parse(readFileSync(join(dir, SENTINELS_FILE), 'utf8')).sentinels.sort()).toEqual([...IDS].sort());
      rmSync(dir, { recursive: true });
    });

    it('a restarted master made a replica forgets the remembered sentinels that never answered', () => {
      const { server, fence, dir, t0 } = restarted(['dddddddd', 'eeeeeeee', 'ffffffff']);
      const sentinels = connectSentinels(server);
      server.isReplica = true;
      run(fence, sentinels, t0 + 100, t0 + 300);
      server.isReplica = false; // promoted
      run(fence, sentinels, t0 + 400, t0 + 2000);
      expect(fence.check(t0 + 2000)).toBeUndefined();
      expect(fence.infoLines()).toContain('fence_known_sentinels:3');
      rmSync(dir, { recursive: true });
    });

    it('a node never monitored, or booting as a replica, begins unfenced', () => {
      const dir = mkdtempSync(join(tmpdir(), 'fence-'));
      const fence = new Fence(makeServer());
      expect(fence.boot(dir)).toBe(0);
      expect(fence.fenced).toBe(false);
      rmSync(dir, { recursive: true });
    });
  });
});
