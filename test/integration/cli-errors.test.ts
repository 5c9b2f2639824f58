// clusterctl when something is wrong: an invalid topology (nothing starts), a busy port (the holder
// is named), a node that fails to start (its log tail, the others stopped), a stale state file (a
// recorded pid now another program's: reported, never signalled), and usage errors — each with its
// exit code and a JSON error, and no process left behind.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox, isAlive, topology } from './cli-harness.js';

describe('clusterctl error paths', () => {
  const boxes: Sandbox[] = [];
  afterEach(async () => {
    for (const box of boxes.splice(0)) expect(await box.cleanup()).toEqual([]);
  });
  function sandbox(yaml?: string): Sandbox {
    const box = Sandbox.create(yaml);
    boxes.push(box);
    return box;
  }

  it('an invalid topology: exit 2, every issue located, nothing started', async () => {
    const box = sandbox('name: bad\nnodes:\n  m1: {}\n  r1: { replicaof: m1 }\n  r2: { replicaof: m9 }\ndefaults: { maxmemroy: 1mb }\n');
    const [human, json] = await Promise.all([box.run(['up']), box.run(['up', '--json'])]);
    expect(human.code).toBe(2);
    expect(human.stderr).toContain('clusterctl.yaml:5:20  nodes.r2.replicaof: no node named "m9" (nodes: m1, r1, r2). Did you mean "m1"?');
    expect(human.stderr).toContain('clusterctl.yaml:6:13  defaults.maxmemroy: unknown redis.conf directive "maxmemroy". Did you mean "maxmemory"?');
    expect(json.code).toBe(2);
    expect(json.json.error).toMatchObject({ code: 'INVALID_TOPOLOGY', exit: 2 });
    expect(json.json.error.issues.map((i: any) => [i.line, i.col, i.path])).toEqual([
      [5, 20, 'nodes.r2.replicaof'],
      [6, 13, 'defaults.maxmemroy'],
    ]);
    expect(existsSync(join(box.cwd, '.clusterctl', 'bad', 'state.json'))).toBe(false);
  });

  it('a busy port: exit 3, names the process holding it, starts nothing', async () => {
    const topo = await topology('busy', 'builtin', { m1: null, r1: 'm1' });
    const box = sandbox(topo.yaml);
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(topo.ports.r1, '127.0.0.1', resolve));
    try {
      const run = await box.run(['up', '--json']);
      expect(run.code).toBe(3);
      expect(run.json.error).toMatchObject({ code: 'PORT_BUSY', exit: 3, ports: [{ port: topo.ports.r1, pid: process.pid }] });
      expect(run.json.error.message).toContain(`Port ${topo.ports.r1} (r1) is in use by node`);
      expect(run.json.error.message).toContain(`(pid ${process.pid})`);
      expect(box.state('busy')?.nodes.every((n: any) => n.pid === null) ?? true).toBe(true);
    } finally {
      holder.close();
    }
  });

  it('a node that fails to start: exit 1, its name and log tail; what was started is stopped', async () => {
    const topo = await topology('broken', 'builtin', { m1: null, r1: 'm1', r2: 'm1' });
    const yaml = topo.yaml.replace(`r2: { port: ${topo.ports.r2}, replicaof: m1 }`, `r2: { port: ${topo.ports.r2}, replicaof: m1, maxmemory: lots }`);
    const box = sandbox(yaml);
    const run = await box.run(['up', '--json']);
    expect(run.code).toBe(1);
    expect(run.json.error).toMatchObject({ code: 'NODE_START_FAILED', node: 'r2' });
    expect(run.json.error.message).toMatch(/node r2 \(port \d+\) did not start: exited/);
    expect(run.json.error.details.join('\n')).toMatch(/r2 \| .*maxmemory/i);
    // m1 and r1 were started (their logs say so, with their pids) and stopped again.
    const pids = ['m1', 'r1'].map((node) => Number(/^(\d+):/m.exec(readFileSync(join(box.cwd, '.clusterctl', 'broken', node, 'node.log'), 'utf8'))![1]));
    expect(pids.filter(isAlive)).toEqual([]);
    expect(box.state('broken').nodes.map((n: any) => n.pid)).toEqual([null, null, null]);
  });

  it('a stale state file: reported by status, never signalled by down, replaced by up', async () => {
    const topo = await topology('stale', 'builtin', { m1: null });
    const box = sandbox(topo.yaml);
    expect((await box.run(['up', '--json'])).code).toBe(0);
    expect((await box.run(['kill', 'm1', '--json'])).code).toBe(0);
    // Another program now has the recorded pid (same pid, different start time).
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const state = box.state('stale');
      state.nodes[0].pid = other.pid;
      state.nodes[0].startTime = 1;
      writeFileSync(box.stateFile('stale'), JSON.stringify(state));
      const status = await box.run(['status', '--json']);
      expect(status.json.nodes[0]).toMatchObject({ name: 'm1', process: 'stale', reachable: false });
      expect(status.json.problems[0]).toMatch(new RegExp(`m1: stale record — pid ${other.pid} now belongs to another program \\(sleep\\)`));
      const down = await box.run(['down', '--json']);
      expect(down.json.stopped).toEqual([{ name: 'm1', pid: other.pid, outcome: 'stale' }]);
      expect(isAlive(other.pid!)).toBe(true);
      const up = await box.run(['up', '--json']);
      expect(up.json).toMatchObject({ changed: true, started: ['m1'] });
      expect(up.json.nodes[0].pid).not.toBe(other.pid);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('usage errors: unknown node, bad signal, bad timeout, changed topology, no cluster', async () => {
    const topo = await topology('usage', 'builtin', { m1: null });
    const box = sandbox(topo.yaml);
    const empty = sandbox();
    const [noCluster, downNothing] = await Promise.all([empty.run(['status', '--json']), empty.run(['down', '--json'])]);
    expect(noCluster.code).toBe(4);
    expect(noCluster.json.error).toMatchObject({ code: 'NO_CLUSTER', suggestion: 'Start one with `clusterctl up`.' });
    expect(downNothing.code).toBe(0);
    expect((await box.run(['up', '--json'])).code).toBe(0);
    const [unknown, signal, timeout] = await Promise.all([
      box.run(['kill', 'm2', '--json']),
      box.run(['kill', 'm1', '--signal', 'USR9', '--json']),
      box.run(['wait', '--timeout', 'soon', '--json']),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.json.error).toMatchObject({ code: 'NO_SUCH_NODE', suggestion: 'Did you mean "m1"?' });
    expect(signal.code).toBe(2);
    expect(timeout.code).toBe(2);
    writeFileSync(join(box.cwd, 'clusterctl.yaml'), topo.yaml.replace('engine: builtin', 'engine: builtin\ndefaults: { hz: 20 }'));
    const changed = await box.run(['up', '--json']);
    expect(changed.code).toBe(2);
    expect(changed.json.error.code).toBe('TOPOLOGY_CHANGED');
  });
});
