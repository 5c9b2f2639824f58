// Parses the INFO text of a monitored node into the few fields a sentinel uses (protocol doc 6.4,
// Redis 7.0 sentinelRefreshInstanceInfo): run id, role, replicas of a master, replica link state.

import type { Role } from './types.js';
import { FENCING_INFO, infoPrefix } from '../../shared/fencing-contract.js';

/** The INFO fencing fields a sentinel reads from a clusterctl node (absent on redis-server). */
const FENCE_LEASE = infoPrefix(FENCING_INFO.leaseMs);
const SYNC_REPLICAS = infoPrefix(FENCING_INFO.syncReplicas);
const SYNC_ACKED = infoPrefix(FENCING_INFO.syncAckedOffset);

export interface ParsedInfo {
  runId: string | null;
  role: Role | null;
  /** Masters: replicas listed as slaveN lines (announced ip and listening port). */
  replicas: { host: string; port: number }[];
  /** Milliseconds the replica's master link has been down (0 when the line is absent). */
  masterLinkDownMs: number;
  masterHost: string | null;
  masterPort: number;
  masterLinkUp: boolean;
  slavePriority: number;
  slaveReplOffset: number;
  replicaAnnounced: boolean;
  /** clusterctl nodes (INFO fencing): the master's self-fencing lease, 0 when it has none (Redis). */
  fenceLeaseMs: number;
  /** clusterctl nodes: sync-replicas, and the highest offset of a write answered OK under it. */
  syncReplicas: number;
  syncAckedOffset: number;
}

export function parseInfo(text: string): ParsedInfo {
  const info: ParsedInfo = {
    runId: null,
    role: null,
    replicas: [],
    masterLinkDownMs: 0,
    masterHost: null,
    masterPort: 0,
    masterLinkUp: false,
    slavePriority: 100,
    slaveReplOffset: 0,
    replicaAnnounced: true,
    fenceLeaseMs: 0,
    syncReplicas: 0,
    syncAckedOffset: 0,
  };
  for (const line of text.split('\r\n')) {
    // run_id: exactly 40 characters taken, as Redis does (line length >= 47).
    if (line.length >= 47 && line.startsWith('run_id:')) info.runId = line.slice(7, 47);
    else if (line.startsWith('slave') && /^slave\d+:/.test(line)) parseReplicaLine(line, info);
    else if (line.startsWith('master_link_down_since_seconds:')) {
      const seconds = Number(line.slice(31));
      // -1 ("never up") stays -1000 as in Redis, which then never excludes the replica for it.
      info.masterLinkDownMs = Number.isFinite(seconds) ? seconds * 1000 : 0;
    } else if (line === 'role:master') info.role = 'master';
    else if (line === 'role:slave') info.role = 'slave';
    else if (line.startsWith('master_host:')) info.masterHost = line.slice(12);
    else if (line.startsWith('master_port:')) info.masterPort = Number(line.slice(12)) || 0;
    else if (line.startsWith('master_link_status:')) info.masterLinkUp = line.slice(19) === 'up';
    else if (line.startsWith('slave_priority:')) info.slavePriority = Number(line.slice(15)) || 0;
    else if (line.startsWith('slave_repl_offset:')) info.slaveReplOffset = Number(line.slice(18)) || 0;
    else if (line.startsWith('replica_announced:')) info.replicaAnnounced = line.slice(18) !== '0';
    else if (line.startsWith(FENCE_LEASE)) info.fenceLeaseMs = Number(line.slice(FENCE_LEASE.length)) || 0;
    else if (line.startsWith(SYNC_REPLICAS)) info.syncReplicas = Number(line.slice(SYNC_REPLICAS.length)) || 0;
    else if (line.startsWith(SYNC_ACKED)) info.syncAckedOffset = Number(line.slice(SYNC_ACKED.length)) || 0;
  }
  return info;
}

/** `slave0:ip=127.0.0.1,port=17102,state=online,offset=0,lag=1` or the old `slave0:<ip>,<port>,<state>`. */
function parseReplicaLine(line: string, info: ParsedInfo): void {
  const body = line.slice(line.indexOf(':') + 1);
  let host: string | undefined;
  let port: number | undefined;
  if (body.includes('=')) {
    for (const pair of body.split(',')) {
      const eq = pair.indexOf('=');
      const key = pair.slice(0, eq);
      if (key === 'ip') host = pair.slice(eq + 1);
      else if (key === 'port') port = Number(pair.slice(eq + 1));
    }
  } else {
    const parts = body.split(',');
    host = parts[0];
    port = Number(parts[1]);
  }
  if (host && port !== undefined && Number.isInteger(port)) info.replicas.push({ host, port });
}
