// Puts the masters read from sentinel.conf (with their persisted epochs, known replicas and known
// sentinels) into a fresh core, as redis-sentinel does while loading its config: no events, no save.

import { addMaster, addReplica, addSentinel } from '../core/instances.js';
import type { SentinelCore } from '../core/sentinel-core.js';
import type { MasterConfig } from './parse.js';

export function installMasters(core: SentinelCore, masters: MasterConfig[]): void {
  for (const entry of masters) {
    const master = addMaster(core, entry.name, entry.host, entry.port, { ...entry.settings });
    master.configEpoch = entry.configEpoch;
    master.leaderEpoch = entry.leaderEpoch;
    for (const replica of entry.knownReplicas) {
      if (replica.host === entry.host && replica.port === entry.port) continue;
      addReplica(core, master, replica.host, replica.port);
    }
    for (const sentinel of entry.knownSentinels) {
      if (sentinel.runId.toLowerCase() === core.myid) continue;
      addSentinel(core, master, sentinel.runId, sentinel.host, sentinel.port);
    }
  }
}
