// The sentinel.conf clusterctl writes for a new sentinel: where it listens and logs, and the master
// it monitors with the topology's quorum and timeouts. Written once: from then on the sentinel owns
// the file (it records what it learns there — replicas, other sentinels, epochs, a new master — with
// CONFIG REWRITE), so a restarted sentinel resumes where it was.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { SentinelRecord } from '../state/run-state.js';
import { quote } from './node-config.js';
import type { SentinelSpec } from '../topology/types.js';

export function renderSentinelConfig(record: SentinelRecord, spec: SentinelSpec, masterPort: number, password?: string, myid?: string): string {
  const name = spec.monitorName;
  const auth = password ? [`sentinel auth-pass ${name} ${password}`] : [];
  return [
    `# Written by clusterctl for sentinel ${record.name}; the sentinel rewrites it as it learns.`,
    `port ${record.port}`,
    'bind 127.0.0.1',
    `dir ${quote(record.dir)}`,
    `logfile ${quote(record.logFile)}`,
    'daemonize no',
    ...(myid ? [`sentinel myid ${myid}`] : []),
    `sentinel monitor ${name} 127.0.0.1 ${masterPort} ${spec.quorum}`,
    `sentinel down-after-milliseconds ${name} ${spec.downAfterMs}`,
    `sentinel failover-timeout ${name} ${spec.failoverTimeoutMs}`,
    ...auth,
    '',
  ].join('\n');
}

/** Writes sentinel.conf unless the sentinel already has one (`myid`: the identity it keeps). */
export function ensureSentinelConfig(record: SentinelRecord, spec: SentinelSpec, masterPort: number, password?: string, myid?: string): void {
  if (existsSync(record.configFile)) return;
  mkdirSync(record.dir, { recursive: true });
  writeFileSync(record.configFile, renderSentinelConfig(record, spec, masterPort, password, myid));
}

/**
 * Forgets what the sentinel learnt (replicas, peers, epochs, the master it followed) but keeps who
 * it is: the next start writes a fresh config with the same `sentinel myid`. Nodes remember their
 * sentinels by id (fencing-sentinels.json) and count them in every majority; a sentinel coming back
 * under a new id would leave its old one counted against them for good.
 */
export function resetSentinelConfig(record: SentinelRecord): string | undefined {
  let myid: string | undefined;
  try {
    myid = /^sentinel myid ([0-9a-f]{40})$/m.exec(readFileSync(record.configFile, 'utf8'))?.[1];
  } catch {
    return undefined; // never started: nothing to forget
  }
  rmSync(record.configFile, { force: true });
  return myid;
}
