// SAVE, BGSAVE, LASTSAVE, the save-point schedule, shutdown saving, DEBUG RELOAD, loading at start
// and INFO persistence, on a unit server writing RDB files into a temp directory.

import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorReply, OK, SimpleString } from '../../src/shared/resp/reply.js';
import { ListValue } from '../../src/server/keyspace/list.js';
import { checkSavePoints } from '../../src/server/persistence/background-save.js';
import { persistenceInfoSection } from '../../src/server/persistence/info.js';
import { debugReload, loadDataOnStartup, saveBeforeShutdown } from '../../src/server/persistence/install.js';
import { loadRdbBuffer } from '../../src/server/persistence/load.js';
import type { Server } from '../../src/server/server.js';
import { connect, makeServer } from '../helpers/unit-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { keyspaceOf } from './rdb-helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function serverInTempDir(directives: Record<string, string> = {}): { server: Server; dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'clusterctl-rdb-'));
  dirs.push(dir);
  const server = makeServer({ dir, save: '', ...directives });
  return { server, dir, file: join(dir, 'dump.rdb') };
}

function info(server: Server): Record<string, string> {
  return Object.fromEntries(persistenceInfoSection(server).map((line) => line.split(':') as [string, string]));
}

function loadFileInto(file: string): Server {
  const server = makeServer();
  loadRdbBuffer(server, readFileSync(file), { keepExpired: true });
  return server;
}

describe('SAVE and LASTSAVE', () => {
  it('writes dir/dbfilename, resets the change counter and is not propagated', () => {
    const { server, dir, file } = serverInTempDir();
    const stream: string[][] = [];
    server.requestPath.observe({ propagate: (_db, commands) => stream.push(...commands) });
    const c = connect(server);
    c.run('SET', 'a', '1');
    c.run('SET', 'b', '2');
    server.lastSaveTime = 1000;
    expect(info(server).rdb_changes_since_last_save).toBe('2');
    stream.length = 0;
    expect(c.run('SAVE')).toEqual(OK);
    expect(stream).toEqual([]);
    expect(keyspaceOf(loadFileInto(file))).toEqual(keyspaceOf(server));
    expect(c.run('LASTSAVE')).toBeGreaterThan(1000);
    expect(info(server)).toMatchObject({ rdb_changes_since_last_save: '0', rdb_saves: '1', rdb_last_bgsave_status: 'ok' });
    expect(readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
  });

  it('answers a bare ERR when the file cannot be written, keeping the previous file', () => {
    const { server, dir } = serverInTempDir({ dbfilename: 'sub/dump.rdb' });
    const c = connect(server);
    c.run('SET', 'a', '1');
    expect(c.run('SAVE')).toEqual(new ErrorReply('ERR'));
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('BGSAVE', () => {
  it('saves the dataset as it was when BGSAVE ran, while writes go on', async () => {
    const { server, file } = serverInTempDir();
    const c = connect(server);
    for (let i = 0; i < 3000; i++) server.db(i % 3).set(`k${i}`, i % 2 ? `v${i}` : new ListValue([`a${i}`, `b${i}`]));
    const before = keyspaceOf(server);
    expect(c.run('BGSAVE')).toEqual(new SimpleString('Background saving started'));
    expect(info(server)).toMatchObject({ rdb_bgsave_in_progress: '1', current_save_keys_total: '3000' });
    expect(c.run('BGSAVE')).toEqual(new ErrorReply('ERR Background save already in progress'));
    expect(c.run('SAVE')).toEqual(new ErrorReply('ERR Background save already in progress'));
    let writes = 0;
    await waitFor(
      () => {
        for (let i = 0; i < 20; i++, writes++) {
          c.run('SET', `k${(writes * 7) % 3000}`, `changed-${writes}`);
          c.run('SET', `new${writes}`, 'x');
        }
        return info(server).rdb_bgsave_in_progress === '0';
      },
      { interval: 0, message: 'BGSAVE to finish' },
    );
    expect(writes).toBeGreaterThan(0);
    expect(keyspaceOf(loadFileInto(file))).toEqual(before);
    const after = info(server);
    expect(after).toMatchObject({ rdb_last_bgsave_status: 'ok', rdb_saves: '1' });
    // Changes made during the save are still unsaved.
    expect(Number(after.rdb_changes_since_last_save)).toBe(writes * 2);
  });

  it('takes SCHEDULE and refuses anything else', async () => {
    const { server } = serverInTempDir();
    const c = connect(server);
    expect(c.run('BGSAVE', 'now')).toEqual(new ErrorReply('ERR syntax error'));
    expect(c.run('BGSAVE', 'SCHEDULE', 'x')).toEqual(new ErrorReply('ERR syntax error'));
    expect(c.run('BGSAVE', 'schedule')).toEqual(new SimpleString('Background saving started'));
    await waitFor(() => info(server).rdb_bgsave_in_progress === '0', { message: 'BGSAVE to finish' });
  });

  it('reports a failure in INFO', () => {
    const { server } = serverInTempDir({ dbfilename: 'missing-dir/dump.rdb' });
    expect(connect(server).run('BGSAVE')).toEqual(new ErrorReply('ERR'));
    expect(info(server).rdb_last_bgsave_status).toBe('err');
  });
});

describe('save points', () => {
  it('start a BGSAVE when enough changes are old enough (save <seconds> <changes>)', async () => {
    const { server, file } = serverInTempDir({ save: '100 3' });
    const c = connect(server);
    c.run('SET', 'a', '1');
    c.run('SET', 'b', '1');
    server.lastSaveTime = Math.floor(Date.now() / 1000) - 200;
    checkSavePoints(server, Date.now());
    expect(info(server).rdb_bgsave_in_progress).toBe('0'); // 2 changes < 3
    c.run('SET', 'c', '1');
    server.lastSaveTime = Math.floor(Date.now() / 1000) - 50;
    checkSavePoints(server, Date.now());
    expect(info(server).rdb_bgsave_in_progress).toBe('0'); // not 100 s yet
    server.lastSaveTime = Math.floor(Date.now() / 1000) - 101;
    checkSavePoints(server, Date.now());
    expect(info(server).rdb_bgsave_in_progress).toBe('1');
    await waitFor(() => existsSync(file) && info(server).rdb_bgsave_in_progress === '0', { message: 'the save' });
    expect(info(server).rdb_changes_since_last_save).toBe('0');
  });
});

describe('shutdown and DEBUG RELOAD', () => {
  it('saves before exit only with save points or SAVE, never with NOSAVE', async () => {
    const { server, file } = serverInTempDir();
    server.db(0).set('k', 'v');
    expect(await saveBeforeShutdown(server, undefined)).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(await saveBeforeShutdown(server, false)).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(await saveBeforeShutdown(server, true)).toBe(true);
    expect(keyspaceOf(loadFileInto(file))).toEqual(keyspaceOf(server));
    rmSync(file);
    server.config.set('save', ['60', '1'], 'runtime');
    expect(await saveBeforeShutdown(server, undefined)).toBe(true);
    expect(existsSync(file)).toBe(true);
  });

  it('stops a running BGSAVE first and reports a failed save', async () => {
    const { server, dir } = serverInTempDir({ dbfilename: 'x/dump.rdb' });
    expect(await saveBeforeShutdown(server, true)).toBe(false);
    const ok = serverInTempDir();
    for (let i = 0; i < 2000; i++) ok.server.db(0).set(`k${i}`, 'v');
    connect(ok.server).run('BGSAVE');
    expect(await saveBeforeShutdown(ok.server, true)).toBe(true);
    expect(info(ok.server).rdb_bgsave_in_progress).toBe('0');
    expect(readdirSync(ok.dir).sort()).toEqual(['dump.rdb']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('DEBUG RELOAD keeps the data identical', () => {
    const { server, file } = serverInTempDir();
    server.db(0).set('s', 'v');
    server.db(0).set('l', new ListValue(['1', '2']));
    server.db(2).set('t', 'x');
    server.db(2).setExpire('t', Date.now() + 100_000);
    const before = keyspaceOf(server);
    debugReload(server);
    expect(keyspaceOf(server)).toEqual(before);
    expect(existsSync(file)).toBe(true);
    expect(server.dirty).toBe(0);
  });
});

describe('loading at start', () => {
  it('does nothing without a file, loads a file and drops expired keys', async () => {
    const { server } = serverInTempDir();
    await loadDataOnStartup(server);
    expect(server.db(0).size).toBe(0);

    const source = serverInTempDir();
    source.server.db(0).set('keep', 'v');
    source.server.db(0).set('old', 'v');
    source.server.db(0).setExpire('old', Date.now() - 1);
    connect(source.server).run('SAVE');
    const fresh = makeServer({ dir: source.dir });
    await loadDataOnStartup(fresh);
    expect([...fresh.db(0).data.keys()]).toEqual(['keep']);
    expect(fresh.dirty).toBe(0);
    expect(info(fresh)).toMatchObject({ rdb_last_load_keys_loaded: '1', rdb_last_load_keys_expired: '1' });
  });

  it('fails with a message naming the file and what is wrong', async () => {
    const { server, file } = serverInTempDir();
    writeFileSync(file, Buffer.from('REDIS0010\xfe', 'latin1'));
    await expect(loadDataOnStartup(server)).rejects.toThrow(`Bad RDB file '${file}': unexpected end of data (at byte 10 of 10)`);
    writeFileSync(file, 'REDIS0012');
    await expect(loadDataOnStartup(server)).rejects.toThrow(/can't handle RDB format version '0012'/);
  });
});

describe('INFO persistence', () => {
  it('has Redis 7.0 field names in 7.0 order', () => {
    const names = persistenceInfoSection(makeServer()).map((line) => line.split(':')[0]);
    expect(names).toEqual([
      'loading', 'async_loading', 'current_cow_peak', 'current_cow_size', 'current_cow_size_age', 'current_fork_perc',
      'current_save_keys_processed', 'current_save_keys_total', 'rdb_changes_since_last_save', 'rdb_bgsave_in_progress',
      'rdb_last_save_time', 'rdb_last_bgsave_status', 'rdb_last_bgsave_time_sec', 'rdb_current_bgsave_time_sec', 'rdb_saves',
      'rdb_last_cow_size', 'rdb_last_load_keys_expired', 'rdb_last_load_keys_loaded', 'aof_enabled', 'aof_rewrite_in_progress',
      'aof_rewrite_scheduled', 'aof_last_rewrite_time_sec', 'aof_current_rewrite_time_sec', 'aof_last_bgrewrite_status',
      'aof_rewrites', 'aof_rewrites_consecutive_failures', 'aof_last_write_status', 'aof_last_cow_size',
      'module_fork_in_progress', 'module_fork_last_cow_size',
    ]);
  });
});
