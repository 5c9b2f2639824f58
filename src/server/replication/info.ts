// The `# Replication` section of INFO (protocol doc 6.2/6.3). SEED: a master without a backlog;
// the replication module replaces it with the live state.

import type { Server } from '../server.js';

export function replicationInfoSection(server: Server): string[] {
  void server;
  return [
    'role:master',
    'connected_slaves:0',
    'master_failover_state:no-failover',
    `master_replid:${server.runId}`,
    'master_replid2:0000000000000000000000000000000000000000',
    'master_repl_offset:0',
    'second_repl_offset:-1',
    'repl_backlog_active:0',
    'repl_backlog_size:1048576',
    'repl_backlog_first_byte_offset:0',
    'repl_backlog_histlen:0',
  ];
}
