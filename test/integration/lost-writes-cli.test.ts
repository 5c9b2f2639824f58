// `clusterctl lost-writes` on a running builtin cluster: a split brain made by hand leaves a real
// ledger on the demoted master; the command lists it, refuses to replay without --yes off a
// terminal, replays it to the live master (not the recorded one), and never sends a command twice.

import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { waitInSync } from '../helpers/info.js';
import { Sandbox, topology } from './cli-harness.js';

describe('clusterctl lost-writes', () => {
  const boxes: Sandbox[] = [];
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    for (const box of boxes) expect(await box.cleanup()).toEqual([]);
  });
  const connect = (port: number, db = 0) => {
    const client = new Redis({ host: '127.0.0.1', port, db, lazyConnect: false });
    clients.push(client);
    return client;
  };

  it('lists a demoted master\'s ledger and replays it to the current master once', async () => {
    const topo = await topology('lw', 'builtin', { m1: null, r1: 'm1' });
    const box = Sandbox.create(topo.yaml);
    boxes.push(box);
    const up = await box.run(['up', '--json']);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const m1 = connect(topo.ports.m1!);
    const r1 = connect(topo.ports.r1!);
    const m1db2 = connect(topo.ports.m1!, 2);
    const r1db2 = connect(topo.ports.r1!, 2);

    const [none] = await Promise.all([box.run(['lost-writes']), m1.set('kept', '1').then(() => waitInSync(m1, r1))]);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No lost writes');

    // r1 is promoted by hand (state.json still names m1 the master) while m1 keeps taking writes.
    await r1.replicaof('NO', 'ONE');
    await m1.set('lost:1', 'héllo');
    await m1.incr('lost:counter');
    await m1db2.rpush('lost:list', 'x', 'y');
    await m1.lpush('lost:clash', 'a'); // r1 makes the same key a string: its replay fails (WRONGTYPE)
    await r1.set('lost:clash', 'string');
    await m1.replicaof('127.0.0.1', String(topo.ports.r1));
    await waitInSync(r1, m1);

    // Read-only runs, side by side (each CLI start costs about a second). Off a terminal, a replay
    // needs --yes; --dry-run sends nothing.
    const [listed, human, refused, dry] = await Promise.all([
      box.run(['lost-writes', '--json']),
      box.run(['lost-writes', 'm1']),
      box.run(['lost-writes', '--replay']),
      box.run(['lost-writes', '--dry-run', '--json']),
    ]);
    expect(listed.code, listed.stdout).toBe(0);
    expect(listed.json.entries.map((e: any) => [e.node, e.db, e.command])).toEqual([
      ['m1', 0, ['set', 'lost:1', 'héllo']],
      ['m1', 0, ['incr', 'lost:counter']],
      ['m1', 2, ['rpush', 'lost:list', 'x', 'y']],
      ['m1', 0, ['lpush', 'lost:clash', 'a']],
    ]);
    expect(listed.json.entries[0]).toMatchObject({ newMaster: `127.0.0.1:${topo.ports.r1}`, replayed: false });
    expect(listed.json.totals).toMatchObject({ commands: 4, pending: 4, gaps: 0 });
    expect(human.stdout).toContain(`repointed to r1 (127.0.0.1:${topo.ports.r1})`);
    expect(human.stdout).toMatch(/db 0 {2}SET lost:1 héllo/);

    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(dry.json.replay).toMatchObject({ target: { node: 'r1' }, dryRun: true, planned: 4, applied: 0 });
    expect(await r1.get('lost:1')).toBeNull();

    const replay = await box.run(['lost-writes', '--replay', '--yes', '--json']);
    expect(replay.code).toBe(1); // one command failed
    expect(replay.json.replay).toMatchObject({ target: { node: 'r1', port: topo.ports.r1 }, planned: 4, applied: 3 });
    expect(replay.json.replay.failed).toEqual([expect.objectContaining({ node: 'm1', command: ['lpush', 'lost:clash', 'a'], error: expect.stringMatching(/^WRONGTYPE/) })]);
    expect(await r1.get('lost:1')).toBe('héllo');
    expect(await r1.get('lost:counter')).toBe('1');
    expect(await r1db2.lrange('lost:list', 0, -1)).toEqual(['x', 'y']);

    // Again: only the failed command is tried again; INCR is not counted twice.
    const again = await box.run(['lost-writes', '--replay', '--yes', '--json']);
    expect(again.json.replay).toMatchObject({ planned: 1, applied: 0, skipped: 3 });
    expect(await r1.get('lost:counter')).toBe('1');
    expect(again.json.entries.map((e: any) => e.replayed)).toEqual([true, true, true, false]);
  });
});
