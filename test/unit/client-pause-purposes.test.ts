// Client pauses by purpose on a fake clock (request/client-pause.ts, Redis pauseClients /
// unpauseClients): CLIENT PAUSE and FAILOVER's pause are lifted separately, the most restrictive
// mode wins until its own end, and parked connections are resumed when the pause ends or eases.

import { afterEach, describe, expect, it } from 'vitest';
import { makeServer, connect } from '../helpers/unit-server.js';
import { useClock } from '../../src/server/base/clock.js';
import { POSTPONE } from '../../src/server/request/request-path.js';
import { isPausedFor, pauseClients, unpauseClients, whenUnpaused } from '../../src/server/request/client-pause.js';

let now = 1_000_000;
const restore = useClock({ now: () => now, monotonic: () => now });
afterEach(() => {
  now = 1_000_000;
});
process.on('exit', restore);

describe('client pauses by purpose', () => {
  it("CLIENT UNPAUSE lifts only its own pause: FAILOVER's keeps writes waiting", () => {
    const server = makeServer();
    const c = connect(server);
    pauseClients(server, Infinity, false, 'failover');
    expect(c.run('SET', 'k', 'v')).toBe(POSTPONE);
    expect(c.run('GET', 'k')).toBeNull();
    expect(c.run('CLIENT', 'PAUSE', '5000', 'ALL')).toEqual(expect.anything());
    expect(c.run('GET', 'k')).toBe(POSTPONE);
    // What CLIENT UNPAUSE does (sent from a client, it would itself wait in ALL mode, as in Redis 7.0).
    unpauseClients(server);
    expect(c.run('GET', 'k')).toBeNull();
    expect(c.run('SET', 'k', 'v')).toBe(POSTPONE);
    expect(isPausedFor(server, 'failover')).toBe(true);
    unpauseClients(server, 'failover');
    expect(server.clientPause).toBeUndefined();
    expect(c.wire('SET', 'k', 'v')).toBe('+OK\r\n');
  });

  it('an expired CLIENT PAUSE ALL gives way to the FAILOVER pause of writes', () => {
    const server = makeServer();
    const c = connect(server);
    pauseClients(server, Infinity, false, 'failover');
    pauseClients(server, now + 100, true);
    expect(c.run('GET', 'k')).toBe(POSTPONE);
    now += 101;
    expect(c.run('GET', 'k')).toBeNull();
    expect(c.run('SET', 'k', 'v')).toBe(POSTPONE);
    unpauseClients(server, 'failover');
  });

  it('resumes parked connections when the pause eases from ALL to WRITE, and when it ends', () => {
    const server = makeServer();
    let resumed = 0;
    pauseClients(server, Infinity, false, 'failover');
    pauseClients(server, Infinity, true, 'client');
    whenUnpaused(server, () => resumed++);
    unpauseClients(server, 'cluster-failover');
    expect(resumed).toBe(0);
    unpauseClients(server, 'client');
    expect(resumed).toBe(1);
    whenUnpaused(server, () => resumed++);
    unpauseClients(server, 'failover');
    expect(resumed).toBe(2);
    expect(server.clientPause).toBeUndefined();
  });

  it('keeps the dataset fixed while paused: an expired key is hidden, not deleted', () => {
    const server = makeServer();
    const c = connect(server);
    c.run('SET', 'k', 'v', 'PX', '10');
    pauseClients(server, Infinity, false, 'failover');
    now += 20;
    expect(c.run('GET', 'k')).toBeNull();
    expect(server.dbs[0]!.size).toBe(1);
    unpauseClients(server, 'failover');
    expect(c.run('GET', 'k')).toBeNull();
    expect(server.dbs[0]!.size).toBe(0);
  });
});
