// The INFO sections this module computes itself (Redis server.c genRedisInfoString field names and
// order). `# Persistence` and `# Replication` come from their owners' modules; see info.ts.

import { arch, machine, release, totalmem, type } from 'node:os';
import { resolve } from 'node:path';
import type { Server } from '../../server.js';
import { REDIS_COMPAT_VERSION } from '../../base/version.js';
import { clock } from '../../base/clock.js';
import { migrateCacheOf } from '../../migrate/migrate-run.js';
import { backlogBytes, peakMemory, STARTUP_MEMORY, usedMemory } from '../../maxmemory/used-memory.js';

/** Where the program was started from, resolved before main.ts changes directory to `dir`. */
const EXECUTABLE = resolve(process.argv[1] ?? process.execPath);

export function serverSection(server: Server): string[] {
  const now = clock.now();
  const uptime = Math.floor((now - server.startedAt) / 1000);
  const hz = server.config.num('hz');
  return [
    `redis_version:${REDIS_COMPAT_VERSION}`,
    'redis_git_sha1:00000000',
    'redis_git_dirty:0',
    'redis_build_id:0',
    'redis_mode:standalone',
    `os:${type()} ${release()} ${machine()}`,
    `arch_bits:${arch().endsWith('64') ? 64 : 32}`,
    'monotonic_clock:POSIX clock_gettime',
    'multiplexing_api:epoll',
    'atomicvar_api:c11-builtin',
    'gcc_version:0.0.0',
    `process_id:${process.pid}`,
    'process_supervised:no',
    `run_id:${server.runId}`,
    `tcp_port:${server.port}`,
    `server_time_usec:${Math.round((performance.timeOrigin + performance.now()) * 1000)}`,
    `uptime_in_seconds:${uptime}`,
    `uptime_in_days:${Math.floor(uptime / 86400)}`,
    `hz:${hz}`,
    `configured_hz:${hz}`,
    `lru_clock:${Math.floor(now / 1000) & 0xffffff}`,
    `executable:${EXECUTABLE}`,
    `config_file:${server.config.file ?? ''}`,
    'io_threads_active:0',
  ];
}

export function clientsSection(server: Server): string[] {
  let replicas = 0;
  let inTimeoutTable = 0;
  for (const client of server.clients.values()) {
    if (client.isReplica) replicas++;
    if (client.blocked !== null && client.blocked.deadline > 0) inTimeoutTable++;
  }
  return [
    // Redis counts every connection except the replicas attached to it.
    `connected_clients:${server.clients.size - replicas}`,
    'cluster_connections:0',
    `maxclients:${server.config.num('maxclients')}`,
    'client_recent_max_input_buffer:0',
    'client_recent_max_output_buffer:0',
    `blocked_clients:${server.blocking.blockedCount}`,
    `tracking_clients:${server.tracking.clientCount}`,
    `clients_in_timeout_table:${inTimeoutTable}`,
  ];
}

/** Redis bytesToHuman: B below 1 KiB, then K/M/G/T/P with two decimals. */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let scaled = n / 1024;
  for (const unit of units) {
    if (scaled < 1024 || unit === 'P') return `${scaled.toFixed(2)}${unit}`;
    scaled /= 1024;
  }
  return `${n}B`;
}

/**
 * What MEMORY STATS reports beside INFO memory: used_memory, its peak and startup figure by our
 * accounting (maxmemory/used-memory.ts: what maxmemory is enforced against), and the process's own.
 */
export function memoryFigures(server: Server): { used: number; peak: number; startup: number; usage: NodeJS.MemoryUsage } {
  return { used: usedMemory(server), peak: peakMemory(server), startup: STARTUP_MEMORY, usage: process.memoryUsage() };
}

/** Ratios as Redis prints them (two decimals). */
const ratio = (a: number, b: number) => (a / Math.max(1, b)).toFixed(2);

export function memorySection(server: Server): string[] {
  const { used, peak, usage } = memoryFigures(server);
  const dataset = server.memory.total();
  const maxmemory = server.config.num('maxmemory');
  const system = totalmem();
  return [
    `used_memory:${used}`,
    `used_memory_human:${bytesToHuman(used)}`,
    `used_memory_rss:${usage.rss}`,
    `used_memory_rss_human:${bytesToHuman(usage.rss)}`,
    `used_memory_peak:${peak}`,
    `used_memory_peak_human:${bytesToHuman(peak)}`,
    `used_memory_peak_perc:${((used / peak) * 100).toFixed(2)}%`,
    `used_memory_overhead:${used - dataset}`,
    `used_memory_startup:${STARTUP_MEMORY}`,
    `used_memory_dataset:${dataset}`,
    `used_memory_dataset_perc:${((dataset / Math.max(1, used)) * 100).toFixed(2)}%`,
    `allocator_allocated:${used}`,
    `allocator_active:${usage.heapTotal + usage.external}`,
    `allocator_resident:${usage.rss}`,
    `total_system_memory:${system}`,
    `total_system_memory_human:${bytesToHuman(system)}`,
    'used_memory_lua:0',
    'used_memory_vm_eval:0',
    'used_memory_lua_human:0B',
    'used_memory_scripts_eval:0',
    'number_of_cached_scripts:0',
    'number_of_functions:0',
    'number_of_libraries:0',
    'used_memory_vm_functions:0',
    'used_memory_vm_total:0',
    'used_memory_vm_total_human:0B',
    'used_memory_functions:0',
    'used_memory_scripts:0',
    'used_memory_scripts_human:0B',
    `maxmemory:${maxmemory}`,
    `maxmemory_human:${bytesToHuman(maxmemory)}`,
    `maxmemory_policy:${server.config.str('maxmemory-policy')}`,
    `allocator_frag_ratio:${ratio(usage.heapTotal + usage.external, used)}`,
    `allocator_frag_bytes:${usage.heapTotal - usage.heapUsed}`,
    `allocator_rss_ratio:${ratio(usage.rss, usage.heapTotal + usage.external)}`,
    `allocator_rss_bytes:${usage.rss - usage.heapTotal - usage.external}`,
    'rss_overhead_ratio:1.00',
    'rss_overhead_bytes:0',
    `mem_fragmentation_ratio:${ratio(usage.rss, used)}`,
    `mem_fragmentation_bytes:${usage.rss - used}`,
    'mem_not_counted_for_evict:0',
    `mem_replication_backlog:${backlogBytes(server)}`,
    'mem_total_replication_buffers:0',
    'mem_clients_slaves:0',
    'mem_clients_normal:0',
    'mem_cluster_links:0',
    'mem_aof_buffer:0',
    'mem_allocator:libc',
    'active_defrag_running:0',
    'lazyfree_pending_objects:0',
    'lazyfreed_objects:0',
  ];
}

export function statsSection(server: Server): string[] {
  const s = server.stats;
  // The current period over maxmemory counts in the total too, as Redis prints them.
  const exceeded = s.evictionExceededSince > 0 ? clock.monotonic() - s.evictionExceededSince : 0;
  return [
    `total_connections_received:${s.totalConnections}`,
    `total_commands_processed:${s.totalCommands}`,
    `instantaneous_ops_per_sec:${s.instantaneousOps}`,
    `total_net_input_bytes:${s.netInputBytes}`,
    `total_net_output_bytes:${s.netOutputBytes}`,
    'total_net_repl_input_bytes:0',
    'total_net_repl_output_bytes:0',
    'instantaneous_input_kbps:0.00',
    'instantaneous_output_kbps:0.00',
    'instantaneous_input_repl_kbps:0.00',
    'instantaneous_output_repl_kbps:0.00',
    `rejected_connections:${s.rejectedConnections}`,
    `sync_full:${s.syncFull}`,
    `sync_partial_ok:${s.syncPartialOk}`,
    `sync_partial_err:${s.syncPartialErr}`,
    `expired_keys:${s.expiredKeys}`,
    'expired_stale_perc:0.00',
    'expired_time_cap_reached_count:0',
    'expire_cycle_cpu_milliseconds:0',
    `evicted_keys:${s.evictedKeys}`,
    'evicted_clients:0',
    `total_eviction_exceeded_time:${Math.floor(s.evictionExceededTotalMs + exceeded)}`,
    `current_eviction_exceeded_time:${Math.floor(exceeded)}`,
    `keyspace_hits:${s.keyspaceHits}`,
    `keyspace_misses:${s.keyspaceMisses}`,
    `pubsub_channels:${server.pubsub.channels.size}`,
    `pubsub_patterns:${server.pubsub.patterns.size}`,
    `pubsubshard_channels:${server.pubsub.shardChannels.size}`,
    'latest_fork_usec:0',
    'total_forks:0',
    `migrate_cached_sockets:${migrateCacheOf(server).size}`,
    'slave_expires_tracked_keys:0',
    'active_defrag_hits:0',
    'active_defrag_misses:0',
    'active_defrag_key_hits:0',
    'active_defrag_key_misses:0',
    'total_active_defrag_time:0',
    'current_active_defrag_time:0',
    `tracking_total_keys:${server.tracking.totalKeys}`,
    `tracking_total_items:${server.tracking.items}`,
    `tracking_total_prefixes:${server.tracking.totalPrefixes}`,
    'unexpected_error_replies:0',
    `total_error_replies:${s.errorReplies}`,
    'dump_payload_sanitizations:0',
    `total_reads_processed:${s.totalCommands}`,
    `total_writes_processed:${s.totalCommands}`,
    'io_threaded_reads_processed:0',
    'io_threaded_writes_processed:0',
    'reply_buffer_shrinks:0',
    'reply_buffer_expands:0',
  ];
}

export function cpuSection(): string[] {
  const cpu = process.cpuUsage();
  const sys = (cpu.system / 1e6).toFixed(6);
  const user = (cpu.user / 1e6).toFixed(6);
  return [
    `used_cpu_sys:${sys}`,
    `used_cpu_user:${user}`,
    'used_cpu_sys_children:0.000000',
    'used_cpu_user_children:0.000000',
    `used_cpu_sys_main_thread:${sys}`,
    `used_cpu_user_main_thread:${user}`,
  ];
}

export function commandStatsSection(server: Server): string[] {
  const lines: string[] = [];
  for (const [name, entry] of server.stats.commandCalls) {
    const perCall = entry.calls === 0 ? 0 : entry.usec / entry.calls;
    lines.push(
      `cmdstat_${name}:calls=${entry.calls},usec=${entry.usec},usec_per_call=${perCall.toFixed(2)},` +
        `rejected_calls=${entry.rejected ?? 0},failed_calls=${entry.failed}`,
    );
  }
  return lines;
}

export function errorStatsSection(server: Server): string[] {
  return [...server.stats.errorCodes].map(([code, count]) => `errorstat_${code}:count=${count}`);
}

/** How many expiring keys avg_ttl samples: Redis estimates it too, and INFO must stay cheap. */
const AVG_TTL_SAMPLE = 64;

export function keyspaceSection(server: Server): string[] {
  const now = clock.now();
  const lines: string[] = [];
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    let sampled = 0;
    let total = 0;
    for (const when of db.expires.values()) {
      if (sampled === AVG_TTL_SAMPLE) break;
      if (when > now) {
        total += when - now;
        sampled++;
      }
    }
    const avg = sampled === 0 ? 0 : Math.round(total / sampled);
    lines.push(`db${db.id}:keys=${db.size},expires=${db.expires.size},avg_ttl=${avg}`);
  }
  return lines;
}
