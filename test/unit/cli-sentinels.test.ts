// Sentinel bookkeeping: the sentinel.conf written for a new sentinel, which master the sentinels
// should monitor now (it follows failovers), and what makes a sentinel's view disagree.

import { describe, expect, it } from 'vitest';
import { currentMaster, disagreement, type SentinelView } from '../../src/cli/cluster/sentinels.js';
import { newState, clusterPaths } from '../../src/cli/state/run-state.js';
import { renderSentinelConfig } from '../../src/cli/supervisor/sentinel-config.js';
import { parseTopology } from '../../src/cli/topology/load.js';

const spec = parseTopology('engine: redis\nports: { base: 7000, sentinels: 26379 }\nnodes: { m1: {}, r1: { replicaof: m1 }, r2: { replicaof: m1 } }\nsentinels: { count: 3, quorum: 2 }\n', 'c.yaml').spec!;

function view(overrides: Partial<SentinelView>): SentinelView {
  return { name: 's1', port: 26379, pid: 1, process: 'running', reachable: true, master: '127.0.0.1:7000', masterNode: 'm1', replicas: 2, otherSentinels: 2, flags: 'master', configEpoch: 0, error: null, ...overrides };
}

describe('sentinels', () => {
  const state = newState(clusterPaths('/clusters', 'demo'), spec);

  it('records one sentinel per port, each in its own folder', () => {
    expect(state.sentinels.map((s) => [s.name, s.port, s.dir])).toEqual([
      ['s1', 26379, '/clusters/demo/s1'],
      ['s2', 26380, '/clusters/demo/s2'],
      ['s3', 26381, '/clusters/demo/s3'],
    ]);
  });

  it('writes a sentinel.conf monitoring the master with the quorum and timeouts', () => {
    const text = renderSentinelConfig(state.sentinels[0]!, spec.sentinels!, 7000);
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      'port 26379',
      'bind 127.0.0.1',
      'dir "/clusters/demo/s1"',
      'logfile "/clusters/demo/s1/sentinel.log"',
      'daemonize no',
      'sentinel monitor mymaster 127.0.0.1 7000 2',
      'sentinel down-after-milliseconds mymaster 1000',
      'sentinel failover-timeout mymaster 10000',
    ]);
  });

  it('follows a failover: the monitored master is the root of the recorded tree', () => {
    const moved = newState(clusterPaths('/clusters', 'demo'), spec);
    moved.nodes[0]!.replicaof = 'r1';
    moved.nodes[1]!.replicaof = null;
    moved.nodes[2]!.replicaof = 'r1';
    expect(currentMaster(moved).name).toBe('r1');
    expect(disagreement(moved, view({}))).toBe('monitors 127.0.0.1:7000, not r1');
  });

  it('agrees only with the right master, all replicas, every other sentinel and no down flag', () => {
    expect(disagreement(state, view({}))).toBeNull();
    expect(disagreement(state, view({ replicas: 1 }))).toBe('sees 1 of 2 replicas');
    expect(disagreement(state, view({ otherSentinels: 0 }))).toBe('sees 0 of 2 other sentinels');
    expect(disagreement(state, view({ flags: 's_down,master' }))).toBe('flags s_down,master');
    expect(disagreement(state, view({ reachable: false, error: 'ECONNREFUSED' }))).toBe('not answering (ECONNREFUSED)');
  });
});
