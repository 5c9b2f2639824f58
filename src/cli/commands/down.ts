// clusterctl down: stop every process of the cluster; keep its data unless --purge.

import { Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import type { DownResult } from '../ops/node-control/down.js';
import { clusterPaths, defaultRoot, readState } from '../state/run-state.js';
import { formatDuration } from '../util/duration.js';

export default class Down extends BaseCommand {
  static override summary = 'Stop every process of the cluster (graceful, then TERM, then KILL).';
  static override description = 'Data stays in .clusterctl/<cluster>/ for the next `up`, unless --purge. A cluster that is not there is not an error (CI: `down --purge` under `if: always()`).';
  static override examples = ['<%= config.bin %> down', '<%= config.bin %> down --purge --json'];
  static override flags = {
    purge: Flags.boolean({ summary: 'Also delete the cluster\'s directory: data, logs, state.', default: false }),
  };

  async run(): Promise<DownResult> {
    const { flags } = await this.parse(Down);
    const name = this.clusterName(flags);
    const paths = clusterPaths(defaultRoot(flags.dir), name);
    const state = readState(paths);
    if (!state) {
      this.log(`No cluster "${name}" in ${paths.root}; nothing to stop.`);
      return { cluster: name, stopped: [], purged: false, durationMs: 0 };
    }
    const { down } = await import('../ops/node-control/down.js');
    const result = await down(state, paths, flags.purge);
    const running = result.stopped.filter((entry) => entry.outcome !== 'not-running' && entry.outcome !== 'stale');
    for (const entry of running) this.log(`Stopped ${entry.name} (pid ${entry.pid}, ${entry.outcome}).`);
    for (const entry of result.stopped.filter((e) => e.outcome === 'stale')) this.log(`${entry.name}: stale record (pid ${entry.pid} is another program now); left it alone.`);
    const purged = result.purged ? ' Data purged.' : ' Data kept (down --purge deletes it).';
    this.log(`Cluster "${name}" is down (${running.length} stopped) in ${formatDuration(result.durationMs)}.${purged}`);
    return result;
  }
}
