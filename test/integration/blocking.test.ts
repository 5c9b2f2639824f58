// Blocking list commands over real sockets with ioredis: a BLPOP client is woken by another
// client's LPUSH, a timeout answers null, commands pipelined behind a blocked one run once it is
// served, and a client that hangs up while blocked takes nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startNode, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

describe('blocking list commands', () => {
  let node: NodeProcess;
  let pusher: Redis;
  const clients: Redis[] = [];

  beforeAll(async () => {
    node = await startNode();
    pusher = node.client();
  });
  afterAll(async () => {
    for (const client of [...clients, pusher]) client?.disconnect();
    await node?.stop();
  });

  function client(): Redis {
    const made = node.client();
    clients.push(made);
    return made;
  }

  /** Waits until the server reports `count` clients blocked (INFO clients). */
  async function blockedClients(count: number): Promise<void> {
    await waitFor(async () => (await pusher.info('clients')).includes(`blocked_clients:${count}\r`), {
      message: `blocked_clients:${count}`,
    });
  }

  it('wakes a BLPOP client with another client’s LPUSH', async () => {
    const waiter = client();
    const reply = waiter.blpop('jobs', 0);
    await blockedClients(1);
    expect(await pusher.lpush('jobs', 'job-1')).toBe(1);
    expect(await reply).toEqual(['jobs', 'job-1']);
    expect(await pusher.exists('jobs')).toBe(0);
    await blockedClients(0);
  });

  it('answers null when the timeout passes', async () => {
    const waiter = client();
    expect(await waiter.blpop('nothing-here', 0.05)).toBeNull();
    expect(await waiter.blmove('nothing-here', 'dst', 'LEFT', 'RIGHT', 0.05)).toBeNull();
  });

  it('runs the commands pipelined behind a blocked one once it is served', async () => {
    const waiter = client();
    await pusher.set('after', 'ran');
    const replies = waiter.pipeline().brpop('queue', 0).get('after').exec();
    await blockedClients(1);
    await pusher.rpush('queue', 'a');
    expect(await replies).toEqual([
      [null, ['queue', 'a']],
      [null, 'ran'],
    ]);
  });

  it('serves a BLMOVE chain and leaves nothing for a client that hung up', async () => {
    const gone = client();
    void gone.blpop('chain-end', 0).catch(() => {});
    await blockedClients(1);
    gone.disconnect();
    await blockedClients(0);
    const mover = client();
    const moved = mover.blmove('chain-start', 'chain-end', 'LEFT', 'LEFT', 0);
    await blockedClients(1);
    await pusher.rpush('chain-start', 'x');
    expect(await moved).toBe('x');
    expect(await pusher.lrange('chain-end', 0, -1)).toEqual(['x']);
  });
});
