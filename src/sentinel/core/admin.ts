// Decisions behind the SENTINEL sub-commands that change or judge state (Redis 7.0
// sentinelCommand): is-master-down-by-addr (the vote), failover, monitor, remove, reset, ckquorum.
// The server layer parses arguments and shapes replies; the rules live here, testable on a fake clock.

import { globMatch } from '../../shared/glob.js';
import { makeAddress, resolveHost, sameEndpoint } from './address.js';
import { voteLeader } from './election.js';
import { EV } from './events.js';
import { startFailover } from './failover.js';
import { addMaster, releaseLeases, resetMaster } from './instances.js';
import { selectReplica } from './select-replica.js';
import type { SentinelCore } from './sentinel-core.js';
import type { MasterInstance, MasterSettings } from './types.js';

/** `[down, leader runid or '*', leader epoch]`: the master looked up by address; a vote when runId is not '*'. */
export function isMasterDownByAddr(core: SentinelCore, host: string, port: number, epoch: number, runId: string): [number, string, number] {
  const address = makeAddress(core, host, port, true);
  let master: MasterInstance | undefined;
  if (address) for (const candidate of core.masters.values()) if (!master && sameEndpoint(candidate, address)) master = candidate;
  const down = !core.tilt && master !== undefined && master.sdown ? 1 : 0;
  let leader: string | null = null;
  let leaderEpoch = 0;
  if (master && runId !== '*') {
    const vote = voteLeader(core, master, epoch, runId);
    leader = vote.leader;
    leaderEpoch = vote.epoch;
  }
  return [down, leader ?? '*', leaderEpoch];
}

export type FailoverResult = 'ok' | 'no-such-master' | 'in-progress' | 'no-good-slave';

/** SENTINEL FAILOVER: start at once, skipping ODOWN and the election (force_failover). */
export function forceFailover(core: SentinelCore, name: string): FailoverResult {
  const master = core.masters.get(name);
  if (!master) return 'no-such-master';
  if (master.failoverInProgress) return 'in-progress';
  if (!selectReplica(core, master)) return 'no-good-slave';
  core.log('warning', `Executing user requested FAILOVER of '${name}'`);
  startFailover(core, master);
  master.forceFailover = true;
  return 'ok';
}

/**
 * SENTINEL MONITOR (arguments already parsed): the master record, or Redis's error text. The
 * address must be an IP literal unless resolve-hostnames is on.
 */
export function monitor(core: SentinelCore, name: string, host: string, port: number, settings: MasterSettings): MasterInstance | string {
  if (resolveHost(core, host) === null) return 'Invalid IP address or hostname specified';
  const address = makeAddress(core, host, port, true);
  if (!address) return 'Invalid port number.';
  if (core.masters.has(name)) return 'Duplicate master name.';
  const master = addMaster(core, name, address, settings);
  core.save();
  core.event('warning', EV.monitor, master, `quorum ${settings.quorum}`);
  return master;
}

/** SENTINEL REMOVE: forget the master; its node and replicas get their leases back. */
export function remove(core: SentinelCore, name: string): boolean {
  const master = core.masters.get(name);
  if (!master) return false;
  core.event('warning', EV.unmonitor, master);
  releaseLeases(core, [master, ...master.replicas.values()]);
  core.masters.delete(name);
  core.save();
  return true;
}

/** SENTINEL RESET: forget replicas, sentinels and failover state of every master matching the pattern. */
export function reset(core: SentinelCore, pattern: string): number {
  let count = 0;
  for (const master of [...core.masters.values()]) {
    if (!globMatch(pattern, master.name)) continue;
    const fresh = resetMaster(core, master, false);
    core.event('warning', EV.resetMaster, fresh);
    count++;
  }
  if (count > 0) core.save();
  return count;
}

/** sentinelIsQuorumReachable: usable sentinels (not down, us included) against quorum and majority. */
export function checkQuorum(master: MasterInstance): { usable: number; quorum: boolean; majority: boolean } {
  const voters = master.sentinels.size + 1;
  let usable = 1;
  for (const sentinel of master.sentinels.values()) if (!sentinel.sdown && !sentinel.odown) usable++;
  return { usable, quorum: usable >= master.settings.quorum, majority: usable >= Math.floor(voters / 2) + 1 };
}
