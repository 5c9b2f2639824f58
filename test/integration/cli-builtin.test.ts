// clusterctl driving our own node (engine: builtin): a single node today, and the default shape
// (a master and two replicas) as soon as clusterctl-node implements REPLICAOF.

import { afterAll, describe, expect, it } from 'vitest';
import { startNode } from '../helpers/processes.js';
import { Sandbox, isAlive, topology } from './cli-harness.js';

/** Does our node implement REPLICAOF yet? (`REPLICAOF NO ONE` on a master is a harmless no-op.) */
async function builtinReplicates(): Promise<boolean> {
  const node = await startNode();
  const client = node.client({ enableReadyCheck: false });
  try {
    await client.call('REPLICAOF', 'NO', 'ONE');
    return true;
  } catch (error) {
    return !/unknown command/i.test((error as Error).message);
  } finally {
    client.disconnect();
    await node.stop();
  }
}

const replicates = await builtinReplicates();

describe('clusterctl on engine builtin', () => {
  const boxes: Sandbox[] = [];
  afterAll(async () => {
    for (const box of boxes) expect(await box.cleanup()).toEqual([]);
  });

  it('a single node behind requirepass: up, up again (nothing changes), status, exec, down --purge', async () => {
    // requirepass: clusterctl's probes, readiness checks and exec authenticate with it.
    const topo = await topology('solo', 'builtin', { m1: null }, 'defaults: { requirepass: s3cret }\n');
    const box = Sandbox.create(topo.yaml);
    boxes.push(box);
    const up = await box.run(['up', '--json']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.json).toMatchObject({ cluster: 'solo', engine: 'builtin', changed: true, master: { node: 'm1', port: topo.ports.m1 } });
    const again = await box.run(['up']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Cluster "solo" is already up; nothing changed.');
    const [status, exec] = await Promise.all([box.run(['status', '--json']), box.run(['exec', 'master', '--json', '--', 'SET', 'k', 'v'])]);
    expect(status.json).toMatchObject({ cluster: 'solo', engine: 'builtin', healthy: true });
    expect(status.json.nodes[0]).toMatchObject({ name: 'm1', process: 'running', reachable: true, role: 'master', port: topo.ports.m1 });
    expect(exec.json.reply).toBe('OK');
    const pid = up.json.nodes[0].pid;
    const down = await box.run(['down', '--purge', '--json']);
    expect(down.json).toMatchObject({ cluster: 'solo', purged: true, stopped: [{ name: 'm1', pid }] });
    expect(isAlive(pid)).toBe(false);
  });

  it.skipIf(!replicates)('a master and two replicas: synced up, kill master, start it, wait synced, down', async () => {
    const topo = await topology('trio', 'builtin', { m1: null, r1: 'm1', r2: 'r1' });
    const box = Sandbox.create(topo.yaml);
    boxes.push(box);
    const up = await box.run(['up', '--json']);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    await box.run(['exec', 'master', '--', 'SET', 'k', 'v']);
    const synced = await box.run(['wait', '--for', 'synced', '--json']);
    expect(synced.json.replicas.map((r: any) => [r.node, r.upstream, r.problem])).toEqual([
      ['r1', 'm1', null],
      ['r2', 'r1', null],
    ]);
    expect((await box.run(['exec', 'r2', '--json', '--', 'GET', 'k'])).json.reply).toBe('v');
    const status = await box.run(['status', '--json']);
    expect(status.json.nodes.map((n: any) => [n.name, n.role, n.upstream, n.link])).toEqual([
      ['m1', 'master', null, null],
      ['r1', 'replica', 'm1', 'up'],
      ['r2', 'replica', 'r1', 'up'],
    ]);
    // A saved master killed and started again loads its data and its replicas resync.
    await box.run(['exec', 'master', '--', 'SAVE']);
    expect((await box.run(['kill', 'master', '--json'])).json).toMatchObject({ node: 'm1', signal: 'SIGKILL' });
    expect((await box.run(['start', 'master', '--json'])).json).toMatchObject({ node: 'm1', port: topo.ports.m1, changed: true });
    expect((await box.run(['wait', '--for', 'synced', '--timeout', '30s', '--json'])).code).toBe(0);
    expect((await box.run(['exec', 'r2', '--json', '--', 'GET', 'k'])).json.reply).toBe('v');
    // Killed again after a write it never saved, it comes back empty: the empty-restart guard keeps
    // the replicas' data, and start, wait and status say why and what to do.
    await box.run(['exec', 'master', '--', 'FLUSHALL']);
    await box.run(['exec', 'master', '--', 'SET', 'k2', 'v2']);
    await box.run(['wait', '--for', 'synced']);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the node records its history once a second
    await box.run(['kill', 'master']);
    const restarted = await box.run(['start', 'master', '--json']);
    expect(restarted.json.emptyRestart).toMatch(/empty dataset after serving as master of 1 keys/);
    expect(restarted.json.message).toContain('CONFIG SET empty-restart-guard no');
    const refused = await box.run(['wait', '--for', 'synced', '--timeout', '3s']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toContain('its upstream refuses to act as a master');
    const refusedStatus = await box.run(['status', '--json']);
    expect(refusedStatus.json.healthy).toBe(false);
    expect(refusedStatus.json.problems.join('\n')).toContain('m1: came back empty and refuses to act as a master');
    expect((await box.run(['exec', 'r2', '--json', '--', 'GET', 'k2'])).json.reply).toBe('v2');
    // The user accepts the empty dataset: the replicas follow it.
    await box.run(['exec', 'm1', '--', 'CONFIG', 'SET', 'empty-restart-guard', 'no']);
    expect((await box.run(['wait', '--for', 'synced', '--timeout', '30s'])).code).toBe(0);
    expect((await box.run(['exec', 'r2', '--json', '--', 'GET', 'k2'])).json.reply).toBe(null);
    const down = await box.run(['down', '--json']);
    expect(down.json.stopped.map((s: any) => s.name).sort()).toEqual(['m1', 'r1', 'r2']);
  }, 150_000); // some twenty clusterctl runs, each a process start
});
