// Topology validation: every problem is found before anything starts, located at file:line:col with
// its field path and a hint; valid files resolve to ports, upstreams and directives.

import { describe, expect, it } from 'vitest';
import { formatIssue, parseTopology, type ParseResult } from '../../src/cli/topology/load.js';

function issues(text: string): string[] {
  const result = parseTopology(text, 'cluster.yaml');
  expect(result.spec).toBeUndefined();
  return result.issues.map(formatIssue);
}

function spec(text: string): NonNullable<ParseResult['spec']> {
  const result = parseTopology(text, 'cluster.yaml');
  expect(result.issues.map(formatIssue)).toEqual([]);
  return result.spec!;
}

describe('topology: valid files', () => {
  it('allocates ports from ports.base in declaration order, explicit ports win', () => {
    const s = spec('ports: { base: 7100 }\nnodes:\n  m1: {}\n  r1: { replicaof: m1, port: 9000 }\n  r2: { replicaof: r1 }\n');
    expect(s.nodes.map((n) => [n.name, n.port, n.replicaof])).toEqual([
      ['m1', 7100, null],
      ['r1', 9000, 'm1'],
      ['r2', 7102, 'r1'],
    ]);
  });

  it('defaults to engine builtin, name "default", base 7000 and one master with two replicas', () => {
    const s = spec('engine: redis\n');
    expect(s.name).toBe('default');
    expect(s.engine).toBe('redis');
    expect(s.binaries.server).toBe('redis-server');
    expect(s.nodes.map((n) => `${n.name}:${n.port}:${n.replicaof}`)).toEqual(['m1:7000:null', 'r1:7001:m1', 'r2:7002:m1']);
    expect(s.sentinels).toBeNull();
  });

  it('merges directives: defaults first, then the node (config: and inline), booleans as yes/no, lists as lines', () => {
    const s = spec(
      'defaults:\n  repl-backlog-size: 1mb\n  appendonly: false\nnodes:\n' +
        '  m1:\n    config: { repl-backlog-size: 2mb, save: ["900 1", "300 10"] }\n    maxmemory: 100mb\n',
    );
    expect(s.nodes[0]!.directives).toEqual([
      { name: 'repl-backlog-size', value: '1mb' },
      { name: 'appendonly', value: 'no' },
      { name: 'repl-backlog-size', value: '2mb' },
      { name: 'save', value: '900 1' },
      { name: 'save', value: '300 10' },
      { name: 'maxmemory', value: '100mb' },
    ]);
  });

  it('keeps an empty value (save: "") and directive aliases (slave-read-only)', () => {
    const s = spec('defaults: { save: "", slave-read-only: "yes" }\nnodes: { m1: {} }\n');
    expect(s.nodes[0]!.directives).toEqual([
      { name: 'save', value: '' },
      { name: 'slave-read-only', value: 'yes' },
    ]);
  });

  it('accepts sentinels on engine redis with defaults for what is left out', () => {
    const s = spec('engine: redis\nnodes: { m1: {}, r1: { replicaof: m1 } }\nsentinels: { count: 3 }\n');
    expect(s.sentinels).toEqual({ count: 3, quorum: 2, monitorName: 'mymaster', master: 'm1', downAfterMs: 1000, failoverTimeoutMs: 10000, ports: [26379, 26380, 26381] });
  });

  it('accepts clusterctl-node directives on engine builtin', () => {
    expect(spec('defaults: { sync-replicas: 1 }\nnodes: { m1: {} }\n').nodes[0]!.directives).toEqual([{ name: 'sync-replicas', value: '1' }]);
  });
});

describe('topology: every problem, located, with a hint', () => {
  it('replicaof naming an unknown node: line, column, nodes list and the closest name', () => {
    const text = 'name: demo\nnodes:\n  m1: {}\n  r1: { replicaof: m1 }\n  r2: { replicaof: m9 }\n';
    expect(issues(text)).toEqual(['cluster.yaml:5:20  nodes.r2.replicaof: no node named "m9" (nodes: m1, r1, r2). Did you mean "m1"?']);
  });

  it('a node replicating from itself', () => {
    expect(issues('nodes:\n  m1: { replicaof: m1 }\n')).toEqual([
      'cluster.yaml:2:20  nodes.m1.replicaof: m1 cannot replicate from itself. Remove replicaof to make it a master.',
    ]);
  });

  it('a replication cycle, reported once', () => {
    const found = issues('nodes:\n  m1: {}\n  a: { replicaof: c }\n  b: { replicaof: a }\n  c: { replicaof: b }\n');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^cluster\.yaml:3:19 {2}nodes\.a\.replicaof: replication cycle: a -> c -> b -> a\. Every chain must end at a master/);
  });

  it('unknown top-level key, with the closest valid one', () => {
    expect(issues('nodez:\n  m1: {}\n')).toEqual(['cluster.yaml:1:1  nodez: unknown key "nodez" in the topology. Did you mean "nodes"?']);
  });

  it('unknown key in a node, with the closest node key', () => {
    expect(issues('nodes:\n  m1: {}\n  r1: { replicaf: m1 }\n')).toEqual([
      'cluster.yaml:3:9  nodes.r1.replicaf: unknown key "replicaf" in a node (neither replicaof, port, config nor a redis.conf directive). Did you mean "replicaof"?',
    ]);
  });

  it('unknown keys in ports, binaries, sentinels and sentinels.monitor', () => {
    const found = issues('engine: redis\nports: { bse: 7000 }\nbinaries: { servr: x }\nnodes: { m1: {} }\nsentinels: { cont: 3, monitor: { nam: x } }\n');
    expect(found).toEqual([
      'cluster.yaml:2:10  ports.bse: unknown key "bse" in ports. Did you mean "base"?',
      'cluster.yaml:3:13  binaries.servr: unknown key "servr" in binaries. Did you mean "server"?',
      'cluster.yaml:5:14  sentinels.cont: unknown key "cont" in sentinels. Did you mean "count"?',
      'cluster.yaml:5:34  sentinels.monitor.nam: unknown key "nam" in sentinels.monitor. Did you mean "name"?',
    ]);
  });

  it('unknown directives under defaults and config, with the closest directive', () => {
    expect(issues('defaults:\n  repl-backlog-sise: 1mb\nnodes:\n  m1: { config: { maxmemroy: 1gb } }\n')).toEqual([
      'cluster.yaml:2:3  defaults.repl-backlog-sise: unknown redis.conf directive "repl-backlog-sise". Did you mean "repl-backlog-size"?',
      'cluster.yaml:4:19  nodes.m1.config.maxmemroy: unknown redis.conf directive "maxmemroy". Did you mean "maxmemory"?',
    ]);
  });

  it('directives clusterctl manages itself', () => {
    const found = issues('defaults:\n  port: 6379\n  dir: /tmp\nnodes:\n  m1: { config: { replicaof: "127.0.0.1 7000" } }\n');
    expect(found).toEqual([
      'cluster.yaml:2:3  defaults.port: "port" is managed by clusterctl. Set nodes.<node>.port or ports.base instead.',
      'cluster.yaml:3:3  defaults.dir: "dir" is managed by clusterctl. Each node runs in its own directory, .clusterctl/<cluster>/<node>/.',
      'cluster.yaml:5:19  nodes.m1.config.replicaof: "replicaof" is managed by clusterctl. Write nodes.<node>.replicaof: <node name> instead.',
    ]);
  });

  it('a clusterctl-node directive on engine redis', () => {
    expect(issues('engine: redis\ndefaults: { sync-replicas: 1 }\nnodes: { m1: {} }\n')).toEqual([
      'cluster.yaml:2:13  defaults.sync-replicas: "sync-replicas" is a clusterctl-node directive; redis-server does not know it. Use engine: builtin, or remove it.',
    ]);
  });

  it('a directive without a value', () => {
    expect(issues('defaults:\n  maxmemory:\nnodes: { m1: {} }\n')).toEqual([
      'cluster.yaml:2:3  defaults.maxmemory needs a value. Write "" for an empty value (e.g. save: "").',
    ]);
  });

  it('quorum larger than the sentinel count', () => {
    expect(issues('engine: redis\nnodes: { m1: {} }\nsentinels:\n  count: 3\n  quorum: 4\n')).toEqual([
      'cluster.yaml:5:11  sentinels.quorum: quorum 4 is larger than the sentinel count 3: no failover could ever be agreed. Use a quorum between 1 and 3 (a majority, 2, is usual).',
    ]);
  });

  it('sentinels monitoring a replica, or an unknown node', () => {
    expect(issues('engine: redis\nnodes: { m1: {}, r1: { replicaof: m1 } }\nsentinels: { monitor: { master: r1 } }\n')).toEqual([
      'cluster.yaml:3:33  sentinels.monitor.master: r1 is a replica (of m1); sentinels monitor a master. Masters: m1.',
    ]);
    expect(issues('engine: redis\nnodes: { m1: {} }\nsentinels: { monitor: { master: m2 } }\n')).toEqual([
      'cluster.yaml:3:33  sentinels.monitor.master: no node named "m2" (masters: m1). Did you mean "m1"?',
    ]);
  });

  it('sentinels with several masters and no monitor.master', () => {
    expect(issues('engine: redis\nnodes: { a: {}, b: {} }\nsentinels: { count: 1 }\n')).toEqual([
      'cluster.yaml:3:1  sentinels.monitor.master: several masters (a, b): say which one the sentinels monitor. Add monitor: { master: <node> }.',
    ]);
  });

  it('sentinels on engine builtin (clusterctl-sentinel), with the binaries left to the engine default', () => {
    const s = spec('nodes: { m1: {} }\nsentinels: { count: 3 }\n');
    expect(s.sentinels).toMatchObject({ count: 3, quorum: 2, master: 'm1', ports: [26379, 26380, 26381] });
    expect(s.binaries).toEqual({ server: '', sentinel: '' });
  });

  it('two nodes with the same explicit port', () => {
    expect(issues('nodes:\n  m1: { port: 7000 }\n  r1: { replicaof: m1, port: 7000 }\n')).toEqual([
      'cluster.yaml:3:30  nodes.r1.port: port 7000 of r1 is also the port of m1. Give each node its own port.',
    ]);
  });

  it('a base-allocated port colliding with an explicit one, and with a sentinel port', () => {
    expect(issues('ports: { base: 7000 }\nnodes:\n  m1: {}\n  r1: { replicaof: m1, port: 7000 }\n')).toEqual([
      'cluster.yaml:1:16  ports.base: port 7000 of m1 is also the port of r1. Move ports.base, or give the node an explicit port.',
    ]);
    expect(issues('engine: redis\nports: { base: 7000, sentinels: 7001 }\nnodes: { m1: {}, r1: { replicaof: m1 } }\nsentinels: { count: 1 }\n')).toEqual([
      'cluster.yaml:2:33  ports.sentinels: port 7001 of sentinel s1 is also the port of r1. Move ports.base, or give the node an explicit port.',
    ]);
  });

  it('ports out of range: privileged, past 65535 (also through ports.base), not a number', () => {
    expect(issues('nodes:\n  m1: { port: 80 }\n')).toEqual([
      'cluster.yaml:2:15  nodes.m1.port: m1 would get port 80, out of range (ports below 1024 need root). Use ports between 1024 and 65535.',
    ]);
    expect(issues('nodes:\n  m1: { port: 70000 }\n')).toEqual(['cluster.yaml:2:15  nodes.m1.port must be between 1 and 65535, got 70000.']);
    expect(issues('ports: { base: 65535 }\nnodes: { m1: {}, r1: { replicaof: m1 } }\n')).toEqual([
      'cluster.yaml:1:16  ports.base: r1 would get port 65536, out of range (ports end at 65535). Use ports between 1024 and 65535.',
    ]);
    expect(issues('nodes:\n  m1: { port: "7k" }\n')).toEqual(['cluster.yaml:2:15  nodes.m1.port must be a port number, got "7k".']);
  });

  it('invalid and reserved node names, empty nodes, unknown engine, invalid cluster name', () => {
    expect(issues('nodes:\n  "m 1": {}\n  master: {}\n')).toEqual([
      'cluster.yaml:2:3  nodes.m 1: invalid node name "m 1". Use letters, digits, "-" and "_" (it names a directory).',
      'cluster.yaml:3:3  nodes.master: "master" is a node selector word and cannot name a node. Call it e.g. m1 or r1.',
    ]);
    expect(issues('nodes: {}\n')).toEqual(['cluster.yaml:1:8  nodes: at least one node is needed. For example:  nodes: { m1: {} }']);
    expect(issues('engine: valkey\n')).toEqual(['cluster.yaml:1:9  engine: unknown engine "valkey". Use builtin (clusterctl-node) or redis (redis-server from PATH).']);
    expect(issues('name: "my cluster"\n')).toEqual(['cluster.yaml:1:7  name: invalid cluster name "my cluster". Use letters, digits, ".", "-" and "_" (it names a directory).']);
  });

  it('wrong shapes: nodes as a list, a node as a scalar', () => {
    expect(issues('nodes: [m1]\n')).toEqual(['cluster.yaml:1:8  nodes must be a mapping (key: value lines).']);
    expect(issues('nodes:\n  m1: master\n')).toEqual(['cluster.yaml:2:7  nodes.m1 must be a mapping (key: value lines).']);
  });

  it('YAML syntax errors and duplicate keys', () => {
    expect(issues('nodes:\n  m1: {\n')[0]).toMatch(/^cluster\.yaml:\d+:\d+ {2}YAML: /);
    expect(issues('nodes:\n  m1: {}\n  m1: {}\n')[0]).toMatch(/^cluster\.yaml:3:3 {2}YAML: Map keys must be unique/);
  });

  it('reports every problem at once, in file order', () => {
    const found = issues('engine: redis\ndefaults: { maxmemroy: 1 }\nnodes:\n  m1: {}\n  r1: { replicaof: m2 }\nsentinels: { quorum: 9 }\n');
    expect(found.map((line) => line.split('  ')[0])).toEqual(['cluster.yaml:2:13', 'cluster.yaml:5:20', 'cluster.yaml:6:22']);
  });
});
