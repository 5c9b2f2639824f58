// Admin commands against a running node, through real clients: the ioredis ready check (INFO),
// MULTI/EXEC and WATCH through ioredis, CONFIG SET + CONFIG REWRITE surviving a restart, CLIENT KILL
// closing another connection, CLIENT REPLY on the wire, and a differential run of admin replies
// against a real redis-server 7.0.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

/** A socket speaking raw RESP, to see exactly the bytes a client gets. */
async function rawClient(port: number): Promise<{ socket: Socket; received: () => string; send: (text: string) => void }> {
  const socket = netConnect({ host: '127.0.0.1', port });
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, received: () => data, send: (text) => socket.write(text, 'latin1') };
}

describe('admin commands on a running node', () => {
  let node: NodeProcess;
  const clients: Redis[] = [];
  const client = (options: Parameters<NodeProcess['client']>[0] = {}) => {
    const c = node.client(options);
    c.on('error', () => {});
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await node?.stop();
  });

  it('passes the ioredis ready check and reports INFO fields', async () => {
    const c = client();
    await waitFor(() => c.status === 'ready', { message: 'ioredis ready' });
    expect(await c.ping()).toBe('PONG');
    const info = await c.info('server');
    expect(info).toMatch(/^# Server\r\nredis_version:7\.0\.15\r\n/);
    expect(info).toContain(`\r\ntcp_port:${node.port}\r\n`);
    expect(info).toMatch(/\r\nrun_id:[0-9a-f]{40}\r\n/);
    expect(await c.info('persistence')).toContain('\r\nloading:0\r\n');
  });

  it('runs MULTI/EXEC through ioredis and aborts on a WATCH conflict from another client', async () => {
    const a = client();
    const b = client();
    expect(await a.multi().set('tx', '1').incr('tx').get('tx').exec()).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, '2'],
    ]);
    await a.watch('tx');
    await b.set('tx', 'changed');
    expect(await a.multi().set('tx', 'mine').exec()).toBeNull();
    expect(await a.get('tx')).toBe('changed');
  });

  it('DEBUG RELOAD saves and reloads the dataset: same digest before and after', async () => {
    const c = client();
    await c.set('reload:s', 'v', 'EX', 1000);
    await c.rpush('reload:l', 'a', 'b');
    await c.hset('reload:h', 'f', '1');
    const before = await c.call('DEBUG', 'DIGEST');
    expect(before).not.toBe('0'.repeat(40));
    expect(await c.call('DEBUG', 'RELOAD')).toBe('OK');
    expect(await c.call('DEBUG', 'DIGEST')).toBe(before);
    expect(await c.lrange('reload:l', 0, -1)).toEqual(['a', 'b']);
  });

  it('CLIENT KILL closes the other connection and answers the count', async () => {
    const killer = client();
    const victim = client({ retryStrategy: () => null, connectionName: 'victim' });
    await victim.ping();
    const id = await victim.client('ID');
    expect(await killer.client('KILL', 'ID', String(id))).toBe(1);
    await waitFor(() => victim.status === 'end', { message: 'the killed connection to close' });
    const list = (await killer.client('LIST')) as string;
    expect(list).not.toContain('name=victim');
  });

  it('CLIENT PAUSE WRITE holds writes until CLIENT UNPAUSE, reads go on', async () => {
    const admin = client();
    const writer = client();
    const reader = client();
    await Promise.all([admin.ping(), writer.ping(), reader.ping()]);
    expect(await admin.client('PAUSE', '30000', 'WRITE')).toBe('OK');
    let written = false;
    const write = writer.set('paused-key', '1').then(() => (written = true));
    expect(await reader.get('paused-key')).toBeNull();
    expect(written).toBe(false);
    expect(await admin.client('UNPAUSE')).toBe('OK');
    await write;
    expect(await reader.get('paused-key')).toBe('1');
  });

  it('CLIENT REPLY OFF / SKIP silence replies on the wire', async () => {
    const raw = await rawClient(node.port);
    try {
      raw.send('CLIENT REPLY OFF\r\nSET r 1\r\nCLIENT REPLY ON\r\nGET r\r\nCLIENT REPLY SKIP\r\nINCR r\r\nGET r\r\n');
      await waitFor(() => raw.received().length >= 16, { message: 'replies' });
      expect(raw.received()).toBe('+OK\r\n$1\r\n1\r\n$1\r\n2\r\n');
    } finally {
      raw.socket.destroy();
    }
  });

  it('CONFIG SET then CONFIG REWRITE is read back after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterctl-admin-conf-'));
    const file = join(dir, 'node.conf');
    writeFileSync(file, '# kept by CONFIG REWRITE\nhz 10\nmaxmemory-policy noeviction\n');
    let first: NodeProcess | undefined;
    let second: NodeProcess | undefined;
    try {
      first = await startNode({ configFile: file });
      const c = first.client();
      c.on('error', () => {});
      expect(await c.config('SET', 'maxmemory-policy', 'allkeys-lru', 'hz', '25')).toBe('OK');
      expect(await c.config('REWRITE')).toBe('OK');
      c.disconnect();
      await first.stop();
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith('# kept by CONFIG REWRITE\nhz 25\nmaxmemory-policy allkeys-lru\n')).toBe(true);
      second = await startNode({ configFile: file });
      const d = second.client();
      d.on('error', () => {});
      expect(await d.config('GET', 'maxmemory-policy', 'hz')).toEqual(['maxmemory-policy', 'allkeys-lru', 'hz', '25']);
      d.disconnect();
    } finally {
      await first?.stop();
      await second?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

type Arg = string | number;
/** A step whose reply is a map (CONFIG GET): Redis orders it by its hash table, so compare as one. */
const asMap = (...cmd: Arg[]) => ({ map: cmd });

/** Admin replies that must be identical to redis-server 7.0.15's (byte for byte through ioredis). */
const SEQUENCE: (Arg[] | { map: Arg[] })[] = [
  ['FLUSHALL'], ['DBSIZE'], ['SET', 'a', '1'], ['RPUSH', 'l', 'x', 'y'], ['HSET', 'h', 'f', 'v'], ['DEBUG', 'DIGEST'],
  ['DEBUG', 'DIGEST-VALUE', 'a', 'l', 'h', 'nope'], ['SELECT', 1], ['SET', 'b', '2'], ['SWAPDB', 0, 1], ['DEBUG', 'DIGEST'],
  ['DBSIZE'], ['SELECT', 0], ['DBSIZE'], ['SWAPDB', 'a', 1], ['SWAPDB', 0, 99], ['FLUSHDB', 'foo'], ['FLUSHALL', 'SYNC'],
  ['DEBUG', 'POPULATE', 5, 'k', 12], ['DEBUG', 'DIGEST'], ['DEBUG', 'POPULATE', -1], ['DEBUG', 'PROTOCOL', 'map'],
  ['MULTI'], ['MULTI'], ['SET', 'x', '1'], ['INCR', 'x'], ['LPUSH', 'x', 'y'], ['EXEC'], ['EXEC'], ['DISCARD'],
  ['MULTI'], ['GET'], ['EXEC'], ['WATCH'],
  asMap('CONFIG', 'GET', 'hz', 'maxmemory', 'slave-read-only'), asMap('CONFIG', 'GET', 'repl-*'), ['CONFIG', 'GET', 'nosuch'], ['CONFIG', 'SET', 'nosuch', 1],
  ['CONFIG', 'SET', 'hz', 'abc'], ['CONFIG', 'SET', 'hz', 5, 'HZ', 6], ['CONFIG', 'SET', 'databases', 3],
  ['CONFIG', 'SET', 'hz', '10', 'maxmemory'], ['CONFIG', 'REWRITE'], ['CONFIG', 'HELP'], ['CONFIG', 'NOSUCH'],
  ['CLIENT', 'SETNAME', 'a b'], ['CLIENT', 'GETNAME'], ['CLIENT', 'KILL', '1.2.3.4:5'], ['CLIENT', 'KILL', 'ID', 99999],
  ['CLIENT', 'KILL', 'TYPE', 'foo'], ['CLIENT', 'KILL', 'ID', 0], ['CLIENT', 'LIST', 'TYPE', 'bad'], ['CLIENT', 'LIST', 'ID', 'x'],
  ['COMMAND', 'GETKEYS', 'mset', 'a', 1, 'b', 2], ['COMMAND', 'GETKEYS', 'ping', 'x'], ['COMMAND', 'GETKEYS', 'get'],
  ['COMMAND', 'INFO', 'get', 'nosuch'], ['PUBSUB', 'NUMSUB', 'a'], ['PUBSUB', 'NUMPAT'], ['PUBSUB', 'CHANNELS', 'a', 'b'],
  ['SHUTDOWN', 'ABORT'], ['SHUTDOWN', 'SAVE', 'NOSAVE'], ['INFO', 'nosuch'], ['DEBUG', 'NOSUCH'],
];

describe.skipIf(!hasRedis())('admin replies: our node answers like redis-server 7.0', () => {
  let ours: NodeProcess;
  let theirs: NodeProcess;
  beforeAll(async () => {
    [ours, theirs] = await Promise.all([startNode(), startNode({ engine: 'redis' })]);
  });
  afterAll(async () => {
    await Promise.all([ours?.stop(), theirs?.stop()]);
  });

  it('gives the same replies and errors', async () => {
    const run = async (c: Redis, cmd: Arg[]) => {
      try {
        return await c.call(String(cmd[0]), ...cmd.slice(1).map(String));
      } catch (error) {
        return { error: (error as Error).message };
      }
    };
    const a = ours.client({ enableReadyCheck: false });
    const b = theirs.client({ enableReadyCheck: false });
    try {
      const pairs = (reply: unknown) => {
        const flat = reply as string[];
        return Object.fromEntries(flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1]]] : [])));
      };
      for (const step of SEQUENCE) {
        const cmd = Array.isArray(step) ? step : step.map;
        const [mine, real] = [await run(a, cmd), await run(b, cmd)];
        if (Array.isArray(step)) expect(mine, cmd.join(' ')).toEqual(real);
        else expect(pairs(mine), cmd.join(' ')).toEqual(pairs(real));
      }
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});
