// clusterctl partition / heal on engine builtin, default topology (1 master, 2 replicas, 3 sentinels,
// down-after 1000): a master cut off from its sentinels and replicas (clients still reach it) is
// failed over, fences itself, and follows the new master once healed; a replica cut off from its
// master for a while (--for) misses the stream, heals by itself and catches up without a full sync.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOPOLOGY_YAML } from '../../src/cli/topology/load.js';
import { waitFor } from '../helpers/wait-for.js';
import { Sandbox, freePortRange } from './cli-harness.js';

function field(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(info)?.[1]?.trim();
}

describe('clusterctl partition / heal (engine builtin)', () => {
  let box: Sandbox;
  let nodeBase: number;
  const clients: Redis[] = [];
  const connect = (port: number) => {
    const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => {});
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    nodeBase = await freePortRange(3);
    let sentinelBase = await freePortRange(3);
    while (Math.abs(sentinelBase - nodeBase) < 3) sentinelBase = await freePortRange(3);
    box = Sandbox.create(
      DEFAULT_TOPOLOGY_YAML.replace(/^ports: .*$/m, `ports: { base: ${nodeBase}, sentinels: ${sentinelBase} }`)
        .replace(/^engine: .*$/m, 'engine: builtin')
        .replace(/^name: .*$/m, 'name: part'),
    );
    const up = await box.run(['up', '--json']);
    expect(up.code, up.stdout + up.stderr).toBe(0);
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    if (box) expect(await box.cleanup()).toEqual([]);
  });

  it('a master cut off from sentinels and replicas is failed over, fences, and rejoins as a replica after heal', async () => {
    const m1 = connect(nodeBase);
    await m1.set('before', '1');
    const run = await box.run(['partition', 'm1', '--from', 'sentinels,replicas', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json).toMatchObject({ target: 'm1', kind: 'node', peers: ['sentinels', 'replicas'], direction: 'both', forMs: 0 });
    // Clients still reach it: it answers, and says what it holds.
    expect(field((await m1.info('faults')) as string, 'fault_partitions')).toBe('1');
    // A write it takes now is never acknowledged: its OK waits for a confirmation round the
    // sentinels cannot answer, and the master fences first (fence-confirm-writes, the default).
    const cutOff = await m1.set('cut-off', '1').then(String, (e: Error) => e.message);
    expect(cutOff).toMatch(/^UNKNOWN write applied, but this master lost its sentinels/);

    const promoted = await waitFor(
      async () => {
        const status = (await box.run(['status', '--json'])).json;
        const names = new Set(status.sentinels.map((s: any) => s.masterNode));
        return names.size === 1 && !names.has('m1') && !names.has(null) ? (status.sentinels[0].masterNode as string) : undefined;
      },
      { timeout: 30_000, interval: 250, message: 'the sentinels to fail over away from the partitioned master' },
    );
    expect(['r1', 'r2']).toContain(promoted);
    // The old master, unheard by its sentinels, refuses writes.
    await waitFor(async () => (await m1.set('during', '1').catch((e: Error) => e.message)).toString().startsWith('FENCED'), {
      timeout: 10_000,
      message: 'the partitioned master to fence itself',
    });
    // status tells the operator: a master the sentinels left behind, fenced, and the cluster not healthy.
    const split = await box.run(['status', '--json']);
    expect(split.code, split.stdout + split.stderr).toBe(0);
    expect(split.json.nodes.find((n: any) => n.name === 'm1')).toMatchObject({ role: 'master', fenced: 'lease' });
    expect(split.json.healthy).toBe(false);
    expect(split.json.problems.join('\n')).toMatch(new RegExp(`m1: a master the sentinels do not follow \\(they follow ${promoted}\\); fenced`));

    const heal = await box.run(['heal', '--json']);
    expect(heal.code, heal.stdout + heal.stderr).toBe(0);
    expect(heal.json.healed.find((h: any) => h.name === 'm1')).toMatchObject({ partitions: 1 });
    const promotedPort = nodeBase + ['m1', 'r1', 'r2'].indexOf(promoted);
    await waitFor(
      async () => {
        const info = (await m1.info('replication')) as string;
        return field(info, 'role') === 'slave' && field(info, 'master_port') === String(promotedPort) && field(info, 'master_link_status') === 'up';
      },
      { timeout: 30_000, interval: 250, message: 'the healed old master to follow the promoted replica' },
    );
    expect(await m1.get('before')).toBe('1');
    expect(field((await m1.info('faults')) as string, 'fault_partitions')).toBe('0');
  });

  it('a replica cut off from its master --for a while misses the stream, heals by itself and catches up without a full sync', async () => {
    expect((await box.run(['wait', '--for', 'synced', '--timeout', '40s'])).code).toBe(0);
    const status = (await box.run(['status', '--json'])).json;
    const master = status.nodes.find((n: any) => n.role === 'master');
    const replica = status.nodes.find((n: any) => n.role !== 'master');
    const m = connect(master.port);
    const r = connect(replica.port);
    const fullSyncs = field((await m.info('stats')) as string, 'sync_full');

    const run = await box.run(['partition', replica.name, '--from', 'master', '--for', '1500ms', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    await m.set('cut', 'off');
    // The master took the write; the replica's held link has not delivered it.
    expect(field((await r.info('faults')) as string, 'fault_held_links')).toBe('1');
    expect(await r.get('cut')).toBeNull();

    await waitFor(async () => (await r.get('cut')) === 'off', { timeout: 15_000, message: 'the replica to catch up after the partition healed by itself' });
    expect(field((await r.info('faults')) as string, 'fault_partitions')).toBe('0');
    expect(field((await m.info('stats')) as string, 'sync_full')).toBe(fullSyncs);
  });

  it('a sentinel cut off from the master sees it down alone (no failover: no quorum); heal ends it', async () => {
    const flagsOf = async (name: string) => (await box.run(['status', '--json'])).json.sentinels.find((s: any) => s.name === name).flags as string;
    const run = await box.run(['partition', 's1', '--from', 'master', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json).toMatchObject({ target: 's1', kind: 'sentinel', peers: ['master'] });
    await waitFor(async () => (await flagsOf('s1')).includes('s_down'), { timeout: 15_000, interval: 250, message: 's1 to see the master down' });
    expect(await flagsOf('s2')).toBe('master');
    expect((await box.run(['heal', 's1', '--json'])).json.healed).toEqual([expect.objectContaining({ name: 's1', partitions: 1 })]);
    await waitFor(async () => (await flagsOf('s1')) === 'master', { timeout: 15_000, interval: 250, message: 's1 to see the master again' });
  });

  it('a master cut off from one sentinel by name (its hello port) is seen down by that sentinel only', async () => {
    const flagsOf = async (name: string) => (await box.run(['status', '--json'])).json.sentinels.find((s: any) => s.name === name).flags as string;
    const run = await box.run(['partition', 'master', '--from', 's2', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    await waitFor(async () => (await flagsOf('s2')).includes('s_down'), { timeout: 15_000, interval: 250, message: 's2 to see the master down' });
    expect(await flagsOf('s3')).toBe('master');
    expect((await box.run(['heal', run.json.target, '--json'])).json.healed[0].partitions).toBe(1);
    await waitFor(async () => (await flagsOf('s2')) === 'master', { timeout: 15_000, interval: 250, message: 's2 to see the master again' });
  });

  it('heal with nothing partitioned says so; a bad --from is a usage error', async () => {
    expect((await box.run(['heal', '--json'])).json.message).toMatch(/^No partition to heal/);
    const bad = await box.run(['partition', 'm1', '--from', 'nobody', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.json.error.code).toBe('NO_SUCH_PEER');
  });
});
