// clusterctl wait: block until the cluster is healthy or synced (for CI scripts).

import { Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import type { WaitFor, WaitResult } from '../ops/status/wait.js';
import { formatDuration } from '../util/duration.js';
import { durationFlag } from '../util/duration-flag.js';

export default class Wait extends BaseCommand {
  static override summary = 'Wait until every node answers (healthy) or every replica is caught up (synced).';
  static override description = 'Exit 0 when the condition holds; exit 5 at the timeout, listing what is still wrong.';
  static override examples = ['<%= config.bin %> wait', '<%= config.bin %> wait --for healthy --timeout 10s'];
  static override flags = {
    for: Flags.string({ summary: 'Condition to wait for.', options: ['healthy', 'synced'], default: 'synced' }),
    timeout: Flags.string({ summary: 'How long to wait: 60s, 500ms, 2m.', default: '60s' }),
  };

  async run(): Promise<WaitResult> {
    const { flags } = await this.parse(Wait);
    const timeoutMs = durationFlag(flags.timeout);
    const { state } = this.openCluster(flags);
    const { waitFor } = await import('../ops/status/wait.js');
    const result = await waitFor(state, flags.for as WaitFor, timeoutMs);
    this.log(`Cluster "${state.name}" is ${result.for} (waited ${formatDuration(result.waitedMs)}).`);
    return result;
  }
}
