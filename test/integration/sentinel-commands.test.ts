// Differential test of the sentinel's command surface: the same commands sent to clusterctl-sentinel
// and to redis-sentinel 7.0 (both monitoring one redis-server with a replica) must give replies of
// the same shape: instance map fields in the same order, the same error texts, the same null/array
// forms ioredis and redis-cli rely on.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { sentinelMaster, startSentinel, type SentinelProcess } from '../helpers/sentinels.js';
import { waitFor } from '../helpers/wait-for.js';

const NAME = 'mymaster';

/** A map reply with volatile values blanked: field names and order are what must match. */
function keysOf(flat: unknown): string[] {
  const list = flat as string[];
  return list.filter((_, i) => i % 2 === 0);
}

async function attempt(client: Redis, ...args: string[]): Promise<unknown> {
  try {
    return await client.call(args[0]!, ...args.slice(1));
  } catch (error) {
    return `ERROR ${(error as Error).message}`;
  }
}

describe.skipIf(!hasRedis())('SENTINEL commands compared with redis-sentinel', () => {
  let master: NodeProcess;
  let replica: NodeProcess;
  let ours: SentinelProcess;
  let theirs: SentinelProcess;
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    master = await startNode({ engine: 'redis' });
    replica = await startNode({ engine: 'redis', config: { replicaof: `127.0.0.1 ${master.port}` } });
    [ours, theirs] = await Promise.all([
      startSentinel({ engine: 'builtin', monitors: [{ name: NAME, port: master.port, quorum: 2 }], lines: ['sentinel deny-scripts-reconfig no'] }),
      startSentinel({ engine: 'redis', monitors: [{ name: NAME, port: master.port, quorum: 2 }], lines: ['sentinel deny-scripts-reconfig no'] }),
    ]);
    a = ours.client();
    b = theirs.client();
    await waitFor(
      async () => {
        const views = await Promise.all([sentinelMaster(a, NAME), sentinelMaster(b, NAME)]);
        return views.every((v) => v['num-slaves'] === '1' && v['num-other-sentinels'] === '1');
      },
      { timeout: 15_000, message: 'both sentinels to see the replica and each other' },
    );
  });

  afterAll(async () => {
    a?.disconnect();
    b?.disconnect();
    await Promise.all([ours?.stop(), theirs?.stop(), master?.stop(), replica?.stop()]);
  });

  it('instance maps have the same fields in the same order', async () => {
    expect(keysOf(await a.call('SENTINEL', 'MASTER', NAME))).toEqual(keysOf(await b.call('SENTINEL', 'MASTER', NAME)));
    const [ra, rb] = [(await a.call('SENTINEL', 'REPLICAS', NAME)) as unknown[], (await b.call('SENTINEL', 'SLAVES', NAME)) as unknown[]];
    expect(keysOf(ra[0])).toEqual(keysOf(rb[0]));
    const [sa, sb] = [(await a.call('SENTINEL', 'SENTINELS', NAME)) as unknown[], (await b.call('SENTINEL', 'SENTINELS', NAME)) as unknown[]];
    expect(keysOf(sa[0])).toEqual(keysOf(sb[0]));
    expect(((await a.call('SENTINEL', 'MASTERS')) as unknown[]).length).toBe(1);
  });

  it('answers the same replies and errors', async () => {
    const commands: string[][] = [
      ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME],
      ['SENTINEL', 'get-master-addr-by-name', 'nosuch'],
      ['SENTINEL', 'MASTER', 'nosuch'],
      ['SENTINEL', 'REPLICAS', 'nosuch'],
      ['SENTINEL', 'MASTER'],
      ['SENTINEL', 'NOSUCHSUB'],
      ['SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', String(master.port), '0', '*'],
      ['SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', 'x', '0', '*'],
      ['SENTINEL', 'CKQUORUM', NAME],
      ['SENTINEL', 'MONITOR', NAME, '127.0.0.1', '1', '1'],
      ['SENTINEL', 'MONITOR', 'other', '127.0.0.1', '1', '0'],
      ['SENTINEL', 'MONITOR', 'other', '127.0.0.1', 'abc', '1'],
      ['SENTINEL', 'MONITOR', 'other', 'no.such.host.invalid', '1', '1'],
      ['SENTINEL', 'REMOVE', 'nosuch'],
      ['SENTINEL', 'SET', NAME, 'nosuchoption', '1'],
      ['SENTINEL', 'SET', NAME, 'down-after-milliseconds', 'abc'],
      ['SENTINEL', 'SET', NAME, 'quorum', '0'],
      ['SENTINEL', 'RESET', 'nomatch*'],
      ['SENTINEL', 'FAILOVER', 'nosuch'],
      ['ROLE'],
      ['PING'],
      ['PUBLISH', 'foo', 'bar'],
      ['GET', 'x'],
      ['CLIENT', 'SETNAME', 'a b'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'KILL', '1.2.3.4:5'],
      ['AUTH', 'foo'],
      // Every 7.0 subcommand's arity (the command table's) and its own argument errors.
      ['SENTINEL', 'HELP'],
      ['SENTINEL', 'HELP', 'x'],
      ['SENTINEL', 'MASTERS', 'x'],
      ['SENTINEL', 'MYID', 'x'],
      ['SENTINEL', 'CKQUORUM'],
      ['SENTINEL', 'CKQUORUM', 'nosuch'],
      ['SENTINEL', 'FLUSHCONFIG', 'x'],
      ['SENTINEL', 'PENDING-SCRIPTS'],
      ['SENTINEL', 'PENDING-SCRIPTS', 'x'],
      ['SENTINEL', 'INFO-CACHE'],
      ['SENTINEL', 'INFO-CACHE', 'nosuch'],
      ['SENTINEL', 'SENTINELS', 'nosuch'],
      ['SENTINEL', 'SLAVES'],
      ['SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', '1', 'x', '*'],
      ['SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', 'nosuchhost', '1', '0', '*'],
      ['SENTINEL', 'RESET'],
      ['SENTINEL', 'REMOVE'],
      ['SENTINEL', 'FAILOVER'],
      ['SENTINEL', 'MONITOR', 'other', '127.0.0.1', '1'],
      ['SENTINEL', 'MONITOR', 'other', '127.0.0.1', 'x', 'y'],
      ['SENTINEL', 'MONITOR', 'other', 'no.such.host.invalid', 'x', '1'],
      ['SENTINEL', 'MONITOR', 'other', 'no.such.host.invalid', '1', '0'],
      ['SENTINEL', 'MONITOR', 'other', '127.0.0.1', '70000', '1'],
      ['SENTINEL', 'MONITOR', 'other', '127.0.0.1', '-1', '1'],
      ['SENTINEL', 'MONITOR', NAME, 'no.such.host.invalid', '1', '1'],
      ['SENTINEL', 'MONITOR', NAME, '127.0.0.1', '70000', '1'],
      ['SENTINEL', 'CONFIG'],
      ['SENTINEL', 'CONFIG', 'GET'],
      ['SENTINEL', 'CONFIG', 'GET', '*'],
      ['SENTINEL', 'CONFIG', 'GET', 'announce-*'],
      ['SENTINEL', 'CONFIG', 'GET', 'RESOLVE-HOSTNAMES'],
      ['SENTINEL', 'CONFIG', 'GET', 'nosuch'],
      ['SENTINEL', 'CONFIG', 'GET', '*', 'x'],
      ['SENTINEL', 'CONFIG', 'SET', 'resolve-hostnames'],
      ['SENTINEL', 'CONFIG', 'SET', 'resolve-hostnames', 'maybe'],
      ['SENTINEL', 'CONFIG', 'SET', 'announce-port', '70000'],
      ['SENTINEL', 'CONFIG', 'SET', 'announce-port', 'x'],
      ['SENTINEL', 'CONFIG', 'SET', 'nosuch', '1'],
      ['SENTINEL', 'CONFIG', 'FOO', 'x'],
      ['SENTINEL', 'DEBUG'],
      ['SENTINEL', 'DEBUG', 'info-period'],
      ['SENTINEL', 'DEBUG', 'info-period', 'x'],
      ['SENTINEL', 'DEBUG', 'info-period', '0'],
      ['SENTINEL', 'DEBUG', 'nosuch', '1'],
      ['SENTINEL', 'DEBUG', 'INFO-PERIOD', '10000', 'ping-period', '1000', 'ask-period', '1000', 'publish-period', '2000'],
      ['SENTINEL', 'DEBUG', 'default-down-after', '30000', 'default-failover-timeout', '180000', 'tilt-trigger', '2000', 'tilt-period', '30000'],
      ['SENTINEL', 'DEBUG', 'slave-reconf-timeout', '10000', 'min-link-reconnect-period', '15000', 'election-timeout', '10000'],
      ['SENTINEL', 'DEBUG', 'script-max-runtime', '60000', 'script-retry-delay', '30000'],
      ['SENTINEL', 'DEBUG'],
      ['SENTINEL', 'SIMULATE-FAILURE'],
      ['SENTINEL', 'SIMULATE-FAILURE', 'nosuch'],
      ['SENTINEL', 'SIMULATE-FAILURE', 'crash-after-election', 'crash-after-promotion'],
      ['SENTINEL', 'SIMULATE-FAILURE', 'HELP'],
      ['SENTINEL', 'SET', NAME, 'quorum'],
      ['SENTINEL', 'SET', NAME, 'quorum', '2', 'parallel-syncs'],
      ['SENTINEL', 'SET', 'nosuch', 'quorum', '2'],
      ['SENTINEL', 'SET', NAME, 'failover-timeout', '-1'],
      ['SENTINEL', 'SET', NAME, 'parallel-syncs', '0'],
      ['SENTINEL', 'SET', NAME, 'master-reboot-down-after-period', '-1'],
      ['SENTINEL', 'SET', NAME, 'master-reboot-down-after-period', '0'],
      ['SENTINEL', 'SET', NAME, 'rename-command', 'CONFIG'],
      ['SENTINEL', 'SET', NAME, 'rename-command', '', 'x'],
      ['SENTINEL', 'SET', NAME, 'rename-command', 'x', ''],
      ['SENTINEL', 'SET', NAME, 'rename-command', 'FOO', 'bar', 'rename-command', 'FOO', 'FOO'],
      ['SENTINEL', 'SET', NAME, 'notification-script', '/no/such/script'],
      ['SENTINEL', 'SET', NAME, 'client-reconfig-script', '/no/such/script'],
      ['SENTINEL', 'SET', NAME, 'notification-script', '/bin/true', 'client-reconfig-script', '/bin/true'],
      ['SENTINEL', 'SET', NAME, 'notification-script', '', 'client-reconfig-script', ''],
      ['SENTINEL', 'SET', NAME, 'auth-pass', '', 'auth-user', ''],
      ['SENTINEL', 'SET', NAME, 'quorum', '2', 'failover-timeout', '180000', 'down-after-milliseconds', '30000', 'parallel-syncs', '1'],
    ];
    for (const command of commands) {
      expect([command.join(' '), await attempt(a, ...command)]).toEqual([command.join(' '), await attempt(b, ...command)]);
    }
  });

  it('instance maps carry the script fields when set, and INFO-CACHE / PENDING-SCRIPTS have the same shapes', async () => {
    // A notification script that runs a while: the +set events of setting it start it on both.
    // (Only its jobs count: on a loaded machine the /bin/true jobs of the test before may still run.)
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-script-'));
    const script = join(dir, 'notify.sh');
    writeFileSync(script, '#!/bin/sh\nsleep 3\n', { mode: 0o755 });
    try {
      for (const c of [a, b]) await c.call('SENTINEL', 'SET', NAME, 'notification-script', script, 'client-reconfig-script', script);
      expect(keysOf(await a.call('SENTINEL', 'MASTER', NAME))).toEqual(keysOf(await b.call('SENTINEL', 'MASTER', NAME)));
      const running = async (c: Redis) => ((await c.call('SENTINEL', 'PENDING-SCRIPTS')) as string[][]).filter((job) => job[3] === 'running' && JSON.stringify(job).includes(script));
      const [ja, jb] = await waitFor(async (): Promise<string[][][] | null> => {
        const jobs = [await running(a), await running(b)];
        return jobs.every((j) => j.length === 2) ? jobs : null;
      }, { timeout: 5000, message: 'both running the two notification scripts' });
      // Same fields in the same order, same argv; pid and run time differ.
      expect(ja!.map((job) => job.filter((_, i) => i % 2 === 0))).toEqual(jb!.map((job) => job.filter((_, i) => i % 2 === 0)));
      expect(ja!.map((job) => job[1])).toEqual(jb!.map((job) => job[1]));
      for (const c of [a, b]) await c.call('SENTINEL', 'SET', NAME, 'notification-script', '', 'client-reconfig-script', '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const shape = (reply: unknown): unknown =>
      Array.isArray(reply) ? reply.map(shape) : reply === null ? 'null' : typeof reply === 'string' && /^\d+$/.test(reply) ? 'digits' : typeof reply;
    const [ca, cb] = [await a.call('SENTINEL', 'INFO-CACHE', NAME, 'nosuch'), await b.call('SENTINEL', 'INFO-CACHE', NAME, 'nosuch')];
    expect(shape(ca)).toEqual(shape(cb));
  });

  it('INFO has the sentinel section with the master line', async () => {
    const [ia, ib] = [(await a.info('sentinel')) as string, (await b.info('sentinel')) as string];
    const fields = (text: string) => text.split('\r\n').map((l) => l.split(':')[0]);
    expect(fields(ia)).toEqual(fields(ib));
    expect(ia).toContain(`master0:name=${NAME},status=ok,address=127.0.0.1:${master.port},slaves=1,sentinels=2`);
    expect((await a.info('server')) as string).toMatch(/redis_mode:sentinel/);
  });

  it('publishes its events on its own pub/sub', async () => {
    const subscriber = ours.client();
    const messages: string[] = [];
    await subscriber.psubscribe('*');
    subscriber.on('pmessage', (_pattern, channel, message) => messages.push(`${channel} ${message}`));
    await a.call('SENTINEL', 'SET', NAME, 'down-after-milliseconds', '1000');
    await waitFor(() => messages.length > 0, { message: 'an event' });
    expect(messages[0]).toBe(`+set master ${NAME} 127.0.0.1 ${master.port} down-after-milliseconds 1000`);
    subscriber.disconnect();
  });
});
