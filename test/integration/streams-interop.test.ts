// Streams between our node and redis-server 7.0.15, both directions: a redis-server replica of our
// master and our replica of a redis-server master end with the same DEBUG DIGEST and the same
// XINFO STREAM FULL after XADD / XREADGROUP / XACK / XCLAIM / XAUTOCLAIM / XTRIM / XDEL / XGROUP
// work (part before the replica attaches, so streams travel in the RDB too); our replica agrees with
// a redis-server replica of the same master; both masters send the same replication stream; RDB
// files and DUMP payloads load on the other side; a blocked XREADGROUP is woken by XADD via ioredis.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type StartOptions } from '../helpers/processes.js';
import { info, waitInSync } from '../helpers/info.js';
import { waitFor } from '../helpers/wait-for.js';
import { RawClient } from '../helpers/raw-client.js';

/** Small nodes, the same on every server: a replica builds its own nodes from what it is sent. */
const CONFIG = { 'repl-diskless-sync-delay': '0', 'stream-node-max-entries': '7' };
const STREAMS = ['orders', 'events', 'empty', 'tiny'];

/** Writes before a replica attaches: groups, pending entries, tombstones, nodes of several sizes. */
async function before(c: Redis): Promise<void> {
  for (let i = 1; i <= 60; i++) await c.xadd('orders', `${1000 + i}-0`, 'item', `sku-${i}`, 'qty', String(i % 5));
  await c.call('XADD', 'events', 'MAXLEN', '~', '20', '*', 'kind', 'start');
  await c.call('XGROUP', 'CREATE', 'orders', 'billing', '0');
  await c.call('XGROUP', 'CREATE', 'orders', 'shipping', '$', 'ENTRIESREAD', '60');
  await c.call('XREADGROUP', 'GROUP', 'billing', 'alice', 'COUNT', '10', 'STREAMS', 'orders', '>');
  await c.call('XREADGROUP', 'GROUP', 'billing', 'bob', 'NOACK', 'COUNT', '5', 'STREAMS', 'orders', '>');
  await c.call('XACK', 'orders', 'billing', '1001-0', '1003-0');
  await c.call('XDEL', 'orders', '1005-0', '1020-0');
  await c.call('XGROUP', 'CREATE', 'empty', 'g', '$', 'MKSTREAM');
  await c.call('XADD', 'tiny', '1-1', 'a', '1');
  await c.call('XDEL', 'tiny', '1-1');
}

/** Writes streamed to the attached replica. */
async function after(c: Redis): Promise<void> {
  for (let i = 0; i < 40; i++) await c.call('XADD', 'events', 'MAXLEN', '~', '20', '*', 'kind', `tick-${i}`, 'n', String(i));
  await c.call('XADD', 'orders', 'MINID', '~', '1010', '*', 'item', 'late');
  await c.call('XREADGROUP', 'GROUP', 'billing', 'carol', 'COUNT', '4', 'STREAMS', 'orders', '>');
  await c.call('XREADGROUP', 'GROUP', 'shipping', 'dave', 'NOACK', 'STREAMS', 'orders', '>');
  await c.call('XCLAIM', 'orders', 'billing', 'erin', '0', '1002-0', '1004-0', '1005-0', 'RETRYCOUNT', '3');
  await c.call('XCLAIM', 'orders', 'billing', 'erin', '0', '1006-0', 'JUSTID', 'LASTID', '1030-0');
  await c.call('XDEL', 'orders', '1007-0');
  await c.call('XAUTOCLAIM', 'orders', 'billing', 'frank', '0', '0', 'COUNT', '3');
  await c.call('XTRIM', 'orders', 'MAXLEN', '~', '40');
  await c.call('XTRIM', 'orders', 'MINID', '1015');
  await c.call('XGROUP', 'CREATECONSUMER', 'orders', 'billing', 'idle');
  await c.call('XGROUP', 'DELCONSUMER', 'orders', 'billing', 'alice');
  await c.call('XGROUP', 'SETID', 'orders', 'shipping', '1040-0', 'ENTRIESREAD', '35');
  await c.call('XSETID', 'tiny', '5-0', 'ENTRIESADDED', '3', 'MAXDELETEDID', '4-0');
  await c.call('XGROUP', 'DESTROY', 'empty', 'g');
}

/**
 * XINFO STREAM FULL of every stream with the named fields hidden: consumers' seen-time (each server
 * sets its own); for a master beside its replica also entries-read and lag, which Redis 7.0 itself
 * lets drift on a replica (XCLAIM ... LASTID moves a group without its read counter).
 */
async function streamsOf(c: Redis, hidden: readonly string[] = ['seen-time']): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const key of STREAMS) out.push(hide(await c.call('XINFO', 'STREAM', key, 'FULL', 'COUNT', '0'), hidden));
  return out;
}

function hide(reply: unknown, hidden: readonly string[]): unknown {
  if (!Array.isArray(reply)) return reply;
  return reply.map((item, i) => (hidden.includes(reply[i - 1]) ? 'hidden' : hide(item, hidden)));
}

const MASTER_VS_REPLICA = ['seen-time', 'entries-read', 'lag'];

async function expectSameAsMaster(master: Redis, replica: Redis): Promise<void> {
  expect(await replica.call('DEBUG', 'DIGEST')).toBe(await master.call('DEBUG', 'DIGEST'));
  expect(await streamsOf(replica, MASTER_VS_REPLICA)).toEqual(await streamsOf(master, MASTER_VS_REPLICA));
}

/** The commands of a replication stream (RESP arrays of bulk strings), SELECT and PING left out. */
function commandsOf(stream: string): string[][] {
  const commands: string[][] = [];
  let at = 0;
  while (at < stream.length) {
    if (stream[at] !== '*') {
      at = stream.indexOf('\r\n', at) + 2;
      continue;
    }
    const eol = stream.indexOf('\r\n', at);
    const args: string[] = [];
    at = eol + 2;
    for (let n = Number(stream.slice(1 + stream.lastIndexOf('*', eol), eol)); n > 0; n--) {
      const lineEnd = stream.indexOf('\r\n', at);
      const length = Number(stream.slice(at + 1, lineEnd));
      args.push(stream.slice(lineEnd + 2, lineEnd + 2 + length));
      at = lineEnd + 4 + length;
    }
    if (!['SELECT', 'PING'].includes(args[0]!.toUpperCase())) commands.push(args);
  }
  return commands;
}

describe.skipIf(!hasRedis())('streams interop with redis-server 7.0', () => {
  /** What each test opened, closed in reverse order after it (clients, then nodes, then dirs). */
  const opened: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of opened.splice(0).reverse()) await close();
  });
  async function node(engine: 'builtin' | 'redis', options: StartOptions = {}) {
    const n = await startNode({ engine, ...options, config: { ...CONFIG, ...options.config } });
    const c = n.client();
    opened.push(() => n.stop(), () => c.disconnect());
    return { n, c };
  }
  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'clusterctl-streams-'));
    opened.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  it('a redis-server replica of our master ends identical', async () => {
    const master = await node('builtin');
    await before(master.c);
    const replica = await node('redis', { config: { replicaof: `127.0.0.1 ${master.n.port}` } });
    await waitInSync(master.c, replica.c);
    await after(master.c);
    await waitInSync(master.c, replica.c);
    await expectSameAsMaster(master.c, replica.c);
  });

  it('our replica of a redis-server master ends identical, and as a redis-server replica does', async () => {
    const master = await node('redis');
    await before(master.c);
    const ours = await node('builtin', { config: { replicaof: `127.0.0.1 ${master.n.port}` } });
    const theirs = await node('redis', { config: { replicaof: `127.0.0.1 ${master.n.port}` } });
    await waitInSync(master.c, ours.c);
    await after(master.c);
    await waitInSync(master.c, ours.c);
    await waitInSync(master.c, theirs.c);
    await expectSameAsMaster(master.c, ours.c);
    expect(await streamsOf(ours.c)).toEqual(await streamsOf(theirs.c));
  });

  it('we send a replica the same stream of commands as redis-server does', async () => {
    const streams: string[][][] = [];
    for (const engine of ['builtin', 'redis'] as const) {
      const { n, c } = await node(engine);
      await before(c);
      const replica = await RawClient.open(n.port);
      await replica.send('SYNC\r\n');
      const snapshotEnd = () => {
        const header = /\$(\d+)\r\n/.exec(replica.text());
        return header && replica.text().length >= header.index + header[0].length + Number(header[1]) ? header.index + header[0].length + Number(header[1]) : 0;
      };
      await waitFor(snapshotEnd, { message: 'the SYNC snapshot' });
      const start = snapshotEnd();
      await after(c);
      await c.set('end', '1');
      await replica.waitFor('the stream up to SET end', (text) => text.slice(start).includes('$3\r\nend\r\n'));
      replica.destroy();
      // Times (generated IDs, delivery times) differ by the clock: compare them masked.
      streams.push(commandsOf(replica.text().slice(start)).map((args) => args.map((arg) => arg.replace(/^\d{13}(-\d+)?$/, 'TIME'))));
    }
    expect(streams[0]).toEqual(streams[1]);
    expect(streams[0]!.flat()).toContain('XCLAIM');
  });

  it('an RDB we write loads in redis-server, and one redis-server writes loads here', async () => {
    for (const [writer, reader] of [['builtin', 'redis'], ['redis', 'builtin']] as const) {
      const dir = tempDir();
      const source = await node(writer, { dir });
      await before(source.c);
      await after(source.c);
      const digest = await source.c.call('DEBUG', 'DIGEST');
      const streams = await streamsOf(source.c);
      expect(await source.c.call('SAVE')).toBe('OK');
      source.c.disconnect();
      await source.n.stop();
      const target = await node(reader, { dir });
      expect(await target.c.call('DEBUG', 'DIGEST'), `${writer} -> ${reader}`).toBe(digest);
      expect(await streamsOf(target.c)).toEqual(streams);
    }
  });

  it('DUMP payloads of streams restore on the other side', async () => {
    const ours = await node('builtin');
    const theirs = await node('redis');
    await before(theirs.c);
    await after(theirs.c);
    await before(ours.c);
    await after(ours.c);
    for (const key of STREAMS) {
      expect(await ours.c.restore(`${key}:from-redis`, 0, (await theirs.c.dumpBuffer(key))!)).toBe('OK');
      expect(await theirs.c.restore(`${key}:from-ours`, 0, (await ours.c.dumpBuffer(key))!)).toBe('OK');
      const full = async (c: Redis, k: string) => hide(await c.call('XINFO', 'STREAM', k, 'FULL', 'COUNT', '0'), ['seen-time']);
      expect(await full(ours.c, `${key}:from-redis`)).toEqual(await full(theirs.c, key));
      expect(await full(theirs.c, `${key}:from-ours`)).toEqual(await full(ours.c, key));
      expect(await ours.c.call('DEBUG', 'DIGEST-VALUE', `${key}:from-redis`)).toEqual(await theirs.c.call('DEBUG', 'DIGEST-VALUE', key));
    }
  });

  it('a blocked XREADGROUP is woken by XADD through ioredis', async () => {
    const { n, c } = await node('builtin');
    await c.xgroup('CREATE', 'jobs', 'workers', '$', 'MKSTREAM');
    const worker = n.client();
    opened.push(() => worker.disconnect());
    const read = worker.xreadgroup('GROUP', 'workers', 'w1', 'BLOCK', 0, 'STREAMS', 'jobs', '>');
    await waitFor(async () => (await info(c, 'clients')).blocked_clients === '1', { message: 'the worker to block' });
    const id = await c.xadd('jobs', '*', 'task', 'resize');
    expect(await read).toEqual([['jobs', [[id, ['task', 'resize']]]]]);
    expect(await c.xpending('jobs', 'workers')).toEqual([1, id, id, [['w1', '1']]]);
    expect(await c.xack('jobs', 'workers', id!)).toBe(1);
  });

  it('a blocked XREADGROUP is released with an error when its node turns replica, as in Redis', async () => {
    const upstream = await node('redis');
    const answers: unknown[] = [];
    for (const engine of ['builtin', 'redis'] as const) {
      const { n, c } = await node(engine);
      await c.xgroup('CREATE', 'jobs', 'workers', '$', 'MKSTREAM');
      const worker = n.client();
      opened.push(() => worker.disconnect());
      const read = worker.xreadgroup('GROUP', 'workers', 'w1', 'BLOCK', 0, 'STREAMS', 'jobs', '>').catch((error: Error) => error.message);
      await waitFor(async () => (await info(c, 'clients')).blocked_clients === '1', { message: `the ${engine} worker to block` });
      await c.call('REPLICAOF', '127.0.0.1', String(upstream.n.port));
      answers.push(await read);
    }
    expect(answers[0]).toBe('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)');
    expect(answers[0]).toEqual(answers[1]);
  });
});
