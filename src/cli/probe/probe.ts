// A live look at one node: is it answering, and what INFO says about its role, replication link,
// offsets and memory. Status, selectors, waits and failover all decide from probes, never records.

import { withClient } from './client.js';
import { intField, parseInfo, replicaLines, type InfoFields, type ReplicaLine } from './info.js';

export interface NodeProbe {
  port: number;
  reachable: boolean;
  /** False when the node answers PING but not INFO (an early builtin node): role is then unknown. */
  info: boolean;
  role: 'master' | 'replica' | null;
  /** For a replica: the address it replicates from. */
  masterPort: number | null;
  masterHost: string | null;
  link: 'up' | 'down' | null;
  /** Replication offset: master_repl_offset on a master, slave_repl_offset on a replica. */
  offset: number | null;
  /** master_repl_offset: the offset of the stream this node serves (to its own replicas). */
  streamOffset: number | null;
  connectedReplicas: number | null;
  replicas: ReplicaLine[];
  usedMemory: number | null;
  usedMemoryHuman: string | null;
  /** master_replid: the history this node serves (a synced replica shares its upstream's). */
  replid: string | null;
  /** A clusterctl master refusing writes (INFO fencing): the reason ('lease', 'stall', 'config', 'restart', 'failover'); else null. */
  fenced: string | null;
  /** The same fence in words: why, what lifts it, which sentinels it waits for (null when not fenced). */
  fence: FenceDetail | null;
  /** A clusterctl-node master that restarted empty and refuses to act as one (INFO fencing empty_restart_why); else null. */
  emptyRestart: string | null;
  error: string | null;
}

export interface FenceDetail {
  why: string;
  liftedBy: string;
  waitingFor: string[];
}

const EMPTY = {
  info: false,
  role: null,
  masterPort: null,
  masterHost: null,
  link: null,
  offset: null,
  streamOffset: null,
  connectedReplicas: null,
  replicas: [],
  usedMemory: null,
  usedMemoryHuman: null,
  fenced: null,
  fence: null,
  emptyRestart: null,
  replid: null,
} as const;

export async function probeNode(port: number, timeoutMs = 500): Promise<NodeProbe> {
  try {
    return await withClient(
      port,
      async (client) => {
        let text: string;
        try {
          // Our nodes add a `fencing` section; Redis 7.0 ignores the unknown name.
          text = (await client.call('INFO', 'default', 'fencing')) as string;
        } catch (error) {
          const message = (error as Error).message;
          if (!/unknown command/i.test(message)) throw error;
          await client.ping();
          return { port, reachable: true, ...EMPTY, replicas: [], error: null };
        }
        return fromInfo(port, parseInfo(text));
      },
      { timeoutMs },
    );
  } catch (error) {
    return { port, reachable: false, ...EMPTY, replicas: [], error: (error as Error).message };
  }
}

export function fromInfo(port: number, fields: InfoFields): NodeProbe {
  const role = fields.role === 'master' ? 'master' : fields.role === 'slave' ? 'replica' : null;
  const replica = role === 'replica';
  return {
    port,
    reachable: true,
    info: true,
    role,
    masterHost: replica ? (fields.master_host ?? null) : null,
    masterPort: replica ? intField(fields, 'master_port') : null,
    link: replica ? (fields.master_link_status === 'up' ? 'up' : 'down') : null,
    offset: replica ? intField(fields, 'slave_repl_offset') : intField(fields, 'master_repl_offset'),
    streamOffset: intField(fields, 'master_repl_offset'),
    connectedReplicas: intField(fields, 'connected_slaves'),
    replicas: replicaLines(fields),
    usedMemory: intField(fields, 'used_memory'),
    usedMemoryHuman: fields.used_memory_human ?? null,
    fenced: fields.fenced === '1' ? fields.fence_reason || 'fenced' : null,
    fence: fields.fenced === '1' ? fenceDetail(fields) : null,
    replid: fields.master_replid ?? null,
    emptyRestart: fields.empty_restart_refusing === '1' ? fields.empty_restart_why || 'it restarted empty' : null,
    error: null,
  };
}

/** INFO fencing's own words for a fence (fence_why, fence_lifted_by, fence_waiting_for). */
function fenceDetail(fields: InfoFields): FenceDetail {
  return {
    why: fields.fence_why ?? '',
    liftedBy: fields.fence_lifted_by ?? '',
    waitingFor: (fields.fence_waiting_for ?? '').split(',').filter((id) => id !== ''),
  };
}
