// The AUX fields at the head of every RDB we write, in Redis 7.0's order (protocol doc 4.5):
// redis-ver, redis-bits, ctime, used-mem, [repl-stream-db, repl-id, repl-offset], aof-base.

import { REDIS_COMPAT_VERSION } from '../base/version.js';
import { clock } from '../base/clock.js';

/** Replication identity stored in a snapshot (a full resync's +FULLRESYNC values, or a restart's PSYNC). */
export interface ReplicationAux {
  replStreamDb: number;
  replId: string;
  replOffset: number;
}

/** `aofBase`: the RDB is an AOF base file (Redis writes aof-base 1 under RDBFLAGS_AOF_PREAMBLE). */
export function buildAux(repl: ReplicationAux | undefined, now = clock.now(), aofBase = false): [string, string][] {
  const aux: [string, string][] = [
    ['redis-ver', REDIS_COMPAT_VERSION],
    ['redis-bits', '64'],
    ['ctime', String(Math.floor(now / 1000))],
    ['used-mem', String(process.memoryUsage().heapUsed)],
  ];
  if (repl) {
    aux.push(['repl-stream-db', String(repl.replStreamDb)]);
    aux.push(['repl-id', repl.replId]);
    aux.push(['repl-offset', String(repl.replOffset)]);
  }
  aux.push(['aof-base', aofBase ? '1' : '0']);
  return aux;
}
