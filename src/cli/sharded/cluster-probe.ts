// A live look at one cluster node over one connection: CLUSTER NODES (who it knows, who owns which
// slots, open slots, flags), CLUSTER INFO (cluster_state, epochs) and INFO (replication, keys).
// `up`, its waits and `status` decide from these, never from the records alone.

import { withClient } from '../probe/client.js';
import { intField, parseInfo } from '../probe/info.js';
import { fromInfo, type NodeProbe } from '../probe/probe.js';
import type { NodeRecord } from '../state/run-state.js';
import { myself, parseClusterInfo, parseClusterNodes, type ClusterNodeLine } from './nodes-reply.js';

export interface ClusterProbe {
  name: string;
  port: number;
  reachable: boolean;
  error: string | null;
  /** Its own line of CLUSTER NODES (null when unreachable). */
  self: ClusterNodeLine | null;
  /** Every line of its CLUSTER NODES. */
  view: ClusterNodeLine[];
  /** CLUSTER INFO fields. */
  info: Record<string, string>;
  /** INFO: role, link, offsets (null when unreachable). */
  replication: NodeProbe | null;
  /** Keys in db 0 (the only db in cluster mode). */
  keys: number | null;
}

export async function probeClusterNode(record: NodeRecord, timeoutMs = 1000): Promise<ClusterProbe> {
  const base = { name: record.name, port: record.port };
  try {
    return await withClient(
      record.port,
      async (client) => {
        const nodesText = (await client.call('CLUSTER', 'NODES')) as string;
        const infoText = (await client.call('CLUSTER', 'INFO')) as string;
        const fields = parseInfo((await client.call('INFO')) as string);
        const view = parseClusterNodes(nodesText);
        const keyspace = /(?:^|,)keys=(\d+)/.exec(fields.db0 ?? '');
        return {
          ...base,
          reachable: true,
          error: null,
          self: myself(view) ?? null,
          view,
          info: parseClusterInfo(infoText),
          replication: fromInfo(record.port, fields),
          keys: keyspace ? Number(keyspace[1]) : fields.db0 === undefined ? 0 : null,
        };
      },
      { timeoutMs },
    );
  } catch (error) {
    return { ...base, reachable: false, error: (error as Error).message, self: null, view: [], info: {}, replication: null, keys: null };
  }
}

export function probeClusterNodes(records: NodeRecord[], timeoutMs?: number): Promise<ClusterProbe[]> {
  return Promise.all(records.map((record) => probeClusterNode(record, timeoutMs)));
}

/** A node that has never joined anything: it knows only itself, owns no slot, epoch 0. */
export function isFresh(probe: ClusterProbe): boolean {
  return probe.reachable && probe.view.length === 1 && (probe.self?.slots.length ?? 0) === 0 && (intField(probe.info, 'cluster_current_epoch') ?? 0) === 0;
}
