// The `# Persistence` section of INFO. SEED: the persistence owner fills in rdb_* fields.

import type { Server } from '../server.js';

export function persistenceInfoSection(server: Server): string[] {
  return [
    `loading:${server.loading ? 1 : 0}`,
    'async_loading:0',
    `rdb_changes_since_last_save:${server.dirty}`,
    'rdb_bgsave_in_progress:0',
    `rdb_last_save_time:${server.lastSaveTime}`,
    `rdb_last_bgsave_status:${server.lastSaveOk ? 'ok' : 'err'}`,
    'aof_enabled:0',
  ];
}
