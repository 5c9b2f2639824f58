// The pure slot table (owners, ranges, open slots), the bus slot bitmap, and the initial split of
// `redis-cli --cluster create`. Split vectors were printed by redis-cli 7.0.15 ("Master[i] -> Slots
// a - b") for N masters; the integration test re-checks more of them live.

import { describe, expect, it } from 'vitest';
import { CLUSTER_SLOTS } from '../../src/shared/key-slot.js';
import { SlotMap } from '../../src/server/cluster/slot-map.js';
import {
  bitmapClearSlot,
  bitmapCount,
  bitmapFromRanges,
  bitmapHasSlot,
  bitmapSetSlot,
  bitmapSlots,
  bitmapToRanges,
  emptySlotBitmap,
} from '../../src/server/cluster/slot-bitmap.js';
import { formatRange, slotsToRanges } from '../../src/server/cluster/slot-range.js';
import { interleaveByHost, splitSlotsLikeRedisCli } from '../../src/server/cluster/slot-split.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

/** Ranges as redis-cli printed them for N masters. */
const REDIS_CLI_SPLITS: Record<number, string> = {
  3: '0-5460 5461-10922 10923-16383',
  4: '0-4095 4096-8191 8192-12287 12288-16383',
  5: '0-3276 3277-6553 6554-9829 9830-13106 13107-16383',
  6: '0-2730 2731-5460 5461-8191 8192-10922 10923-13652 13653-16383',
  7: '0-2340 2341-4680 4681-7021 7022-9361 9362-11702 11703-14042 14043-16383',
  9: '0-1819 1820-3640 3641-5460 5461-7281 7282-9101 9102-10922 10923-12742 12743-14563 14564-16383',
  10: '0-1637 1638-3276 3277-4914 4915-6553 6554-8191 8192-9829 9830-11468 11469-13106 13107-14745 14746-16383',
  // N = 78 is the smallest N where single-precision floats (as redis-cli computes) and doubles disagree.
  78:
    '0-209 210-419 420-629 630-839 840-1049 1050-1259 1260-1469 1470-1679 1680-1889 1890-2100 2101-2310 2311-2520 ' +
    '2521-2730 2731-2940 2941-3150 3151-3360 3361-3570 3571-3780 3781-3990 3991-4200 4201-4410 4411-4620 4621-4830 ' +
    '4831-5040 5041-5250 5251-5460 5461-5670 5671-5880 5881-6090 6091-6301 6302-6511 6512-6721 6722-6931 6932-7141 ' +
    '7142-7351 7352-7561 7562-7771 7772-7981 7982-8191 8192-8401 8402-8611 8612-8821 8822-9031 9032-9241 9242-9451 ' +
    '9452-9661 9662-9871 9872-10081 10082-10292 10293-10502 10503-10712 10713-10922 10923-11132 11133-11342 ' +
    '11343-11552 11553-11762 11763-11972 11973-12182 12183-12392 12393-12602 12603-12812 12813-13022 13023-13232 ' +
    '13233-13442 13443-13652 13653-13862 13863-14072 14073-14283 14284-14493 14494-14703 14704-14913 14914-15123 ' +
    '15124-15333 15334-15543 15544-15753 15754-15963 15964-16173 16174-16383',
};

describe('splitSlotsLikeRedisCli', () => {
  it.each(Object.entries(REDIS_CLI_SPLITS))('N = %s matches redis-cli --cluster create', (n, printed) => {
    expect(splitSlotsLikeRedisCli(Number(n)).map(formatRange).join(' ')).toBe(printed);
  });

  it('covers every slot exactly once, in order, for any N', () => {
    for (const n of [1, 2, 3, 11, 77, 78, 500, 16383, 16384]) {
      const ranges = splitSlotsLikeRedisCli(n);
      expect(ranges).toHaveLength(n);
      let next = 0;
      const gaps: string[] = [];
      for (const { start, end } of ranges) {
        if (start !== next || end < start) gaps.push(`${start}-${end} after ${next - 1}`);
        next = end + 1;
      }
      expect(gaps).toEqual([]);
      expect(next).toBe(CLUSTER_SLOTS);
    }
  });

  it('refuses a count that is not a positive integer', () => {
    expect(() => splitSlotsLikeRedisCli(0)).toThrow(RangeError);
    expect(() => splitSlotsLikeRedisCli(2.5)).toThrow(RangeError);
  });

  it('interleaves nodes by host the way redis-cli picks masters', () => {
    const nodes = ['h1:1', 'h1:2', 'h2:1', 'h1:3', 'h3:1', 'h2:2'];
    expect(interleaveByHost(nodes, (n) => n.split(':')[0]!)).toEqual(['h1:1', 'h2:1', 'h3:1', 'h1:2', 'h2:2', 'h1:3']);
    expect(interleaveByHost(['x:1', 'x:2', 'x:3'], (n) => n.split(':')[0]!)).toEqual(['x:1', 'x:2', 'x:3']);
  });
});

describe('SlotMap', () => {
  it('starts with every slot unassigned', () => {
    const map = new SlotMap();
    expect(map.owner(0)).toBeNull();
    expect(map.assignedCount()).toBe(0);
    expect(map.fullyCovered()).toBe(false);
    expect(map.ranges()).toEqual([]);
    expect(map.unassignedSlots()).toHaveLength(CLUSTER_SLOTS);
  });

  it('assigns, reassigns and unassigns single slots, returning the previous owner', () => {
    const map = new SlotMap();
    expect(map.assign(7, A)).toBeNull();
    expect(map.assign(7, B)).toBe(A);
    expect(map.owner(7)).toBe(B);
    expect(map.unassign(7)).toBe(B);
    expect(map.unassign(7)).toBeNull();
  });

  it('reports ranges per node and globally, as CLUSTER NODES / SLOTS group them', () => {
    const map = new SlotMap();
    map.assignRange(0, 99, A);
    map.assignRange(100, 199, B);
    map.assign(200, A);
    map.assignRange(300, 16383, C);
    expect(map.rangesOf(A).map(formatRange)).toEqual(['0-99', '200']);
    expect(map.countOf(A)).toBe(101);
    expect(map.slotsOf(B)).toHaveLength(100);
    expect(map.ranges()).toEqual([
      { start: 0, end: 99, owner: A },
      { start: 100, end: 199, owner: B },
      { start: 200, end: 200, owner: A },
      { start: 300, end: 16383, owner: C },
    ]);
    expect(map.owningNodes()).toEqual([A, B, C]);
    expect(map.unassignedSlots()).toEqual(Array.from({ length: 99 }, (_, i) => 201 + i));
    expect(map.unassignNode(A)).toBe(101);
    expect(map.rangesOf(A)).toEqual([]);
  });

  it('assigns evenly like redis-cli and then covers the whole space', () => {
    const map = new SlotMap();
    const given = map.assignEvenly([A, B, C]);
    expect(given.map((r) => `${r.owner[0]}:${formatRange(r)}`)).toEqual(['a:0-5460', 'b:5461-10922', 'c:10923-16383']);
    expect(map.fullyCovered()).toBe(true);
    expect(map.assignedCount()).toBe(CLUSTER_SLOTS);
  });

  it('keeps migrating and importing marks per slot until STABLE', () => {
    const map = new SlotMap();
    map.setMigrating(10, B);
    map.setImporting(10, C);
    map.setImporting(3, A);
    expect(map.migratingTo(10)).toBe(B);
    expect(map.importingFrom(10)).toBe(C);
    expect(map.openSlots()).toEqual({ migrating: [[10, B]], importing: [[3, A], [10, C]] });
    map.setStable(10);
    expect(map.migratingTo(10)).toBeUndefined();
    expect(map.openSlots().importing).toEqual([[3, A]]);
    map.closeAllSlots();
    expect(map.openSlots()).toEqual({ migrating: [], importing: [] });
  });

  it('rejects slots outside 0..16383 and inverted ranges', () => {
    const map = new SlotMap();
    expect(() => map.owner(CLUSTER_SLOTS)).toThrow(RangeError);
    expect(() => map.assign(-1, A)).toThrow(RangeError);
    expect(() => map.assign(1.5, A)).toThrow(RangeError);
    expect(() => map.assignRange(10, 9, A)).toThrow(RangeError);
    expect(() => map.setMigrating(99999, A)).toThrow(RangeError);
  });

  it('gives a node its slots as the bus bitmap', () => {
    const map = new SlotMap();
    map.assignRange(0, 7, A);
    map.assign(16383, A);
    const bitmap = map.bitmapOf(A);
    expect(bitmap[0]).toBe(0xff);
    expect(bitmap[2047]).toBe(0x80);
    expect(bitmapCount(bitmap)).toBe(9);
  });
});

describe('slot bitmap', () => {
  it('numbers bits least significant first within each byte (bitmapTestBit)', () => {
    const bitmap = emptySlotBitmap();
    bitmapSetSlot(bitmap, 0);
    bitmapSetSlot(bitmap, 9);
    expect([...bitmap.subarray(0, 2)]).toEqual([0x01, 0x02]);
    expect(bitmapHasSlot(bitmap, 9)).toBe(true);
    bitmapClearSlot(bitmap, 9);
    expect(bitmapHasSlot(bitmap, 9)).toBe(false);
  });

  it('converts to and from ranges', () => {
    const ranges = [
      { start: 0, end: 0 },
      { start: 5, end: 700 },
      { start: 16380, end: 16383 },
    ];
    const bitmap = bitmapFromRanges(ranges);
    expect(bitmapToRanges(bitmap)).toEqual(ranges);
    expect(bitmapCount(bitmap)).toBe(1 + 696 + 4);
    expect(bitmapSlots(bitmap).slice(0, 3)).toEqual([0, 5, 6]);
    expect(slotsToRanges([1, 2, 3, 5])).toEqual([
      { start: 1, end: 3 },
      { start: 5, end: 5 },
    ]);
  });
});
