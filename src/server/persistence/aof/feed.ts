// Feeding the AOF (Redis feedAppendOnlyFile + flushAppendOnlyFile): every propagated execution unit
// is appended to a buffer in the replication stream's form (SELECT when the db changes, MULTI/EXEC
// around two or more commands), written to the incremental file before replies go out, and fsynced
// by the `appendfsync` policy: `always` before the reply, `everysec` in the background at most once
// a second, `no` never (the kernel decides).

import { close, fsync, fsyncSync } from 'node:fs';
import { encodeCommand } from '../../../shared/resp/encoder.js';
import type { PropagationObserver } from '../../request/request-path.js';
import { unitCommandText } from '../../request/unit-text.js';
import type { Server } from '../../server.js';
import { clock } from '../../base/clock.js';
import { writeAllSync } from '../rdb-file.js';
import { aofState, type AofState } from './state.js';

const MULTI = encodeCommand(['MULTI']);
const EXEC = encodeCommand(['EXEC']);

/** The AOF as a propagation observer, registered in main.ts wireRequestPath(). */
export function aofObserver(server: Server): PropagationObserver {
  // Read once here, not per write: the state object and the timestamp switch (kept current).
  const state = aofState(server);
  let timestamps = server.config.bool('aof-timestamp-enabled');
  server.config.onChange('aof-timestamp-enabled', (value) => (timestamps = value as boolean));
  return {
    propagate(dbId, commands, commandDbs) {
      // Redis: feeding stops while the log is off, and while AOF waits for its first base only a
      // running rewrite's new incremental file takes commands.
      if (state.status === 'off' || server.loading) return;
      if (state.status === 'wait-rewrite' && state.rewrite === null) return;
      let text = (timestamps ? timestamp(state) : '') + selectText(state, dbId);
      const wrap = commands.length > 1;
      if (wrap) text += MULTI;
      for (let i = 0; i < commands.length; i++) {
        if (commandDbs) text += selectText(state, commandDbs[i]!);
        // The replication stream usually encoded this command already: reuse its text.
        text += unitCommandText(commands, i);
      }
      if (wrap) text += EXEC;
      append(server, state, text);
    },
  };
}

function selectText(state: AofState, dbId: number): string {
  if (dbId === state.selectedDb) return '';
  state.selectedDb = dbId;
  return encodeCommand(['SELECT', String(dbId)]);
}

/** `#TS:<unix seconds>` once per second when aof-timestamp-enabled (genAofTimestampAnnotationIfNeeded). */
function timestamp(state: AofState): string {
  const now = Math.floor(clock.now() / 1000);
  if (state.lastTimestampSec >= now) return '';
  state.lastTimestampSec = now;
  return `#TS:${now}\r\n`;
}

function append(server: Server, state: AofState, text: string): void {
  state.buffer.push(text);
  state.bufferLength += text.length;
  // Writes outside a client's request (expiry DELs, the cron) have no before-reply hook: flush on
  // the next turn of the event loop, as Redis's beforeSleep does.
  if (!state.flushQueued) {
    state.flushQueued = true;
    setImmediate(() => flushAof(server, false));
  }
}

/** The request path's before-replies hook: cheap when nothing was fed since the last flush. */
export function flushAofBeforeReplies(server: Server): void {
  if (aofState(server).bufferLength > 0) flushAof(server, false);
}

/**
 * Writes the buffer to the incremental file and applies the fsync policy (flushAppendOnlyFile).
 * `force`: write even while a background fsync runs (everysec normally postpones up to 2 s).
 */
export function flushAof(server: Server, force: boolean): void {
  const state = aofState(server);
  state.flushQueued = false;
  if (state.fd === -1) return;
  const policy = server.config.str('appendfsync');
  if (state.bufferLength === 0) {
    if (state.lastIncrFsyncOffset !== state.lastIncrSize) syncByPolicy(server, state, policy);
    return;
  }
  if (policy === 'everysec' && !force && state.pendingFsyncs > 0 && postponed(server, state)) return;
  const data = Buffer.from(state.buffer.length === 1 ? state.buffer[0]! : state.buffer.join(''), 'latin1');
  try {
    writeAllSync(state.fd, data);
  } catch (error) {
    writeFailed(server, state, policy, error as Error);
    return;
  }
  if (!state.lastWriteOk) server.log.warning('AOF write error looks solved, Redis can write again.');
  state.lastWriteOk = true;
  state.postponedSince = 0;
  state.buffer = [];
  state.bufferLength = 0;
  state.currentSize += data.length;
  state.lastIncrSize += data.length;
  syncByPolicy(server, state, policy);
}

/** everysec with a background fsync still running: wait up to 2 s, then write anyway (and count it). */
function postponed(server: Server, state: AofState): boolean {
  const now = Math.floor(clock.now() / 1000);
  if (state.postponedSince === 0) {
    state.postponedSince = now;
    return true;
  }
  if (now - state.postponedSince < 2) return true;
  state.delayedFsync++;
  server.log.notice(
    'Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.',
  );
  return false;
}

function writeFailed(server: Server, state: AofState, policy: string, error: Error): void {
  server.log.warning(`Error writing to the AOF file: ${error.message}`);
  if (policy === 'always') {
    server.log.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
    process.exit(1);
  }
  // The buffer is kept: the cron tries again (Redis retries every second); meanwhile writes are
  // refused with -MISCONF (persistence/disk-error-check.ts).
  state.lastWriteOk = false;
  state.lastWriteErrno = (error as NodeJS.ErrnoException).code ?? 'EIO';
}

function syncByPolicy(server: Server, state: AofState, policy: string): void {
  // no-appendfsync-on-rewrite: no fsync while a rewrite writes its base (the disk is busy).
  if (server.config.bool('no-appendfsync-on-rewrite') && state.rewrite !== null) return;
  const now = Math.floor(clock.now() / 1000);
  if (policy === 'always') {
    try {
      fsyncSync(state.fd);
    } catch (error) {
      server.log.warning(`Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${(error as Error).message}. Exiting...`);
      process.exit(1);
    }
    state.lastIncrFsyncOffset = state.lastIncrSize;
    state.lastFsyncSec = now;
  } else if (policy === 'everysec' && now > state.lastFsyncSec) {
    if (state.pendingFsyncs === 0) {
      backgroundFsync(server, state, state.fd, false);
      state.lastIncrFsyncOffset = state.lastIncrSize;
    }
    state.lastFsyncSec = now;
  }
}

/**
 * fsync (and optionally close) `fd` on libuv's thread pool, like Redis's bio thread. Chained, so a
 * close never runs while an earlier fsync of the same fd is still in flight.
 */
export function backgroundFsync(server: Server, state: AofState, fd: number, closeAfter: boolean): void {
  state.pendingFsyncs++;
  state.fsyncChain = state.fsyncChain.then(
    () =>
      new Promise<void>((resolve) => {
        fsync(fd, (error) => {
          state.pendingFsyncs--;
          // Redis's bio thread records the outcome (aof_bio_fsync_status): a failure refuses writes
          // until a later fsync succeeds.
          if (error) {
            server.log.warning(`Fail to fsync the AOF file: ${error.message}`);
            state.bioFsyncFailed = true;
            state.lastWriteErrno = error.code ?? 'EIO';
          } else {
            state.bioFsyncFailed = false;
          }
          if (closeAfter) close(fd, () => {});
          resolve();
        });
      }),
  );
}
