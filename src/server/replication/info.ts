// The `# Replication` section of INFO with the fields and order of Redis 7.0 (protocol doc 6.2,
// 6.3): sentinels, clusterctl and other tools parse it, so it is a contract.

import type { Server } from '../server.js';
import { clock } from '../base/clock.js';

export function replicationInfoSection(server: Server): string[] {
  const replication = server.replication;
  if (!replication) return ['role:master', 'connected_slaves:0'];
  const { identity, backlog } = replication;
  const link = replication.role.masterLink;
  const lines: string[] = [];
  const now = clock.now();
  if (link) {
    lines.push('role:slave', `master_host:${link.host}`, `master_port:${link.port}`);
    lines.push(`master_link_status:${link.linkUp ? 'up' : 'down'}`);
    lines.push(`master_last_io_seconds_ago:${link.linkUp ? Math.floor((now - link.lastIo) / 1000) : -1}`);
    lines.push(`master_sync_in_progress:${link.state === 'sync' ? 1 : 0}`);
    lines.push(`slave_read_repl_offset:${link.linkUp ? link.readOffset : identity.masterReplOffset}`);
    lines.push(`slave_repl_offset:${identity.masterReplOffset}`);
    if (link.state === 'sync') {
      const total = link.syncTotalBytes;
      lines.push(
        `master_sync_total_bytes:${total}`,
        `master_sync_read_bytes:${link.syncReadBytes}`,
        `master_sync_left_bytes:${total < 0 ? -1 : total - link.syncReadBytes}`,
        `master_sync_perc:${total > 0 ? ((link.syncReadBytes * 100) / total).toFixed(2) : '0.00'}`,
        `master_sync_last_io_seconds_ago:${Math.floor((now - link.lastIo) / 1000)}`,
      );
    }
    if (!link.linkUp) {
      lines.push(`master_link_down_since_seconds:${link.downSince <= 0 ? -1 : Math.floor((now - link.downSince) / 1000)}`);
    }
    lines.push(`slave_priority:${server.config.num('replica-priority')}`);
    lines.push(`slave_read_only:${server.config.bool('replica-read-only') ? 1 : 0}`);
    lines.push(`replica_announced:${server.config.bool('replica-announced') ? 1 : 0}`);
  } else {
    lines.push('role:master');
  }
  const links = [...replication.links];
  lines.push(`connected_slaves:${links.length}`);
  if (server.config.num('min-replicas-to-write') > 0 && server.config.num('min-replicas-max-lag') > 0) {
    lines.push(`min_slaves_good_slaves:${replication.goodReplicas(now)}`);
  }
  links.forEach((l, i) => {
    const lag = l.state === 'online' ? Math.floor((now - l.ackTime) / 1000) : 0;
    lines.push(`slave${i}:ip=${l.ip},port=${l.port},state=${l.state},offset=${l.ackOffset},lag=${lag}`);
  });
  lines.push(`master_failover_state:${replication.failover.state}`);
  lines.push(`master_replid:${identity.replid}`, `master_replid2:${identity.replid2}`);
  lines.push(`master_repl_offset:${identity.masterReplOffset}`, `second_repl_offset:${identity.secondReplOffset}`);
  lines.push(`repl_backlog_active:${backlog ? 1 : 0}`);
  lines.push(`repl_backlog_size:${server.config.num('repl-backlog-size')}`);
  lines.push(`repl_backlog_first_byte_offset:${backlog ? backlog.firstByteOffset : 0}`);
  lines.push(`repl_backlog_histlen:${backlog ? backlog.histlen : 0}`);
  return lines;
}
