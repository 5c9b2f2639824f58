// BGREWRITEAOF without fork (Redis rewriteAppendOnlyFileBackground + backgroundRewriteDoneHandler):
// at one instant the buffer is flushed, a new incremental file is opened (and listed in the
// manifest) and a point-in-time snapshot starts (snapshot.ts: sliced, copy-on-write by key, so the
// event loop is never held for the whole dataset). Every write after that instant goes to the new
// incremental file; when the snapshot's RDB is complete it becomes the new base and the older base
// and incremental files become history and are deleted.

import { closeSync, fsync, openSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from '../../server.js';
import { clock } from '../../base/clock.js';
import { writeAll } from '../rdb-file.js';
import { startSnapshot } from '../snapshot.js';
import { aofFormatWriter } from './aof-format-writer.js';
import { backgroundFsync, flushAof } from './feed.js';
import { aofFileSize, aofFilename, aofPath, deleteHistoryFiles, ensureAofDir, openIncr, persistManifest, removeQuietly, workDir } from './files.js';
import { addNewBase, addNewIncr, copyManifest, markRewrittenIncrsAsHistory, tempIncrName, type Manifest } from './manifest.js';
import { aofState, type AofState } from './state.js';

/** aof-rewrite-incremental-fsync: fsync the new base every 4 MB (REDIS_AUTOSYNC_BYTES). */
const AUTOSYNC_BYTES = 4 * 1024 * 1024;

/** Starts a rewrite now; the caller checked none is running. 'failed' is logged already. */
export function startRewrite(server: Server): 'started' | 'failed' {
  const state = aofState(server);
  try {
    ensureAofDir(server);
  } catch (error) {
    server.log.warning(`Can't open or create append-only dir ${server.config.str('appenddirname')}: ${(error as Error).message}`);
    state.lastBgrewriteOk = false;
    return 'failed';
  }
  state.selectedDb = -1;
  flushAof(server, true);
  if (!openNewIncrForRewrite(server, state)) {
    state.lastBgrewriteOk = false;
    return 'failed';
  }
  state.rewrites++;
  const tempPath = join(workDir(server), `temp-rewriteaof-bg-${process.pid}.aof`);
  let fd: number;
  try {
    fd = openSync(tempPath, 'w', 0o644);
  } catch (error) {
    // Redis's child fails here and the parent sees a failed rewrite (exit code 1).
    server.log.warning(`Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): ${(error as Error).message}`);
    state.lastBgrewriteOk = false;
    state.consecutiveFailures++;
    return 'failed';
  }
  let unsynced = 0;
  let cancelled = false;
  let closed = false;
  // The chunk being written: a cancel closes the fd only after it (a closed fd number may be reused).
  let inflight: Promise<void> = Promise.resolve();
  const closeOnce = (): void => {
    if (closed) return;
    closed = true;
    try {
      closeSync(fd);
    } catch {
      // Nothing left to release.
    }
  };
  // The base's format is fixed at the rewrite's start (Redis's child reads aof-use-rdb-preamble then).
  const rdbPreamble = server.config.bool('aof-use-rdb-preamble');
  const handle = startSnapshot(server, {
    aofBase: true,
    writer: rdbPreamble ? undefined : aofFormatWriter(server),
    onChunk: (chunk) => {
      inflight = (async () => {
        await writeAll(fd, chunk);
        unsynced += chunk.length;
        if (unsynced >= AUTOSYNC_BYTES && server.config.bool('aof-rewrite-incremental-fsync')) {
          unsynced = 0;
          await new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
        }
      })();
      return inflight;
    },
    onDone: () =>
      fsync(fd, (error) => {
        closeOnce();
        if (cancelled) return;
        if (error) rewriteFailed(server, error);
        else rewriteDone(server, rdbPreamble);
      }),
    onError: (error) => {
      closeOnce();
      if (!cancelled) rewriteFailed(server, error);
    },
  });
  const cancel = (): void => {
    cancelled = true;
    handle.abort();
    void inflight.catch(() => {}).finally(() => {
      closeOnce();
      removeQuietly(tempPath);
    });
  };
  state.rewrite = { handle, startedAt: clock.now(), tempPath, cancel };
  state.rewriteScheduled = false;
  server.log.notice(`Background append only file rewriting started by pid ${process.pid}`);
  return 'started';
}

/**
 * The incremental file that takes the writes from the rewrite's instant on (openNewIncrAofForAppend):
 * listed in the manifest at once, or, while AOF is being turned on, a temp file renamed at the end.
 */
function openNewIncrForRewrite(server: Server, state: AofState): boolean {
  if (state.status === 'off') return true;
  const filename = aofFilename(server);
  let next: Manifest | undefined;
  let name: string;
  if (state.status === 'wait-rewrite') {
    name = tempIncrName(filename);
  } else {
    next = copyManifest(state.manifest);
    name = addNewIncr(next, filename);
  }
  let fd: number;
  try {
    fd = openIncr(server, name, true);
    if (next) persistManifest(server, next);
  } catch (error) {
    server.log.warning(`Can't open the append-only file ${name}: ${(error as Error).message}`);
    return false;
  }
  server.log.notice(`Creating AOF incr file ${name} on background rewrite`);
  if (state.fd !== -1) backgroundFsync(server, state, state.fd, true);
  state.lastFsyncSec = Math.floor(clock.now() / 1000);
  state.fd = fd;
  state.lastIncrSize = 0;
  state.lastIncrFsyncOffset = 0;
  if (next) state.manifest = next;
  return true;
}

function rewriteDone(server: Server, rdbPreamble: boolean): void {
  const state = aofState(server);
  const rewrite = state.rewrite!;
  server.log.notice(`Successfully created the temporary AOF base file ${rewrite.tempPath}`);
  server.log.notice('Background AOF rewrite terminated with success');
  const filename = aofFilename(server);
  const next = copyManifest(state.manifest);
  const baseName = addNewBase(next, filename, rdbPreamble);
  try {
    renameSync(rewrite.tempPath, aofPath(server, baseName));
    server.log.notice(`Successfully renamed the temporary AOF base file ${rewrite.tempPath} into ${baseName}`);
    if (state.status === 'wait-rewrite') {
      const incrName = addNewIncr(next, filename);
      renameSync(aofPath(server, tempIncrName(filename)), aofPath(server, incrName));
      server.log.notice(`Successfully renamed the temporary AOF incr file ${tempIncrName(filename)} into ${incrName}`);
    }
    markRewrittenIncrsAsHistory(next, state.fd !== -1);
    persistManifest(server, next);
  } catch (error) {
    server.log.warning(`Error trying to install the rewritten AOF: ${(error as Error).message}`);
    removeQuietly(aofPath(server, baseName));
    rewriteFailed(server, error as Error);
    return;
  }
  state.manifest = next;
  if (state.status !== 'off') {
    state.currentSize = (aofFileSize(server, baseName) ?? 0) + state.lastIncrSize;
    state.baseSize = state.currentSize;
  }
  deleteHistoryFiles(server, state.manifest);
  state.lastBgrewriteOk = true;
  state.consecutiveFailures = 0;
  server.log.notice('Background AOF rewrite finished successfully');
  if (state.status === 'wait-rewrite') state.status = 'on';
  ended(state);
}

function rewriteFailed(server: Server, error: Error): void {
  const state = aofState(server);
  server.log.warning(`Background AOF rewrite terminated with error: ${error.message}`);
  state.lastBgrewriteOk = false;
  state.consecutiveFailures++;
  if (state.rewrite) removeQuietly(state.rewrite.tempPath);
  if (state.status === 'wait-rewrite') {
    // The commands gathered for the temp incr file are useless without a base: try again.
    state.buffer = [];
    state.bufferLength = 0;
    const temp = tempIncrName(aofFilename(server));
    server.log.notice(`Removing the temp incr aof file ${temp} in the background`);
    removeQuietly(aofPath(server, temp));
    state.rewriteScheduled = true;
  }
  ended(state);
}

function ended(state: AofState): void {
  if (state.rewrite) state.lastRewriteTimeSec = Math.floor((clock.now() - state.rewrite.startedAt) / 1000);
  state.rewrite = null;
}

/** Stops a running rewrite and removes its temp file (killAppendOnlyChild). */
export function cancelRewrite(server: Server): boolean {
  const state = aofState(server);
  if (!state.rewrite) return false;
  server.log.notice(`Killing running AOF rewrite child: ${process.pid}`);
  state.rewrite.cancel();
  state.rewrite = null;
  return true;
}

/**
 * Cron: a scheduled rewrite, or an automatic one when the AOF grew by auto-aof-rewrite-percentage
 * over its size after the last rewrite and is above auto-aof-rewrite-min-size (serverCron).
 */
export function checkRewrite(server: Server): void {
  const state = aofState(server);
  if (state.rewrite) return;
  if (state.rewriteScheduled) {
    if (!rewriteLimited(server, state)) startRewrite(server);
    return;
  }
  const percentage = server.config.num('auto-aof-rewrite-percentage');
  if (state.status !== 'on' || percentage === 0) return;
  if (state.currentSize <= server.config.num('auto-aof-rewrite-min-size')) return;
  const base = state.baseSize || 1;
  const growth = Math.floor((state.currentSize * 100) / base) - 100;
  if (growth >= percentage && !rewriteLimited(server, state)) {
    server.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
    startRewrite(server);
  }
}

/** After 3 failures in a row, automatic rewrites wait 1, 2, 4 ... up to 60 minutes (aofRewriteLimited). */
function rewriteLimited(server: Server, state: AofState): boolean {
  if (state.consecutiveFailures < 3) {
    state.limitDelayMin = 0;
    state.limitUntilSec = 0;
    return false;
  }
  const now = Math.floor(clock.now() / 1000);
  if (state.limitUntilSec !== 0) {
    if (now < state.limitUntilSec) return true;
    state.limitUntilSec = 0;
    return false;
  }
  state.limitDelayMin = Math.min(state.limitDelayMin === 0 ? 1 : state.limitDelayMin * 2, 60);
  state.limitUntilSec = now + state.limitDelayMin * 60;
  server.log.warning(
    `Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${state.limitDelayMin} minutes`,
  );
  return true;
}
