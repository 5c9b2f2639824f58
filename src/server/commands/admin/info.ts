// INFO [section ...]: Redis 7.0's sections, in Redis's order whatever order they are asked in;
// `default`, `all`, `everything` as genInfoSectionDict. RESP2 bulk string, RESP3 verbatim string.

import { VerbatimReply, type Reply } from '../../../shared/resp/reply.js';
import type { Server } from '../../server.js';
import { persistenceInfoSection } from '../../persistence/info.js';
import { replicationInfoSection } from '../../replication/info.js';
import { faultsInfoSection } from '../../faults/faults.js';
import { clusterConfirmOf } from '../../cluster/confirm-writes.js';
import {
  clientsSection,
  commandStatsSection,
  cpuSection,
  errorStatsSection,
  keyspaceSection,
  memorySection,
  serverSection,
  statsSection,
} from './info-sections.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

interface Section {
  /** The name INFO takes as argument. */
  name: string;
  /** The `# Title` line. */
  title: string;
  /** Part of `INFO` / `INFO default`. */
  isDefault: boolean;
  lines(server: Server): string[];
}

function lostWritesSection(server: Server): string[] {
  const ledger = server.replication?.ledger ?? { events: 0, commands: 0, missingBytes: 0 };
  return [
    `lost_writes_events:${ledger.events}`,
    `lost_writes_commands:${ledger.commands}`,
    `lost_writes_missing_bytes:${ledger.missingBytes}`,
  ];
}

function fencingSection(server: Server): string[] {
  const replication = server.replication;
  if (!replication) return [];
  return [
    ...replication.fence.infoLines(),
    `fence_confirm_writes:${server.config.bool('fence-confirm-writes') ? 1 : 0}`,
    `fence_confirm_rounds:${replication.confirmRounds.started}`,
    `fence_held_replies:${replication.confirmHold.heldTotal}`,
    `fence_holding_replies:${replication.confirmHold.size}`,
    ...clusterConfirmLines(server),
    `sync_replicas:${server.config.num('sync-replicas')}`,
    `sync_acked_offset:${replication.ackedWriteOffset}`,
    // The empty-restart guard (replication/empty-restart/): clusterctl status names it.
    `empty_restart_refusing:${replication.emptyRestart?.refusing && !server.isReplica ? 1 : 0}`,
    `empty_restart_why:${replication.emptyRestart?.refusing && !server.isReplica ? replication.emptyRestart.why : ''}`,
  ];
}

/** cluster-confirm-writes (cluster/confirm-writes.ts), in cluster mode. */
function clusterConfirmLines(server: Server): string[] {
  const confirm = clusterConfirmOf(server);
  if (!confirm) return [];
  return [
    `cluster_confirm_writes:${server.config.bool('cluster-confirm-writes') ? 1 : 0}`,
    `cluster_confirm_rounds:${confirm.roundsStarted}`,
    `cluster_held_replies:${confirm.heldTotal}`,
    `cluster_holding_replies:${confirm.size}`,
    `cluster_unknown_replies:${confirm.unknownTotal}`,
  ];
}

const SECTIONS: readonly Section[] = [
  { name: 'server', title: 'Server', isDefault: true, lines: serverSection },
  { name: 'clients', title: 'Clients', isDefault: true, lines: clientsSection },
  { name: 'memory', title: 'Memory', isDefault: true, lines: memorySection },
  { name: 'persistence', title: 'Persistence', isDefault: true, lines: persistenceInfoSection },
  { name: 'stats', title: 'Stats', isDefault: true, lines: statsSection },
  { name: 'replication', title: 'Replication', isDefault: true, lines: replicationInfoSection },
  { name: 'cpu', title: 'CPU', isDefault: true, lines: cpuSection },
  { name: 'modules', title: 'Modules', isDefault: true, lines: () => [] },
  { name: 'commandstats', title: 'Commandstats', isDefault: false, lines: commandStatsSection },
  { name: 'errorstats', title: 'Errorstats', isDefault: true, lines: errorStatsSection },
  { name: 'latencystats', title: 'Latencystats', isDefault: false, lines: () => [] },
  { name: 'cluster', title: 'Cluster', isDefault: true, lines: (server) => [`cluster_enabled:${server.config.bool('cluster-enabled') ? 1 : 0}`] },
  { name: 'keyspace', title: 'Keyspace', isDefault: true, lines: keyspaceSection },
  // clusterctl's own: writes this node held that a new master never had (replication/ledger.ts).
  { name: 'lostwrites', title: 'Lostwrites', isDefault: false, lines: lostWritesSection },
  // clusterctl's own: self-fencing and sync-replicas state, read by our sentinels (replication/fence.ts).
  { name: 'fencing', title: 'Fencing', isDefault: false, lines: fencingSection },
  // clusterctl's own: active FAULT PARTITION rules and the links they hold (faults/faults.ts).
  { name: 'faults', title: 'Faults', isDefault: false, lines: faultsInfoSection },
  // clusterctl's own: each PSYNC answered, partial (bytes from the backlog) or full and why (replication/resync-log.ts).
  { name: 'resyncs', title: 'Resyncs', isDefault: false, lines: (server) => server.replication?.resyncs.infoLines() ?? ['resync_log_next_seq:1'] },
];

/** The section names an INFO call selects; unknown names select nothing (Redis replies empty). */
export function selectSections(names: readonly string[]): Set<string> {
  const wanted = new Set<string>();
  const requested = names.length === 0 ? ['default'] : names.map((n) => n.toLowerCase());
  for (const name of requested) {
    if (name === 'default') {
      for (const section of SECTIONS) if (section.isDefault) wanted.add(section.name);
    } else if (name === 'all' || name === 'everything') {
      for (const section of SECTIONS) wanted.add(section.name);
    } else {
      wanted.add(name);
    }
  }
  return wanted;
}

/** The INFO text for the given arguments (also what a sentinel or replica would parse). */
export function infoText(server: Server, names: readonly string[]): string {
  const wanted = selectSections(names);
  const parts: string[] = [];
  for (const section of SECTIONS) {
    if (!wanted.has(section.name)) continue;
    const lines = [`# ${section.title}`, ...section.lines(server)];
    parts.push(lines.map((line) => `${line}\r\n`).join(''));
  }
  return parts.join('\r\n');
}

function info(ctx: CommandContext, args: string[]): Reply {
  return new VerbatimReply(infoText(ctx.server, args.slice(1)));
}

export const infoCommands: CommandSpec[] = [
  command('info', -1, ['loading', 'stale'], info, undefined, { summary: 'Get information and statistics about the server' }),
];
