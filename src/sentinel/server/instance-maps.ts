// The instance maps of SENTINEL MASTER / MASTERS / REPLICAS / SENTINELS, field for field in Redis
// 7.0's order (addReplySentinelRedisInstance, protocol doc 8.2). Every value is a bulk string.

import { shownHost } from '../core/address.js';
import { flagsOf } from '../core/instances.js';
import { type GlobalSettings, type Instance, MasterInstance } from '../core/types.js';
import { MapReply } from '../../shared/resp/reply.js';

export function instanceMap(ctx: { settings: GlobalSettings }, instance: Instance, now: number): MapReply {
  const fields: [string, string | number][] = [
    ['name', instance.name],
    ['ip', shownHost(ctx, instance)],
    ['port', instance.port],
    ['runid', instance.runId ?? ''],
    ['flags', flagsOf(instance)],
    ['link-pending-commands', instance.link.pendingCommands],
    ['link-refcount', 1],
  ];
  if (instance instanceof MasterInstance && instance.failoverInProgress) fields.push(['failover-state', instance.failoverState]);
  const link = instance.link;
  fields.push(
    ['last-ping-sent', link.actPingTime ? now - link.actPingTime : 0],
    ['last-ok-ping-reply', now - link.lastAvailTime],
    ['last-ping-reply', now - link.lastPongTime],
  );
  if (instance.sdown) fields.push(['s-down-time', now - instance.sDownSince]);
  if (instance.odown) fields.push(['o-down-time', now - instance.oDownSince]);
  fields.push(['down-after-milliseconds', instance.downAfterMs]);
  if (instance.kind !== 'sentinel') {
    fields.push(
      ['info-refresh', instance.infoRefresh ? now - instance.infoRefresh : 0],
      ['role-reported', instance.roleReported],
      ['role-reported-time', now - instance.roleReportedTime],
    );
  }
  if (instance instanceof MasterInstance) {
    const s = instance.settings;
    fields.push(
      ['config-epoch', instance.configEpoch],
      ['num-slaves', instance.replicas.size],
      ['num-other-sentinels', instance.sentinels.size],
      ['quorum', s.quorum],
      ['failover-timeout', s.failoverTimeoutMs],
      ['parallel-syncs', s.parallelSyncs],
    );
    if (s.notificationScript) fields.push(['notification-script', s.notificationScript]);
    if (s.clientReconfigScript) fields.push(['client-reconfig-script', s.clientReconfigScript]);
  } else if (instance.kind === 'slave') {
    fields.push(
      ['master-link-down-time', instance.masterLinkDownTime],
      ['master-link-status', instance.slaveMasterLinkUp ? 'ok' : 'err'],
      ['master-host', instance.slaveMasterHost ?? '?'],
      ['master-port', instance.slaveMasterPort],
      ['slave-priority', instance.slavePriority],
      ['slave-repl-offset', instance.slaveReplOffset],
      ['replica-announced', instance.replicaAnnounced ? 1 : 0],
    );
  } else {
    fields.push(
      ['last-hello-message', now - instance.lastHelloTime],
      ['voted-leader', instance.leader ?? '?'],
      ['voted-leader-epoch', instance.leaderEpoch],
    );
  }
  return new MapReply(fields.flatMap(([key, value]) => [key, String(value)]));
}
