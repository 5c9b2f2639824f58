// Judging a Redis Cluster from its nodes' replies (pure): CLUSTER NODES parsing, shards followed
// through failovers, what keeps `up` waiting (cluster_state, disagreeing maps, flags, unowned slots,
// replicas behind) and what `status` reports besides (open slots, a master without replicas); and
// the shardN: selectors.

import { describe, expect, it } from 'vitest';
import { analyzeCluster } from '../../src/cli/sharded/analyze.js';
import { planRebalance } from '../../src/cli/ops/reshard/rebalance.js';
import type { ClusterProbe } from '../../src/cli/sharded/cluster-probe.js';
import { parseClusterNodes, slotSignature } from '../../src/cli/sharded/nodes-reply.js';
import type { NodeProbe } from '../../src/cli/probe/probe.js';
import type { LiveNode } from '../../src/cli/cluster/live.js';
import { selectNode } from '../../src/cli/cluster/select.js';
import type { NodeRecord, RunState } from '../../src/cli/state/run-state.js';
import type { ClusterModeSpec } from '../../src/cli/topology/types.js';

const ID = { m1: 'a'.repeat(40), m2: 'b'.repeat(40), r1: 'c'.repeat(40), r2: 'd'.repeat(40) } as const;
type Name = keyof typeof ID;
const PORT: Record<Name, number> = { m1: 7000, m2: 7001, r1: 7002, r2: 7003 };

function record(name: Name, replicaof: string | null, shard: number): NodeRecord {
  return { name, port: PORT[name], replicaof, shard, dir: '', configFile: '', logFile: '', pid: 1, startTime: 1, startedAt: null };
}
const records = [record('m1', null, 1), record('m2', null, 2), record('r1', 'm1', 1), record('r2', 'm2', 2)];
const spec: ClusterModeSpec = {
  nodeTimeoutMs: 2000,
  shards: [
    { shard: 1, master: 'm1', replicas: ['r1'], slots: [{ start: 0, end: 8191 }] },
    { shard: 2, master: 'm2', replicas: ['r2'], slots: [{ start: 8192, end: 16383 }] },
  ],
};

/** The cluster as one node would print CLUSTER NODES; `extra` appends words to a node's line. */
function nodesText(me: Name, masters: Record<string, Name | null>, slots: Partial<Record<Name, string>>, flags: Partial<Record<Name, string>> = {}, extra: Partial<Record<Name, string>> = {}): string {
  return (Object.keys(ID) as Name[])
    .map((name) => {
      const master = masters[name];
      const f = [name === me ? 'myself' : '', master ? 'slave' : 'master', flags[name] ?? ''].filter(Boolean).join(',');
      return [ID[name], `127.0.0.1:${PORT[name]}@${PORT[name] + 10000}`, f, master ? ID[master] : '-', '0', '0', '1', 'connected', slots[name] ?? '', extra[name] ?? ''].join(' ').trim();
    })
    .join('\n');
}

function probe(name: Name, text: string, options: { state?: string; offset?: number; link?: 'up' | 'down' } = {}): ClusterProbe {
  const view = parseClusterNodes(text);
  const replica = view.find((l) => l.flags.includes('myself'))!.masterId !== null;
  const replication = { port: PORT[name], reachable: true, info: true, role: replica ? 'replica' : 'master', link: replica ? (options.link ?? 'up') : null, offset: options.offset ?? 100, streamOffset: options.offset ?? 100 } as NodeProbe;
  return {
    name,
    port: PORT[name],
    reachable: true,
    error: null,
    self: view.find((l) => l.flags.includes('myself'))!,
    view,
    info: { cluster_state: options.state ?? 'ok', cluster_current_epoch: '2' },
    replication,
    keys: 5,
  };
}

const MASTERS = { m1: null, m2: null, r1: 'm1', r2: 'm2' } as Record<string, Name | null>;
const SLOTS = { m1: '0-8191', m2: '8192-16383' };
const healthy = () => (Object.keys(ID) as Name[]).map((name) => probe(name, nodesText(name, MASTERS, SLOTS)));

describe('CLUSTER NODES parsing', () => {
  it('reads address, bus port, hostname, flags, master, epoch, link, slots and open-slot markers', () => {
    const [line] = parseClusterNodes(`${ID.m1} 127.0.0.1:7000@17000,host.local myself,master - 0 0 3 connected 0-5 7 [8->-${ID.m2}] [9-<-${ID.r1}]\n`);
    expect(line).toMatchObject({ id: ID.m1, host: '127.0.0.1', port: 7000, busPort: 17000, hostname: 'host.local', flags: ['myself', 'master'], masterId: null, configEpoch: 3, connected: true });
    expect(line!.slots).toEqual([{ start: 0, end: 5 }, { start: 7, end: 7 }]);
    expect(line!.migrating).toEqual([{ slot: 8, to: ID.m2 }]);
    expect(line!.importing).toEqual([{ slot: 9, from: ID.r1 }]);
  });

  it('the slot signature is the same whatever the line order', () => {
    const a = parseClusterNodes(nodesText('m1', MASTERS, SLOTS));
    expect(slotSignature(a)).toBe(slotSignature([...a].reverse()));
  });
});

describe('analyzeCluster', () => {
  it('a healthy cluster: ready, shards with their masters, replicas and slot counts', () => {
    const result = analyzeCluster(records, healthy(), spec);
    expect(result.notReady).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(result.shards.map((s) => [s.shard, s.master, s.replicas, s.slotCount])).toEqual([
      [1, 'm1', ['r1'], 8192],
      [2, 'm2', ['r2'], 8192],
    ]);
    expect(result.nodes.map((n) => [n.name, n.role, n.shard, n.masterOf, n.behind])).toEqual([
      ['m1', 'master', 1, null, null],
      ['m2', 'master', 2, null, null],
      ['r1', 'replica', 1, 'm1', 0],
      ['r2', 'replica', 2, 'm2', 0],
    ]);
  });

  it('after a failover the shard keeps its number and follows the promoted replica', () => {
    const masters = { m1: 'r1', m2: null, r1: null, r2: 'm2' } as Record<string, Name | null>;
    const slots = { r1: '0-8191', m2: '8192-16383' };
    const probes = (Object.keys(ID) as Name[]).map((name) => probe(name, nodesText(name, masters, slots)));
    const result = analyzeCluster(records, probes, spec);
    expect(result.notReady).toEqual([]);
    expect(result.shards[0]).toMatchObject({ shard: 1, master: 'r1', replicas: ['m1'] });
    expect(result.nodes.find((n) => n.name === 'm1')).toMatchObject({ shard: 1, role: 'replica', masterOf: 'r1' });
  });

  it('not ready: cluster_state:fail, a node flagged PFAIL, a replica behind, maps that differ, unowned slots', () => {
    const probes = healthy();
    probes[0] = probe('m1', nodesText('m1', MASTERS, { m1: '0-8000', m2: '8192-16383' }, { r2: 'fail?' }), { state: 'fail' });
    probes[3] = probe('r2', nodesText('r2', MASTERS, SLOTS), { offset: 60 });
    const result = analyzeCluster(records, probes, spec);
    expect(result.notReady).toEqual(
      expect.arrayContaining([
        'm1: cluster_state:fail',
        'r2: flagged pfail by other nodes',
        'r2: 40 bytes behind m2',
        expect.stringMatching(/^nodes disagree on the slot map or on who replicates whom: \{m2, r1, r2\} vs \{m1\}$/),
      ]),
    );
    // The reference map (the largest group's) owns all slots; m1's own shorter claim is not it.
    expect(result.shards[0]!.slotCount).toBe(8192);
  });

  it('status problems: open slots (with reshard --fix), a master whose replica is gone', () => {
    const probes = healthy();
    probes[0] = probe('m1', nodesText('m1', MASTERS, SLOTS, {}, { m1: `[5->-${ID.m2}]` }));
    const noReplica = { m1: null, m2: null, r1: 'm1', r2: 'm1' } as Record<string, Name | null>;
    const views = probes.map((p) => (p.name === 'm1' ? p : probe(p.name as Name, nodesText(p.name as Name, noReplica, SLOTS))));
    views[0] = probe('m1', nodesText('m1', noReplica, SLOTS, {}, { m1: `[5->-${ID.m2}]` }));
    const result = analyzeCluster(records, views, spec);
    expect(result.problems).toContain('slot 5 is open: m1 is MIGRATING it to m2 (clusterctl reshard --fix)');
    expect(result.problems).toContain('shard 2: master m2 has no replica (the topology gives it 1)');
    expect(result.shards[0]!.replicas).toEqual(['r1', 'r2']);
  });

  it('an unreachable node is named; slots nobody owns are counted', () => {
    const probes = healthy().map((p) => ({ ...p, view: p.view.map((l) => (l.port === 7001 ? { ...l, slots: [] } : l)) }));
    probes[1] = { ...probes[1]!, reachable: false, error: 'not running', self: null, view: [], info: {}, replication: null, keys: null };
    const result = analyzeCluster(records, probes, spec);
    expect(result.notReady).toEqual(expect.arrayContaining(['m2: not answering (not running)', '8192 slots are owned by no node']));
  });
});

describe('shard selectors', () => {
  const state = { name: 'shop', nodes: records, spec: { cluster: spec } } as unknown as RunState;
  const live = (roles: Record<Name, 'master' | 'replica'>): LiveNode[] =>
    records.map((r) => ({ record: r, process: 'running', probe: null, role: roles[r.name as Name], upstream: null, roleIsLive: true }));

  it('shardN:master and shardN:replica[:K] resolve live within the shard', async () => {
    const now = live({ m1: 'replica', m2: 'master', r1: 'master', r2: 'replica' });
    expect(await selectNode(state, 'shard1:master', now)).toMatchObject({ record: { name: 'r1' }, via: 'shard 1: the master' });
    expect(await selectNode(state, 'shard1:replica', now)).toMatchObject({ record: { name: 'm1' }, via: 'shard 1: replica 1' });
    expect((await selectNode(state, 'shard2:replica:1', now)).record.name).toBe('r2');
  });

  it('"master" alone is ambiguous in a cluster; an unknown shard is named', async () => {
    const now = live({ m1: 'master', m2: 'master', r1: 'replica', r2: 'replica' });
    await expect(selectNode(state, 'master', now)).rejects.toMatchObject({ message: expect.stringMatching(/several masters \(m1, m2\)/) });
    await expect(selectNode(state, 'shard7:master', now)).rejects.toMatchObject({ message: expect.stringMatching(/has no shard 7 \(shards: 1, 2\)/) });
    const plain = { name: 'x', nodes: records, spec: {} } as unknown as RunState;
    await expect(selectNode(plain, 'shard1:master', now)).rejects.toMatchObject({ message: expect.stringMatching(/only in a Redis Cluster/) });
  });
});

describe('rebalance plan (redis-cli --cluster rebalance, equal weights)', () => {
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

  it('nothing when every master is within the threshold', () => {
    expect(planRebalance([{ name: 'a', slots: range(0, 8199) }, { name: 'b', slots: range(8200, 16383) }], 2)).toEqual([]);
  });

  it('the most loaded gives its lowest slots to the least loaded until each has 16384/N (remainder to the first)', () => {
    const plan = planRebalance([{ name: 'a', slots: range(0, 999) }, { name: 'b', slots: range(1000, 10999) }, { name: 'c', slots: range(11000, 16383) }], 2);
    expect(plan.map((m) => [m.from, m.to, m.slots.length, m.slots[0]])).toEqual([
      ['b', 'a', 4462, 1000],
      ['b', 'c', 77, 5462],
    ]);
  });

  it('several pairs when two masters are over', () => {
    const plan = planRebalance([{ name: 'a', slots: [] as number[] }, { name: 'b', slots: range(0, 9999) }, { name: 'c', slots: range(10000, 16383) }], 0);
    const after = { a: 0, b: 10000, c: 6384 } as Record<string, number>;
    for (const move of plan) {
      after[move.from]! -= move.slots.length;
      after[move.to]! += move.slots.length;
    }
    expect(after).toEqual({ a: 5462, b: 5461, c: 5461 });
  });
});
