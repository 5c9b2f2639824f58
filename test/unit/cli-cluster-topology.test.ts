// Redis Cluster topologies (mode: cluster): the short and long forms resolve to shards, slot
// ranges, ports and bus ports; every mistake is reported at file:line:col with its field and a hint.

import { describe, expect, it } from 'vitest';
import { formatIssue, parseTopology, type ParseResult } from '../../src/cli/topology/load.js';
import { parseSlotSpan } from '../../src/cli/topology/cluster-nodes.js';
import { HASH_SLOTS, splitSlotsLikeRedisCli } from '../../src/shared/slot-split.js';
import { renderNodeConfig } from '../../src/cli/supervisor/node-config.js';
import { newState, clusterPaths } from '../../src/cli/state/run-state.js';
import { clusterRenderOptions } from '../../src/cli/supervisor/node-config.js';

function issues(text: string): string[] {
  const result = parseTopology(text, 'c.yaml');
  expect(result.spec).toBeUndefined();
  return result.issues.map(formatIssue);
}

function spec(text: string): NonNullable<ParseResult['spec']> {
  const result = parseTopology(text, 'c.yaml');
  expect(result.issues.map(formatIssue)).toEqual([]);
  return result.spec!;
}

describe('cluster topology: the short form', () => {
  it('cluster: { shards: 3, replicas: 1 } names m1..m3 and r1..r3, splits slots like redis-cli, bus = port + 10000', () => {
    const s = spec('name: shop\nmode: cluster\ncluster: { shards: 3, replicas: 1, node-timeout: 2000 }\n');
    expect(s.cluster!.nodeTimeoutMs).toBe(2000);
    expect(s.cluster!.shards).toEqual([
      { shard: 1, master: 'm1', replicas: ['r1'], slots: [{ start: 0, end: 5460 }] },
      { shard: 2, master: 'm2', replicas: ['r2'], slots: [{ start: 5461, end: 10922 }] },
      { shard: 3, master: 'm3', replicas: ['r3'], slots: [{ start: 10923, end: 16383 }] },
    ]);
    expect(s.nodes.map((n) => [n.name, n.port, n.replicaof, n.cluster!.shard, n.cluster!.busPort])).toEqual([
      ['m1', 7000, null, 1, 17000],
      ['m2', 7001, null, 2, 17001],
      ['m3', 7002, null, 3, 17002],
      ['r1', 7003, 'm1', 1, 17003],
      ['r2', 7004, 'm2', 2, 17004],
      ['r3', 7005, 'm3', 3, 17005],
    ]);
    expect(s.sentinels).toBeNull();
  });

  it('two replicas per shard: the first replica of every shard before the second; ports.bus counts up from its base', () => {
    const s = spec('mode: cluster\nports: { base: 7100, bus: 8100 }\ncluster: { shards: 2, replicas: 2 }\n');
    expect(s.nodes.map((n) => [n.name, n.replicaof, n.port, n.cluster!.busPort])).toEqual([
      ['m1', null, 7100, 8100],
      ['m2', null, 7101, 8101],
      ['r1', 'm1', 7102, 8102],
      ['r2', 'm2', 7103, 8103],
      ['r3', 'm1', 7104, 8104],
      ['r4', 'm2', 7105, 8105],
    ]);
    expect(s.cluster!.nodeTimeoutMs).toBe(5000);
  });

  it('a replication topology has no cluster part (its spec hash is unchanged by this feature)', () => {
    const s = spec('nodes:\n  m1: {}\n  r1: { replicaof: m1 }\n');
    expect(s.cluster).toBeUndefined();
    expect(s.nodes.every((n) => n.cluster === undefined)).toBe(true);
  });
});

describe('cluster topology: the long form', () => {
  it('named nodes: shards in file order, shard: and slots: as written, per-node bus-port and engine', () => {
    const s = spec(
      'mode: cluster\nengine: redis\nnodes:\n' +
        '  a: { port: 7200, slots: [0-99, 100-8000] }\n' +
        '  b: { port: 7201, shard: 5, slots: 8001-16383, bus-port: 9999 }\n' +
        '  ra: { port: 7202, replicaof: a }\n' +
        '  rb: { port: 7203, replicaof: b, engine: builtin }\n',
    );
    expect(s.cluster!.shards).toEqual([
      { shard: 1, master: 'a', replicas: ['ra'], slots: [{ start: 0, end: 8000 }] },
      { shard: 5, master: 'b', replicas: ['rb'], slots: [{ start: 8001, end: 16383 }] },
    ]);
    expect(s.nodes.map((n) => [n.name, n.cluster!.shard, n.cluster!.busPort, n.cluster!.engine])).toEqual([
      ['a', 1, 17200, 'redis'],
      ['b', 5, 9999, 'redis'],
      ['ra', 1, 17202, 'redis'],
      ['rb', 5, 17203, 'builtin'],
    ]);
  });

  it('cluster-announce-ip / hostname are read from the node directives', () => {
    const s = spec('mode: cluster\nengine: redis\nnodes:\n  a: { cluster-announce-ip: 127.0.0.2, cluster-announce-hostname: a.local }\n');
    expect(s.nodes[0]!.cluster).toMatchObject({ announceIp: '127.0.0.2', announceHostname: 'a.local' });
  });
});

describe('cluster topology: mistakes, located', () => {
  it('overlapping slot ranges name both masters', () => {
    expect(issues('mode: cluster\nnodes:\n  a: { slots: 0-9000 }\n  b: { slots: 8000-16383 }\n')).toEqual([
      'c.yaml:4:15  nodes.b.slots: slots 8000-9000 of b are also written for a. Each slot belongs to one shard.',
    ]);
  });

  it('missing slots, and slots written for some masters only', () => {
    expect(issues('mode: cluster\nnodes:\n  a: { slots: 0-9000 }\n  b: { slots: 9002-16383 }\n')).toEqual([
      'c.yaml:3:15  nodes.a.slots: slot 9001 belongs to no shard. Every one of the 16384 slots needs a shard, or the cluster never reports cluster_state:ok.',
    ]);
    expect(issues('mode: cluster\nnodes:\n  a: { slots: 0-9000 }\n  b: {}\n')).toEqual([
      'c.yaml:4:3  nodes.b.slots: b (shard 2) has no slots while other shards have theirs written. Write slots for every master, or for none (then clusterctl splits them evenly).',
    ]);
  });

  it('bad slot ranges', () => {
    expect(issues('mode: cluster\nnodes:\n  a: { slots: 0-16384 }\n')[0]).toMatch(/^c\.yaml:3:15 {2}nodes\.a\.slots: slot range 0-16384 goes past slot 16383\./);
    expect(parseSlotSpan('10-5')).toBe('slot range 10-5 ends before it starts');
    expect(parseSlotSpan('7')).toEqual({ start: 7, end: 7 });
    expect(parseSlotSpan('x')).toBe('"x" is not a slot range');
  });

  it('a replica in another shard than its master, slots on a replica, a replica of a replica', () => {
    expect(issues('mode: cluster\nnodes:\n  a: { shard: 1 }\n  b: { shard: 2 }\n  c: { replicaof: a, shard: 2 }\n')).toEqual([
      "c.yaml:5:29  nodes.c.shard: c is in shard 2 but its master a is in shard 1. A replica is in its master's shard: remove shard or write shard: 1.",
    ]);
    expect(issues('mode: cluster\nnodes:\n  a: {}\n  b: { replicaof: a, slots: 0-5 }\n')).toEqual([
      "c.yaml:4:29  nodes.b.slots: b is a replica: slots belong to its shard's master. Move slots to a.",
    ]);
    expect(issues('mode: cluster\nnodes:\n  a: {}\n  b: { replicaof: a }\n  c: { replicaof: b }\n')).toEqual([
      'c.yaml:5:19  nodes.c.replicaof: b is a replica: in Redis Cluster a replica replicates a master. Write replicaof: a.',
    ]);
  });

  it('two masters of one shard', () => {
    expect(issues('mode: cluster\nnodes:\n  a: { shard: 1 }\n  b: { shard: 1 }\n')).toEqual([
      'c.yaml:4:15  nodes.b.shard: b and a are both masters of shard 1. Make one a replica (replicaof: a), or give it another shard.',
    ]);
  });

  it('bus ports: above 65535, or the same as another node\'s port', () => {
    expect(issues('mode: cluster\nnodes:\n  a: { port: 60000 }\n')).toEqual([
      "c.yaml:3:14  nodes.a.port: the cluster bus port of a would be 70000 (its port + 10000), above 65535. Use node ports below 55536, or set ports.bus (or the node's bus-port).",
    ]);
    expect(issues('mode: cluster\nnodes:\n  a: { port: 7000 }\n  b: { port: 17000 }\n')).toEqual([
      'c.yaml:3:14  nodes.a.port: port 17000 of a (cluster bus) is also the port of b. Its bus port is its port + 10000 (or ports.bus + its position): move one of the two nodes, or set its bus-port.',
    ]);
  });

  it('shard counts and the short form\'s keys', () => {
    expect(issues('mode: cluster\ncluster: { replicas: 1 }\n')).toEqual(['c.yaml:2:1  cluster.shards: the number of shards is missing. For example:  cluster: { shards: 3, replicas: 1 }']);
    expect(issues('mode: cluster\ncluster: { shards: 0 }\n')).toEqual(['c.yaml:2:20  cluster.shards must be between 1 and 1000, got 0.']);
    expect(issues('mode: cluster\n')).toEqual(['c.yaml:1:1  cluster: mode: cluster needs either cluster: { shards: N } or nodes:. For example:  cluster: { shards: 3, replicas: 1 }']);
    expect(issues('mode: cluster\ncluster: { shards: 3 }\nnodes:\n  a: {}\n')[0]).toMatch(/^c\.yaml:2:12 {2}cluster\.shards: "shards" is the short form/);
    expect(issues('mode: cluster\ncluster: { shards: 2, replica: 1 }\n')).toEqual(['c.yaml:2:23  cluster.replica: unknown key "replica" in cluster. Did you mean "replicas"?']);
  });

  it('keys that belong to the other mode, and directives clusterctl manages', () => {
    expect(issues('mode: sharded\n')).toEqual(['c.yaml:1:7  mode: unknown mode "sharded". Use replication or cluster.']);
    expect(issues('cluster: { shards: 3 }\n')).toEqual(['c.yaml:1:1  cluster: applies to mode: cluster only. Add mode: cluster at the top of the file.']);
    expect(issues('nodes:\n  a: { shard: 1 }\n')).toEqual(['c.yaml:2:8  nodes.a.shard: "shard" applies to Redis Cluster nodes only. Add mode: cluster at the top of the file, or remove it.']);
    expect(issues('mode: cluster\ncluster: { shards: 3 }\nsentinels: { count: 3 }\n')).toEqual([
      'c.yaml:3:1  sentinels: a Redis Cluster has no sentinels: its masters vote failovers themselves. Remove sentinels:, or remove mode: cluster.',
    ]);
    expect(issues('mode: cluster\ncluster: { shards: 3 }\ndefaults:\n  cluster-enabled: yes\n')).toEqual([
      'c.yaml:4:3  defaults.cluster-enabled: "cluster-enabled" is managed by clusterctl. Write mode: cluster at the top of the topology instead.',
    ]);
    expect(issues('mode: cluster\nnodes:\n  a: { shrd: 1 }\n')[0]).toMatch(/nodes\.a\.shrd: unknown key "shrd" in a node .*Did you mean "shard"\?$/);
  });
});

describe('slot splitting (redis-cli --cluster create)', () => {
  it('3 masters: 0-5460, 5461-10922, 10923-16383', () => {
    expect(splitSlotsLikeRedisCli(3)).toEqual([
      { start: 0, end: 5460 },
      { start: 5461, end: 10922 },
      { start: 10923, end: 16383 },
    ]);
  });

  it('any N from 1 to 200 covers every slot once, in contiguous increasing ranges of nearly equal size', () => {
    for (let n = 1; n <= 200; n++) {
      const spans = splitSlotsLikeRedisCli(n);
      expect(spans).toHaveLength(n);
      expect(spans[0]!.start).toBe(0);
      expect(spans[n - 1]!.end).toBe(HASH_SLOTS - 1);
      for (let i = 1; i < n; i++) expect(spans[i]!.start).toBe(spans[i - 1]!.end + 1);
      const sizes = spans.map((s) => s.end - s.start + 1);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(2);
    }
  });
});

describe('node.conf of a cluster node', () => {
  it('cluster-enabled, nodes.conf, the bus port and the node timeout; no replicaof line', () => {
    const s = spec('name: shop\nmode: cluster\nports: { base: 7300 }\ncluster: { shards: 1, replicas: 1, node-timeout: 1500 }\n');
    const state = newState(clusterPaths('/tmp/x', 'shop'), s);
    const r1 = state.nodes.find((n) => n.name === 'r1')!;
    expect(r1.shard).toBe(1);
    const text = renderNodeConfig(r1, { clusterName: 'shop', directives: [], upstreamPort: 7300, cluster: clusterRenderOptions(state, 'r1') });
    expect(text).toContain('cluster-enabled yes\ncluster-config-file nodes.conf\ncluster-port 17301\ncluster-node-timeout 1500\n');
    expect(text).not.toMatch(/^replicaof/m);
  });
});
