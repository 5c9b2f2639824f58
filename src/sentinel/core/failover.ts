// The failover state machine (Redis 7.0 sentinelStartFailover ... sentinelFailoverSwitchToPromotedSlave):
// one handler per state, each with the time it was entered and a deadline (protocol doc 7.8).

import { shownHost } from './address.js';
import { FENCE_MARGIN, START_SLOT } from './constants.js';
import type { CoreContext } from './context.js';
import { getLeader } from './election.js';
import { EV } from './events.js';
import { changeMasterAddress } from './instances.js';
import { selectReplica } from './select-replica.js';
import { SIM_CRASH_AFTER_ELECTION } from './sim-failure.js';
import type { FailoverState, MasterInstance } from './types.js';

/** Starts a failover when the master is ODOWN, none runs, and the retry cool-down has passed. */
export function startFailoverIfNeeded(ctx: CoreContext, master: MasterInstance, startDue: Map<MasterInstance, number>): boolean {
  if (!master.odown || master.failoverInProgress) {
    startDue.delete(master);
    return false;
  }
  if (ctx.now - master.failoverStartTime < master.settings.failoverTimeoutMs * 2) {
    if (master.failoverDelayLogged !== master.failoverStartTime) {
      master.failoverDelayLogged = master.failoverStartTime;
      const at = new Date(master.failoverStartTime + master.settings.failoverTimeoutMs * 2).toTimeString().slice(0, 8);
      ctx.log('warning', `Next failover delay: I will not start a failover before ${at}`);
    }
    return false;
  }
  // A slot per sentinel against split votes between sentinels that saw ODOWN at the same moment.
  let due = startDue.get(master);
  if (due === undefined) {
    due = ctx.now + startRank(ctx, master) * START_SLOT;
    startDue.set(master, due);
  }
  if (ctx.now < due) return false;
  startDue.delete(master);
  startFailover(ctx, master);
  return true;
}

/** This sentinel's rank (0-based) by run id among itself and the sentinels it knows for `master`. */
export function startRank(ctx: CoreContext, master: MasterInstance): number {
  const me = ctx.myid.toLowerCase();
  let rank = 0;
  for (const sentinel of master.sentinels.values()) if (sentinel.name.toLowerCase() < me) rank++;
  return rank;
}

export function startFailover(ctx: CoreContext, master: MasterInstance): void {
  master.failoverInProgress = true;
  master.failoverEpoch = ++ctx.currentEpoch;
  ctx.save();
  ctx.event('warning', EV.newEpoch, master, String(ctx.currentEpoch), true);
  ctx.event('warning', EV.tryFailover, master);
  // Only the retry cool-down uses this time, so its random part desynchronises retries.
  master.failoverStartTime = ctx.now + Math.floor(ctx.random() * 1000);
  setState(ctx, master, 'wait_start');
}

function setState(ctx: CoreContext, master: MasterInstance, state: FailoverState): void {
  master.failoverState = state;
  master.failoverStateChangeTime = ctx.now;
}

export function abortFailover(ctx: CoreContext, master: MasterInstance): void {
  master.failoverInProgress = false;
  master.forceFailover = false;
  setState(ctx, master, 'none');
  if (master.promotedReplica) {
    master.promotedReplica.promoted = false;
    master.promotedReplica = null;
  }
  // The old master we asked to step aside may take writes again: nothing was promoted.
  if (master.fenceConfirmed && master.link.cmdConnected) ctx.send({ type: 'fence', id: master.id, ms: 0 });
  master.fenceRequested = false;
  master.fenceConfirmed = false;
}

/** Runs the handler of the current state; returns true when the master should switch address now. */
export function runFailover(ctx: CoreContext, master: MasterInstance): boolean {
  if (!master.failoverInProgress) return false;
  switch (master.failoverState) {
    case 'wait_start':
      waitStart(ctx, master);
      break;
    case 'select_slave':
      selectSlave(ctx, master);
      break;
    case 'send_slaveof_noone':
      sendSlaveofNoOne(ctx, master);
      break;
    case 'wait_promotion':
      if (ctx.now - master.failoverStateChangeTime > master.settings.failoverTimeoutMs) {
        ctx.event('warning', EV.abortSlaveTimeout, master);
        abortFailover(ctx, master);
      }
      break;
    case 'reconf_slaves':
      reconfNextReplicas(ctx, master);
      break;
    default:
      break;
  }
  return master.failoverState === 'update_config';
}

function waitStart(ctx: CoreContext, master: MasterInstance): void {
  const leader = getLeader(ctx, master, master.failoverEpoch);
  const isLeader = leader !== null && leader.toLowerCase() === ctx.myid.toLowerCase();
  if (!isLeader && !master.forceFailover) {
    const electionTimeout = Math.min(ctx.timings.electionTimeout, master.settings.failoverTimeoutMs);
    if (ctx.now - master.failoverStartTime > electionTimeout) {
      ctx.event('warning', EV.abortNotElected, master);
      abortFailover(ctx, master);
    }
    return;
  }
  ctx.event('warning', EV.electedLeader, master);
  if (ctx.simFailure & SIM_CRASH_AFTER_ELECTION) return ctx.crash();
  setState(ctx, master, 'select_slave');
  ctx.event('warning', EV.stateSelectSlave, master);
  // Go on at once rather than at the next timer tick: every step here costs clients time.
  selectSlave(ctx, master);
}

function selectSlave(ctx: CoreContext, master: MasterInstance): void {
  const replica = selectReplica(ctx, master);
  if (!replica) {
    ctx.event('warning', EV.abortNoGoodSlave, master);
    abortFailover(ctx, master);
    return;
  }
  ctx.event('warning', EV.selectedSlave, replica);
  replica.promoted = true;
  master.promotedReplica = replica;
  setState(ctx, master, 'send_slaveof_noone');
  ctx.event('notice', EV.stateSendSlaveofNoone, replica);
  sendSlaveofNoOne(ctx, master);
}

/**
 * A clusterctl master fences itself (refuses writes) once it has not heard from a majority of its
 * sentinels for its lease. The master heard from us no later than our last valid PING reply, so
 * after lease + margin from that reply it refuses writes: only then may a second master exist
 * without two masters both acknowledging writes. (Other sentinels that agreed on ODOWN waited
 * down-after > lease + margin on their own side: see the warning in refresh.ts.)
 */
export function leaseRunOut(master: MasterInstance, now: number): boolean {
  const lease = leaseInForce(master);
  if (lease <= 0) return true;
  return now >= master.link.lastAvailTime + lease + FENCE_MARGIN;
}

/**
 * An upper bound of the master's lease when it last answered us: the one it granted us on that
 * connection (it never lengthens it), else what its INFO reported (its fence-lease-ms).
 */
export function leaseInForce(master: MasterInstance): number {
  return master.link.grantedLeaseMs ?? master.fenceLeaseMs;
}

function sendSlaveofNoOne(ctx: CoreContext, master: MasterInstance): void {
  const replica = master.promotedReplica!;
  if (!oldMasterStepsAside(ctx, master)) return;
  if (replica.disconnected) {
    if (ctx.now - master.failoverStateChangeTime > master.settings.failoverTimeoutMs) {
      ctx.event('warning', EV.abortSlaveTimeout, master);
      abortFailover(ctx, master);
    }
    return;
  }
  sendSlaveOf(ctx, replica.id, null, 0, replica);
  ctx.event('notice', EV.stateWaitPromotion, replica);
  setState(ctx, master, 'wait_promotion');
}

/**
 * Never two masters accepting writes: promote only once the old master surely refuses writes. After
 * a failure, that is when its lease has run out: if it answers again meanwhile it keeps (or
 * regains) its lease, and promoting would make two masters. A forced failover (SENTINEL FAILOVER)
 * has a healthy master to replace, whose lease the other sentinels keep renewing: it asks it to
 * fence itself for the rest of the failover (FENCING FENCE), and promotes once it confirmed. A
 * master that granted no lease (redis-server) is not waited for, as Redis Sentinel does not.
 */
function oldMasterStepsAside(ctx: CoreContext, master: MasterInstance): boolean {
  if (leaseRunOut(master, ctx.now) || master.fenceConfirmed) return true;
  if (!master.forceFailover) {
    if (!master.sdown) {
      ctx.event('warning', EV.abortMasterReachable, master);
      abortFailover(ctx, master);
    }
    return false;
  }
  if (!master.fenceRequested && master.link.cmdConnected && master.link.grantedLeaseMs) {
    master.fenceRequested = true;
    // Until the failover ends either way: send-slaveof-noone and wait-promotion each take at most failover-timeout.
    ctx.send({ type: 'fence', id: master.id, ms: master.settings.failoverTimeoutMs * 2 });
  }
  if (ctx.now - master.failoverStateChangeTime > master.settings.failoverTimeoutMs) {
    ctx.event('warning', EV.abortMasterReachable, master);
    abortFailover(ctx, master);
  }
  return false;
}

/** The SLAVEOF transaction; an INFO follows it on the same link so the result is seen at once. */
export function sendSlaveOf(ctx: CoreContext, id: number, host: string | null, port: number, target: { link: { pendingCommands: number; infoPending: boolean } }): void {
  target.link.pendingCommands += 2;
  target.link.infoPending = true;
  ctx.send({ type: 'slaveof', id, host, port });
}

/** sentinelFailoverReconfNextSlave: repoint the other replicas, at most parallel-syncs at a time. */
function reconfNextReplicas(ctx: CoreContext, master: MasterInstance): void {
  const promoted = master.promotedReplica!;
  let inProgress = 0;
  for (const replica of master.replicas.values()) if (replica.reconfSent || replica.reconfInprog) inProgress++;
  for (const replica of master.replicas.values()) {
    if (inProgress >= master.settings.parallelSyncs) break;
    if (replica.promoted || replica.reconfDone) continue;
    if (replica.reconfSent && ctx.now - replica.slaveReconfSentTime > ctx.timings.slaveReconfTimeout) {
      ctx.event('notice', EV.slaveReconfSentTimeout, replica);
      replica.reconfSent = false;
      replica.reconfDone = true;
    }
    if (replica.reconfSent || replica.reconfInprog || replica.reconfDone) continue;
    if (replica.disconnected) continue;
    sendSlaveOf(ctx, replica.id, shownHost(ctx, promoted), promoted.port, replica);
    replica.reconfSent = true;
    replica.slaveReconfSentTime = ctx.now;
    ctx.event('notice', EV.slaveReconfSent, replica);
    inProgress++;
  }
  detectEnd(ctx, master);
}

/** sentinelFailoverDetectEnd: done when every reachable replica follows the new master, or on timeout. */
export function detectEnd(ctx: CoreContext, master: MasterInstance): void {
  const promoted = master.promotedReplica;
  if (!promoted || promoted.sdown) return;
  let notReconfigured = 0;
  for (const replica of master.replicas.values()) {
    if (replica.promoted || replica.reconfDone || replica.sdown) continue;
    notReconfigured++;
  }
  let timeout = false;
  if (ctx.now - master.failoverStateChangeTime > master.settings.failoverTimeoutMs) {
    notReconfigured = 0;
    timeout = true;
    ctx.event('warning', EV.failoverEndForTimeout, master);
  }
  if (notReconfigured === 0) {
    ctx.event('warning', EV.failoverEnd, master);
    setState(ctx, master, 'update_config');
  }
  if (!timeout) return;
  // Best effort for the stragglers: send them SLAVEOF anyway (+slave-reconf-sent-be).
  for (const replica of master.replicas.values()) {
    if (replica.promoted || replica.reconfDone || replica.reconfSent || replica.disconnected) continue;
    sendSlaveOf(ctx, replica.id, shownHost(ctx, promoted), promoted.port, replica);
    ctx.event('notice', EV.slaveReconfSentBe, replica);
    replica.reconfSent = true;
  }
}

/** sentinelFailoverSwitchToPromotedSlave: `+switch-master`, then the record moves to the new address. */
export function switchToPromoted(ctx: CoreContext, master: MasterInstance): void {
  const target = master.promotedReplica ?? master;
  const text = `${master.name} ${shownHost(ctx, master)} ${master.port} ${shownHost(ctx, target)} ${target.port}`;
  ctx.event('warning', EV.switchMaster, master, text, true);
  changeMasterAddress(ctx, master, target.host, target.port);
}
