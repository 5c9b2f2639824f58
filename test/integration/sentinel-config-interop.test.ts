// sentinel.conf both ways between redis-sentinel 7.0 and ours: a file redis-sentinel rewrote (after
// SENTINEL MONITOR / SET / CONFIG SET + FLUSHCONFIG, with per-master lines before their monitor line)
// loads in clusterctl-sentinel with the same state, and the file ours rewrote loads in redis-sentinel.
// "The same state" is judged by what each then writes itself: the set of `sentinel` statements.

import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { splitArgs } from '../../src/shared/resp/split-args.js';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { sentinelMaster, startSentinel, type SentinelProcess } from '../helpers/sentinels.js';
import { waitFor } from '../helpers/wait-for.js';

/** The `sentinel` statements of a config file, normalised (quoting undone), sorted. */
function statements(text: string): string[] {
  return text
    .split('\n')
    .map((line) => splitArgs(line.trim()) ?? [])
    .filter((args) => args[0]?.toLowerCase() === 'sentinel' && args.length > 1)
    .map((args) => args.slice(1).join(' '))
    .sort();
}

async function call(client: Redis, ...args: string[]): Promise<unknown> {
  return client.call(args[0]!, ...args.slice(1));
}

describe.skipIf(!hasRedis())('sentinel.conf between redis-sentinel and clusterctl-sentinel', () => {
  let nodes: NodeProcess[] = [];
  let sentinels: SentinelProcess[] = [];
  const clients: Redis[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await Promise.all([...sentinels.map((s) => s.stop()), ...nodes.map((n) => n.stop())]);
    nodes = [];
    sentinels = [];
  });

  /** Two monitored masters (one with a replica), a sentinel of `engine` changed at run time, then FLUSHCONFIG. */
  async function configured(engine: Engine): Promise<{ sentinel: SentinelProcess; text: string }> {
    const master = await startNode({ engine: 'redis' });
    const replica = await startNode({ engine: 'redis', config: { replicaof: `127.0.0.1 ${master.port}` } });
    const other = await startNode({ engine: 'redis' });
    nodes.push(master, replica, other);
    // Per-master lines before the monitor lines: redis-sentinel accepts that and, rewriting lines in
    // place, keeps them there (the shape of the file in the issue).
    const lines = [
      'sentinel deny-scripts-reconfig no',
      'sentinel down-after-milliseconds mymaster 1000',
      'sentinel down-after-milliseconds other 4000',
      `sentinel monitor mymaster 127.0.0.1 ${master.port} 2`,
      `sentinel monitor other 127.0.0.1 ${other.port} 2`,
    ];
    const sentinel = await startSentinel({ engine, monitors: [], lines });
    sentinels.push(sentinel);
    const c = sentinel.client();
    clients.push(c);
    await waitFor(async () => (await sentinelMaster(c, 'mymaster'))['num-slaves'] === '1', { timeout: 20_000, message: 'the replica discovered' });
    const set = ['failover-timeout', '5000', 'parallel-syncs', '2', 'auth-user', 'bob', 'rename-command', 'CONFIG', 'xconfig', 'master-reboot-down-after-period', '100', 'quorum', '1', 'notification-script', '/bin/true'];
    expect(await call(c, 'SENTINEL', 'SET', 'mymaster', ...set)).toBe('OK');
    expect(await call(c, 'SENTINEL', 'SET', 'other', 'client-reconfig-script', '/bin/true')).toBe('OK');
    for (const [option, value] of [['announce-ip', '127.0.0.1'], ['sentinel-user', 'su'], ['sentinel-pass', 'sp'], ['resolve-hostnames', 'yes']]) {
      expect(await call(c, 'SENTINEL', 'CONFIG', 'SET', option!, value!)).toBe('OK');
    }
    expect(await call(c, 'SENTINEL', 'FLUSHCONFIG')).toBe('OK');
    return { sentinel, text: sentinel.config() };
  }

  /** Stops `from`, starts a sentinel of `engine` on its directory and config file, and returns what it rewrites. */
  async function reload(from: SentinelProcess, engine: Engine): Promise<{ sentinel: SentinelProcess; text: string }> {
    for (const c of clients) c.disconnect();
    await from.stop(5000, true);
    sentinels.splice(sentinels.indexOf(from), 1);
    const sentinel = await startSentinel({ engine, monitors: [] }, { dir: from.dir, port: from.port });
    sentinels.push(sentinel);
    const c = sentinel.client();
    clients.push(c);
    expect(await call(c, 'SENTINEL', 'FLUSHCONFIG')).toBe('OK');
    return { sentinel, text: sentinel.config() };
  }

  async function sameView(a: Redis, b: Record<string, Record<string, string>>): Promise<void> {
    for (const name of ['mymaster', 'other']) {
      const view = await sentinelMaster(a, name);
      for (const field of ['ip', 'port', 'quorum', 'down-after-milliseconds', 'failover-timeout', 'parallel-syncs', 'config-epoch', 'num-slaves', 'notification-script', 'client-reconfig-script']) {
        expect([name, field, view[field]]).toEqual([name, field, b[name]![field]]);
      }
    }
  }

  async function views(c: Redis): Promise<Record<string, Record<string, string>>> {
    return { mymaster: await sentinelMaster(c, 'mymaster'), other: await sentinelMaster(c, 'other') };
  }

  it('a file redis-sentinel rewrote loads in ours with the same state', async () => {
    const { sentinel, text } = await configured('redis');
    const before = await views(clients[0]!);
    const myid = await call(clients[0]!, 'SENTINEL', 'MYID');
    // The shape of the issue: a per-master line written before its master's monitor line.
    const lines = text.split('\n');
    expect(lines.findIndex((l) => l.startsWith('sentinel down-after-milliseconds mymaster '))).toBeLessThan(lines.findIndex((l) => l.startsWith('sentinel monitor mymaster ')));
    const ours = await reload(sentinel, 'builtin');
    const c = clients[1]!;
    expect(await call(c, 'SENTINEL', 'MYID')).toBe(myid);
    await sameView(c, before);
    expect(await call(c, 'SENTINEL', 'CONFIG', 'GET', '*')).toEqual(['resolve-hostnames', 'yes', 'announce-hostnames', 'no', 'announce-ip', '127.0.0.1', 'announce-port', '0', 'sentinel-user', 'su', 'sentinel-pass', 'sp']);
    expect(statements(ours.text)).toEqual(statements(text));
  }, 60_000);

  it('the file ours rewrote loads in redis-sentinel with the same state', async () => {
    const { sentinel, text } = await configured('builtin');
    const before = await views(clients[0]!);
    const theirs = await reload(sentinel, 'redis');
    await sameView(clients[1]!, before);
    expect(statements(theirs.text)).toEqual(statements(text));
  }, 60_000);
});
