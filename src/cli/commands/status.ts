// clusterctl status: the cluster from live probes (role, pid, link, offsets, lag, memory, problems).

import { Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import type { StatusResult } from '../ops/status/status.js';
import type { ClusterStatusResult } from '../ops/status/cluster-status.js';
import { renderClusterStatus } from '../render/cluster-status.js';
import { dash, table } from '../render/table.js';
import { sleep } from '../util/sleep.js';

export default class Status extends BaseCommand {
  static override summary = 'Show every node from live probes: role, pid, port, link, offsets, lag, memory; and what each sentinel sees (Redis Cluster: shards, slots, cluster_state, epochs, bus links).';
  static override description =
    'Never from records alone: each node is probed (INFO). A state file whose pid now belongs to another program is reported as stale. ' +
    'Exit code 0 even when the cluster is unhealthy (read `healthy` / `synced`); use `clusterctl wait` to gate on health.';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --watch', '<%= config.bin %> status --json'];
  static override flags = {
    watch: Flags.boolean({ char: 'w', summary: 'Refresh every second until Ctrl-C (with --json: one JSON document per line on each change).' }),
    interval: Flags.integer({ summary: 'Refresh interval for --watch, in milliseconds.', default: 1000, min: 100 }),
  };

  async run(): Promise<StatusResult | ClusterStatusResult> {
    const { flags } = await this.parse(Status);
    const { state, paths } = this.openCluster(flags);
    const { clusterStatus: replicationStatus } = await import('../ops/status/status.js');
    const { clusterModeStatus } = await import('../ops/status/cluster-status.js');
    // mode: cluster has its own view (shards, slots, cluster_state); the rest is the same command.
    const clusterStatus = (s: typeof state, file: string) => (s.spec.cluster ? clusterModeStatus(s, file) : replicationStatus(s, file));
    if (!flags.watch) {
      const result = await clusterStatus(state, paths.stateFile);
      this.log(renderStatus(result));
      return result;
    }
    let previous = '';
    for (;;) {
      const result = await clusterStatus(state, paths.stateFile);
      const text = this.jsonEnabled() ? JSON.stringify(result) : renderStatus(result);
      if (text !== previous) {
        if (this.jsonEnabled()) process.stdout.write(`${text}\n`);
        else if (process.stdout.isTTY) process.stdout.write(`\x1b[H\x1b[2J${new Date().toLocaleTimeString()}  (Ctrl-C to stop)\n${text}\n`);
        else process.stdout.write(`--- ${new Date().toISOString()}\n${text}\n`);
        previous = text;
      }
      await sleep(flags.interval);
    }
  }
}

export function renderStatus(result: StatusResult | ClusterStatusResult): string {
  if ('mode' in result) return renderClusterStatus(result);
  const rows = result.nodes.map((node) => [
    node.name,
    node.role ? `${node.role}${node.roleSource === 'recorded' ? '?' : ''}${node.fenced ? ' (fenced)' : ''}` : '-',
    node.upstream ?? '-',
    String(node.port),
    dash(node.pid),
    node.process,
    dash(node.link),
    dash(node.offset),
    node.behind === null ? '-' : `${node.behind} B`,
    dash(node.memoryHuman),
  ]);
  const lines = [table(['NODE', 'ROLE', 'UPSTREAM', 'PORT', 'PID', 'PROCESS', 'LINK', 'OFFSET', 'BEHIND', 'MEM'], rows)];
  if (result.sentinels.length > 0) {
    const sentinelRows = result.sentinels.map((s) => [
      s.name,
      String(s.port),
      dash(s.pid),
      s.process,
      s.master ? `${s.master}${s.masterNode ? ` (${s.masterNode})` : ''}` : '-',
      dash(s.flags),
      dash(s.configEpoch),
      s.reachable ? `${s.replicas} replicas, ${s.otherSentinels} sentinels` : '-',
    ]);
    lines.push(table(['SENTINEL', 'PORT', 'PID', 'PROCESS', 'MASTER', 'FLAGS', 'EPOCH', 'SEES'], sentinelRows));
  }
  if (result.nodes.some((node) => node.roleSource === 'recorded')) lines.push('(role? = from the records: the node is paused or does not report INFO)');
  const verdict = result.healthy ? (result.synced === false ? 'healthy, replicas catching up' : 'healthy') : 'NOT healthy';
  lines.push(`Cluster "${result.cluster}" (${result.engine}): ${verdict}.`);
  for (const problem of result.problems) lines.push(`  ! ${problem}`);
  return lines.join('\n');
}
