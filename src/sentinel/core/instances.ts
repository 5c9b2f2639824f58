// Creating, resetting and re-addressing instance records (Redis 7.0 createSentinelRedisInstance,
// sentinelResetMaster, sentinelResetMasterAndChangeAddress), and the views derived from them.

import type { CoreContext } from './context.js';
import { EV } from './events.js';
import { FAILOVER_ORDER, Instance, MasterInstance, type MasterSettings } from './types.js';

export function addMaster(ctx: CoreContext, name: string, host: string, port: number, settings: MasterSettings): MasterInstance {
  const master = new MasterInstance(ctx.nextId(), name, host, port, settings, ctx.now);
  ctx.masters.set(name, master);
  return master;
}

/** Adds a replica unless one with that address is known; returns it when created. */
export function addReplica(ctx: CoreContext, master: MasterInstance, host: string, port: number): Instance | null {
  const name = formatAddress(host, port);
  if (master.replicas.has(name)) return null;
  const replica = new Instance(ctx.nextId(), 'slave', name, host, port, master, ctx.now);
  master.replicas.set(name, replica);
  return replica;
}

export function addSentinel(ctx: CoreContext, master: MasterInstance, runId: string, host: string, port: number): Instance | null {
  if (master.sentinels.has(runId)) return null;
  const sentinel = new Instance(ctx.nextId(), 'sentinel', runId, host, port, master, ctx.now);
  sentinel.runId = runId;
  master.sentinels.set(runId, sentinel);
  return sentinel;
}

/** `ip:port`, with brackets around IPv6 addresses as anetFormatAddr does. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The address clients should use: the promoted replica's once the failover reached reconf-slaves. */
export function currentMasterAddress(master: MasterInstance): { host: string; port: number } {
  const promoted = master.promotedReplica;
  if (master.failoverInProgress && promoted && stateAtLeast(master, 'reconf_slaves')) {
    return { host: promoted.host, port: promoted.port };
  }
  return { host: master.host, port: master.port };
}

export function stateAtLeast(master: MasterInstance, state: (typeof FAILOVER_ORDER)[number]): boolean {
  return FAILOVER_ORDER.indexOf(master.failoverState) >= FAILOVER_ORDER.indexOf(state);
}

/**
 * sentinelResetMaster: forget replicas (and sentinels unless kept), failover state and run id.
 * The record gets a fresh id, so the shell drops its links and connects anew.
 */
export function resetMaster(ctx: CoreContext, master: MasterInstance, keepSentinels: boolean): MasterInstance {
  const fresh = new MasterInstance(ctx.nextId(), master.name, master.host, master.port, master.settings, ctx.now);
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
 */
export function changeMasterAddress(ctx: CoreContext, master: MasterInstance, host: string, port: number): MasterInstance {
  const replicas: { host: string; port: number }[] = [];
  for (const replica of master.replicas.values()) {
    if (sameAddress(replica, host, port)) continue;
    replicas.push({ host: replica.host, port: replica.port });
  }
  if (!sameAddress(master, host, port)) replicas.push({ host: master.host, port: master.port });
  const fresh = resetMaster(ctx, master, true);
  fresh.host = host;
  fresh.port = port;
  for (const address of replicas) {
    const replica = addReplica(ctx, fresh, address.host, address.port);
    if (replica) ctx.event('notice', EV.slave, replica);
  }
  ctx.save();
  return fresh;
}

export function sameAddress(instance: { host: string; port: number }, host: string, port: number): boolean {
  return instance.port === port && instance.host.toLowerCase() === host.toLowerCase();
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
  return flags.join(',');
}

/** Every instance record, masters first then their replicas and sentinels (for the shell's links). */
export function* allInstances(masters: Map<string, MasterInstance>): Generator<Instance> {
  for (const master of masters.values()) {
    yield master;
    yield* master.replicas.values();
    yield* master.sentinels.values();
  }
}
