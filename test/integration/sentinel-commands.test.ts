// Differential test of the sentinel's command surface: the same commands sent to clusterctl-sentinel
// and to redis-sentinel 7.0 (both monitoring one redis-server with a replica) must give replies of
// the same shape: instance map fields in the same order, the same error texts, the same null/array
// forms ioredis and redis-cli rely on.

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
      startSentinel({ engine: 'builtin', monitors: [{ name: NAME, port: master.port, quorum: 2 }] }),
      startSentinel({ engine: 'redis', monitors: [{ name: NAME, port: master.port, quorum: 2 }] }),
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
    ];
    for (const command of commands) {
      expect([command.join(' '), await attempt(a, ...command)]).toEqual([command.join(' '), await attempt(b, ...command)]);
    }
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
