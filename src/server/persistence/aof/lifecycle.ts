// Turning the AOF on and off, and its place in the server's life (Redis aof.c + server.c): load at
// start when `appendonly yes` (the AOF then takes precedence over the RDB file), open the last
// incremental file (creating a base first when starting empty: aofOpenIfNeededOnServerStart),
// CONFIG SET appendonly yes|no at run time (startAppendOnly / stopAppendOnly), the cron's part
// (scheduled and automatic rewrites, everysec fsync while idle, retrying a failed write), and the
// flush + fsync at shutdown (prepareForShutdown).

import { closeSync, fsyncSync, openSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from '../../server.js';
import { clock } from '../../base/clock.js';
import { ConfigError } from '../../config/config.js';
import { writeAllSync } from '../rdb-file.js';
import { persistenceState } from '../state.js';
import { writeRdbSync } from '../snapshot-sync.js';
import { writeAofFormatSync } from './aof-format-writer.js';
import { flushAof } from './feed.js';
import { aofFileSize, aofFilename, aofPath, deleteHistoryFiles, ensureAofDir, openIncr, persistManifest, removeQuietly, workDir } from './files.js';
import { AofFatalError, loadAppendOnlyFiles, loadManifestFromDisk } from './load.js';
import { addNewBase, lastIncrName } from './manifest.js';
import { cancelRewrite, checkRewrite, startRewrite } from './rewrite.js';
import { aofState } from './state.js';

export { AofFatalError } from './load.js';

/** Whether the AOF is configured on at start (server.aof_state = aof_enabled ? AOF_ON : AOF_OFF). */
export function aofEnabledAtStart(server: Server): boolean {
  return server.config.bool('appendonly');
}

/**
 * Reads the manifest at start whether or not the AOF is on (Redis main() calls
 * aofLoadManifestFromDisk first): turning it on later goes on from its sequence numbers, and a
 * malformed manifest stops the start either way. Throws AofFatalError (already logged).
 */
export function loadAofManifestOnStartup(server: Server): void {
  aofState(server).manifest = loadManifestFromDisk(server);
}

/**
 * Start-up with `appendonly yes`: load base + incremental files. Throws AofFatalError (already
 * logged) when Redis would exit(1).
 */
export function loadAofOnStartup(server: Server): void {
  const state = aofState(server);
  state.status = 'on';
  const started = clock.now();
  const { status, totalSize, baseSize } = loadAppendOnlyFiles(server, state.manifest);
  if (status === 'failed' || status === 'open-err') throw new AofFatalError('Fatal error loading the append only file (see the log)');
  if (status !== 'not-exist') {
    server.log.notice(`DB loaded from append only file: ${((clock.now() - started) / 1000).toFixed(3)} seconds`);
  }
  state.currentSize = totalSize;
  state.baseSize = baseSize;
}

/**
 * After loading (aofOpenIfNeededOnServerStart + aofDelHistoryFiles): with no base and no incremental
 * file a base is written now from the (empty or RDB-loaded) dataset, then the last incremental file
 * is opened for appending and the manifest saved. Throws AofFatalError where Redis exits.
 */
export function openAofOnStartup(server: Server): void {
  const state = aofState(server);
  if (state.status !== 'on') return;
  const fatal = (message: string): never => {
    server.log.warning(message);
    throw new AofFatalError(message);
  };
  try {
    ensureAofDir(server);
  } catch (error) {
    fatal(`Can't open or create append-only dir ${server.config.str('appenddirname')}: ${(error as Error).message}`);
  }
  const filename = aofFilename(server);
  const hadIncrs = state.manifest.incrs.length > 0;
  if (!state.manifest.base && !hadIncrs) {
    const rdbPreamble = server.config.bool('aof-use-rdb-preamble');
    const baseName = addNewBase(state.manifest, filename, rdbPreamble);
    try {
      writeBaseFileSync(server, aofPath(server, baseName), rdbPreamble);
    } catch (error) {
      fatal(`Write error writing append only file on disk: ${(error as Error).message}`);
    }
    server.log.notice(`Creating AOF base file ${baseName} on server start`);
  }
  const incrName = lastIncrName(state.manifest, filename);
  try {
    state.fd = openIncr(server, incrName, false);
  } catch (error) {
    fatal(`Can't open the append-only file ${incrName}: ${(error as Error).message}`);
  }
  try {
    persistManifest(server, state.manifest);
  } catch (error) {
    fatal(`Can't persist the AOF manifest: ${(error as Error).message}`);
  }
  state.lastIncrSize = aofFileSize(server, incrName) ?? 0;
  state.lastIncrFsyncOffset = state.lastIncrSize;
  server.log.notice(`${hadIncrs ? 'Opening' : 'Creating'} AOF incr file ${incrName} on server start`);
  if (!server.config.bool('aof-disable-auto-gc')) deleteHistoryFiles(server, state.manifest);
}

/**
 * A base file written in one go (rewriteAppendOnlyFile): through a temp file in `dir`, fsynced,
 * then renamed into place.
 */
function writeBaseFileSync(server: Server, path: string, rdbPreamble: boolean): void {
  const temp = join(workDir(server), `temp-rewriteaof-${process.pid}.aof`);
  const fd = openSync(temp, 'w', 0o644);
  try {
    const sink = (chunk: Buffer): void => writeAllSync(fd, chunk);
    if (rdbPreamble) writeRdbSync(server, sink, undefined, true);
    else writeAofFormatSync(server, sink);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    removeQuietly(temp);
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
}

/** CONFIG SET appendonly yes (startAppendOnly): the first base is written by a rewrite. */
export function startAppendOnly(server: Server): boolean {
  const state = aofState(server);
  state.status = 'wait-rewrite';
  if (persistenceState(server).bgsave) {
    state.rewriteScheduled = true;
    server.log.warning(
      'AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.',
    );
  } else if (server.currentClient?.multi != null) {
    // Inside EXEC (Redis server.in_exec): the client's queue is running.
    state.rewriteScheduled = true;
    server.log.warning('AOF was enabled during a transaction. An AOF background was scheduled to start when possible.');
  } else {
    if (state.rewrite) {
      server.log.warning(
        'AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.',
      );
      cancelRewrite(server);
    }
    if (startRewrite(server) === 'failed') {
      state.status = 'off';
      server.log.warning(
        "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.",
      );
      return false;
    }
  }
  state.lastFsyncSec = Math.floor(clock.now() / 1000);
  if (state.bioFsyncFailed) {
    server.log.warning('AOF reopen, just ignore the AOF fsync error in bio job');
    state.bioFsyncFailed = false;
  }
  if (!state.lastWriteOk) {
    server.log.warning('AOF reopen, just ignore the last error.');
    state.lastWriteOk = true;
  }
  return true;
}

/** CONFIG SET appendonly no (stopAppendOnly): flush, fsync, close, stop a running rewrite. */
export function stopAppendOnly(server: Server): void {
  const state = aofState(server);
  flushAof(server, true);
  if (state.fd !== -1) {
    try {
      fsyncSync(state.fd);
      state.lastFsyncSec = Math.floor(clock.now() / 1000);
    } catch (error) {
      server.log.warning(`Fail to fsync the AOF file: ${(error as Error).message}`);
    }
    const fd = state.fd;
    // A background fsync of this fd may still be queued: close after it.
    state.fsyncChain = state.fsyncChain.then(() => closeQuietly(fd));
  }
  state.fd = -1;
  state.selectedDb = -1;
  state.status = 'off';
  state.rewriteScheduled = false;
  state.lastIncrSize = 0;
  state.lastIncrFsyncOffset = 0;
  cancelRewrite(server);
  state.buffer = [];
  state.bufferLength = 0;
}

/**
 * Shutdown (prepareForShutdown): a rewrite is stopped, except that the first one after turning
 * the AOF on must finish unless the shutdown is forced; the buffer is written and fsynced.
 * Returns an error message when the shutdown must not go on.
 */
export function aofBeforeShutdown(server: Server, force: boolean): string | undefined {
  const state = aofState(server);
  if (state.rewrite) {
    if (state.status === 'wait-rewrite') {
      if (!force) {
        server.log.warning("Writing initial AOF, can't exit.");
        return 'Writing initial AOF';
      }
      server.log.warning('Writing initial AOF. Exit anyway.');
    }
    server.log.warning('There is a child rewriting the AOF. Killing it!');
    cancelRewrite(server);
  }
  if (state.status !== 'off' && state.fd !== -1) {
    server.log.notice('Calling fsync() on the AOF file.');
    flushAof(server, true);
    try {
      fsyncSync(state.fd);
    } catch (error) {
      server.log.warning(`Fail to fsync the AOF file: ${(error as Error).message}.`);
    }
  }
  return undefined;
}

/** Registers the AOF's cron work and the appendonly / aof-disable-auto-gc listeners. */
export function installAof(server: Server): void {
  const state = aofState(server);
  server.config.onChange('appendonly', (value) => {
    if (value === false && state.status !== 'off') stopAppendOnly(server);
    else if (value === true && state.status === 'off' && !startAppendOnly(server)) {
      throw new ConfigError('Unable to turn on AOF. Check server logs.');
    }
  });
  server.config.onChange('aof-disable-auto-gc', (value) => {
    if (value === false) deleteHistoryFiles(server, state.manifest);
  });
  let lastRetrySec = 0;
  server.addCronTask((now) => {
    if (!persistenceState(server).bgsave) checkRewrite(server);
    if (state.status === 'off') return;
    // everysec: fsync what was written during an idle second (flushAppendOnlyFile with an empty
    // buffer); a postponed write (background fsync slow) or a failed one is tried again.
    const sec = Math.floor(now / 1000);
    if (!state.lastWriteOk) {
      if (sec !== lastRetrySec) {
        lastRetrySec = sec;
        flushAof(server, false);
      }
    } else {
      flushAof(server, false);
    }
  });
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing to release.
  }
}
