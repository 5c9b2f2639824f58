// Which replica to promote (Redis 7.0 sentinelSelectSlave / compareSlavesForPromotion, protocol doc
// 7.9): drop the down, disconnected, silent, priority-0 and stale ones; then lowest priority, largest
// replication offset, smallest run id (case-insensitive; an unknown run id sorts last).

import type { Timings } from './timings.js';
import type { Instance, MasterInstance } from './types.js';

/** What the choice depends on besides the records. */
export interface SelectContext {
  now: number;
  timings: Pick<Timings, 'pingPeriod' | 'infoPeriod'>;
}

export function selectReplica(ctx: SelectContext, master: MasterInstance): Instance | null {
  let candidates = eligibleReplicas(ctx, master);
  if (master.syncReplicas > 0) {
    // sync-replicas on the master: every write answered OK is on at least one replica, so the
    // replica with the largest offset holds them all if any reachable one does; that one is chosen
    // whatever its priority. A candidate below the last acknowledged offset the master reported
    // surely misses acknowledged writes: none is promoted then (the failover aborts and retries,
    // e.g. once the replica that holds them is reachable again).
    candidates = candidates.filter((r) => r.slaveReplOffset >= master.syncAckedOffset);
    candidates.sort((a, b) => b.slaveReplOffset - a.slaveReplOffset || compareForPromotion(a, b));
    return candidates[0] ?? null;
  }
  candidates.sort(compareForPromotion);
  return candidates[0] ?? null;
}

export function eligibleReplicas(ctx: SelectContext, master: MasterInstance): Instance[] {
  const { now, timings } = ctx;
  // A replica whose link to the master has been down much longer than the master itself is stale.
  let maxMasterDownTime = 0;
  if (master.sdown) maxMasterDownTime += now - master.sDownSince;
  maxMasterDownTime += master.settings.downAfterMs * 10;
  const infoValidity = master.sdown ? timings.pingPeriod * 5 : timings.infoPeriod * 3;
  const eligible: Instance[] = [];
  for (const replica of master.replicas.values()) {
    if (replica.sdown || replica.odown) continue;
    if (replica.disconnected) continue;
    if (now - replica.link.lastAvailTime > timings.pingPeriod * 5) continue;
    if (replica.slavePriority === 0) continue;
    if (now - replica.infoRefresh > infoValidity) continue;
    if (replica.masterLinkDownTime > maxMasterDownTime) continue;
    eligible.push(replica);
  }
  return eligible;
}

export function compareForPromotion(a: Instance, b: Instance): number {
  if (a.slavePriority !== b.slavePriority) return a.slavePriority - b.slavePriority;
  if (a.slaveReplOffset !== b.slaveReplOffset) return b.slaveReplOffset - a.slaveReplOffset;
  if (a.runId === null) return b.runId === null ? 0 : 1;
  if (b.runId === null) return -1;
  const x = a.runId.toLowerCase();
  const y = b.runId.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
