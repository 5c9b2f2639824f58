// ACL across processes, with redis-server 7.0: an ACL file written by ACL SAVE on one loads in the
// other to the same users (both ways); `user` lines in a config file load alike and CONFIG REWRITE
// writes the same `user` lines; a broken ACL file stops both at startup; replication between the
// two through a user limited to what a replica needs (masteruser), both directions.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { spawn } from 'node:child_process';
import { freePort, hasRedis, NODE_BIN, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { info, waitInSync } from '../helpers/info.js';
import { normalizeReply, normalizeRules, run } from './acl-helpers.js';

const FAST_SYNC = { 'repl-diskless-sync-delay': '0' };
const REPLICA_USER = ['repl', 'on', '>rpw', '+psync', '+replconf', '+ping'];

describe.skipIf(!hasRedis())('ACL interop with redis-server 7.0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acl-interop-'));
  const started: NodeProcess[] = [];
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await Promise.all(started.splice(0).map((n) => n.stop()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function node(engine: Engine, config: Record<string, string> = {}, configFile?: string) {
    const n = await startNode({ engine, config: { ...FAST_SYNC, ...config }, configFile });
    started.push(n);
    const c = n.client();
    clients.push(c);
    return { n, c };
  }

  const aclList = async (c: Redis) => normalizeReply(await run(c, 'ACL', 'LIST'));

  it('loads the ACL file the other wrote, both ways', async () => {
    const files = { ours: join(dir, 'ours.acl'), theirs: join(dir, 'theirs.acl') };
    for (const file of Object.values(files)) writeFileSync(file, '');
    const ours = await node('builtin', { aclfile: files.ours });
    const theirs = await node('redis', { aclfile: files.theirs });

    const users = [
      ['app', 'on', '>pw', '%R~r:*', '~app:*', '%W~w:*', '&app.*', '-@all', '+@read', '+set', '+select|0', '(+@write ~w:* &x)'],
      ['ops', 'on', '>a', '>b', '+@all', '-@dangerous', '+info', 'allkeys', 'allchannels'],
      ['off', 'off', 'nopass', 'skip-sanitize-payload', '-@all', '+@hash', '-hdel'],
    ];
    for (const user of users) expect(await run(ours.c, 'ACL', 'SETUSER', ...user)).toBe('OK');
    expect(await run(ours.c, 'ACL', 'SAVE')).toBe('OK');
    copyFileSync(files.ours, files.theirs);
    expect(await run(theirs.c, 'ACL', 'LOAD')).toBe('OK');
    expect(await aclList(theirs.c)).toEqual(await aclList(ours.c));

    expect(await run(theirs.c, 'ACL', 'SETUSER', 'extra', 'on', '>e', '~*', '+@all', '-flushall', '(-@all +get ~g*)')).toBe('OK');
    expect(await run(theirs.c, 'ACL', 'SETUSER', 'default', '-debug')).toBe('OK');
    expect(await run(theirs.c, 'ACL', 'SAVE')).toBe('OK');
    copyFileSync(files.theirs, files.ours);
    expect(await run(ours.c, 'ACL', 'LOAD')).toBe('OK');
    expect(await aclList(ours.c)).toEqual(await aclList(theirs.c));

    // A broken file changes nothing, and both say why in the same words.
    const broken = 'user a on +nosuch\nuser b bogus\nnot a user line\n';
    for (const file of Object.values(files)) writeFileSync(file, broken);
    const [errA, errB] = [await run(ours.c, 'ACL', 'LOAD'), await run(theirs.c, 'ACL', 'LOAD')];
    const words = (reply: unknown, file: string) => String((reply as { error: string }).error).split(file).join('F');
    expect(words(errA, files.ours)).toBe(words(errB, files.theirs));
    expect(await aclList(ours.c)).toEqual(await aclList(theirs.c));
  });

  it('loads user lines from the config file and writes them back on CONFIG REWRITE alike', async () => {
    const text = [
      'user alice on >apw ~app:* &app.* -@all +@read +@hash (~tmp:* +del)',
      'user default on nopass ~* &* +@all -debug',
      'user bob off',
      '',
    ].join('\n');
    const files = { ours: join(dir, 'ours.conf'), theirs: join(dir, 'theirs.conf') };
    for (const file of Object.values(files)) writeFileSync(file, text);
    const ours = await node('builtin', {}, files.ours);
    const theirs = await node('redis', {}, files.theirs);
    expect(await aclList(ours.c)).toEqual(await aclList(theirs.c));
    for (const c of [ours.c, theirs.c]) {
      expect(await run(c, 'ACL', 'DELUSER', 'bob')).toBe(1);
      expect(await run(c, 'ACL', 'SETUSER', 'carol', 'on', 'nopass', '+@all', '~*')).toBe('OK');
      expect(await run(c, 'CONFIG', 'REWRITE')).toBe('OK');
    }
    const userLines = (file: string) =>
      readFileSync(file, 'latin1')
        .split('\n')
        .filter((line) => line.startsWith('user '))
        .map(normalizeRules);
    expect(userLines(files.ours)).toEqual(userLines(files.theirs));
    expect(userLines(files.ours)).toHaveLength(3);
  });

  it('refuses to start on a broken ACL file, with the same reason', async () => {
    const file = join(dir, 'broken.acl');
    writeFileSync(file, 'user a on +nosuch ~*\n');
    const reasons: string[] = [];
    for (const engine of ['builtin', 'redis'] as const) {
      const logfile = join(dir, `${engine}-broken.log`);
      const args = ['--port', String(await freePort()), '--save', '', '--dir', dir, '--logfile', logfile, '--aclfile', file];
      const child = engine === 'redis' ? spawn('redis-server', args, { stdio: 'ignore' }) : spawn(process.execPath, [NODE_BIN, ...args], { stdio: 'ignore' });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, engine).toBe(1);
      const match = /Aborting Redis startup because of ACL errors: [^\n]*/.exec(readFileSync(logfile, 'latin1'));
      reasons.push(match?.[0] ?? `${engine}: no reason logged`);
    }
    expect(reasons[0]).toBe(reasons[1]);
    expect(reasons[0]).toContain("Error in applying operation '+nosuch'");
  });

  it('our replica authenticates to a redis-server master as a limited user (masteruser)', async () => {
    const master = await node('redis');
    expect(await run(master.c, 'ACL', 'SETUSER', ...REPLICA_USER)).toBe('OK');
    expect(await run(master.c, 'CONFIG', 'SET', 'requirepass', 'mpw')).toBe('OK');
    await master.c.set('before', '1');
    await master.c.rpush('list', 'a', 'b', 'c');
    const replica = await node('builtin', { replicaof: `127.0.0.1 ${master.n.port}`, masteruser: 'repl', masterauth: 'rpw' });
    await waitInSync(master.c, replica.c);
    await master.c.hset('after', 'f', 'v');
    await waitInSync(master.c, replica.c);
    expect(await replica.c.call('DEBUG', 'DIGEST')).toBe(await master.c.call('DEBUG', 'DIGEST'));
    expect((await info(master.c, 'replication')).connected_slaves).toBe('1');
  });

  it('a redis-server replica authenticates to our master as a limited user (masteruser)', async () => {
    const master = await node('builtin');
    expect(await run(master.c, 'ACL', 'SETUSER', ...REPLICA_USER)).toBe('OK');
    expect(await run(master.c, 'CONFIG', 'SET', 'requirepass', 'mpw')).toBe('OK');
    await master.c.set('before', '1');
    await master.c.zadd('zset', 1, 'a', 2, 'b');
    const replica = await node('redis', { replicaof: `127.0.0.1 ${master.n.port}`, masteruser: 'repl', masterauth: 'rpw' });
    await waitInSync(master.c, replica.c);
    await master.c.sadd('after', 'x', 'y');
    await waitInSync(master.c, replica.c);
    expect(await replica.c.call('DEBUG', 'DIGEST')).toBe(await master.c.call('DEBUG', 'DIGEST'));
    const replicaLine = ((await master.c.call('CLIENT', 'LIST', 'TYPE', 'replica')) as string).trim();
    expect(replicaLine).toMatch(/ user=repl /);
  });
});
