// Event names and the instance description used in event messages, exactly as Redis 7.0 sentinel.c
// publishes them (channel = event name, message = text; protocol doc 7.12).

import { shownHost } from './address.js';
import type { GlobalSettings, Instance } from './types.js';

export const EV = {
  monitor: '+monitor',
  unmonitor: '-monitor',
  sdown: '+sdown',
  sdownEnd: '-sdown',
  odown: '+odown',
  odownEnd: '-odown',
  newEpoch: '+new-epoch',
  tryFailover: '+try-failover',
  voteForLeader: '+vote-for-leader',
  electedLeader: '+elected-leader',
  stateSelectSlave: '+failover-state-select-slave',
  selectedSlave: '+selected-slave',
  stateSendSlaveofNoone: '+failover-state-send-slaveof-noone',
  stateWaitPromotion: '+failover-state-wait-promotion',
  promotedSlave: '+promoted-slave',
  stateReconfSlaves: '+failover-state-reconf-slaves',
  slaveReconfSent: '+slave-reconf-sent',
  slaveReconfInprog: '+slave-reconf-inprog',
  slaveReconfDone: '+slave-reconf-done',
  slaveReconfSentTimeout: '-slave-reconf-sent-timeout',
  slaveReconfSentBe: '+slave-reconf-sent-be',
  failoverEnd: '+failover-end',
  failoverEndForTimeout: '+failover-end-for-timeout',
  abortNotElected: '-failover-abort-not-elected',
  abortNoGoodSlave: '-failover-abort-no-good-slave',
  abortSlaveTimeout: '-failover-abort-slave-timeout',
  /** clusterctl's own: the old master answered again while we waited for its fencing lease to run out. */
  abortMasterReachable: '-failover-abort-master-reachable',
  switchMaster: '+switch-master',
  slave: '+slave',
  convertToSlave: '+convert-to-slave',
  fixSlaveConfig: '+fix-slave-config',
  reboot: '+reboot',
  roleChange: '+role-change',
  roleChangeWrong: '-role-change',
  sentinel: '+sentinel',
  sentinelInvalidAddr: '+sentinel-invalid-addr',
  sentinelAddressSwitch: '+sentinel-address-switch',
  configUpdateFrom: '+config-update-from',
  resetMaster: '+reset-master',
  tilt: '+tilt',
  tiltEnd: '-tilt',
  set: '+set',
  scriptChild: '+script-child',
  scriptChildEnd: '-script-child',
  scriptError: '-script-error',
  scriptTimeout: '-script-timeout',
} as const;

/**
 * `%@` of sentinelEvent: `master <name> <ip> <port>` for a master, else
 * `<slave|sentinel> <name> <ip> <port> @ <master name> <master ip> <master port>`.
 */
export function describe(ctx: { settings: GlobalSettings }, instance: Instance): string {
  const own = `${instance.kind} ${instance.name} ${shownHost(ctx, instance)} ${instance.port}`;
  const master = instance.master;
  return master ? `${own} @ ${master.name} ${shownHost(ctx, master)} ${master.port}` : own;
}
