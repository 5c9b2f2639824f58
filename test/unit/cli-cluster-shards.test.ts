// The pure parts of add-shard / remove-shard: where a leaving shard's slots go (the staying masters
// end as even as they can, each gets one contiguous run, every slot goes exactly once), shard
// numbers that are never reused, and the slot progress line.

import { describe, expect, it } from 'vitest';
import { planDrain } from '../../src/cli/ops/shards/drain-plan.js';
import { spentShardNumbers, takeShardNumber, type RunState } from '../../src/cli/state/run-state.js';
import { slotProgressLine } from '../../src/cli/render/progress-bar.js';

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('planDrain: a leaving master\'s slots to the staying ones', () => {
  it('two equal masters share a third shard\'s slots half and half, lowest first, one run each', () => {
    const plan = planDrain(range(0, 5461), [
      { name: 'm2', count: 5461 },
      { name: 'm3', count: 5461 },
    ]);
    expect(plan.map((m) => [m.to, m.slots.length, m.slots[0], m.slots[m.slots.length - 1]])).toEqual([
      ['m2', 2731, 0, 2730],
      ['m3', 2731, 2731, 5461],
    ]);
  });

  it('an underloaded master gets more, so the counts end even; every slot goes once', () => {
    const slots = range(10000, 16383);
    const plan = planDrain(slots, [
      { name: 'a', count: 6000 },
      { name: 'b', count: 4000 },
    ]);
    const after = { a: 6000, b: 4000 } as Record<string, number>;
    for (const move of plan) after[move.to]! += move.slots.length;
    expect(after).toEqual({ a: 8192, b: 8192 });
    expect(plan.flatMap((m) => m.slots).sort((x, y) => x - y)).toEqual(slots);
  });

  it('a master already above the others gets nothing; no target, no plan', () => {
    expect(planDrain(range(0, 99), [{ name: 'big', count: 9000 }, { name: 'small', count: 100 }]).map((m) => [m.to, m.slots.length])).toEqual([['small', 100]]);
    expect(planDrain(range(0, 9), [])).toEqual([]);
    expect(planDrain([], [{ name: 'a', count: 1 }])).toEqual([]);
  });
});

describe('shard numbers are never reused', () => {
  const state = (shards: number[], nextShard?: number) =>
    ({ spec: { cluster: { shards: shards.map((shard) => ({ shard })) } }, nodes: shards.map((shard) => ({ shard })), ...(nextShard ? { nextShard } : {}) }) as unknown as RunState;

  it('the next number is above every shard the state knows, and is spent when taken', () => {
    const s = state([1, 2]);
    expect(takeShardNumber(s)).toBe(3);
    expect(takeShardNumber(s)).toBe(4);
    expect(s.nextShard).toBe(5);
  });

  it('a removed shard\'s number stays spent: remove-shard fixes the counter before the shard disappears', () => {
    const s = state([1, 2, 3]);
    spentShardNumbers(s);
    s.spec.cluster!.shards = s.spec.cluster!.shards.filter((shard) => shard.shard !== 3);
    s.nodes = s.nodes.filter((node) => node.shard !== 3);
    expect(takeShardNumber(s)).toBe(4);
  });

  it('a recorded counter ahead of the shards wins', () => {
    expect(takeShardNumber(state([1], 7))).toBe(7);
  });
});

describe('slot progress line', () => {
  it('a bar, slots done of total, keys moved', () => {
    expect(slotProgressLine(0, 10, 0)).toBe(`[${'.'.repeat(30)}] 0/10 slots, 0 keys`);
    expect(slotProgressLine(5, 10, 42)).toBe(`[${'#'.repeat(15)}${'.'.repeat(15)}] 5/10 slots, 42 keys`);
    expect(slotProgressLine(10, 10, 42)).toBe(`[${'#'.repeat(30)}] 10/10 slots, 42 keys`);
  });
});
