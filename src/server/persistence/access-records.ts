// The access record each key carries in an RDB, as Redis rdbSaveKeyValuePair writes it: its idle
// seconds under volatile-lru / allkeys-lru (MAXMEMORY_FLAG_LRU: RDB_OPCODE_IDLE), its decayed LFU
// counter under an LFU policy (MAXMEMORY_FLAG_LFU: RDB_OPCODE_FREQ), nothing under the others. A
// loading node stamps keys from them (objectSetLRUOrLFU: AccessClock.restored), so a restart or a
// full sync keeps what eviction ranks keys by.

import type { Server } from '../server.js';
import type { Db } from '../keyspace/db.js';
import { LFU_INIT_VAL } from '../keyspace/access-clock.js';
import type { AccessRecord } from './rdb-writer.js';

export type AccessRecorder = (db: Db, key: string) => AccessRecord;

/** The recorder for the policy in force when a save starts, or undefined when keys carry none. */
export function accessRecorder(server: Server): AccessRecorder | undefined {
  const policy = server.config.str('maxmemory-policy');
  const clock = server.accessClock;
  if (policy === 'allkeys-lru' || policy === 'volatile-lru') {
    return (db, key) => {
      const stamp = db.access.get(key);
      return { idleSeconds: stamp === undefined ? 0 : Math.floor(clock.idleMs(stamp) / 1000) };
    };
  }
  if (policy === 'allkeys-lfu' || policy === 'volatile-lfu') {
    return (db, key) => {
      const stamp = db.access.get(key);
      return { freq: stamp === undefined ? LFU_INIT_VAL : clock.frequency(stamp) };
    };
  }
  return undefined;
}
