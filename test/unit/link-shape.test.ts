// FAULT SHAPE's pure parts: when bytes on a slow link arrive (delay + bandwidth, order kept), how
// several rules combine, the grammar, and the CLI's bandwidth words.

import { describe, expect, it } from 'vitest';
import { combineShapes, ShapeSchedule } from '../../src/shared/faults/shape-schedule.js';
import { parseShape, shapesFor } from '../../src/shared/faults/shape-spec.js';
import { formatRate, parseRate } from '../../src/cli/util/rate.js';

describe('ShapeSchedule', () => {
  it('delay only: every batch arrives delayMs after it was sent, taken in at once', () => {
    const link = new ShapeSchedule({ delayMs: 200, bytesPerSec: 0 });
    expect(link.next(1000, 5000)).toEqual({ acceptAt: 1000, deliverAt: 1200 });
    expect(link.next(1010, 10)).toEqual({ acceptAt: 1010, deliverAt: 1210 });
  });

  it('throttle: batches are serialised one after another at the bandwidth', () => {
    const link = new ShapeSchedule({ delayMs: 0, bytesPerSec: 1000 });
    expect(link.next(0, 500)).toEqual({ acceptAt: 500, deliverAt: 500 });
    // Sent while the first is still on the wire: it waits its turn.
    expect(link.next(100, 1000)).toEqual({ acceptAt: 1500, deliverAt: 1500 });
    // An idle link starts afresh.
    expect(link.next(5000, 100)).toEqual({ acceptAt: 5100, deliverAt: 5100 });
  });

  it('both: serialisation then the delay; a shorter delay set later never reorders', () => {
    const link = new ShapeSchedule({ delayMs: 1000, bytesPerSec: 1000 });
    expect(link.next(0, 100).deliverAt).toBe(1100);
    link.shape = { delayMs: 0, bytesPerSec: 0 };
    expect(link.next(150, 10).deliverAt).toBe(1100);
  });

  it('several rules on one link: the longest delay and the narrowest bandwidth', () => {
    expect(combineShapes([])).toBeNull();
    expect(combineShapes([{ delayMs: 50, bytesPerSec: 0 }, { delayMs: 10, bytesPerSec: 2000 }, { delayMs: 0, bytesPerSec: 500 }])).toEqual({ delayMs: 50, bytesPerSec: 500 });
  });
});

describe('FAULT SHAPE grammar', () => {
  it('peers, DELAY, THROTTLE, direction, FOR and EXCEPT in any order', () => {
    expect(parseShape(['master', 'DELAY', '200', 'THROTTLE', '1048576', 'IN', 'FOR', '5000'])).toEqual({
      peers: [{ kind: 'master' }],
      direction: 'in',
      forMs: 5000,
      except: [],
      delayMs: 200,
      bytesPerSec: 1048576,
    });
    expect(parseShape(['replicas', 'EXCEPT', 'delay', 'throttle', '10'])).toMatchObject({ except: ['delay'], bytesPerSec: 10, delayMs: 0 });
  });

  it('refuses a shape that slows nothing, bad numbers and no peer', () => {
    expect(parseShape(['master'])).toMatch(/needs DELAY/);
    expect(parseShape(['master', 'DELAY', 'x'])).toMatch(/DELAY takes a number of milliseconds/);
    expect(parseShape(['master', 'THROTTLE', '0'])).toMatch(/positive/);
    expect(parseShape(['DELAY', '10'])).toBe('ERR SHAPE needs at least one peer');
    expect(parseShape(['nobody', 'DELAY', '10'])).toMatch(/unknown peer 'nobody'/);
  });

  it('matches links like partitions, per direction', () => {
    const rules = [parseShape(['master', 'DELAY', '100', 'IN']), parseShape(['master', 'THROTTLE', '1000'])] as Exclude<ReturnType<typeof parseShape>, string>[];
    expect(shapesFor(rules, { role: 'master', name: '' })).toEqual({ in: { delayMs: 100, bytesPerSec: 1000 }, out: { delayMs: 0, bytesPerSec: 1000 } });
    expect(shapesFor(rules, { role: 'replica', name: '' })).toEqual({ in: null, out: null });
    // The operator's own connections are never slowed down.
    const clients = [parseShape(['clients', 'DELAY', '5'])] as Exclude<ReturnType<typeof parseShape>, string>[];
    expect(shapesFor(clients, { role: 'client', name: 'clusterctl-cli' })).toEqual({ in: null, out: null });
  });
});

describe('--throttle rates', () => {
  it('reads redis.conf units with an optional /s', () => {
    expect(parseRate('1mb/s')).toBe(1024 * 1024);
    expect(parseRate('500kb/s')).toBe(500 * 1024);
    expect(parseRate('64k')).toBe(64_000);
    expect(parseRate('2m / s')).toBe(2_000_000);
    expect(parseRate('1000')).toBe(1000);
    for (const bad of ['', 'fast', '0', '1tb/s', '-5']) expect(parseRate(bad)).toBeUndefined();
    expect(formatRate(1024 * 1024)).toBe('1mb/s');
    expect(formatRate(1536)).toBe('1536b/s');
  });
});
