// Heartbeat-confirmed replies (replication/confirm-hold.ts): nothing is held while the sentinels'
// heartbeats are confirmed; once they lag, a write's OK waits for a heartbeat confirmed after it,
// and becomes an UNKNOWN error if the master fences first.

import { describe, expect, it } from 'vitest';
import { Fence } from '../../src/server/replication/fence.js';
import { ConfirmHold } from '../../src/server/replication/confirm-hold.js';
import { NO_REPLY, OK } from '../../src/shared/resp/reply.js';
import { connect, makeServer } from '../helpers/unit-server.js';

const IDS = ['aaaaaaaa', 'bbbbbbbb', 'cccccccc'];

function setup() {
  const server = makeServer();
  server.port = 7000;
  const fence = new Fence(server);
  const hold = new ConfirmHold(server, fence);
  const sentinels = IDS.map((id) => {
    const c = connect(server);
    c.run('CLIENT', 'SETNAME', `sentinel-${id}-cmd`);
    fence.requestLease(id, 750);
    return c;
  });
  const replies = new Map(IDS.map((id) => [id, 0]));
  /** One heartbeat round at `t`, each acknowledging every earlier reply (a healthy link). */
  const beat = (t: number, ids = IDS) => {
    ids.forEach((id) => {
      const n = replies.get(id)!;
      fence.heartbeat(id, sentinels[IDS.indexOf(id)]!.client.id, n, t);
      replies.set(id, n + 1);
    });
    fence.cron(t);
  };
  return { server, fence, hold, beat, app: connect(server) };
}

describe('heartbeat-confirmed replies', () => {
  it('holds nothing while heartbeats are confirmed', () => {
    const { hold, beat, app } = setup();
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    expect(hold.hold(app.client, OK, t0 + 1050)).toBe(OK);
  });

  it('once heartbeats lag, an OK waits for a heartbeat confirmed after the write', () => {
    const { hold, beat, app } = setup();
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    // 300 ms without a heartbeat (> 0.3 x 750 ms since the last confirmed reply).
    expect(hold.hold(app.client, OK, t0 + 1300)).toBe(NO_REPLY);
    expect(app.client.blocked).not.toBeNull();
    beat(t0 + 1350); // acknowledges replies sent at +1000: before the write, not enough
    expect(app.pushed).toEqual([]);
    beat(t0 + 1450); // acknowledges the reply sent at +1350: after the write
    expect(app.pushed).toEqual([OK]);
    expect(app.client.blocked).toBeNull();
  });

  it('never holds a sentinel: its heartbeats queued behind a held hello would never confirm anything', () => {
    const { server, hold, beat } = setup();
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    const sentinel = connect(server);
    sentinel.run('CLIENT', 'SETNAME', 'sentinel-aaaaaaaa-cmd');
    expect(hold.hold(sentinel.client, 1, t0 + 1300)).toBe(1);
    expect(sentinel.client.blocked).toBeNull();
  });

  it('answers UNKNOWN when the master fences before a confirmation', () => {
    const { fence, hold, beat, app } = setup();
    const t0 = Date.now();
    for (let t = t0; t <= t0 + 1000; t += 100) beat(t);
    expect(hold.hold(app.client, OK, t0 + 1300)).toBe(NO_REPLY);
    // The sentinels are gone: the lease (750 ms) runs out.
    for (let t = t0 + 1400; t <= t0 + 2000; t += 100) fence.cron(t);
    expect(fence.fenced).toBe(true);
    expect(String((app.pushed[0] as Error).message)).toMatch(/^UNKNOWN write applied, but this master lost its sentinels/);
  });
});
