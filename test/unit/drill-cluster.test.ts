// The cluster drill's pure parts: the key -> slot function agrees with the node's; writes split by
// the shard owning their slot and each shard checked against its own master and replicas, the
// totals adding up; the timeline folds slot moves into bursts and cluster_state changes into one
// line; every scenario aims its steps at the shard asked for.

import { describe, expect, it } from 'vitest';
import { keySlot } from '../../src/cli/drill/cluster-mode/key-slot.js';
import { keySlotOfBytes } from '../../src/shared/key-slot.js';
import { checkCluster, splitByShard, type ShardReadback } from '../../src/cli/drill/cluster-mode/check.js';
import { clusterTimeline, moveBursts } from '../../src/cli/drill/cluster-mode/timeline.js';
import { CLUSTER_SCENARIOS } from '../../src/cli/drill/cluster-mode/scenarios.js';
import type { WriteRecord } from '../../src/cli/drill/workload.js';

const record = (key: string, outcome: WriteRecord['outcome'], value = '1'): WriteRecord => ({ client: 0, group: 0, seq: 1, key, value, sentAt: 0, doneAt: 10, outcome, error: null });

describe('keySlot', () => {
  it('agrees with the node for plain keys, hash tags, empty tags and non-ASCII keys', () => {
    const keys = ['foo', '{user1000}.following', '{}x', 'a{}{b}', '{b}c', 'drill:abc:3:17', 'é{ü}', '123456789'];
    for (let i = 0; i < 500; i++) keys.push(`drill:run:${i % 7}:${i}`);
    // ioredis sends a string key as UTF-8 bytes: the node hashes those bytes.
    for (const key of keys) expect(keySlot(key), key).toBe(keySlotOfBytes(Buffer.from(key, 'utf8')));
    expect(keySlot('123456789')).toBe(0x31c3 & 16383); // CRC16/XMODEM check value
  });
});

describe('checkCluster', () => {
  const owns = (from: number, to: number) => (slot: number) => slot >= from && slot <= to;
  const shards = [
    { shard: 1, owns: owns(0, 8191) },
    { shard: 2, owns: owns(8192, 16383) },
  ];
  const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
  const in1 = keys.filter((k) => keySlot(k) <= 8191);
  const in2 = keys.filter((k) => keySlot(k) > 8191);

  it('splits writes by owning shard; a slot nobody owns leaves its writes apart', () => {
    const records = keys.map((k) => record(k, 'ok'));
    const { byShard, unowned } = splitByShard(records, keySlot, [shards[0]!]);
    expect(byShard.get(1)!.map((r) => r.key)).toEqual(in1);
    expect(unowned.map((r) => r.key)).toEqual(in2);
  });

  it('finds a loss in one shard and a replica differing in the other; totals add up', () => {
    const records = keys.map((k) => record(k, 'ok'));
    const { byShard } = splitByShard(records, keySlot, shards);
    const lost = in1[0]!;
    const readback = (shard: number, mine: string[], replicaMissing: string | null): ShardReadback => ({
      shard,
      masterName: `m${shard}`,
      owns: shards[shard - 1]!.owns,
      master: new Map(mine.map((k) => [k, k === lost ? null : '1'])),
      replicas: [{ node: `r${shard}`, values: new Map(mine.map((k) => [k, k === lost || k === replicaMissing ? null : '1'])) }],
    });
    const result = checkCluster(byShard, [readback(1, in1, null), readback(2, in2, in2[0]!)], new Map([[lost, '1']]));
    expect(result.total.verdict).toBe('loss');
    expect(result.total.acknowledgedLost).toEqual({ count: 1, keys: [lost] });
    expect(result.total.recoveredByLedger.count).toBe(1);
    expect(result.total.writes).toEqual({ total: 40, ok: 40, failed: 0, unknown: 0 });
    expect(result.shards.map((s) => [s.shard, s.verdict])).toEqual([[1, 'loss'], [2, 'diverged']]);
    // The replica of shard 1 agrees with its master (both lack the lost key); r2 lacks one key.
    expect(result.total.replicas.map((r) => [r.node, r.differing])).toEqual([['r1', 0], ['r2', 1]]);
  });
});

describe('cluster timeline', () => {
  it('folds slot moves into bursts per direction, and cluster_state changes into one line', () => {
    const moves = [
      { atMs: 100, slot: 0, from: 'm1', to: 'm2', keys: 1 },
      { atMs: 300, slot: 1, from: 'm1', to: 'm2', keys: 0 },
      { atMs: 2000, slot: 2, from: 'm1', to: 'm2', keys: 2 },
    ];
    expect(moveBursts(moves)).toEqual([
      { fromMs: 100, toMs: 300, count: 2, keys: 1, from: 'm1', to: 'm2' },
      { fromMs: 2000, toMs: 2000, count: 1, keys: 2, from: 'm1', to: 'm2' },
    ]);
    const timeline = clusterTimeline({
      faults: [],
      cluster: [
        { atMs: 500, event: '+state', node: 'm2', detail: 'cluster_state:fail', seenBy: ['m2'] },
        { atMs: 600, event: '+state', node: 'm3', detail: 'cluster_state:fail', seenBy: ['m3'] },
        { atMs: 700, event: '+master', node: 'r1', detail: '', seenBy: ['m2', 'm3'] },
      ],
      moves,
      metrics: [],
      convergedAtMs: null,
      shardOf: (node) => Number(node.slice(1)),
    });
    expect(timeline.map((e) => [e.atMs, e.kind, e.shard])).toEqual([
      [100, 'slot-moves', 1],
      [500, 'cluster', null],
      [700, 'failover', 1],
      [2000, 'slot-moves', 1],
    ]);
    expect(timeline[1]!.text).toBe('cluster_state:fail on m2, m3');
  });
});

describe('cluster scenarios', () => {
  it.each(CLUSTER_SCENARIOS.map((s) => s.name))('%s aims at the shard asked for, in time order, within the drill', (name) => {
    const scenario = CLUSTER_SCENARIOS.find((s) => s.name === name)!;
    const steps = scenario.steps(8000, 2, 3);
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.map((s) => s.atMs)).toEqual([...steps.map((s) => s.atMs)].sort((a, b) => a - b));
    for (const step of steps) expect(step.target).toMatch(/^(shard2:(master|replica)|old-master|old-replica|all)$/);
    expect(steps.at(-1)!.atMs).toBeLessThan(8000);
  });
});
