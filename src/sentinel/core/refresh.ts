// What an INFO reply changes (Redis 7.0 sentinelRefreshInstanceInfo): identity (+reboot), replica
// discovery (+slave), reported role, replica link fields; then, outside TILT, the reactions: promotion
// confirmed (+promoted-slave), +convert-to-slave, +fix-slave-config, reconf progress of replicas.

import { matchesHost, shownHost } from './address.js';
import { FENCE_MARGIN } from './constants.js';
import type { CoreContext } from './context.js';
import { EV } from './events.js';
import { sendSlaveOf } from './failover.js';
import { parseInfo, type ParsedInfo } from './info.js';
import { addReplica, findReplica } from './instances.js';
import { forceHelloUpdate } from './monitor.js';
import { type Instance, MasterInstance } from './types.js';
import { clientReconfig } from './user-scripts.js';
import { SIM_CRASH_AFTER_PROMOTION } from './sim-failure.js';

export function applyInfo(ctx: CoreContext, instance: Instance, text: string): void {
  const info = parseInfo(text);
  const now = ctx.now;
  instance.infoText = text;
  if (info.runId !== null) {
    if (instance.runId !== null && instance.runId !== info.runId) rebooted(ctx, instance);
    instance.runId = info.runId;
  }
  if (instance instanceof MasterInstance) {
    discoverReplicas(ctx, instance, info);
    if (info.role === 'master') learnFencing(ctx, instance, info);
  }
  instance.masterLinkDownTime = info.masterLinkDownMs;
  if (info.role === 'slave') updateReplicaFields(instance, info, now);
  instance.infoRefresh = now;
  if (info.role !== null && info.role !== instance.roleReported) {
    instance.roleReported = info.role;
    instance.roleReportedTime = now;
    if (info.role === 'slave') instance.slaveConfChangeTime = now;
    const channel = instance.kind === info.role ? EV.roleChange : EV.roleChangeWrong;
    ctx.event('verbose', channel, instance, `new reported role is ${info.role}`);
  }
  if (ctx.tilt || instance.kind !== 'slave') return;
  if (info.role === 'master') replicaReportsMaster(ctx, instance);
  else if (info.role === 'slave') {
    fixWrongMaster(ctx, instance);
    trackReconfiguration(ctx, instance);
  }
}

/** +reboot; with master-reboot-down-after-period, the master counts as down until it answers +PONG. */
function rebooted(ctx: CoreContext, instance: Instance): void {
  ctx.event('notice', EV.reboot, instance);
  if (instance instanceof MasterInstance && instance.settings.masterRebootDownAfterMs !== 0) {
    instance.masterReboot = true;
    instance.masterRebootSince = ctx.now;
  }
}

/**
 * A clusterctl master reports its fencing lease and sync-replicas state. A lease the failover
 * cannot outwait safely (down-after <= lease + margin) is logged, once per value.
 */
function learnFencing(ctx: CoreContext, master: MasterInstance, info: ParsedInfo): void {
  const granted = master.link.grantedLeaseMs !== null;
  if (!granted && info.fenceLeaseMs !== master.fenceLeaseMs && info.fenceLeaseMs > 0 && master.settings.downAfterMs <= info.fenceLeaseMs + FENCE_MARGIN) {
    ctx.log(
      'warning',
      `down-after-milliseconds of ${master.name} (${master.settings.downAfterMs}) is not above the master's fence-lease-ms (${info.fenceLeaseMs}) + ${FENCE_MARGIN}: failovers will wait for the lease to run out`,
    );
  }
  master.fenceLeaseMs = info.fenceLeaseMs;
  master.syncReplicas = info.syncReplicas;
  if (info.syncAckedOffset > master.syncAckedOffset || info.syncReplicas === 0) master.syncAckedOffset = info.syncAckedOffset;
}

function discoverReplicas(ctx: CoreContext, master: MasterInstance, info: ParsedInfo): void {
  for (const { host, port } of info.replicas) {
    if (findReplica(ctx, master, host, port)) continue;
    const replica = addReplica(ctx, master, host, port);
    if (replica) {
      ctx.event('notice', EV.slave, replica);
      ctx.save();
    }
  }
}

function updateReplicaFields(instance: Instance, info: ParsedInfo, now: number): void {
  if (info.masterHost !== null && (instance.slaveMasterHost === null || info.masterHost.toLowerCase() !== instance.slaveMasterHost.toLowerCase())) {
    instance.slaveMasterHost = info.masterHost;
    instance.slaveConfChangeTime = now;
  }
  if (info.masterPort !== instance.slaveMasterPort) {
    instance.slaveMasterPort = info.masterPort;
    instance.slaveConfChangeTime = now;
  }
  instance.slaveMasterLinkUp = info.masterLinkUp;
  instance.slavePriority = info.slavePriority;
  instance.slaveReplOffset = info.slaveReplOffset;
  instance.replicaAnnounced = info.replicaAnnounced;
}

/** A replica that says it is a master: our promotion succeeded, or it must be converted back. */
function replicaReportsMaster(ctx: CoreContext, replica: Instance): void {
  const master = replica.master!;
  if (replica.promoted && master.failoverInProgress && master.failoverState === 'wait_promotion') {
    master.configEpoch = master.failoverEpoch;
    master.failoverState = 'reconf_slaves';
    master.failoverStateChangeTime = ctx.now;
    ctx.save();
    ctx.event('warning', EV.promotedSlave, replica);
    if (ctx.simFailure & SIM_CRASH_AFTER_PROMOTION) return ctx.crash();
    ctx.event('warning', EV.stateReconfSlaves, master);
    clientReconfig(ctx, master, 'leader', master, replica);
    // Tell the other sentinels at once: they switch as soon as they see the higher config epoch.
    forceHelloUpdate(ctx, master);
    return;
  }
  // Wait a while before forcing our view: a newer configuration may be on its way in a hello.
  const grace = ctx.timings.publishPeriod * 4;
  if (
    !replica.promoted &&
    masterLooksSane(ctx, master) &&
    noDownFor(ctx, replica, grace) &&
    ctx.now - replica.roleReportedTime > grace &&
    !replica.disconnected
  ) {
    sendSlaveOf(ctx, replica.id, shownHost(ctx, master), master.port, replica);
    ctx.event('notice', EV.convertToSlave, replica);
  }
}

/** A replica following another address than its master's, stable for failover-timeout: repoint it. */
function fixWrongMaster(ctx: CoreContext, replica: Instance): void {
  const master = replica.master!;
  if (replica.slaveMasterHost === null) return;
  if (matchesHost(ctx, master, replica.slaveMasterHost, replica.slaveMasterPort)) return;
  const wait = master.settings.failoverTimeoutMs;
  if (masterLooksSane(ctx, master) && noDownFor(ctx, replica, wait) && ctx.now - replica.slaveConfChangeTime > wait && !replica.disconnected) {
    sendSlaveOf(ctx, replica.id, shownHost(ctx, master), master.port, replica);
    ctx.event('notice', EV.fixSlaveConfig, replica);
  }
}

/** RECONF_SENT -> RECONF_INPROG (follows the promoted replica) -> RECONF_DONE (its link is up). */
function trackReconfiguration(ctx: CoreContext, replica: Instance): void {
  const promoted = replica.master!.promotedReplica;
  if (!promoted || !(replica.reconfSent || replica.reconfInprog)) return;
  if (replica.reconfSent && replica.slaveMasterHost !== null && matchesHost(ctx, promoted, replica.slaveMasterHost, replica.slaveMasterPort)) {
    replica.reconfSent = false;
    replica.reconfInprog = true;
    ctx.event('notice', EV.slaveReconfInprog, replica);
  }
  if (replica.reconfInprog && replica.slaveMasterLinkUp) {
    replica.reconfInprog = false;
    replica.reconfDone = true;
    ctx.event('notice', EV.slaveReconfDone, replica);
  }
}

/** sentinelMasterLooksSane: a reachable master that reports master and whose INFO is fresh. */
function masterLooksSane(ctx: CoreContext, master: MasterInstance): boolean {
  return master.roleReported === 'master' && !master.sdown && !master.odown && ctx.now - master.infoRefresh < ctx.timings.infoPeriod * 2;
}

/** sentinelRedisInstanceNoDownFor: no SDOWN/ODOWN started within the last `ms`. */
function noDownFor(ctx: CoreContext, instance: Instance, ms: number): boolean {
  const mostRecent = Math.max(instance.sDownSince, instance.oDownSince);
  return mostRecent === 0 || ctx.now - mostRecent > ms;
}
