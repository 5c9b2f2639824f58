// Persistence of our node as an operator sees it: BGSAVE under writes saves exactly the dataset of
// the moment it was asked (checked by loading the file into redis-server when installed), data
// survives a restart through the shutdown save, SHUTDOWN NOSAVE skips it, a corrupt file stops the
// start with a clear message, DEBUG RELOAD keeps the data, INFO persistence tells the story.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, hasRedis, NODE_BIN, startNode, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const KEYS = 30_000;

async function info(client: Redis): Promise<Record<string, string>> {
  const text = await client.info('persistence');
  return Object.fromEntries(
    text
      .split('\r\n')
      .filter((line) => line.includes(':'))
      .map((line) => line.split(':') as [string, string]),
  );
}

describe('persistence of clusterctl-node', () => {
  const dirs: string[] = [];
  const nodes: NodeProcess[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterctl-persistence-'));
    dirs.push(dir);
    return dir;
  };
  const start = async (...args: Parameters<typeof startNode>): Promise<NodeProcess> => {
    const node = await startNode(...args);
    nodes.push(node);
    return node;
  };
  afterAll(async () => {
    for (const node of nodes) await node.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('BGSAVE under a stream of writes saves the dataset of the moment it was asked', async () => {
    const dir = tempDir();
    const node = await start({ dir });
    const client = node.client();
    for (let from = 0; from < KEYS; from += 5000) {
      const p = client.pipeline();
      for (let i = from; i < from + 5000; i++) p.set(`k${i}`, `v${i}`);
      await p.exec();
    }
    await client.rpush('list', 'a', 'b', 'c');
    expect(await client.bgsave()).toBe('Background saving started');
    await expect(client.bgsave()).rejects.toThrow('ERR Background save already in progress');
    let round = 0;
    await waitFor(
      async () => {
        const p = client.pipeline();
        for (let i = 0; i < 100; i++) {
          const n = (round * 100 + i) * 7;
          p.set(`k${n % KEYS}`, `changed-${round}`);
          p.del(`k${(n + 3) % KEYS}`);
          p.set(`new-${round}-${i}`, 'x');
        }
        p.rpush('list', `pushed-${round}`);
        await p.exec();
        round++;
        return (await info(client)).rdb_bgsave_in_progress === '0';
      },
      { interval: 0, timeout: 30_000, message: 'BGSAVE to finish' },
    );
    const after = await info(client);
    expect(after.rdb_last_bgsave_status).toBe('ok');
    // Writes landed while the snapshot was being written, and they are not part of it.
    expect(Number(after.rdb_changes_since_last_save)).toBeGreaterThan(0);
    client.disconnect();
    await node.stop();

    // Load the file in redis-server when we have it (the strongest check), else in our node.
    const reader = await start({ dir, engine: hasRedis() ? 'redis' : 'builtin' });
    const rc = reader.client();
    expect(await rc.dbsize()).toBe(KEYS + 1);
    expect(await rc.lrange('list', 0, -1)).toEqual(['a', 'b', 'c']);
    for (let from = 0; from < KEYS; from += 5000) {
      const keys = Array.from({ length: 5000 }, (_, i) => `k${from + i}`);
      expect(await rc.mget(keys)).toEqual(keys.map((k) => `v${k.slice(1)}`));
    }
    rc.disconnect();
  });

  it('keeps data across a restart through the shutdown save, with TTLs', async () => {
    const dir = tempDir();
    const node = await start({ dir, config: { save: '3600 1' } });
    const client = node.client();
    await client.set('kept', 'yes');
    await client.set('ttl', 'soon', 'PX', 600_000);
    await client.hset('h', 'f', 'v');
    client.disconnect();
    await node.stop(); // SIGTERM: save points are set, so it saves first
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(true);

    const again = await start({ dir });
    const c2 = again.client();
    expect(await c2.get('kept')).toBe('yes');
    expect(await c2.hgetall('h')).toEqual({ f: 'v' });
    expect(await c2.pttl('ttl')).toBeGreaterThan(500_000);
    expect(await info(c2)).toMatchObject({ rdb_last_load_keys_loaded: '3', rdb_changes_since_last_save: '0' });
    expect(again.log()).toMatch(/Done loading RDB, keys loaded: 3, keys expired: 0/);
    c2.disconnect();
  });

  it('SHUTDOWN NOSAVE skips the save, SHUTDOWN SAVE forces it', async () => {
    const dir = tempDir();
    const first = await start({ dir, config: { save: '3600 1' } });
    const c1 = first.client({ retryStrategy: () => null });
    await c1.set('k', 'v');
    await c1.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    c1.disconnect();
    await first.waitExit();
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(false);

    const second = await start({ dir });
    const c2 = second.client({ retryStrategy: () => null });
    await c2.set('k', 'v');
    await c2.call('SHUTDOWN', 'SAVE').catch(() => undefined);
    c2.disconnect();
    await second.waitExit();
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(true);
  });

  it('refuses to start on a corrupt RDB, naming the file and the problem', async () => {
    const dir = tempDir();
    const file = join(dir, 'dump.rdb');
    writeFileSync(file, Buffer.from('REDIS0010\xfa\x05ctime', 'latin1'));
    const port = String(await freePort());
    // Run it directly: it must exit by itself (the timeout only guards against a hang).
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [NODE_BIN, '--port', port, '--bind', '127.0.0.1', '--dir', dir, '--save', ''], { timeout: 20_000 }, (error, _out, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Fatal error loading the data: Bad RDB file '${file}': unexpected end of data (at byte 16 of 16)`);
  });

  it('DEBUG RELOAD keeps the data; LASTSAVE and INFO follow saves', async () => {
    const node = await start({ dir: tempDir() });
    const client = node.client();
    await client.set('a', '1');
    await client.zadd('z', '1.5', 'm');
    const before = await client.lastsave();
    expect((await info(client)).rdb_changes_since_last_save).toBe('2');
    expect(await client.call('DEBUG', 'RELOAD')).toBe('OK');
    expect(await client.get('a')).toBe('1');
    expect(await client.zscore('z', 'm')).toBe('1.5');
    expect(await client.save()).toBe('OK');
    expect(await client.lastsave()).toBeGreaterThanOrEqual(before);
    expect(await info(client)).toMatchObject({ rdb_changes_since_last_save: '0', rdb_bgsave_in_progress: '0', aof_enabled: '0' });
    client.disconnect();
  });
});
