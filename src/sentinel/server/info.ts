// INFO on a sentinel: the server, clients, cpu, stats and sentinel sections (protocol doc 8.1), with
// the fields tools read (`redis_mode:sentinel`, `run_id`, `tcp_port`, the `# Sentinel` master lines).

import { cpuUsage, uptime } from 'node:process';
import { shownHost } from '../core/address.js';
import type { SentinelHost } from './host.js';

const VERSION = '7.0.15';
const DEFAULT_SECTIONS = ['server', 'clients', 'cpu', 'stats', 'sentinel'];

export function infoText(host: SentinelHost, requested: string[]): string {
  const wanted = new Set(requested.map((s) => s.toLowerCase()));
  const all = wanted.size === 0 || wanted.has('default') || wanted.has('all') || wanted.has('everything');
  const sections: string[] = [];
  for (const name of DEFAULT_SECTIONS) {
    if (!all && !wanted.has(name)) continue;
    sections.push(SECTIONS[name]!(host));
  }
  return sections.join('\r\n');
}

const SECTIONS: Record<string, (host: SentinelHost) => string> = {
  server: (host) =>
    lines('Server', {
      redis_version: VERSION,
      redis_mode: 'sentinel',
      server_name: 'clusterctl-sentinel',
      os: `${process.platform} ${process.arch}`,
      arch_bits: 64,
      process_id: process.pid,
      run_id: host.runId,
      tcp_port: host.core.settings.port,
      uptime_in_seconds: Math.floor((Date.now() - host.startedAt) / 1000),
      uptime_in_days: Math.floor((Date.now() - host.startedAt) / 86_400_000),
      hz: 10,
      configured_hz: 10,
      executable: process.argv[1] ?? '',
      config_file: host.configPath,
    }),
  clients: (host) =>
    lines('Clients', {
      connected_clients: host.clients.size,
      cluster_connections: 0,
      maxclients: 10000,
      blocked_clients: 0,
      tracking_clients: 0,
      clients_in_timeout_table: 0,
    }),
  cpu: () => {
    const usage = cpuUsage();
    return lines('CPU', {
      used_cpu_sys: (usage.system / 1e6).toFixed(6),
      used_cpu_user: (usage.user / 1e6).toFixed(6),
      used_cpu_sys_children: '0.000000',
      used_cpu_user_children: '0.000000',
      process_uptime_seconds: Math.floor(uptime()),
    });
  },
  stats: (host) =>
    lines('Stats', {
      total_connections_received: host.stats.connectionsReceived,
      total_commands_processed: host.stats.commandsProcessed,
      pubsub_channels: host.hub.channelCount,
      pubsub_patterns: host.hub.patternCount,
    }),
  sentinel: (host) => {
    const core = host.core;
    const fields: Record<string, string | number> = {
      sentinel_masters: core.masters.size,
      sentinel_tilt: core.tilt ? 1 : 0,
      sentinel_tilt_since_seconds: core.tilt ? Math.floor((Date.now() - core.tiltStart) / 1000) : -1,
      sentinel_running_scripts: core.scripts.running,
      sentinel_scripts_queue_length: core.scripts.jobs.length,
      sentinel_simulate_failure_flags: core.simFailure,
    };
    let index = 0;
    for (const master of core.masters.values()) {
      const status = master.odown ? 'odown' : master.sdown ? 'sdown' : 'ok';
      fields[`master${index++}`] =
        `name=${master.name},status=${status},address=${shownHost(core, master)}:${master.port},` +
        `slaves=${master.replicas.size},sentinels=${master.sentinels.size + 1}`;
    }
    return lines('Sentinel', fields);
  },
};

function lines(title: string, fields: Record<string, string | number>): string {
  return `# ${title}\r\n${Object.entries(fields)
    .map(([k, v]) => `${k}:${v}\r\n`)
    .join('')}`;
}
