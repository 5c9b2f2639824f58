// The aof_* fields of INFO persistence, in Redis 7.0's order (server.c genRedisInfoString): the
// common ones always, the sizes and buffer ones only while `appendonly` is yes (server.aof_enabled).
// aof_last_cow_size is 0: the rewrite runs in-process (copy-on-write by key, snapshot.ts).

import type { Server } from '../../server.js';
import { clock } from '../../base/clock.js';
import { aofState } from './state.js';

export function aofInfoFields(server: Server): string[] {
  const state = aofState(server);
  const rewrite = state.rewrite;
  const fields = [
    `aof_enabled:${state.status !== 'off' ? 1 : 0}`,
    `aof_rewrite_in_progress:${rewrite ? 1 : 0}`,
    `aof_rewrite_scheduled:${state.rewriteScheduled ? 1 : 0}`,
    `aof_last_rewrite_time_sec:${state.lastRewriteTimeSec}`,
    `aof_current_rewrite_time_sec:${rewrite ? Math.floor((clock.now() - rewrite.startedAt) / 1000) : -1}`,
    `aof_last_bgrewrite_status:${state.lastBgrewriteOk ? 'ok' : 'err'}`,
    `aof_rewrites:${state.rewrites}`,
    `aof_rewrites_consecutive_failures:${state.consecutiveFailures}`,
    `aof_last_write_status:${state.lastWriteOk && !state.bioFsyncFailed ? 'ok' : 'err'}`,
    'aof_last_cow_size:0',
  ];
  return fields;
}

/** The fields Redis adds after module_fork_* when appendonly is yes. */
export function aofEnabledInfoFields(server: Server): string[] {
  if (!server.config.bool('appendonly')) return [];
  const state = aofState(server);
  return [
    `aof_current_size:${state.currentSize}`,
    `aof_base_size:${state.baseSize}`,
    `aof_pending_rewrite:${state.rewriteScheduled ? 1 : 0}`,
    `aof_buffer_length:${state.bufferLength}`,
    `aof_pending_bio_fsync:${state.pendingFsyncs}`,
    `aof_delayed_fsync:${state.delayedFsync}`,
  ];
}

/** The running rewrite's progress, for current_save_keys_processed / _total. */
export function aofRewriteProgress(server: Server): { keysWritten: number; keysTotal: number } | undefined {
  return aofState(server).rewrite?.handle;
}
