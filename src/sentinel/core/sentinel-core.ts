// The pure decision core of a sentinel: observations and time in, actions out (etcd-io/raft style).
// tick() is Redis 7.0's sentinelTimer walk (monitor, then act); the on*() methods are the reply
// callbacks; nothing here touches a socket, a file or the real clock, so scenarios run on a fake clock.

import { TILT_PERIOD, TILT_TRIGGER } from './constants.js';
import type { CoreContext } from './context.js';
import { describe, EV } from './events.js';
import { runFailover, startFailoverIfNeeded, switchToPromoted } from './failover.js';
import { processHello } from './hello.js';
import { allInstances } from './instances.js';
import { askPeers, checkObjectivelyDown, checkSubjectivelyDown, sendPeriodicCommands, sendPing } from './monitor.js';
import { applyInfo } from './refresh.js';
import { type Action, type EventLevel, type Instance, MasterInstance } from './types.js';

export interface CoreOptions {
  myid: string;
  now: number;
  announce: { ip: string | null; port: number };
  currentEpoch?: number;
  random?: () => number;
}

export class SentinelCore implements CoreContext {
  now: number;
  readonly myid: string;
  currentEpoch: number;
  tilt = false;
  tiltStart = 0;
  readonly masters = new Map<string, MasterInstance>();
  readonly announce: { ip: string | null; port: number };
  readonly random: () => number;
  private previousTime: number;
  private lastId = 0;
  private out: Action[] = [];
  private dirty = false;
  private readonly startDue = new Map<MasterInstance, number>();

  constructor(options: CoreOptions) {
    this.myid = options.myid;
    this.now = options.now;
    this.previousTime = options.now;
    this.announce = options.announce;
    this.currentEpoch = options.currentEpoch ?? 0;
    this.random = options.random ?? Math.random;
  }

  // ---- CoreContext ----
  nextId(): number {
    return ++this.lastId;
  }
  event(level: EventLevel, channel: string, instance: Instance | null, extra?: string): void {
    const message = instance ? (extra ? `${describe(instance)} ${extra}` : describe(instance)) : (extra ?? '');
    this.out.push({ type: 'event', level, channel, message });
  }
  log(level: EventLevel, message: string): void {
    this.out.push({ type: 'log', level, message });
  }
  send(action: Action): void {
    this.out.push(action);
  }
  save(): void {
    this.dirty = true;
  }

  /** Actions produced since the last call; `save` first when the persisted state changed. */
  drain(): Action[] {
    const actions = this.out;
    this.out = [];
    if (this.dirty) {
      this.dirty = false;
      actions.unshift({ type: 'save' });
    }
    return actions;
  }

  find(id: number): Instance | undefined {
    for (const instance of allInstances(this.masters)) if (instance.id === id) return instance;
    return undefined;
  }

  instances(): Instance[] {
    return [...allInstances(this.masters)];
  }

  // ---- the timer ----
  tick(now: number): void {
    this.now = now;
    this.checkTilt();
    const switching: MasterInstance[] = [];
    for (const master of [...this.masters.values()]) {
      this.handleInstance(master);
      for (const replica of [...master.replicas.values()]) this.handleInstance(replica);
      for (const sentinel of [...master.sentinels.values()]) this.handleInstance(sentinel);
      if (master.failoverState === 'update_config') switching.push(master);
    }
    for (const master of switching) if (this.masters.get(master.name) === master) switchToPromoted(this, master);
  }

  private checkTilt(): void {
    const delta = this.now - this.previousTime;
    if (delta < 0 || delta > TILT_TRIGGER) {
      this.tilt = true;
      this.tiltStart = this.now;
      this.event('warning', EV.tilt, null, '#tilt mode entered');
    }
    this.previousTime = this.now;
  }

  private handleInstance(instance: Instance): void {
    sendPeriodicCommands(this, instance);
    if (this.tilt) {
      if (this.now - this.tiltStart < TILT_PERIOD) return;
      this.tilt = false;
      this.event('warning', EV.tiltEnd, null, '#tilt mode exited');
    }
    checkSubjectivelyDown(this, instance);
    if (!(instance instanceof MasterInstance)) return;
    checkObjectivelyDown(this, instance);
    if (startFailoverIfNeeded(this, instance, this.startDue)) askPeers(this, instance, true);
    runFailover(this, instance);
    askPeers(this, instance, false);
  }

  // ---- observations from the shell ----
  linkChanged(id: number, link: 'cmd' | 'pubsub', connected: boolean, now: number): void {
    this.now = now;
    const instance = this.find(id);
    if (!instance) return;
    if (link === 'cmd') {
      instance.link.cmdConnected = connected;
      // Replies will never come on a closed link: forget what was in flight.
      instance.link.pendingCommands = 0;
      instance.link.infoPending = false;
      instance.link.askPending = false;
      // A new connection may reach a new process: only a grant made on it counts from now on.
      if (connected) instance.link.grantedLeaseMs = null;
      instance.link.bootstrapBeats = 0;
      // Like sentinelReconnectInstance: a fresh command link sends its first PING at once.
      if (connected) sendPing(this, instance);
    } else {
      instance.link.pubsubConnected = connected || instance.kind === 'sentinel';
    }
  }

  /** A PING reply; `available` = +PONG, -LOADING or -MASTERDOWN (any other reply still counts as a reply). */
  onPing(id: number, available: boolean, now: number): void {
    this.now = now;
    const instance = this.replied(id);
    if (!instance) return;
    if (available) {
      instance.link.lastAvailTime = now;
      instance.link.actPingTime = 0;
    }
    instance.link.lastPongTime = now;
    // A fresh lease: two heartbeats at once, so the node confirms one within a few round trips.
    if (instance.link.bootstrapBeats > 0 && instance.link.grantedLeaseMs) {
      instance.link.bootstrapBeats--;
      sendPing(this, instance);
    }
  }

  onInfo(id: number, text: string | null, now: number): void {
    this.now = now;
    const instance = this.replied(id);
    if (!instance) return;
    instance.link.infoPending = false;
    if (text !== null) applyInfo(this, instance, text);
  }

  /** A hello PUBLISH was answered; an error makes it go out again at the next tick. */
  onPublished(id: number, ok: boolean, now: number): void {
    this.now = now;
    const instance = this.replied(id);
    if (instance && !ok) instance.lastPubTime = 0;
  }

  /** Reply to is-master-down-by-addr; `reply` null when it had the wrong shape or failed. */
  onAsk(id: number, reply: { down: boolean; leader: string; epoch: number } | null, now: number): void {
    this.now = now;
    const peer = this.replied(id);
    if (!peer) return;
    peer.link.askPending = false;
    if (!reply) return;
    peer.lastMasterDownReplyTime = now;
    peer.masterDown = reply.down;
    if (reply.leader !== '*') {
      if (peer.leaderEpoch !== reply.epoch) this.log('notice', `${peer.name} voted for ${reply.leader} ${reply.epoch}`);
      peer.leader = reply.leader;
      peer.leaderEpoch = reply.epoch;
    }
  }

  /** Any other reply (the SLAVEOF transaction): only the pending count changes. */
  /** The instance's reply to FENCING LEASE, sent right after connecting: null when it refused. */
  onLeaseGranted(id: number, leaseMs: number | null, now: number): void {
    this.now = now;
    const instance = this.find(id);
    if (!instance) return;
    instance.link.grantedLeaseMs = leaseMs;
    // The PING sent on connect is answered after this reply: the heartbeats follow it (onPing).
    if (leaseMs) instance.link.bootstrapBeats = 2;
  }

  onReply(id: number, now: number): void {
    this.now = now;
    this.replied(id);
  }

  onHello(payload: string, now: number): void {
    this.now = now;
    processHello(this, payload);
  }

  private replied(id: number): Instance | undefined {
    const instance = this.find(id);
    if (instance && instance.link.pendingCommands > 0) instance.link.pendingCommands--;
    return instance;
  }
}
