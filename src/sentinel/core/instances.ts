// Creating, resetting and re-addressing instance records (Redis 7.0 createSentinelRedisInstance,
// sentinelResetMaster, sentinelResetMasterAndChangeAddress), and the views derived from them.

import { type Address, formatHostPort, makeAddress, sameEndpoint, shownHost } from './address.js';
import { DEFAULT_PARALLEL_SYNCS } from './constants.js';
import type { CoreContext } from './context.js';
import { EV } from './events.js';
import { FAILOVER_ORDER, Instance, MasterInstance, type MasterSettings } from './types.js';

/** A new master's settings: the current defaults (SENTINEL DEBUG default-down-after / default-failover-timeout). */
export function masterSettings(ctx: Pick<CoreContext, 'timings'>, quorum: number): MasterSettings {
  return {
    quorum,
    downAfterMs: ctx.timings.defaultDownAfter,
    failoverTimeoutMs: ctx.timings.defaultFailoverTimeout,
    parallelSyncs: DEFAULT_PARALLEL_SYNCS,
    authPass: null,
    authUser: null,
    notificationScript: null,
    clientReconfigScript: null,
    masterRebootDownAfterMs: 0,
    renamedCommands: [],
  };
}

export function addMaster(ctx: CoreContext, name: string, address: Address, settings: MasterSettings): MasterInstance {
  const master = new MasterInstance(ctx.nextId(), name, address, settings, ctx.now);
  ctx.masters.set(name, master);
  return master;
}

/**
 * Adds a replica unless one with that address is known; returns it when created. Its name is the
 * address it is shown at (`ip:port`, or `name:port` with announce-hostnames).
 */
export function addReplica(ctx: CoreContext, master: MasterInstance, host: string, port: number): Instance | null {
  const address = makeAddress(ctx, host, port, true);
  if (!address) return null;
  const name = formatHostPort(shownHost(ctx, address), port);
  if (master.replicas.has(name)) return null;
  const replica = new Instance(ctx.nextId(), 'slave', name, address, master, ctx.now);
  master.replicas.set(name, replica);
  return replica;
}

/** sentinelRedisInstanceLookupSlave: the replica at that address (resolved as the master lists it). */
export function findReplica(ctx: CoreContext, master: MasterInstance, host: string, port: number): Instance | undefined {
  const address = makeAddress(ctx, host, port, false);
  return address ? master.replicas.get(formatHostPort(shownHost(ctx, address), port)) : undefined;
}

export function addSentinel(ctx: CoreContext, master: MasterInstance, runId: string, host: string, port: number): Instance | null {
  if (master.sentinels.has(runId)) return null;
  const address = makeAddress(ctx, host, port, true);
  if (!address) return null;
  const sentinel = new Instance(ctx.nextId(), 'sentinel', runId, address, master, ctx.now);
  sentinel.runId = runId;
  master.sentinels.set(runId, sentinel);
  return sentinel;
}

/** The address clients should use: the promoted replica's once the failover reached reconf-slaves. */
export function currentMasterAddress(master: MasterInstance): Address {
  const promoted = master.promotedReplica;
  if (master.failoverInProgress && promoted && stateAtLeast(master, 'reconf_slaves')) return promoted;
  return master;
}

export function stateAtLeast(master: MasterInstance, state: (typeof FAILOVER_ORDER)[number]): boolean {
  return FAILOVER_ORDER.indexOf(master.failoverState) >= FAILOVER_ORDER.indexOf(state);
}

/**
 * Records about to be dropped: their nodes granted us a lease we no longer time any failover on,
 * so we give it back (FENCING RELEASE) before the links close — a master no sentinel watches any
 * more must not stay fenced waiting for us.
 */
export function releaseLeases(ctx: CoreContext, records: Iterable<Instance>): void {
  for (const record of records) {
    if (record.kind !== 'sentinel' && record.link.cmdConnected) ctx.send({ type: 'release', id: record.id });
  }
}

/**
 * sentinelResetMaster: forget replicas (and sentinels unless kept), failover state and run id.
 * The record gets a fresh id, so the shell drops its links and connects anew. `release`: give the
 * leases back (SENTINEL RESET); an address switch keeps them (changeMasterAddress).
 */
export function resetMaster(ctx: CoreContext, master: MasterInstance, keepSentinels: boolean, release = true): MasterInstance {
  if (release) releaseLeases(ctx, [master, ...master.replicas.values()]);
  const fresh = new MasterInstance(ctx.nextId(), master.name, master, master.settings, ctx.now);
  fresh.configEpoch = master.configEpoch;
  fresh.leaderEpoch = master.leaderEpoch;
  if (keepSentinels) {
    for (const old of master.sentinels.values()) {
      const copy = addSentinel(ctx, fresh, old.name, old.host, old.port)!;
      copy.leader = old.leader;
      copy.leaderEpoch = old.leaderEpoch;
      copy.lastHelloTime = old.lastHelloTime;
    }
  }
  ctx.masters.set(master.name, fresh);
  return fresh;
}

/**
 * sentinelResetMasterAndChangeAddress: the master record moves to host:port; every replica it had,
 * and the old master itself, become replicas of the new address (`+slave` each), then persist.
 * Returns null (nothing changed) when the new address cannot be resolved.
 */
export function changeMasterAddress(ctx: CoreContext, master: MasterInstance, host: string, port: number): MasterInstance | null {
  const target = makeAddress(ctx, host, port, false);
  if (!target) return null;
  const replicas: Address[] = [];
  for (const replica of master.replicas.values()) if (!sameEndpoint(replica, target)) replicas.push(replica);
  if (!sameEndpoint(target, master)) replicas.push({ host: master.host, ip: master.ip, port: master.port });
  // No lease is given back: every address stays watched under the new record (fresh links ask
  // again). Above all the failed-over old master's: a FENCING RELEASE from all of us would leave it
  // with no lease to fence on, so a paused one would resume acknowledging writes the new master
  // never gets, until a hello naming the new master reached it (Redis has no such window to close:
  // its old master takes writes until +convert-to-slave).
  const fresh = resetMaster(ctx, master, true, false);
  fresh.host = target.host;
  fresh.ip = target.ip;
  fresh.port = target.port;
  for (const address of replicas) {
    const replica = addReplica(ctx, fresh, address.host, address.port);
    if (replica) ctx.event('notice', EV.slave, replica);
  }
  ctx.save();
  return fresh;
}

/** The `flags` field of SENTINEL MASTER/REPLICAS/SENTINELS, in Redis's order. */
export function flagsOf(instance: Instance): string {
  const flags: string[] = [];
  const master = instance instanceof MasterInstance ? instance : null;
  if (instance.sdown) flags.push('s_down');
  if (instance.odown) flags.push('o_down');
  if (instance.kind === 'master') flags.push('master');
  if (instance.kind === 'slave') flags.push('slave');
  if (instance.kind === 'sentinel') flags.push('sentinel');
  if (instance.disconnected) flags.push('disconnected');
  if (instance.masterDown) flags.push('master_down');
  if (master?.failoverInProgress) flags.push('failover_in_progress');
  if (instance.promoted) flags.push('promoted');
  if (instance.reconfSent) flags.push('reconf_sent');
  if (instance.reconfInprog) flags.push('reconf_inprog');
  if (instance.reconfDone) flags.push('reconf_done');
  if (master?.forceFailover) flags.push('force_failover');
  if (instance.scriptKillSent) flags.push('script_kill_sent');
  return flags.join(',');
}

/** Replicas SENTINEL REPLICAS and MASTERS show: not those announced with `replica-announced no`. */
export function announcedReplicas(master: MasterInstance): Instance[] {
  return [...master.replicas.values()].filter((replica) => replica.replicaAnnounced);
}

/** Every instance record, masters first then their replicas and sentinels (for the shell's links). */
export function* allInstances(masters: Map<string, MasterInstance>): Generator<Instance> {
  for (const master of masters.values()) {
    yield master;
    yield* master.replicas.values();
    yield* master.sentinels.values();
  }
}
