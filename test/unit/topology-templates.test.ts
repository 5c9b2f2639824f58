// Shipped topologies and the shared directive-name list: every template validates, the built-in
// default is templates/default.yaml, and every directive the node knows is a name topologies accept.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPOLOGY_YAML, formatIssue, parseTopology } from '../../src/cli/topology/load.js';
import { isKnownDirective, REDIS_DIRECTIVE_NAMES } from '../../src/shared/directive-names.js';
import { DIRECTIVES } from '../../src/server/config/directives.js';

const TEMPLATES = join(import.meta.dirname, '..', '..', 'templates');
const names = readdirSync(TEMPLATES).filter((name) => name.endsWith('.yaml'));

describe('templates', () => {
  it('ships default, durable, single, chain, fan-out and cluster, each on both engines', () => {
    expect(names.sort()).toEqual(
      ['chain', 'cluster', 'default', 'durable', 'fan-out', 'single'].flatMap((n) => [`${n}.yaml`, `redis-${n}.yaml`]).sort(),
    );
  });

  it('the cluster templates are 3 shards x 1 replica (Redis Cluster)', () => {
    for (const name of ['cluster.yaml', 'redis-cluster.yaml']) {
      const spec = parseTopology(readFileSync(join(TEMPLATES, name), 'utf8'), name).spec!;
      expect(spec.cluster!.shards.map((s) => [s.master, s.replicas, s.slots])).toEqual([
        ['m1', ['r1'], [{ start: 0, end: 5460 }]],
        ['m2', ['r2'], [{ start: 5461, end: 10922 }]],
        ['m3', ['r3'], [{ start: 10923, end: 16383 }]],
      ]);
    }
  });

  it.each(names)('%s validates, with a unique name and port range', (name) => {
    const result = parseTopology(readFileSync(join(TEMPLATES, name), 'utf8'), name);
    expect(result.issues.map(formatIssue)).toEqual([]);
    expect(result.spec!.engine).toBe(name.startsWith('redis-') ? 'redis' : 'builtin');
    expect(result.spec!.name).toBe(name.replace(/\.yaml$/, ''));
  });

  it('no two templates share a port (nodes and sentinels), so they can run side by side', () => {
    const ports = names.flatMap((name) => {
      const spec = parseTopology(readFileSync(join(TEMPLATES, name), 'utf8'), name).spec!;
      return [...spec.nodes.map((n) => n.port), ...spec.nodes.flatMap((n) => (n.cluster ? [n.cluster.busPort] : [])), ...(spec.sentinels?.ports ?? [])];
    });
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('the built-in default is templates/default.yaml: one master, two replicas, three sentinels (quorum 2)', () => {
    expect(DEFAULT_TOPOLOGY_YAML).toBe(readFileSync(join(TEMPLATES, 'default.yaml'), 'utf8'));
    const spec = parseTopology(DEFAULT_TOPOLOGY_YAML, 'built-in').spec!;
    expect(spec.nodes.map((n) => n.replicaof)).toEqual([null, 'm1', 'm1']);
    expect(spec.sentinels).toMatchObject({ count: 3, quorum: 2, monitorName: 'mymaster', master: 'm1', downAfterMs: 1000 });
    const redis = parseTopology(readFileSync(join(TEMPLATES, 'redis-default.yaml'), 'utf8'), 'redis-default').spec!;
    expect(redis.sentinels).toMatchObject({ count: 3, quorum: 2, monitorName: 'mymaster', master: 'm1', downAfterMs: 1000 });
  });

  it('the fan-out template has sub-replicas and the chain template a two-level chain', () => {
    const fan = parseTopology(readFileSync(join(TEMPLATES, 'fan-out.yaml'), 'utf8'), 'f').spec!;
    expect(fan.nodes.filter((n) => n.replicaof === 'r1').length).toBe(2);
    const chain = parseTopology(readFileSync(join(TEMPLATES, 'chain.yaml'), 'utf8'), 'c').spec!;
    expect(chain.nodes.map((n) => n.replicaof)).toEqual([null, 'm1', 'r1']);
    // Sentinels watch the master; the sub-replicas follow their upstream (README "Chains under failover").
    for (const spec of [fan, chain]) expect(spec.sentinels).toMatchObject({ count: 3, quorum: 2, master: 'm1' });
  });
});

describe('shared directive names', () => {
  it('include every directive (and alias) clusterctl-node knows', () => {
    const unknown = DIRECTIVES.flatMap((d) => [d.name, ...(d.aliases ?? [])]).filter((name) => !isKnownDirective(name, 'builtin'));
    expect(unknown).toEqual([]);
  });

  it('know Redis 7.0 directives and refuse invented ones', () => {
    expect(REDIS_DIRECTIVE_NAMES.has('repl-diskless-sync-delay')).toBe(true);
    expect(isKnownDirective('Maxmemory', 'redis')).toBe(true);
    expect(isKnownDirective('sync-replicas', 'redis')).toBe(false);
    expect(isKnownDirective('sync-replicas', 'builtin')).toBe(true);
    expect(isKnownDirective('max-memory', 'builtin')).toBe(false);
  });
});
