// clusterctl driving real redis-server (engine: redis): every command's --json result, on one
// cluster of a master and two replicas, and no process left behind at the end.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';
import { Sandbox, topology, isAlive } from './cli-harness.js';

describe.skipIf(!hasRedis())('clusterctl on engine redis', () => {
  let box: Sandbox;
  let ports: Record<string, number>;

  beforeAll(async () => {
    const topo = await topology('cr', 'redis', { m1: null, r1: 'm1', r2: 'm1' });
    ports = topo.ports;
    box = Sandbox.create(topo.yaml);
  });

  afterAll(async () => {
    expect(await box.cleanup()).toEqual([]);
  });

  it('up: starts every node, waits for sync, returns the typed result', async () => {
    const run = await box.run(['up', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ cluster: 'cr', engine: 'redis', changed: true, started: ['m1', 'r1', 'r2'], master: { node: 'm1', host: '127.0.0.1', port: ports.m1 } });
    expect(run.json.nodes.map((n: any) => [n.name, n.role, n.port, n.replicaof])).toEqual([
      ['m1', 'master', ports.m1, null],
      ['r1', 'replica', ports.r1, 'm1'],
      ['r2', 'replica', ports.r2, 'm1'],
    ]);
    expect(run.json.nodes.every((n: any) => isAlive(n.pid))).toBe(true);
  });

  it('up again: changes nothing and says so', async () => {
    const before = box.state('cr').nodes.map((n: any) => n.pid);
    const run = await box.run(['up', '--json']);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ changed: false, started: [] });
    expect(box.state('cr').nodes.map((n: any) => n.pid)).toEqual(before);
  });

  it('status: live roles, links, offsets, memory', async () => {
    const run = await box.run(['status', '--json']);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ cluster: 'cr', healthy: true, synced: true, problems: [] });
    expect(run.json.nodes.map((n: any) => [n.name, n.role, n.roleSource, n.upstream, n.link, n.behind, n.process])).toEqual([
      ['m1', 'master', 'live', null, null, null, 'running'],
      ['r1', 'replica', 'live', 'm1', 'up', 0, 'running'],
      ['r2', 'replica', 'live', 'm1', 'up', 0, 'running'],
    ]);
    expect(run.json.nodes[0].memory).toBeGreaterThan(0);
  });

  it('exec: writes on the master are read back on a replica; errors exit non-zero', async () => {
    expect((await box.run(['exec', 'master', '--json', '--', 'SET', 'greeting', 'hello'])).json.reply).toBe('OK');
    expect((await box.run(['wait', '--for', 'synced', '--json'])).json).toMatchObject({ cluster: 'cr', for: 'synced' });
    const read = await box.run(['exec', 'replica:2', '--json', '--', 'GET', 'greeting']);
    expect(read.json).toMatchObject({ node: 'r2', port: ports.r2, command: ['GET', 'greeting'], reply: 'hello' });
    const refused = await box.run(['exec', 'r1', '--json', '--', 'SET', 'x', '1']);
    expect(refused.code).toBe(1);
    expect(refused.json.error.message).toMatch(/READONLY/);
  });

  it('kill master, then start it again on the same port', async () => {
    const oldPid = box.state('cr').nodes[0].pid;
    const killed = await box.run(['kill', 'master', '--json']);
    expect(killed.json).toMatchObject({ node: 'm1', selectedAs: 'the master', action: 'kill', pid: oldPid, signal: 'SIGKILL', changed: true });
    expect(isAlive(oldPid)).toBe(false);
    const status = await box.run(['status', '--json']);
    expect(status.json.healthy).toBe(false);
    expect(status.json.nodes[0]).toMatchObject({ name: 'm1', process: 'stopped', pid: null });
    const started = await box.run(['start', 'm1', '--json']);
    expect(started.json).toMatchObject({ node: 'm1', action: 'start', port: ports.m1, changed: true });
    expect(started.json.pid).not.toBe(oldPid);
    expect((await box.run(['wait', '--json'])).code).toBe(0);
  });

  it('pause and resume a replica (SIGSTOP / SIGCONT)', async () => {
    const paused = await box.run(['pause', 'replica:1', '--json']);
    expect(paused.json).toMatchObject({ node: 'r1', action: 'pause', signal: 'SIGSTOP', changed: true });
    expect((await box.run(['status', '--json'])).json.nodes[1].process).toBe('paused');
    const resumed = await box.run(['resume', 'r1', '--json']);
    expect(resumed.json).toMatchObject({ node: 'r1', action: 'resume', signal: 'SIGCONT', changed: true });
  });

  it('restart and stop/start keep the port', async () => {
    const restarted = await box.run(['restart', 'replica', '--json']);
    expect(restarted.json).toMatchObject({ node: 'r1', action: 'restart', port: ports.r1, changed: true });
    const stopped = await box.run(['stop', 'r2', '--json']);
    expect(stopped.json).toMatchObject({ node: 'r2', action: 'stop', changed: true });
    expect((await box.run(['start', 'r2', '--json'])).json).toMatchObject({ node: 'r2', port: ports.r2, changed: true });
    const synced = await box.run(['wait', '--for', 'synced', '--timeout', '20s', '--json']);
    expect(synced.code, synced.stdout).toBe(0);
    expect(synced.json.replicas.map((r: any) => [r.node, r.upstream, r.problem])).toEqual([
      ['r1', 'm1', null],
      ['r2', 'm1', null],
    ]);
  });

  it('logs: the last lines of a node\'s log', async () => {
    const run = await box.run(['logs', 'm1', '-n', '400', '--json']);
    expect(run.json).toMatchObject({ node: 'm1' });
    expect(run.json.lines.length).toBeGreaterThan(3);
    expect(run.json.lines.join('\n')).toContain('Ready to accept connections');
  });

  it('failover: promotes the chosen replica without losing a write', async () => {
    await box.run(['exec', 'master', '--', 'SET', 'before-failover', '1']);
    const run = await box.run(['failover', '--to', 'r2', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json).toMatchObject({ cluster: 'cr', oldMaster: 'm1', newMaster: 'r2' });
    expect(run.json.repointed.sort()).toEqual(['m1', 'r1']);
    const status = await box.run(['status', '--json']);
    expect(status.json.nodes.map((n: any) => [n.name, n.role, n.upstream])).toEqual([
      ['m1', 'replica', 'r2'],
      ['r1', 'replica', 'r2'],
      ['r2', 'master', null],
    ]);
    expect((await box.run(['exec', 'master', '--json', '--', 'GET', 'before-failover'])).json).toMatchObject({ node: 'r2', reply: '1' });
  });

  it('down keeps the data for the next up; down --purge removes everything', async () => {
    await box.run(['exec', 'master', '--', 'SET', 'kept', 'yes']);
    const pids = box.state('cr').nodes.map((n: any) => n.pid);
    const down = await box.run(['down', '--json']);
    expect(down.json).toMatchObject({ cluster: 'cr', purged: false });
    expect(down.json.stopped.map((s: any) => s.name).sort()).toEqual(['m1', 'r1', 'r2']);
    expect(pids.filter(isAlive)).toEqual([]);
    expect((await box.run(['up', '--json'])).json.changed).toBe(true);
    expect((await box.run(['exec', 'replica', '--json', '--', 'GET', 'kept'])).json.reply).toBe('yes');
    const purge = await box.run(['down', '--purge', '--json']);
    expect(purge.json.purged).toBe(true);
    await waitFor(() => box.state('cr') === undefined, { message: 'the state file to be gone' });
  });
});
