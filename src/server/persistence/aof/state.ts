// The append-only file's run-time state per server (Redis keeps it in server.aof_*): whether AOF is
// on, the open incremental file, the buffer of propagated commands not yet written, the sizes the
// auto-rewrite rule compares, the running or scheduled rewrite, and INFO's counters.

import type { Server } from '../../server.js';
import type { SnapshotHandle } from '../snapshot.js';
import { emptyManifest, type Manifest } from './manifest.js';

/** Redis aof_state: AOF_OFF, AOF_ON, AOF_WAIT_REWRITE (turned on, the first base not written yet). */
export type AofStatus = 'off' | 'on' | 'wait-rewrite';

export interface AofRewrite {
  handle: SnapshotHandle;
  /** ms (clock) when it started, for aof_current_rewrite_time_sec. */
  startedAt: number;
  /** The temp base file, in `dir` (temp-rewriteaof-bg-<pid>.aof as Redis names it). */
  tempPath: string;
  cancel(): void;
}

export interface AofState {
  status: AofStatus;
  /** The incremental file being appended to (-1: none). */
  fd: number;
  manifest: Manifest;
  /** db of the last SELECT written (Redis aof_selected_db); -1 forces one. */
  selectedDb: number;
  /** Propagated commands not yet written (Redis aof_buf), latin1 text = bytes. */
  buffer: string[];
  bufferLength: number;
  /** Sizes: all base+incr files (aof_current_size), after the last rewrite (aof_rewrite_base_size). */
  currentSize: number;
  baseSize: number;
  /** Bytes written to the current incr file, and how many of them are known fsynced. */
  lastIncrSize: number;
  lastIncrFsyncOffset: number;
  /** Unix seconds of the last fsync (everysec syncs at most once per second). */
  lastFsyncSec: number;
  /** Background fsyncs (everysec) not finished yet (aof_pending_bio_fsync). */
  pendingFsyncs: number;
  /** Chains fsync/close of an fd so a close never races a background fsync. */
  fsyncChain: Promise<void>;
  delayedFsync: number;
  /** Unix seconds since when an everysec write waits for a background fsync (0: not waiting). */
  postponedSince: number;
  lastWriteOk: boolean;
  /** errno code of the last failed write or background fsync (aof_last_write_errno), for -MISCONF. */
  lastWriteErrno: string;
  /** A background fsync failed and none succeeded since (aof_bio_fsync_status). */
  bioFsyncFailed: boolean;
  /** Unix seconds of the last `#TS:` annotation (aof-timestamp-enabled). */
  lastTimestampSec: number;
  /** A write or flush is queued for the next event-loop turn. */
  flushQueued: boolean;
  rewrite: AofRewrite | null;
  rewriteScheduled: boolean;
  lastRewriteTimeSec: number;
  lastBgrewriteOk: boolean;
  rewrites: number;
  consecutiveFailures: number;
  /** aofRewriteLimited's back-off: current delay in minutes and the unix second it ends (0: none). */
  limitDelayMin: number;
  limitUntilSec: number;
}

const states = new WeakMap<Server, AofState>();

export function aofState(server: Server): AofState {
  let state = states.get(server);
  if (!state) {
    state = {
      status: 'off',
      fd: -1,
      manifest: emptyManifest(),
      selectedDb: -1,
      buffer: [],
      bufferLength: 0,
      currentSize: 0,
      baseSize: 0,
      lastIncrSize: 0,
      lastIncrFsyncOffset: 0,
      lastFsyncSec: 0,
      pendingFsyncs: 0,
      fsyncChain: Promise.resolve(),
      delayedFsync: 0,
      postponedSince: 0,
      lastWriteOk: true,
      lastWriteErrno: '',
      bioFsyncFailed: false,
      lastTimestampSec: 0,
      flushQueued: false,
      rewrite: null,
      rewriteScheduled: false,
      lastRewriteTimeSec: -1,
      lastBgrewriteOk: true,
      rewrites: 0,
      consecutiveFailures: 0,
      limitDelayMin: 0,
      limitUntilSec: 0,
    };
    states.set(server, state);
  }
  return state;
}
