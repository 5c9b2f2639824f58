// Wires persistence into a server: loading `dir/dbfilename` at start, the `save` schedule, saving
// on shutdown, and DEBUG RELOAD (Redis loadDataFromDisk, serverCron, prepareForShutdown, debug.c).

import { existsSync } from 'node:fs';
import type { Server } from '../server.js';
import { cancelBackgroundSave, checkSavePoints, savePoints, saveNow } from './background-save.js';
import { loadRdbBuffer, type LoadResult } from './load.js';
import { RdbError } from './rdb-format.js';
import { rdbPath, readRdbFile, saveRdbFileSync } from './rdb-file.js';
import { persistenceState } from './state.js';
import { aofBeforeShutdown, aofEnabledAtStart, installAof, loadAofManifestOnStartup, loadAofOnStartup, openAofOnStartup } from './aof/lifecycle.js';
import { clock } from '../base/clock.js';

/** Loads `dir/dbfilename` if it exists. Throws with a clear message when the file is corrupt. */
export async function loadDataOnStartup(server: Server): Promise<void> {
  loadAofManifestOnStartup(server);
  // With appendonly yes the AOF is the source of truth and the RDB file is not read (loadDataFromDisk).
  if (aofEnabledAtStart(server)) {
    loadAofOnStartup(server);
    openAofOnStartup(server);
    server.dirty = 0;
    // The AOF's commands ran through call(): they are not the clients' commands (Redis runs them
    // with cmd->proc, outside call(), so INFO commandstats starts empty).
    server.stats.reset();
    return;
  }
  const path = rdbPath(server);
  if (!existsSync(path)) return;
  // A node configured as a replica keeps expired keys: its master will send the DELs (doc 4.14).
  const keepExpired = server.isReplica || server.config.list('replicaof').length > 0;
  loadFile(server, path, keepExpired);
  server.dirty = 0;
}

/** Reads and applies an RDB file, logging like Redis; errors name the file and what is wrong. */
function loadFile(server: Server, path: string, keepExpired: boolean, replaceExisting = false): LoadResult {
  const started = clock.now();
  let data: Buffer;
  try {
    data = readRdbFile(path);
  } catch (error) {
    throw new Error(`Can't read the RDB file '${path}': ${(error as Error).message}`);
  }
  server.loading = true;
  let result: LoadResult;
  try {
    result = loadRdbBuffer(server, data, { keepExpired, replaceExisting });
  } catch (error) {
    if (error instanceof RdbError) {
      const where = error.offset === undefined ? '' : ` (at byte ${error.offset} of ${data.length})`;
      throw new Error(`Bad RDB file '${path}': ${error.message}${where}`);
    }
    throw error;
  } finally {
    server.loading = false;
  }
  const log = server.log;
  const producer = result.aux.get('redis-ver');
  if (producer !== undefined) log.notice(`Loading RDB produced by version ${producer}`);
  const ctime = Number(result.aux.get('ctime'));
  if (Number.isFinite(ctime)) log.notice(`RDB age ${Math.max(0, Math.floor(clock.now() / 1000 - ctime))} seconds`);
  log.notice(`Done loading RDB, keys loaded: ${result.keysLoaded}, keys expired: ${result.keysExpired}.`);
  log.notice(`DB loaded from disk: ${((clock.now() - started) / 1000).toFixed(3)} seconds`);
  persistenceState(server).lastLoad = result;
  return result;
}

/** Registers the `save <seconds> <changes>` schedule with the server cron. */
export function installPersistence(server: Server): void {
  server.addCronTask((now) => checkSavePoints(server, now));
  installAof(server);
}

/** Saves synchronously-to-completion before exit when save points are configured or forced. */
export async function saveBeforeShutdown(server: Server, force: boolean | undefined): Promise<boolean> {
  // The AOF is flushed and fsynced whatever SAVE / NOSAVE say (prepareForShutdown).
  if (aofBeforeShutdown(server, false) !== undefined) return false;
  if (force === false) return true;
  // Redis prepareForShutdown: a running background save is stopped and its temp file removed.
  if (cancelBackgroundSave(server)) server.log.warning('There is a background save in progress. Stopping it!');
  if (force !== true && savePoints(server).length === 0) return true;
  server.log.notice('Saving the final RDB snapshot before exiting.');
  const error = saveNow(server);
  if (error !== undefined) {
    server.log.warning("Error trying to save the DB, can't exit.");
    return false;
  }
  return true;
}

/** DEBUG RELOAD's options: NOSAVE (load the file as it is), NOFLUSH (keep the dataset), MERGE (file wins). */
export interface ReloadOptions {
  save: boolean;
  flush: boolean;
  merge: boolean;
}

/**
 * DEBUG RELOAD (Redis debug.c): save the dataset unless NOSAVE, empty it unless NOFLUSH, load the
 * RDB back (a key already present is replaced under MERGE, refused otherwise). Throws an Error whose
 * message is logged; the caller answers Redis's reply. It should suppress propagation.
 */
export function debugReload(server: Server, options: ReloadOptions = { save: true, flush: true, merge: false }): void {
  const path = rdbPath(server);
  const state = persistenceState(server);
  if (options.save) {
    try {
      saveRdbFileSync(server, path, state.replicationAux?.());
    } catch (error) {
      throw new ReloadError('save', `Error trying to save the DB: ${(error as Error).message}`);
    }
    server.dirty = 0;
    server.lastSaveTime = Math.floor(clock.now() / 1000);
  }
  if (options.flush) for (const db of server.dbs) db.clear();
  const dirty = server.dirty;
  try {
    loadFile(server, path, server.isReplica, options.merge);
  } catch (error) {
    throw new ReloadError('load', `Error trying to load the RDB dump: ${(error as Error).message}`);
  }
  server.dirty = options.save ? 0 : dirty;
}

export class ReloadError extends Error {
  constructor(
    readonly step: 'save' | 'load',
    message: string,
  ) {
    super(message);
  }
}
