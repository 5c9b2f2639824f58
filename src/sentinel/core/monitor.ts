// Monitoring half of the timer (Redis 7.0 sentinelSendPeriodicCommands, sentinelCheckSubjectivelyDown,
// sentinelCheckObjectivelyDown, sentinelAskMasterStateToOtherSentinels): which PING / INFO / hello /
// is-master-down-by-addr are due, and the SDOWN / ODOWN verdicts.

import {
  ASK_PERIOD,
  ASK_VALIDITY,
  INFO_PERIOD,
  INFO_PERIOD_FAST,
  INFO_PERIOD_PROMOTION,
  INFO_PERIOD_RECONF,
  MAX_PENDING_COMMANDS,
  FENCE_MARGIN,
  MIN_LEASE_REQUEST,
  PING_PERIOD,
  PINGS_PER_LEASE,
  PUBLISH_PERIOD,
} from './constants.js';
import type { CoreContext } from './context.js';
import { EV } from './events.js';
import { currentMasterAddress } from './instances.js';
import { type Instance, MasterInstance } from './types.js';

export function sendPeriodicCommands(ctx: CoreContext, instance: Instance): void {
  const link = instance.link;
  if (instance.disconnected) return;
  if (link.pendingCommands >= MAX_PENDING_COMMANDS) return;
  const now = ctx.now;
  if (instance.kind !== 'sentinel' && !link.infoPending && (instance.infoRefresh === 0 || now - instance.infoRefresh > infoPeriod(instance))) {
    link.infoPending = true;
    link.pendingCommands++;
    ctx.send({ type: 'info', id: instance.id });
  }
  const pingPeriod = pingPeriodOf(instance);
  if (now - link.lastPongTime > pingPeriod && now - link.lastPingTime > pingPeriod / 2) sendPing(ctx, instance);
  if (now - instance.lastPubTime > helloPeriodOf(instance)) sendHello(ctx, instance);
}

/**
 * Redis pings every min(down-after, 1 s). An instance holding a lease from us must hear from us
 * several times per lease, or a healthy master would fence itself.
 */
export function pingPeriodOf(instance: Instance): number {
  const base = Math.min(instance.downAfterMs, PING_PERIOD);
  const lease = instance.link.grantedLeaseMs;
  return lease ? Math.min(base, Math.max(10, Math.floor(lease / PINGS_PER_LEASE))) : base;
}

/** A fenced master is confirmed again by hellos naming it: lease holders get them once per lease. */
function helloPeriodOf(instance: Instance): number {
  const lease = instance.link.grantedLeaseMs;
  return lease ? Math.min(PUBLISH_PERIOD, lease) : PUBLISH_PERIOD;
}

/** The lease to request from an instance (FENCING LEASE), 0 for none: down-after minus the margin. */
export function leaseToRequest(instance: Instance): number {
  const lease = instance.downAfterMs - FENCE_MARGIN;
  return lease >= MIN_LEASE_REQUEST ? lease : 0;
}

function infoPeriod(instance: Instance): number {
  const master = instance.master;
  if (instance.kind !== 'slave' || !master) return INFO_PERIOD;
  // The replica being promoted: look often, promotion is confirmed by its INFO (Redis waits 1 s).
  if (instance.promoted && master.failoverState === 'wait_promotion') return INFO_PERIOD_PROMOTION;
  if (instance.reconfSent || instance.reconfInprog) return INFO_PERIOD_RECONF;
  if (master.odown || master.failoverInProgress || instance.masterLinkDownTime !== 0) return INFO_PERIOD_FAST;
  // A replica claiming to be a master is a candidate for +convert-to-slave: watch it at 1 s.
  if (instance.roleReported === 'master') return INFO_PERIOD_FAST;
  return INFO_PERIOD;
}

export function sendPing(ctx: CoreContext, instance: Instance): void {
  const link = instance.link;
  if (!link.cmdConnected) return;
  link.pendingCommands++;
  link.lastPingTime = ctx.now;
  if (link.actPingTime === 0) link.actPingTime = ctx.now;
  ctx.send({ type: 'ping', id: instance.id });
}

/** sentinelSendHello: `<ip>,<port>,<myid>,<epoch>,<master name>,<master ip>,<master port>,<config epoch>`. */
export function sendHello(ctx: CoreContext, instance: Instance): void {
  if (instance.disconnected) return;
  const master = instance instanceof MasterInstance ? instance : instance.master!;
  const address = currentMasterAddress(master);
  const rest = [ctx.announce.port, ctx.myid, ctx.currentEpoch, master.name, address.host, address.port, master.configEpoch].join(',');
  instance.lastPubTime = ctx.now;
  instance.link.pendingCommands++;
  ctx.send({ type: 'hello', id: instance.id, ip: ctx.announce.ip, rest });
}

/** sentinelForceHelloUpdateForMaster, but at once rather than at the next timer tick. */
export function forceHelloUpdate(ctx: CoreContext, master: MasterInstance): void {
  sendHello(ctx, master);
  for (const replica of master.replicas.values()) sendHello(ctx, replica);
  for (const sentinel of master.sentinels.values()) sendHello(ctx, sentinel);
}

export function checkSubjectivelyDown(ctx: CoreContext, instance: Instance): void {
  const link = instance.link;
  const now = ctx.now;
  let elapsed = 0;
  if (link.actPingTime) elapsed = now - link.actPingTime;
  else if (instance.disconnected) elapsed = now - link.lastAvailTime;
  const downAfter = instance.downAfterMs;
  // A configured master that keeps reporting role:slave goes down after down-after + 2 INFO periods.
  const wrongRole =
    instance.kind === 'master' && instance.roleReported === 'slave' && now - instance.roleReportedTime > downAfter + INFO_PERIOD * 2;
  if (elapsed > downAfter || wrongRole) {
    if (!instance.sdown) {
      ctx.event('warning', EV.sdown, instance);
      instance.sdown = true;
      instance.sDownSince = now;
    }
  } else if (instance.sdown) {
    ctx.event('warning', EV.sdownEnd, instance);
    instance.sdown = false;
  }
}

export function checkObjectivelyDown(ctx: CoreContext, master: MasterInstance): void {
  let votes = 0;
  let odown = false;
  if (master.sdown) {
    votes = 1;
    for (const sentinel of master.sentinels.values()) if (sentinel.masterDown) votes++;
    odown = votes >= master.settings.quorum;
  }
  if (odown) {
    if (!master.odown) {
      ctx.event('warning', EV.odown, master, `#quorum ${votes}/${master.settings.quorum}`);
      master.odown = true;
      master.oDownSince = ctx.now;
    }
  } else if (master.odown) {
    ctx.event('warning', EV.odownEnd, master);
    master.odown = false;
  }
}

/**
 * Ask every peer whether the master is down (and, once a failover started, for its vote). Redis
 * asks every second; we ask every ASK_PERIOD while the master is SDOWN, one request in flight each.
 */
export function askPeers(ctx: CoreContext, master: MasterInstance, forced: boolean): void {
  for (const sentinel of master.sentinels.values()) {
    const elapsed = ctx.now - sentinel.lastMasterDownReplyTime;
    if (elapsed > ASK_VALIDITY) {
      sentinel.masterDown = false;
      sentinel.leader = null;
    }
    if (!master.sdown || sentinel.disconnected) continue;
    // A forced ask (failover just started: it carries our vote request) does not wait for a '*' one.
    if (!forced && (sentinel.link.askPending || elapsed < ASK_PERIOD)) continue;
    sentinel.link.askPending = true;
    sentinel.link.pendingCommands++;
    ctx.send({
      type: 'ask',
      id: sentinel.id,
      masterHost: master.host,
      masterPort: master.port,
      epoch: ctx.currentEpoch,
      runId: master.failoverState !== 'none' ? ctx.myid : '*',
    });
  }
}
