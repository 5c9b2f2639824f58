// The append-only file of our node against redis-server 7.0.15, with real processes: acknowledged
// writes survive kill -9 under appendfsync always; an appendonlydir we write loads in redis-server
// (and redis-check-aof accepts it) and one redis-server writes (RDB-preamble or AOF-format base)
// loads here, with the same DEBUG DIGEST; BGREWRITEAOF compacts and keeps the data, and answers
// like redis-server while a BGSAVE runs; CONFIG SET appendonly yes writes the first base at run
// time; a torn tail loads under aof-load-truncated yes and is refused under no, both engines
// logging the same lines.

import { execFile, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { forgetPid, freePort, hasRedis, NODE_BIN, rememberPid, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const LIBRARY = "#!lua name=aoflib\nredis.register_function('echo1', function(keys, args) return args[1] end)";

async function persistenceInfo(client: Redis): Promise<Record<string, string>> {
  const text = await client.info('persistence');
  return Object.fromEntries(
    text
      .split('\r\n')
      .filter((line) => line.includes(':'))
      .map((line) => line.split(':') as [string, string]),
  );
}

/** Writes of every type, with expiries, a transaction, another db and a function library. */
async function workload(c: Redis, tag: string): Promise<void> {
  const future = Date.now() + 3_600_000;
  await c.set(`${tag}:s`, 'v\r\n\x00binary');
  await c.call('SET', `${tag}:ex`, '1', 'EX', '1000');
  await c.incrbyfloat(`${tag}:f`, '1.5');
  await c.rpush(`${tag}:l`, 'a', 'b', 'c');
  await c.lpop(`${tag}:l`);
  await c.hset(`${tag}:h`, 'f1', 'v1', 'f2', 'v2');
  await c.sadd(`${tag}:set`, 'x', 'y', '3');
  await c.zadd(`${tag}:z`, '1.5', 'm1', '2', 'm2');
  await c.expire(`${tag}:h`, 5000);
  await c.call('PEXPIREAT', `${tag}:z`, String(future));
  await c.call('XADD', `${tag}:st`, '1-1', 'f', 'v');
  await c.call('XADD', `${tag}:st`, '2-1', 'f', 'w');
  await c.call('XGROUP', 'CREATE', `${tag}:st`, 'g', '0');
  await c.call('XREADGROUP', 'GROUP', 'g', 'consumer', 'COUNT', '1', 'STREAMS', `${tag}:st`, '>');
  const m = c.multi();
  m.incr(`${tag}:n`);
  m.set(`${tag}:t`, 'in-multi');
  await m.exec();
  await c.select(5);
  await c.set(`${tag}:db5`, 'five');
  await c.select(0);
  await c.call('FUNCTION', 'LOAD', 'REPLACE', LIBRARY);
  for (let i = 0; i < 200; i++) await c.incr(`${tag}:counter`);
}

function run(file: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

/** Starts a node that must refuse to start: its exit code and its log. */
async function startExpectingExit(engine: Engine, dir: string, config: Record<string, string>): Promise<{ code: number | null; log: string }> {
  const port = await freePort();
  const logfile = join(dir, `refused-${port}.log`);
  const directives = { port: String(port), bind: '127.0.0.1', dir, logfile, save: '', ...config };
  const args = Object.entries(directives).flatMap(([k, v]) => [`--${k}`, v]);
  const child =
    engine === 'redis' ? spawn('redis-server', args, { stdio: 'ignore' }) : spawn(process.execPath, [NODE_BIN, ...args], { stdio: 'ignore' });
  rememberPid(child.pid!);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  forgetPid(child.pid!);
  return { code, log: readFileSync(logfile, 'utf8') };
}

function manifestOf(dir: string): string {
  return readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');
}

describe.skipIf(!hasRedis())('AOF persistence (builtin vs redis-server 7.0)', () => {
  const dirs: string[] = [];
  const nodes: NodeProcess[] = [];
  const clients: Redis[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'clusterctl-aof-'));
    dirs.push(dir);
    return dir;
  };
  const start = async (engine: Engine, dir: string, config: Record<string, string> = {}) => {
    const n = await startNode({ engine, dir, config: { appendonly: 'yes', ...config } });
    nodes.push(n);
    const c = n.client();
    clients.push(c);
    return { n, c };
  };
  const stop = async (node: { n: NodeProcess; c: Redis }) => {
    node.c.disconnect();
    await node.n.stop();
  };
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    for (const n of nodes) await n.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const waitRewriteDone = (c: Redis, rewrites: number) =>
    waitFor(
      async () => {
        const info = await persistenceInfo(c);
        return info.aof_rewrite_in_progress === '0' && info.aof_rewrite_scheduled === '0' && Number(info.aof_rewrites) >= rewrites;
      },
      { timeout: 20_000, message: `rewrite #${rewrites} to finish` },
    );

  it('appendfsync always: every acknowledged write survives kill -9', async () => {
    const dir = tempDir();
    const node = await start('builtin', dir, { appendfsync: 'always' });
    const writers = [node.n.client(), node.n.client()];
    clients.push(...writers);
    // They lose their server on purpose.
    for (const w of [...writers, node.c]) w.on('error', () => {});
    const acked = [0, 0];
    let killed = false;
    const loops = writers.map(async (w, id) => {
      for (let i = 1; !killed; i++) {
        try {
          await w.set(`w${id}:${i}`, String(i));
          await w.incr(`w${id}:count`);
          acked[id] = i;
        } catch {
          return;
        }
      }
    });
    // Every acknowledged write was fsynced first: one disk flush each, slow on a busy machine.
    await waitFor(() => acked[0]! > 100 && acked[1]! > 100, { timeout: 60_000, message: 'writes to be acknowledged' });
    node.n.kill('SIGKILL');
    killed = true;
    await node.n.waitExit();
    await Promise.all(loops);
    const ackedAtKill = [...acked];
    for (const w of writers) w.disconnect();
    node.c.disconnect();
    const again = await start('builtin', dir, { appendfsync: 'always' });
    for (const id of [0, 1]) {
      // The write in flight at the kill may or may not be there; every acknowledged one is.
      expect(Number(await again.c.get(`w${id}:count`))).toBeGreaterThanOrEqual(ackedAtKill[id]!);
      const keys = Array.from({ length: ackedAtKill[id]! }, (_, i) => `w${id}:${i + 1}`);
      const values = await again.c.mget(...keys);
      expect(values.filter((v, i) => v !== String(i + 1))).toEqual([]);
    }
    expect(again.n.log()).toContain('DB loaded from append only file');
    await stop(again);
  });

  for (const preamble of ['yes', 'no']) {
    it(`an appendonlydir we write (aof-use-rdb-preamble ${preamble}, base + incr after BGREWRITEAOF) loads in redis-server and back`, async () => {
      const dir = tempDir();
      const suffix = preamble === 'yes' ? 'rdb' : 'aof';
      const ours = await start('builtin', dir, { 'aof-use-rdb-preamble': preamble, 'aof-timestamp-enabled': preamble });
      await workload(ours.c, 'a');
      // An empty stream and a consumer without pending entries have their own rewrite forms.
      await ours.c.call('XADD', 'a:empty', '5-5', 'f', 'v');
      await ours.c.call('XDEL', 'a:empty', '5-5');
      await ours.c.call('XGROUP', 'CREATECONSUMER', 'a:st', 'g', 'idle');
      const p = ours.c.pipeline();
      // Past 64 items a collection takes several commands in an AOF-format base.
      for (let i = 0; i < 300; i++) {
        p.rpush('a:long', `item${i}`).sadd('a:bigset', `m${i}`).zadd('a:bigz', String(i / 7), `z${i}`).hset('a:bigh', `f${i}`, `v${i}`);
      }
      await p.exec();
      expect(await ours.c.bgrewriteaof()).toBe('Background append only file rewriting started');
      await waitRewriteDone(ours.c, 1);
      await workload(ours.c, 'b');
      const digest = await ours.c.call('DEBUG', 'DIGEST');
      await stop(ours);
      expect(manifestOf(dir)).toBe(`file appendonly.aof.2.base.${suffix} seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n`);
      expect(readdirSync(join(dir, 'appendonlydir')).sort()).toEqual([
        `appendonly.aof.2.base.${suffix}`,
        'appendonly.aof.2.incr.aof',
        'appendonly.aof.manifest',
      ]);
      const check = await run('redis-check-aof', [join(dir, 'appendonlydir', 'appendonly.aof.manifest')]);
      expect(check.out).toContain('All AOF files and manifest are valid');
      expect(check.code).toBe(0);

      const redis = await start('redis', dir);
      expect(await redis.c.call('DEBUG', 'DIGEST')).toBe(digest);
      expect(await redis.c.call('FCALL', 'echo1', '0', 'hi')).toBe('hi');
      await workload(redis.c, 'c');
      const digest2 = await redis.c.call('DEBUG', 'DIGEST');
      await stop(redis);

      const back = await start('builtin', dir);
      expect(await back.c.call('DEBUG', 'DIGEST')).toBe(digest2);
      expect(await back.c.call('FCALL', 'echo1', '0', 'hi')).toBe('hi');
      await stop(back);
    });
  }

  for (const preamble of ['yes', 'no']) {
    it(`redis-server's appendonlydir (aof-use-rdb-preamble ${preamble}) loads here`, async () => {
      const dir = tempDir();
      const redis = await start('redis', dir, { 'aof-use-rdb-preamble': preamble, 'aof-timestamp-enabled': 'yes' });
      await workload(redis.c, 'a');
      expect(await redis.c.bgrewriteaof()).toBe('Background append only file rewriting started');
      await waitRewriteDone(redis.c, 1);
      await workload(redis.c, 'b');
      const digest = await redis.c.call('DEBUG', 'DIGEST');
      await stop(redis);
      expect(manifestOf(dir)).toContain(`appendonly.aof.2.base.${preamble === 'yes' ? 'rdb' : 'aof'}`);
      const ours = await start('builtin', dir);
      expect(await ours.c.call('DEBUG', 'DIGEST')).toBe(digest);
      expect(await ours.c.call('FCALL', 'echo1', '0', 'hi')).toBe('hi');
      // Our writes go on in redis-server's incremental file.
      await ours.c.set('ours', '1');
      await stop(ours);
      expect(readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.2.incr.aof'), 'latin1')).toMatch(/\$4\r\nours\r\n\$1\r\n1\r\n$/);
    });
  }

  it('BGREWRITEAOF compacts the log and keeps the data', async () => {
    const dir = tempDir();
    const ours = await start('builtin', dir);
    const p = ours.c.pipeline();
    for (let i = 0; i < 20_000; i++) p.incr('counter');
    for (let i = 0; i < 2000; i++) p.set(`key:${i % 100}`, String(i));
    await p.exec();
    const before = await persistenceInfo(ours.c);
    expect(Number(before.aof_current_size)).toBeGreaterThan(500_000);
    await ours.c.bgrewriteaof();
    await waitRewriteDone(ours.c, 1);
    const after = await persistenceInfo(ours.c);
    expect(after.aof_last_bgrewrite_status).toBe('ok');
    expect(Number(after.aof_current_size)).toBeLessThan(10_000);
    expect(after.aof_base_size).toBe(after.aof_current_size);
    const base = statSync(join(dir, 'appendonlydir', 'appendonly.aof.2.base.rdb')).size;
    expect(base).toBeLessThan(10_000);
    const digest = await ours.c.call('DEBUG', 'DIGEST');
    await stop(ours);
    const again = await start('builtin', dir);
    expect(await again.c.get('counter')).toBe('20000');
    expect(await again.c.call('DEBUG', 'DIGEST')).toBe(digest);
    await stop(again);
  });

  it('auto-aof-rewrite-percentage / -min-size start rewrites as the log grows', async () => {
    const dir = tempDir();
    const ours = await start('builtin', dir, { 'auto-aof-rewrite-min-size': '64kb', 'auto-aof-rewrite-percentage': '100' });
    // Values LZF cannot shrink: the RDB base is then about as large as the data.
    const write = async (from: number, to: number) => {
      const p = ours.c.pipeline();
      for (let i = from; i < to; i++) p.set(`k${i % 50}`, randomBytes(500).toString('hex'));
      await p.exec();
    };
    // Under the minimum size nothing happens.
    await write(0, 40);
    expect((await persistenceInfo(ours.c)).aof_rewrites).toBe('0');
    await write(40, 120);
    await waitRewriteDone(ours.c, 1);
    const after = await persistenceInfo(ours.c);
    expect(after.aof_base_size).toBe(after.aof_current_size);
    expect(ours.n.log()).toMatch(/Starting automatic rewriting of AOF on \d+% growth/);
    // The next one waits for the log to double over the size the last rewrite left.
    const base = Number(after.aof_base_size);
    let i = 120;
    while (Number((await persistenceInfo(ours.c)).aof_current_size) < base * 1.5) await write(i, (i += 10));
    expect((await persistenceInfo(ours.c)).aof_rewrites).toBe('1');
    while (Number((await persistenceInfo(ours.c)).aof_current_size) < base * 2.2) await write(i, (i += 10));
    await waitRewriteDone(ours.c, 2);
    await stop(ours);
  });

  it('BGREWRITEAOF and BGSAVE answer each other as in redis-server (scheduled, refused)', async () => {
    const replies: Record<string, unknown[]> = {};
    for (const engine of ['builtin', 'redis'] as const) {
      // redis-server's child must outlive the pipeline: slowed down per key (1000 keys x 2 ms);
      // our in-process snapshot of 50000 keys takes many event-loop slices.
      const node = await start(engine, tempDir(), engine === 'redis' ? { 'rdb-key-save-delay': '2000' } : {});
      const p = node.c.pipeline();
      for (let i = 0; i < (engine === 'redis' ? 1000 : 50_000); i++) p.set(`k${i}`, 'v');
      await p.exec();
      const answers = async (...commands: string[][]) =>
        (await commands.reduce((q, cmd) => q.call(cmd[0]!, ...cmd.slice(1)), node.c.pipeline()).exec())!.map(([error, value]) =>
          error ? `ERR: ${error.message}` : value,
        );
      const first = await answers(['BGSAVE'], ['BGREWRITEAOF'], ['BGSAVE']);
      await waitRewriteDone(node.c, 1);
      const second = await answers(['BGREWRITEAOF'], ['BGSAVE'], ['BGSAVE', 'SCHEDULE'], ['BGREWRITEAOF']);
      await waitFor(
        async () => {
          const info = await persistenceInfo(node.c);
          return info.rdb_bgsave_in_progress === '0' && Number(info.rdb_saves) >= 2;
        },
        { timeout: 30_000, message: 'the scheduled BGSAVE to run' },
      );
      replies[engine] = [...first, ...second];
      await stop(node);
    }
    expect(replies.builtin).toEqual(replies.redis);
    expect(replies.builtin).toEqual([
      'Background saving started',
      'Background append only file rewriting scheduled',
      'ERR: ERR Background save already in progress',
      'Background append only file rewriting started',
      "ERR: ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
      'Background saving scheduled',
      'ERR: ERR Background append only file rewriting already in progress',
    ]);
  }, 120_000);

  it('CONFIG SET appendonly yes writes the first base at run time; the data then survives a restart', async () => {
    const manifests: Record<string, string> = {};
    for (const engine of ['builtin', 'redis'] as const) {
      const dir = tempDir();
      const node = await start(engine, dir, { appendonly: 'no' });
      await workload(node.c, 'a');
      expect((await persistenceInfo(node.c)).aof_enabled).toBe('0');
      expect(await node.c.config('SET', 'appendonly', 'yes')).toBe('OK');
      await waitRewriteDone(node.c, 1);
      expect((await persistenceInfo(node.c)).aof_enabled).toBe('1');
      await workload(node.c, 'b');
      const digest = await node.c.call('DEBUG', 'DIGEST');
      manifests[engine] = manifestOf(dir);
      await stop(node);
      const again = await start('builtin', dir);
      expect(await again.c.call('DEBUG', 'DIGEST'), engine).toBe(digest);
      expect(await again.c.config('SET', 'appendonly', 'no')).toBe('OK');
      expect((await persistenceInfo(again.c)).aof_enabled).toBe('0');
      await stop(again);
      // Started with the AOF off, the node still read the manifest: turning it on again goes on
      // from its sequence numbers and retires the old files.
      const third = await start(engine, dir, { appendonly: 'no' });
      expect(await third.c.config('SET', 'appendonly', 'yes')).toBe('OK');
      await waitRewriteDone(third.c, 1);
      manifests[`${engine}-again`] = manifestOf(dir) + readdirSync(join(dir, 'appendonlydir')).sort().join(' ');
      await stop(third);
    }
    expect(manifests.builtin).toBe(manifests.redis);
    expect(manifests.builtin).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    expect(manifests['builtin-again']).toBe(manifests['redis-again']);
    expect(manifests['builtin-again']).toBe(
      'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n' +
        'appendonly.aof.2.base.rdb appendonly.aof.2.incr.aof appendonly.aof.manifest',
    );
  });

  it('INFO persistence and CONFIG GET show the same AOF fields and directives as redis-server', async () => {
    const seen: Record<string, unknown> = {};
    for (const engine of ['builtin', 'redis'] as const) {
      for (const appendonly of ['yes', 'no']) {
        const node = await start(engine, tempDir(), { appendonly });
        const names = Object.keys(await persistenceInfo(node.c)).filter((name) => name.startsWith('aof_'));
        const config = (await node.c.config('GET', '*aof*')) as string[];
        const more = (await node.c.config('GET', 'append*')) as string[];
        const pairs = (list: string[]) => Object.fromEntries(list.flatMap((v, i) => (i % 2 === 0 ? [[v, list[i + 1]]] : [])));
        seen[`${engine}/${appendonly}`] = { names, config: pairs(config), more: pairs(more) };
        await stop(node);
      }
    }
    for (const appendonly of ['yes', 'no']) {
      const ours = seen[`builtin/${appendonly}`] as { names: string[]; config: Record<string, string>; more: Record<string, string> };
      const theirs = seen[`redis/${appendonly}`] as typeof ours;
      expect(ours.names).toEqual(theirs.names);
      // aof_rewrite_cpulist is a fork-only directive we do not have.
      delete theirs.config.aof_rewrite_cpulist;
      expect(ours.config).toEqual(theirs.config);
      expect(ours.more).toEqual(theirs.more);
    }
  });

  it('a malformed manifest stops the start in both engines with the same message', async () => {
    const dir = tempDir();
    const writer = await start('builtin', dir);
    await writer.c.set('k', 'v');
    await stop(writer);
    appendFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof.1.incr.aof seq 1 type i\n');
    for (const engine of ['builtin', 'redis'] as const) {
      const refused = await startExpectingExit(engine, dir, { appendonly: 'yes' });
      expect(refused.code, engine).toBe(1);
      expect(refused.log, engine).toContain('*** FATAL AOF MANIFEST FILE ERROR ***');
      expect(refused.log, engine).toContain("Reading the manifest file, at line 3");
      expect(refused.log, engine).toContain(">>> 'file appendonly.aof.1.incr.aof seq 1 type i'");
      expect(refused.log, engine).toContain('Found a non-monotonic sequence number');
    }
  });

  it('an old-style appendonly.aof (RDB preamble + tail) is migrated into the directory as redis-server does', async () => {
    const source = await start('builtin', tempDir(), { appendonly: 'no' });
    await workload(source.c, 'a');
    expect(await source.c.call('SAVE')).toBe('OK');
    const rdb = readFileSync(join(source.n.dir, 'dump.rdb'));
    await stop(source);
    const tail = '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$4\r\ntail\r\n$1\r\n1\r\n';
    const results: Record<string, { digest: unknown; manifest: string; files: string[] }> = {};
    for (const engine of ['builtin', 'redis'] as const) {
      const dir = tempDir();
      writeFileSync(join(dir, 'appendonly.aof'), Buffer.concat([rdb, Buffer.from(tail, 'latin1')]));
      const node = await start(engine, dir);
      expect(await node.c.get('tail')).toBe('1');
      results[engine] = {
        digest: await node.c.call('DEBUG', 'DIGEST'),
        manifest: manifestOf(dir),
        files: readdirSync(join(dir, 'appendonlydir')).sort(),
      };
      const log = node.n.log();
      expect(log).toContain('Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir).');
      expect(log).toContain('Reading RDB preamble from AOF file...');
      expect(log).toContain('Reading the remaining AOF tail...');
      await stop(node);
    }
    expect(results.builtin).toEqual(results.redis);
    expect(results.builtin!.manifest).toBe('file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  });

  it("a replica's AOF holds its master's dataset after a full sync and the stream after it", async () => {
    const master = await start('builtin', tempDir(), { appendonly: 'no' });
    await workload(master.c, 'a');
    const dir = tempDir();
    const replica = await start('builtin', dir, { replicaof: `127.0.0.1 ${master.n.port}` });
    await waitFor(async () => (await replica.c.info('replication')).includes('master_link_status:up'), { message: 'the replica link' });
    await workload(master.c, 'b');
    await master.c.set('last', '1');
    await waitFor(async () => (await replica.c.get('last')) === '1', { message: 'the stream to reach the replica' });
    await waitRewriteDone(replica.c, 1);
    const digest = await master.c.call('DEBUG', 'DIGEST');
    expect(await replica.c.call('DEBUG', 'DIGEST')).toBe(digest);
    await stop(replica);
    await stop(master);
    // Started alone on its files: the AOF (base written after the sync + the stream) is the dataset.
    const alone = await start('builtin', dir);
    expect(await alone.c.call('DEBUG', 'DIGEST')).toBe(digest);
    await stop(alone);
  });

  it('a torn tail loads under aof-load-truncated yes and is refused under no, as in redis-server', async () => {
    for (const engine of ['builtin', 'redis'] as const) {
      const dir = tempDir();
      const writer = await start(engine, dir, { appendfsync: 'always' });
      await workload(writer.c, 'a');
      const digest = await writer.c.call('DEBUG', 'DIGEST');
      await stop(writer);
      const incr = join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
      const size = statSync(incr).size;
      appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$5\r\nval');

      for (const reader of ['builtin', 'redis'] as const) {
        const refused = await startExpectingExit(reader, dir, { appendonly: 'yes', 'aof-load-truncated': 'no' });
        expect(refused.code, `${engine} -> ${reader}`).toBe(1);
        expect(refused.log, `${engine} -> ${reader}`).toContain(
          'Unexpected end of file reading the append only file appendonly.aof.1.incr.aof. You can: ' +
            '1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. ' +
            "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.",
        );
      }
      const loaded = await start(engine === 'builtin' ? 'redis' : 'builtin', dir, { 'aof-load-truncated': 'yes' });
      const log = loaded.n.log();
      expect(log).toContain('!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!');
      expect(log).toContain(`!!! Truncating the AOF appendonly.aof.1.incr.aof at offset ${size} !!!`);
      expect(log).toContain('AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled');
      expect(await loaded.c.call('DEBUG', 'DIGEST')).toBe(digest);
      expect(await loaded.c.exists('torn')).toBe(0);
      await stop(loaded);
      expect(statSync(incr).size).toBe(size);
    }
  });
});
