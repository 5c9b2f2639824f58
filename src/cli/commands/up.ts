// clusterctl up: start the cluster the topology describes and return once every replica is in sync.

import { Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import type { UpResult } from '../ops/up/up.js';
import { clusterPaths, defaultRoot } from '../state/run-state.js';
import { formatDuration } from '../util/duration.js';
import { durationFlag } from '../util/duration-flag.js';

export default class Up extends BaseCommand {
  static override summary = 'Start the cluster and wait until every replica is in sync and every sentinel agrees (Redis Cluster: every node at cluster_state:ok).';
  static override description =
    'Reads ./clusterctl.yaml (or -f FILE, or the built-in default: one master, two replicas, three sentinels), checks every port, ' +
    'starts each node in its own directory under .clusterctl/<cluster>/, wires replication and returns once every ' +
    'replica reports master_link_status:up with its offset caught up and every sentinel sees the master, its replicas and the other sentinels. Running it again on a running cluster changes nothing. ' +
    'Ctrl-C stops what it started. With mode: cluster (Redis Cluster) it forms the cluster itself (ADDSLOTSRANGE, SET-CONFIG-EPOCH, MEET, REPLICATE) and returns once every node reports cluster_state:ok with the same slot map and every replica is in sync.';
  static override examples = ['<%= config.bin %> up', '<%= config.bin %> up -f cluster.yaml --timeout 30s', '<%= config.bin %> up --json > cluster.json'];
  static override flags = {
    timeout: Flags.string({ summary: 'Give up (and stop what was started) after this long: 60s, 500ms, 2m.', default: '60s' }),
  };

  async run(): Promise<UpResult> {
    const { flags } = await this.parse(Up);
    const timeoutMs = durationFlag(flags.timeout);
    const spec = this.loadSpec(flags.file);
    const paths = clusterPaths(defaultRoot(flags.dir), spec.name);
    const { up } = await import('../ops/up/up.js');
    const result = await up({ spec, paths, timeoutMs, json: this.jsonEnabled() });
    this.printSummary(result, flags.file ? ` -f ${flags.file}` : '');
    return result;
  }

  private printSummary(result: UpResult, flag: string): void {
    for (const name of result.stale) this.log(`! ${name}: its recorded pid now belongs to another program (stale record replaced)`);
    const took = formatDuration(result.durationMs);
    this.log(result.changed ? `Cluster "${result.cluster}" is up in ${took}.` : `Cluster "${result.cluster}" is already up; nothing changed.`);
    if (result.connect) {
      this.log(`  connect:  ${result.connect.redisCli}            (-c follows MOVED/ASK redirections)`);
      this.log(`  ioredis:  ${result.connect.ioredis}`);
    }
    if (result.master) this.log(`  connect:  redis-cli -p ${result.master.port}            (master ${result.master.node})`);
    if (result.sentinel) {
      const list = result.sentinel.sentinels.map((s) => `{ port: ${s.port} }`).join(', ');
      this.log(`  sentinel: ioredis { sentinels: [${list}], name: "${result.sentinel.name}" }`);
    }
    const kill = result.shards ? 'kill shard1:master' : 'kill master';
    this.log(`  next:     clusterctl status${flag} · clusterctl ${kill}${flag} · clusterctl down${flag}`);
  }
}
