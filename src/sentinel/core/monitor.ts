// Monitoring half of the timer (Redis 7.0 sentinelSendPeriodicCommands, sentinelCheckSubjectivelyDown,
// sentinelCheckObjectivelyDown, sentinelAskMasterStateToOtherSentinels): which PING / INFO / hello /
// is-master-down-by-addr are due, and the SDOWN / ODOWN verdicts.

import { shownHost } from './address.js';
import { ASK_PERIOD_FAST, FENCE_MARGIN, INFO_PERIOD_FAST, INFO_PERIOD_PROMOTION, INFO_PERIOD_RECONF, MAX_PENDING_COMMANDS, MIN_LEASE_REQUEST, PINGS_PER_LEASE } from './constants.js';
import type { CoreContext } from './context.js';
import { EV } from './events.js';
import { currentMasterAddress } from './instances.js';
import { type Instance, MasterInstance } from './types.js';

export function sendPeriodicCommands(ctx: CoreContext, instance: Instance): void {
  const link = instance.link;
  if (instance.disconnected) return;
  if (link.pendingCommands >= MAX_PENDING_COMMANDS) return;
  const now = ctx.now;
  if (instance.kind !== 'sentinel' && !link.infoPending && (instance.infoRefresh === 0 || now - instance.infoRefresh > infoPeriod(ctx, instance))) {
    link.infoPending = true;
    link.pendingCommands++;
    ctx.send({ type: 'info', id: instance.id });
  }
  const pingPeriod = pingPeriodOf(ctx, instance);
  if (now - link.lastPongTime > pingPeriod && now - link.lastPingTime > pingPeriod / 2) sendPing(ctx, instance);
  if (now - instance.lastPubTime > helloPeriodOf(ctx, instance)) sendHello(ctx, instance);
}

/**
 * Redis pings every min(down-after, ping-period). An instance holding a lease from us must hear
 * from us several times per lease, or a healthy master would fence itself.
 */
export function pingPeriodOf(ctx: Pick<CoreContext, 'timings'>, instance: Instance): number {
  const base = Math.min(instance.downAfterMs, ctx.timings.pingPeriod);
  const lease = instance.link.grantedLeaseMs;
  return lease ? Math.min(base, Math.max(10, Math.floor(lease / PINGS_PER_LEASE))) : base;
}

/** A fenced master is confirmed again by hellos naming it: lease holders get them once per lease. */
function helloPeriodOf(ctx: CoreContext, instance: Instance): number {
  const lease = instance.link.grantedLeaseMs;
  const period = ctx.timings.publishPeriod;
  return lease ? Math.min(period, lease) : period;
}

/** The lease to request from an instance (FENCING LEASE), 0 for none: down-after minus the margin. */
export function leaseToRequest(instance: Instance): number {
  const lease = instance.downAfterMs - FENCE_MARGIN;
  return lease >= MIN_LEASE_REQUEST ? lease : 0;
}

/** info-period, or faster (never slower) where a failover waits on what INFO tells. */
function infoPeriod(ctx: CoreContext, instance: Instance): number {
  const period = ctx.timings.infoPeriod;
  const master = instance.master;
  if (instance.kind !== 'slave' || !master) return period;
  // The replica being promoted: look often, promotion is confirmed by its INFO (Redis waits 1 s).
  if (instance.promoted && master.failoverState === 'wait_promotion') return Math.min(period, INFO_PERIOD_PROMOTION);
  if (instance.reconfSent || instance.reconfInprog) return Math.min(period, INFO_PERIOD_RECONF);
  if (master.odown || master.failoverInProgress || instance.masterLinkDownTime !== 0) return Math.min(period, INFO_PERIOD_FAST);
  // A replica claiming to be a master is a candidate for +convert-to-slave: watch it at 1 s.
  if (instance.roleReported === 'master') return Math.min(period, INFO_PERIOD_FAST);
  return period;
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
  const port = ctx.settings.announcePort || ctx.settings.port;
  const rest = [port, ctx.myid, ctx.currentEpoch, master.name, shownHost(ctx, address), address.port, master.configEpoch].join(',');
  instance.lastPubTime = ctx.now;
  instance.link.pendingCommands++;
  ctx.send({ type: 'hello', id: instance.id, ip: ctx.settings.announceIp, rest });
}

/** sentinelForceHelloUpdateForMaster, but at once rather than at the next timer tick. */
export function forceHelloUpdate(ctx: CoreContext, master: MasterInstance): void {
  sendHello(ctx, master);
  for (const replica of master.replicas.values()) sendHello(ctx, replica);
  for (const sentinel of master.sentinels.values()) sendHello(ctx, sentinel);
}

/**
 * SDOWN when the oldest unanswered PING (or, disconnected, the last valid reply) is older than
 * down-after; when a configured master reports role:slave for down-after + 2 INFO periods; or when
 * a master that rebooted has not answered +PONG for master-reboot-down-after-period.
 */
export function checkSubjectivelyDown(ctx: CoreContext, instance: Instance): void {
  const link = instance.link;
  const now = ctx.now;
  let elapsed = 0;
  if (link.actPingTime) elapsed = now - link.actPingTime;
  else if (instance.disconnected) elapsed = now - link.lastAvailTime;
  const downAfter = instance.downAfterMs;
  const wrongRole =
    instance.kind === 'master' && instance.roleReported === 'slave' && now - instance.roleReportedTime > downAfter + ctx.timings.infoPeriod * 2;
  const rebootPeriod = instance instanceof MasterInstance ? instance.settings.masterRebootDownAfterMs : 0;
  const rebooting = instance.masterReboot && now - instance.masterRebootSince > rebootPeriod;
  if (elapsed > downAfter || wrongRole || rebooting) {
    if (!instance.sdown) {
      ctx.event('warning', EV.sdown, instance);
      instance.sdown = true;
      instance.sDownSince = now;
    }
  } else if (instance.sdown) {
    ctx.event('warning', EV.sdownEnd, instance);
    instance.sdown = false;
    instance.scriptKillSent = false;
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
 * asks every ask-period; we ask up to every ASK_PERIOD_FAST while the master is SDOWN, one request
 * in flight each. An answer stays valid for 5 ask-periods, as Redis's.
 */
export function askPeers(ctx: CoreContext, master: MasterInstance, forced: boolean): void {
  const period = Math.min(ctx.timings.askPeriod, ASK_PERIOD_FAST);
  for (const sentinel of master.sentinels.values()) {
    const elapsed = ctx.now - sentinel.lastMasterDownReplyTime;
    if (elapsed > ctx.timings.askPeriod * 5) {
      sentinel.masterDown = false;
      sentinel.leader = null;
    }
    if (!master.sdown || sentinel.disconnected) continue;
    // A forced ask (failover just started: it carries our vote request) does not wait for a '*' one.
    if (!forced && (sentinel.link.askPending || elapsed < period)) continue;
    sentinel.link.askPending = true;
    sentinel.link.pendingCommands++;
    ctx.send({
      type: 'ask',
      id: sentinel.id,
      masterHost: shownHost(ctx, master),
      masterPort: master.port,
      epoch: ctx.currentEpoch,
      runId: master.failoverState !== 'none' ? ctx.myid : '*',
    });
  }
}
