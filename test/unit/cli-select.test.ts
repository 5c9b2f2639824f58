// NODE selectors: names, master, replica, replica:N resolved from the live roles (which may differ
// from the records after a failover), falling back to the records when nothing of the role runs.

import { describe, expect, it } from 'vitest';
import type { LiveNode } from '../../src/cli/cluster/live.js';
import { selectNode } from '../../src/cli/cluster/select.js';
import type { NodeRecord, RunState } from '../../src/cli/state/run-state.js';

function record(name: string, replicaof: string | null, port: number): NodeRecord {
  return { name, port, replicaof, dir: '', configFile: '', logFile: '', pid: 1, startTime: 1, startedAt: null };
}

const nodes = [record('m1', null, 7000), record('r1', 'm1', 7001), record('r2', 'm1', 7002)];
const state = { name: 'demo', nodes } as unknown as RunState;

function live(roles: Record<string, 'master' | 'replica' | 'down'>): LiveNode[] {
  return nodes.map((r) => ({
    record: r,
    process: roles[r.name] === 'down' ? 'stopped' : 'running',
    probe: null,
    role: roles[r.name] === 'down' ? null : (roles[r.name] as 'master' | 'replica'),
    upstream: null,
    roleIsLive: true,
  }));
}

describe('selectors', () => {
  it('a name is taken as is', async () => {
    expect((await selectNode(state, 'r2', [])).record.name).toBe('r2');
  });

  it('master, replica and replica:N follow the live roles', async () => {
    const afterFailover = live({ m1: 'replica', r1: 'master', r2: 'replica' });
    expect((await selectNode(state, 'master', afterFailover)).record.name).toBe('r1');
    expect((await selectNode(state, 'replica', afterFailover)).record.name).toBe('m1');
    expect((await selectNode(state, 'replica:2', afterFailover)).record.name).toBe('r2');
  });

  it('falls back to the recorded roles when no running node has the role', async () => {
    const selected = await selectNode(state, 'master', live({ m1: 'down', r1: 'replica', r2: 'replica' }));
    expect(selected.record.name).toBe('m1');
    expect(selected.via).toBe('the recorded master');
  });

  it('refuses unknown names (with a hint), out-of-range replicas and ambiguous masters', async () => {
    await expect(selectNode(state, 'r3', [])).rejects.toMatchObject({ exitCode: 2, suggestions: ['Did you mean "r1"?'] });
    await expect(selectNode(state, 'replica:3', live({ m1: 'master', r1: 'replica', r2: 'replica' }))).rejects.toThrow(/there are 2 replicas \(r1, r2\)/);
    await expect(selectNode(state, 'master', live({ m1: 'master', r1: 'master', r2: 'replica' }))).rejects.toThrow(/several masters \(m1, r1\)/);
    await expect(selectNode(state, 'master:1', [])).rejects.toThrow(/only replicas are numbered/);
  });
});
