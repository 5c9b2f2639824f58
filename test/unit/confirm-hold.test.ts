// Confirmed replies (replication/confirm-hold.ts, confirm-rounds.ts): a write's OK waits until a
// majority of the sentinels are known to have heard the master after the write — a confirmation
// round or an acknowledged heartbeat — and becomes an UNKNOWN error if the master fences first.
// With fence-confirm-writes no, replies wait only while heartbeats are late.

import { describe, expect, it } from 'vitest';
import { Fence } from '../../src/server/fencing/fence.js';
import { ConfirmHold } from '../../src/server/fencing/confirm-hold.js';
import { ConfirmRounds } from '../../src/server/fencing/confirm-rounds.js';
import { NO_REPLY, OK, PushReply } from '../../src/shared/resp/reply.js';
import { connect, makeServer } from '../helpers/unit-server.js';

const IDS = ['aaaaaaaa', 'bbbbbbbb', 'cccccccc'];
/** Rounds start at the end of the event-loop turn (one round for every write read in it). */
const turn = () => new Promise((resolve) => setImmediate(resolve));

function setup(directives: Record<string, string> = {}, { acking = true } = {}) {
  const server = makeServer(directives);
  server.port = 7000;
  const fence = new Fence(server);
  const rounds = new ConfirmRounds(server, fence);
  const hold = new ConfirmHold(server, fence, rounds);
  const sentinels = IDS.map((id) => {
    const c = connect(server);
    c.run('CLIENT', 'SETNAME', `sentinel-${id}-cmd`);
    fence.requestLease(id, 750);
    return c;
  });
  // Each sentinel's pub/sub link, subscribed to the hello channel as sentinels are.
  const pubsub = IDS.map((id) => {
    const c = connect(server);
    c.run('CLIENT', 'SETNAME', `sentinel-${id}-pubsub`);
    c.run('SUBSCRIBE', '__sentinel__:hello');
    return c;
  });
  const replies = new Map(IDS.map((id) => [id, 0]));
  /** One heartbeat round at `t`, each acknowledging every earlier reply (a healthy link). */
  const beat = (t: number, ids = IDS) => {
    ids.forEach((id) => {
      const n = replies.get(id)!;
      if (acking) fence.heartbeat(id, sentinels[IDS.indexOf(id)]!.client.id, n, t);
      replies.set(id, n + 1);
    });
    fence.cron(t);
  };
  /** The confirmation rounds sentinel `i` has read so far. */
  const roundsSeen = (i: number) =>
    pubsub[i]!.pushed.filter((r): r is PushReply => r instanceof PushReply && r.items[1] === '__clusterctl__:confirm').map((r) => Number(r.items[2]));
  return { server, fence, rounds, hold, beat, roundsSeen, sentinels, app: connect(server) };
}

describe('confirmed replies (fence-confirm-writes yes, the default)', () => {
  it('holds a write OK until a majority of sentinels answer a round started after it', async () => {
    const { hold, rounds, beat, roundsSeen, app } = setup();
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    expect(hold.hold(app.client, OK, t0 + 1010)).toBe(NO_REPLY);
    expect(app.client.blocked).not.toBeNull();
    await turn();
    // Round 1 went to every sentinel's pub/sub link.
    expect([roundsSeen(0), roundsSeen(1), roundsSeen(2)]).toEqual([[1], [1], [1]]);
    rounds.confirm(IDS[0]!, 1);
    expect(app.pushed).toEqual([]); // one of three is no majority
    rounds.confirm(IDS[2]!, 1);
    expect(app.pushed).toEqual([OK]);
    expect(app.client.blocked).toBeNull();
  });

  it('writes of one event-loop turn share a round; a round already on its way when a write came does not release it', async () => {
    const { hold, rounds, beat, roundsSeen, server, app } = setup();
    const first = connect(server);
    const second = connect(server);
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    hold.hold(first.client, OK, t0 + 1010);
    hold.hold(second.client, OK, t0 + 1010);
    await turn();
    expect(roundsSeen(0)).toEqual([1]);
    expect(hold.hold(app.client, OK, t0 + 1011)).toBe(NO_REPLY); // round 1 is on its way: needs round 2
    await turn();
    expect(roundsSeen(0)).toEqual([1]); // one round at a time
    rounds.confirm(IDS[0]!, 1);
    rounds.confirm(IDS[1]!, 1);
    expect([first.pushed, second.pushed, app.pushed]).toEqual([[OK], [OK], []]);
    await turn();
    expect(roundsSeen(0)).toEqual([1, 2]); // started as soon as round 1 was confirmed
    rounds.confirm(IDS[0]!, 2);
    rounds.confirm(IDS[1]!, 2);
    expect(app.pushed).toEqual([OK]);
  });

  it('ignores confirmations of rounds never started and from unknown sentinels', async () => {
    const { hold, rounds, beat, app } = setup();
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    hold.hold(app.client, OK, t0 + 1010);
    await turn();
    rounds.confirm(IDS[0]!, 7);
    rounds.confirm('dddddddd', 1);
    rounds.confirm('eeeeeeee', 1);
    expect(app.pushed).toEqual([]);
    expect(rounds.confirmed).toBe(0);
  });

  it('a heartbeat reply sent after the write and acknowledged releases it too', () => {
    const { hold, beat, app } = setup();
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    expect(hold.hold(app.client, OK, t0 + 1010)).toBe(NO_REPLY);
    beat(t0 + 1100); // acknowledges replies sent at +1000: before the write
    expect(app.pushed).toEqual([]);
    beat(t0 + 1200); // acknowledges the replies sent at +1100
    expect(app.pushed).toEqual([OK]);
  });

  it('keeps replies in order across clients: a later write never overtakes an earlier one', async () => {
    const { hold, rounds, beat, server, app } = setup();
    const second = connect(server);
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    hold.hold(app.client, OK, t0 + 1010);
    await turn();
    hold.hold(second.client, OK, t0 + 1011);
    rounds.confirm(IDS[0]!, 1);
    rounds.confirm(IDS[1]!, 1);
    expect(app.pushed).toEqual([OK]);
    expect(second.pushed).toEqual([]);
    expect(hold.size).toBe(1);
  });

  it('answers UNKNOWN when the master fences before a confirmation', () => {
    const { fence, hold, beat, app } = setup();
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    expect(hold.hold(app.client, OK, t0 + 1010)).toBe(NO_REPLY);
    // The sentinels are gone: the lease (750 ms) runs out.
    for (let t = t0 + 1100; t <= t0 + 1900; t += 100) fence.cron(t);
    expect(fence.fenced).toBe(true);
    expect(String((app.pushed[0] as Error).message)).toMatch(/^UNKNOWN write applied, but this master lost its sentinels/);
  });

  it('holds nothing for a client that asked for no replies (CLIENT REPLY OFF): no OK would reach it', () => {
    const { hold, beat, app } = setup();
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    app.run('CLIENT', 'REPLY', 'OFF');
    expect(hold.hold(app.client, OK, t0 + 1010)).toBe(OK);
    expect(hold.size).toBe(0);
  });

  it('never holds a sentinel: its heartbeats queued behind a held hello would never confirm anything', () => {
    const { hold, beat, sentinels } = setup();
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    expect(hold.hold(sentinels[0]!.client, 1, t0 + 1010)).toBe(1);
    expect(sentinels[0]!.client.blocked).toBeNull();
  });

  it('holds nothing under sentinels that do not acknowledge heartbeats (redis-sentinel): nothing could confirm it', async () => {
    const { hold, beat, roundsSeen, app } = setup({}, { acking: false });
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    expect(hold.hold(app.client, OK, t0 + 1010)).toBe(OK);
    await turn();
    expect(roundsSeen(0)).toEqual([]);
  });
});

describe('fence-confirm-writes no: replies wait only while heartbeats are late', () => {
  it('holds nothing while heartbeats are confirmed', () => {
    const { hold, beat, app } = setup({ 'fence-confirm-writes': 'no' });
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    expect(hold.hold(app.client, OK, t0 + 1050)).toBe(OK);
  });

  it('once heartbeats lag, an OK waits for a confirmation after the write', () => {
    const { hold, beat, app } = setup({ 'fence-confirm-writes': 'no' });
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    // 300 ms without a heartbeat (> 0.3 x 750 ms since the last confirmed reply).
    expect(hold.hold(app.client, OK, t0 + 1300)).toBe(NO_REPLY);
    beat(t0 + 1350); // acknowledges replies sent at +1000: before the write, not enough
    expect(app.pushed).toEqual([]);
    beat(t0 + 1450); // acknowledges the reply sent at +1350: after the write
    expect(app.pushed).toEqual([OK]);
    expect(app.client.blocked).toBeNull();
  });
});

describe('confirmed replies and FAILOVER (replication/failover.ts)', () => {
  it('answers held writes as they stand once a FAILOVER target holds every byte of them', async () => {
    const { hold, beat, app } = setup();
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    expect(hold.hold(app.client, OK, t0 + 1010)).toBe(NO_REPLY);
    await turn();
    expect(app.pushed).toEqual([]);
    hold.releaseReplicated();
    expect(app.pushed).toEqual([OK]);
    expect(app.client.blocked).toBeNull();
    expect(hold.size).toBe(0);
  });

  it('answers them UNKNOWN when the node turned replica without its target catching up (FORCE)', async () => {
    const { hold, beat, app, server } = setup();
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    hold.hold(app.client, OK, t0 + 1010);
    server.isReplica = true;
    hold.release();
    expect(String((app.pushed[0] as Error).message)).toMatch(/^UNKNOWN /);
  });
});
