// The `# Persistence` section of INFO, with Redis 7.0's field names in its order. Fork and COW
// fields are 0: snapshots here run in-process (copy-on-write by key, see snapshot.ts).

import type { Server } from '../server.js';
import { persistenceState } from './state.js';
import { clock } from '../base/clock.js';
import { aofEnabledInfoFields, aofInfoFields, aofRewriteProgress } from './aof/info.js';

export function persistenceInfoSection(server: Server): string[] {
  const state = persistenceState(server);
  const bgsave = state.bgsave;
  const now = clock.now();
  // One background job at a time, as Redis's single child: a BGSAVE or an AOF rewrite.
  const progress = bgsave?.handle ?? aofRewriteProgress(server);
  return [
    `loading:${server.loading ? 1 : 0}`,
    'async_loading:0',
    'current_cow_peak:0',
    'current_cow_size:0',
    'current_cow_size_age:0',
    'current_fork_perc:0.00',
    `current_save_keys_processed:${progress ? progress.keysWritten : 0}`,
    `current_save_keys_total:${progress ? progress.keysTotal : 0}`,
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
    ...aofInfoFields(server),
    'module_fork_in_progress:0',
    'module_fork_last_cow_size:0',
    ...aofEnabledInfoFields(server),
  ];
}
