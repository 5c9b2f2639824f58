// A demoted master's writes that its new master never received are saved to the lost-writes ledger
// before the full resync erases them, and the RESP file replays them with redis-cli --pipe.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { info, waitInSync } from '../helpers/info.js';
import { waitFor } from '../helpers/wait-for.js';

describe('lost-writes ledger', () => {
  const nodes: NodeProcess[] = [];
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
  });
  async function node(config: Record<string, string> = {}) {
    const n = await startNode({ config: { 'repl-diskless-sync-delay': '0', ...config } });
    nodes.push(n);
    const c = n.client();
    clients.push(c);
    return { n, c };
  }

  it('records the writes past the new master history and replays them', async () => {
    const a = await node();
    const b = await node({ replicaof: `127.0.0.1 ${a.n.port}` });
    await a.c.set('kept', '1');
    await waitInSync(a.c, b.c);

    // B is promoted while A, cut off, keeps acknowledging writes (a split brain).
    await b.c.replicaof('NO', 'ONE');
    await a.c.set('lost:1', 'héllo');
    const aDb2 = a.n.client({ db: 2 });
    clients.push(aDb2);
    await aDb2.rpush('lost:list', 'x', 'y');
    await b.c.set('new-master-write', '1');

    // A returns as a replica of B: its divergent writes go to the ledger, then it resyncs.
    await a.c.replicaof('127.0.0.1', String(b.n.port));
    await waitInSync(b.c, a.c);
    expect(await a.c.get('lost:1')).toBeNull();
    expect(await a.c.get('new-master-write')).toBe('1');

    const ledger = readFileSync(join(a.n.dir, 'lost-writes.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(ledger.map((entry) => [entry.db, entry.command])).toEqual([
      [0, ['set', 'lost:1', 'héllo']],
      [2, ['rpush', 'lost:list', 'x', 'y']],
    ]);
    expect(ledger[0].newMaster).toBe(`127.0.0.1:${b.n.port}`);
    const stats = await info(a.c, 'lostwrites');
    expect(stats.lost_writes_commands).toBe('2');
    expect(a.n.log()).toContain('Lost writes:');

    if (hasRedis()) {
      const resp = readFileSync(join(a.n.dir, 'lost-writes.resp'));
      execFileSync('redis-cli', ['-p', String(b.n.port), '--pipe'], { input: resp });
      await waitFor(async () => (await b.c.get('lost:1')) === 'héllo', { message: 'the replayed write on the new master' });
      const bDb2 = b.n.client({ db: 2 });
      clients.push(bDb2);
      expect(await bDb2.lrange('lost:list', 0, -1)).toEqual(['x', 'y']);
    }
  });

  it('records nothing when the returning node has no history past the new master', async () => {
    const a = await node();
    const b = await node({ replicaof: `127.0.0.1 ${a.n.port}` });
    await a.c.set('k', 'v');
    await waitInSync(a.c, b.c);
    await b.c.replicaof('NO', 'ONE');
    await a.c.replicaof('127.0.0.1', String(b.n.port));
    await waitInSync(b.c, a.c);
    expect((await info(a.c, 'lostwrites')).lost_writes_events).toBe('0');
    expect((await info(b.c, 'stats')).sync_partial_ok).toBe('1');
  });
});
