// Saving the dataset to `dir/dbfilename`: SAVE (blocking), BGSAVE (sliced snapshot, Redis
// rdbSaveBackground + backgroundSaveDoneHandler) and the `save <seconds> <changes>` points the cron
// checks (Redis serverCron). Keeps server.dirty / lastSaveTime / lastSaveOk as Redis does.

import type { Server } from '../server.js';
import { rdbPath, saveRdbFileSync, startFileSave } from './rdb-file.js';
import { persistenceState } from './state.js';
import { aofState } from './aof/state.js';
import { clock } from '../base/clock.js';

/** Redis CONFIG_BGSAVE_RETRY_DELAY: after a failed automatic BGSAVE, wait before trying again. */
const BGSAVE_RETRY_DELAY_MS = 5000;

/** SAVE: writes the file now. Returns an error message (already logged) or undefined. */
export function saveNow(server: Server): string | undefined {
  const state = persistenceState(server);
  try {
    saveRdbFileSync(server, rdbPath(server), state.replicationAux?.());
  } catch (error) {
    const message = `Failed saving the DB: ${(error as Error).message}`;
    server.log.warning(message);
    return message;
  }
  server.log.notice('DB saved on disk');
  server.dirty = 0;
  server.lastSaveTime = Math.floor(clock.now() / 1000);
  server.lastSaveOk = true;
  state.lastBgsaveOk = true;
  state.rdbSaves++;
  return undefined;
}

/** BGSAVE: fixes the snapshot instant now and writes the file in slices. */
export function startBackgroundSave(server: Server): 'started' | 'in-progress' | 'failed' {
  const state = persistenceState(server);
  if (state.bgsave) return 'in-progress';
  state.lastBgsaveTry = clock.now();
  const startedAt = clock.now();
  const dirtyAtStart = server.dirty;
  let save: ReturnType<typeof startFileSave>;
  try {
    save = startFileSave(
      server,
      rdbPath(server),
      {
        onDone: (stats) => {
          state.bgsave = null;
          server.log.notice(`DB saved on disk (${stats.keys} keys, ${stats.copiedKeys} copied on write)`);
          server.log.notice('Background saving terminated with success');
          // Changes made while the snapshot ran are not in it (Redis: dirty - dirty_before_bgsave).
          server.dirty = Math.max(0, server.dirty - dirtyAtStart);
          server.lastSaveTime = Math.floor(clock.now() / 1000);
          finished(server, startedAt, true);
        },
        onError: (error) => {
          state.bgsave = null;
          server.log.warning(`Background saving error: ${error.message}`);
          finished(server, startedAt, false);
        },
      },
      state.replicationAux?.(),
    );
  } catch (error) {
    server.log.warning(`Can't save in background: ${(error as Error).message}`);
    finished(server, startedAt, false);
    return 'failed';
  }
  state.bgsave = { handle: save.handle, startedAt, tempPath: save.tempPath, dirtyAtStart, cancel: save.cancel };
  server.log.notice(`Background saving started by pid ${process.pid}`);
  return 'started';
}

function finished(server: Server, startedAt: number, ok: boolean): void {
  const state = persistenceState(server);
  state.lastBgsaveOk = ok;
  server.lastSaveOk = ok;
  state.lastBgsaveTimeSec = Math.round((clock.now() - startedAt) / 1000);
  if (ok) state.rdbSaves++;
}

/** Stops a running BGSAVE and removes its temp file (SHUTDOWN, FLUSHALL do this in Redis). */
export function cancelBackgroundSave(server: Server): boolean {
  const state = persistenceState(server);
  if (!state.bgsave) return false;
  state.bgsave.cancel();
  state.bgsave = null;
  return true;
}

/** The configured save points as [seconds, changes] pairs. */
export function savePoints(server: Server): [number, number][] {
  const words = server.config.list('save');
  const points: [number, number][] = [];
  for (let i = 0; i + 1 < words.length; i += 2) points.push([Number(words[i]), Number(words[i + 1])]);
  return points;
}

/** Cron: start a BGSAVE when a save point is reached (Redis serverCron). */
export function checkSavePoints(server: Server, now: number): void {
  const state = persistenceState(server);
  // Redis runs one child at a time: no save point fires while an AOF rewrite runs.
  if (state.bgsave || aofState(server).rewrite) return;
  if (state.bgsaveScheduled && (state.lastBgsaveOk || now - state.lastBgsaveTry > BGSAVE_RETRY_DELAY_MS)) {
    if (startBackgroundSave(server) === 'started') state.bgsaveScheduled = false;
    return;
  }
  const elapsed = now / 1000 - server.lastSaveTime;
  for (const [seconds, changes] of savePoints(server)) {
    if (server.dirty >= changes && elapsed > seconds && (state.lastBgsaveOk || now - state.lastBgsaveTry > BGSAVE_RETRY_DELAY_MS)) {
      server.log.notice(`${changes} changes in ${seconds} seconds. Saving...`);
      startBackgroundSave(server);
      return;
    }
  }
}

/**
 * What FLUSHALL does to persistence in Redis (flushAllDataAndResetRDB): a running BGSAVE is
 * stopped, and with save points configured the now empty dataset is saved at once. For the
 * FLUSHALL handler to call after emptying the dbs; it then counts its own change (dirty++).
 */
export function afterFlushAll(server: Server): void {
  cancelBackgroundSave(server);
  if (savePoints(server).length > 0) saveNow(server);
}
