// The data of the pure decision core: instance records (masters, replicas, other sentinels), the
// actions the core asks the I/O shell to perform, and the sentinel-wide settings. Mirrors the
// sentinelRedisInstance / instanceLink records and the sentinelState of Redis 7.0 sentinel.c.

import type { Address } from './address.js';

export type InstanceKind = 'master' | 'slave' | 'sentinel';
export type Role = 'master' | 'slave';

/** Failover states, named as `failover-state` shows them in SENTINEL MASTER. */
export type FailoverState =
  | 'none'
  | 'wait_start'
  | 'select_slave'
  | 'send_slaveof_noone'
  | 'wait_promotion'
  | 'reconf_slaves'
  | 'update_config';

export const FAILOVER_ORDER: readonly FailoverState[] = [
  'none',
  'wait_start',
  'select_slave',
  'send_slaveof_noone',
  'wait_promotion',
  'reconf_slaves',
  'update_config',
];

/** The link side of an instance: what the sentinel knows about its connections and pings. */
export interface LinkState {
  cmdConnected: boolean;
  /** Masters and replicas also need the pub/sub link; sentinels have none (always true). */
  pubsubConnected: boolean;
  pendingCommands: number;
  /** Time of the oldest unanswered PING (0 = none pending): the SDOWN clock. */
  actPingTime: number;
  lastPingTime: number;
  /** Last reply of any kind to a PING. */
  lastPongTime: number;
  /** Last PING reply meaning "available" (+PONG, -LOADING, -MASTERDOWN). */
  lastAvailTime: number;
  infoPending: boolean;
  askPending: boolean;
  /**
   * The fencing lease the instance granted on the current command connection (FENCING LEASE):
   * null = none granted (a Redis node, or not asked); 0 = fencing is off there. Kept when the link
   * drops: it is the lease the instance held when we last heard from it.
   */
  grantedLeaseMs: number | null;
  /**
   * Heartbeats still to send back to back on a freshly granted lease: the node confirms a reply
   * only when a later heartbeat on the same connection acknowledges it, so a new link is otherwise
   * unconfirmed for two ping periods (~250 ms), during which the new master of a failover holds
   * its write replies (server/replication/confirm-hold.ts).
   */
  bootstrapBeats: number;
}

export interface MasterSettings {
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
  parallelSyncs: number;
  authPass: string | null;
  authUser: string | null;
  /** Run with `<event type> <event description>` on every warning-level event about this master. */
  notificationScript: string | null;
  /** Run with `<name> <role> <state> <from-ip> <from-port> <to-ip> <to-port>` when its address switches. */
  clientReconfigScript: string | null;
  /** 0 = off; else a master that rebooted (new run id) and has not answered +PONG for this long is SDOWN. */
  masterRebootDownAfterMs: number;
  /** rename-command: the name as configured -> the name to send (looked up case-insensitively). */
  renamedCommands: [string, string][];
}

/** The sentinel-wide state of sentinelState that commands read and change (SENTINEL CONFIG, sentinel.conf). */
export interface GlobalSettings {
  /** The sentinel's own port (announced unless announce-port is set). */
  port: number;
  /** null: each link's local address. */
  announceIp: string | null;
  /** 0: the own port. */
  announcePort: number;
  resolveHostnames: boolean;
  announceHostnames: boolean;
  /** AUTH to other sentinels (sentinel-user / sentinel-pass; requirepass when no sentinel-pass). */
  sentinelUser: string | null;
  sentinelPass: string | null;
  /** SENTINEL SET may not change script paths (the default). */
  denyScriptsReconfig: boolean;
}

export function defaultGlobalSettings(port = 26379): GlobalSettings {
  return {
    port,
    announceIp: null,
    announcePort: 0,
    resolveHostnames: false,
    announceHostnames: false,
    sentinelUser: null,
    sentinelPass: null,
    denyScriptsReconfig: true,
  };
}

export class Instance implements Address {
  runId: string | null = null;
  sdown = false;
  odown = false;
  sDownSince = 0;
  oDownSince = 0;
  /** Sentinel peers: their last is-master-down-by-addr answer said the master is down. */
  masterDown = false;
  /** SCRIPT KILL was sent to it while it answered -BUSY (cleared at -sdown). */
  scriptKillSent = false;
  /** A master seen rebooting (new run id) with master-reboot-down-after-period set, not +PONG since. */
  masterReboot = false;
  masterRebootSince = 0;
  promoted = false;
  reconfSent = false;
  reconfInprog = false;
  reconfDone = false;
  link: LinkState;
  /** Time of the last INFO reply (0 = never). */
  infoRefresh = 0;
  infoText: string | null = null;
  roleReported: Role;
  roleReportedTime: number;
  // Replica fields parsed from INFO.
  masterLinkDownTime = 0;
  slaveMasterHost: string | null = null;
  slaveMasterPort = 0;
  slaveMasterLinkUp = false;
  slavePriority = 100;
  slaveReplOffset = 0;
  replicaAnnounced = true;
  /** From INFO fencing of a clusterctl master (0 otherwise): see failover.ts leaseRunOut. */
  fenceLeaseMs = 0;
  syncReplicas = 0;
  syncAckedOffset = 0;
  slaveConfChangeTime: number;
  slaveReconfSentTime = 0;
  // Sentinel peers.
  lastHelloTime = 0;
  lastMasterDownReplyTime = 0;
  /** For a peer: its vote (leader runid) as last reported; for a master: our own vote. */
  leader: string | null = null;
  leaderEpoch = 0;
  lastPubTime = 0;
  /** As configured or announced (a name or an IP literal). */
  host: string;
  /** What `host` resolved to ('' unresolved). */
  ip: string;
  port: number;

  constructor(
    readonly id: number,
    readonly kind: InstanceKind,
    /** Master: configured name; replica: ip:port; sentinel: its runid. */
    readonly name: string,
    address: Address,
    /** The master record a replica or sentinel belongs to (null for masters). */
    readonly master: MasterInstance | null,
    now: number,
  ) {
    this.host = address.host;
    this.ip = address.ip;
    this.port = address.port;
    // As createSentinelRedisInstance: a new peer counts as heard now, its last answer as fresh.
    this.lastHelloTime = now;
    this.lastMasterDownReplyTime = now;
    this.link = {
      cmdConnected: false,
      pubsubConnected: kind === 'sentinel',
      pendingCommands: 0,
      actPingTime: now,
      lastPingTime: 0,
      lastPongTime: now,
      lastAvailTime: now,
      infoPending: false,
      askPending: false,
      grantedLeaseMs: null,
      bootstrapBeats: 0,
    };
    this.roleReported = kind === 'slave' ? 'slave' : 'master';
    this.roleReportedTime = now;
    this.slaveConfChangeTime = now;
  }

  get disconnected(): boolean {
    return !this.link.cmdConnected || !this.link.pubsubConnected;
  }

  get downAfterMs(): number {
    return (this.master ?? (this as unknown as MasterInstance)).settings.downAfterMs;
  }

  get address(): string {
    return `${this.ip || this.host}:${this.port}`;
  }
}

export class MasterInstance extends Instance {
  declare readonly kind: 'master';
  readonly replicas = new Map<string, Instance>();
  /** Other sentinels monitoring this master, keyed by runid. */
  readonly sentinels = new Map<string, Instance>();
  configEpoch = 0;
  failoverInProgress = false;
  forceFailover = false;
  failoverEpoch = 0;
  failoverState: FailoverState = 'none';
  failoverStateChangeTime = 0;
  failoverStartTime = 0;
  failoverDelayLogged = 0;
  promotedReplica: Instance | null = null;
  /** A forced failover asked the old master to fence itself (FENCING FENCE) and it confirmed. */
  fenceRequested = false;
  fenceConfirmed = false;

  constructor(id: number, name: string, address: Address, readonly settings: MasterSettings, now: number) {
    super(id, 'master', name, address, null, now);
  }
}

/** What the core asks the I/O shell to do. `id` names the instance whose command link is used. */
export type Action =
  | { type: 'ping'; id: number }
  | { type: 'info'; id: number }
  /** PUBLISH __sentinel__:hello `<ip>,<rest>`; ip null = the link's local address. */
  | { type: 'hello'; id: number; ip: string | null; rest: string }
  | { type: 'ask'; id: number; masterHost: string; masterPort: number; epoch: number; runId: string }
  /** The SLAVEOF transaction (host null = NO ONE), then an INFO right behind it on the same link. */
  | { type: 'slaveof'; id: number; host: string | null; port: number }
  /** SCRIPT KILL to an instance answering -BUSY while SDOWN. */
  | { type: 'script-kill'; id: number }
  /** FENCING RELEASE on the command link of a record being dropped: we no longer time a failover on its lease. */
  | { type: 'release'; id: number }
  /** FENCING FENCE <ms> to the old master of a forced failover: it refuses writes while we promote. */
  | { type: 'fence'; id: number; ms: number }
  | { type: 'event'; level: EventLevel; channel: string; message: string }
  | { type: 'log'; level: EventLevel; message: string }
  /** Start script job `job` (argv[0] is the path). */
  | { type: 'run-script'; job: number; argv: string[] }
  /** SIGKILL a script that ran past script-max-runtime. */
  | { type: 'kill-script'; job: number }
  /** SENTINEL SIMULATE-FAILURE: exit now, as Redis's sentinelSimFailureCrash. */
  | { type: 'crash' }
  | { type: 'save' };

export type EventLevel = 'debug' | 'verbose' | 'notice' | 'warning';
