// The server clock (src/server/base/clock.ts): a test replaces it and drives the node's time by
// hand; expiry, TTLs and OBJECT IDLETIME-style reads follow the fake time, not the wall clock.

import { afterEach, describe, expect, it } from 'vitest';
import { clock, systemClock, useClock, type Clock } from '../../src/server/base/clock.js';
import { connect, makeServer } from '../helpers/unit-server.js';

class FakeClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  monotonic(): number {
    return this.ms;
  }
}

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe('server clock', () => {
  it('reads the system time by default', () => {
    const before = Date.now();
    const read = clock.now();
    expect(read).toBeGreaterThanOrEqual(before);
    expect(read).toBeLessThanOrEqual(Date.now());
  });

  it('drives key expiry: a PX key lives until the fake time passes its deadline', () => {
    const fake = new FakeClock(1_700_000_000_000);
    restore = useClock(fake);
    const c = connect(makeServer());
    expect(c.wire('SET', 'k', 'v', 'PX', '1000')).toBe('+OK\r\n');
    fake.ms += 999;
    expect(c.run('PTTL', 'k')).toBe(1);
    expect(c.run('GET', 'k')).toBe('v');
    fake.ms += 1;
    expect(c.run('GET', 'k')).toBe(null);
    expect(c.run('EXISTS', 'k')).toBe(0);
  });

  it('EXPIREAT in the fake past deletes at once', () => {
    const fake = new FakeClock(2_000_000_000_000);
    restore = useClock(fake);
    const c = connect(makeServer());
    c.run('SET', 'k', 'v');
    // 1.9e12 ms is in the real past too, but 2.1e9 s is in the real future and the fake past.
    expect(c.run('EXPIREAT', 'k', String(1_999_999_999))).toBe(1);
    expect(c.run('EXISTS', 'k')).toBe(0);
  });

  it('useClock returns a restore that puts the previous clock back', () => {
    const undo = useClock(new FakeClock(5));
    expect(clock.now()).toBe(5);
    undo();
    expect(Math.abs(clock.now() - systemClock.now())).toBeLessThan(1000);
  });
});
