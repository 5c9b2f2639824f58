// The `# Persistence` section of INFO, with Redis 7.0's field names in its order. Fork and COW
// fields are 0: snapshots here run in-process (copy-on-write by key, see snapshot.ts).

import type { Server } from '../server.js';
import { persistenceState } from './state.js';
import { clock } from '../base/clock.js';

export function persistenceInfoSection(server: Server): string[] {
  const state = persistenceState(server);
  const bgsave = state.bgsave;
  const now = clock.now();
  return [
    `loading:${server.loading ? 1 : 0}`,
    'async_loading:0',
    'current_cow_peak:0',
    'current_cow_size:0',
    'current_cow_size_age:0',
    'current_fork_perc:0.00',
    `current_save_keys_processed:${bgsave ? bgsave.handle.keysWritten : 0}`,
    `current_save_keys_total:${bgsave ? bgsave.handle.keysTotal : 0}`,
    `rdb_changes_since_last_save:${server.dirty}`,
    `rdb_bgsave_in_progress:${bgsave ? 1 : 0}`,
    `rdb_last_save_time:${server.lastSaveTime}`,
    `rdb_last_bgsave_status:${state.lastBgsaveOk ? 'ok' : 'err'}`,
    `rdb_last_bgsave_time_sec:${state.lastBgsaveTimeSec}`,
    `rdb_current_bgsave_time_sec:${bgsave ? Math.round((now - bgsave.startedAt) / 1000) : -1}`,
    `rdb_saves:${state.rdbSaves}`,
    'rdb_last_cow_size:0',
    `rdb_last_load_keys_expired:${state.lastLoad?.keysExpired ?? 0}`,
    `rdb_last_load_keys_loaded:${state.lastLoad?.keysLoaded ?? 0}`,
    'aof_enabled:0',
    'aof_rewrite_in_progress:0',
    'aof_rewrite_scheduled:0',
    'aof_last_rewrite_time_sec:-1',
    'aof_current_rewrite_time_sec:-1',
    'aof_last_bgrewrite_status:ok',
    'aof_rewrites:0',
    'aof_rewrites_consecutive_failures:0',
    'aof_last_write_status:ok',
    'aof_last_cow_size:0',
    'module_fork_in_progress:0',
    'module_fork_last_cow_size:0',
  ];
}
