// The pure decision core of a sentinel: observations and time in, actions out (etcd-io/raft style).
// tick() is Redis 7.0's sentinelTimer walk (monitor, act, then the script queue); the on*() methods
// are the reply callbacks; nothing here touches a socket, a file or the real clock, so scenarios run
// on a fake clock.

import { isIpLiteral, type Resolver } from './address.js';
import type { CoreContext } from './context.js';
import { describe, EV } from './events.js';
import { runFailover, startFailoverIfNeeded, switchToPromoted } from './failover.js';
import { processHello } from './hello.js';
import { allInstances } from './instances.js';
import { askPeers, checkObjectivelyDown, checkSubjectivelyDown, sendPeriodicCommands, sendPing } from './monitor.js';
import { applyInfo } from './refresh.js';
import { ScriptQueue } from './scripts.js';
import { defaultTimings, type Timings } from './timings.js';
import { type Action, defaultGlobalSettings, type EventLevel, type GlobalSettings, type Instance, MasterInstance } from './types.js';
import { notify } from './user-scripts.js';

export interface CoreOptions {
  myid: string;
  now: number;
  settings?: Partial<GlobalSettings>;
  timings?: Partial<Timings>;
  currentEpoch?: number;
  random?: () => number;
  /** Host name resolution for resolve-hostnames yes (default: none resolves). */
  resolve?: Resolver;
}

/** How a PING was answered: +PONG; -LOADING / -MASTERDOWN (available, not a PONG); -BUSY; anything else. */
export type PingReply = 'pong' | 'available' | 'busy' | 'other';

export class SentinelCore implements CoreContext {
  now: number;
  /** Set from the config's `sentinel myid` while loading (a random one when it has none). */
  myid: string;
  currentEpoch: number;
  tilt = false;
  tiltStart = 0;
  readonly masters = new Map<string, MasterInstance>();
  readonly settings: GlobalSettings;
  readonly timings: Timings;
  readonly scripts = new ScriptQueue();
  readonly random: () => number;
  readonly resolve: Resolver;
  simFailure = 0;
  /** SIMULATE-FAILURE fired: the core does nothing more (the shell exits). */
  crashed = false;
  private previousTime: number;
  private lastId = 0;
  private out: Action[] = [];
  private dirty = false;
  private readonly startDue = new Map<MasterInstance, number>();

  constructor(options: CoreOptions) {
    this.myid = options.myid;
    this.now = options.now;
    this.previousTime = options.now;
    this.settings = { ...defaultGlobalSettings(), ...options.settings };
    this.timings = { ...defaultTimings(), ...options.timings };
    this.currentEpoch = options.currentEpoch ?? 0;
    this.random = options.random ?? Math.random;
    this.resolve = options.resolve ?? ((host) => (isIpLiteral(host) ? host : null));
  }

  // ---- CoreContext ----
  nextId(): number {
    return ++this.lastId;
  }
  event(level: EventLevel, channel: string, subject: Instance | null, extra?: string, bare = false): void {
    let message = extra ?? '';
    if (subject && !bare) message = extra ? `${describe(this, subject)} ${extra}` : describe(this, subject);
    this.out.push({ type: 'event', level, channel, message });
    notify(this, level, channel, subject, message);
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
  crash(): void {
    this.crashed = true;
    this.log('warning', 'Sentinel CRASH because of SENTINEL simulate-failure');
    this.out.push({ type: 'crash' });
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
    if (this.crashed) return;
    this.now = now;
    this.checkTilt();
    const switching: MasterInstance[] = [];
    for (const master of [...this.masters.values()]) {
      this.handleInstance(master);
      for (const replica of [...master.replicas.values()]) this.handleInstance(replica);
      for (const sentinel of [...master.sentinels.values()]) this.handleInstance(sentinel);
      if (master.failoverState === 'update_config') switching.push(master);
      if (this.crashed) return;
    }
    for (const master of switching) if (this.masters.get(master.name) === master) switchToPromoted(this, master);
    this.runScripts();
  }

  private checkTilt(): void {
    const delta = this.now - this.previousTime;
    if (delta < 0 || delta > this.timings.tiltTrigger) {
      this.tilt = true;
      this.tiltStart = this.now;
      this.event('warning', EV.tilt, null, '#tilt mode entered');
    }
    this.previousTime = this.now;
  }

  private handleInstance(instance: Instance): void {
    if (this.crashed) return;
    sendPeriodicCommands(this, instance);
    if (this.tilt) {
      if (this.now - this.tiltStart < this.timings.tiltPeriod) return;
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

  /** sentinelRunPendingScripts and sentinelKillTimedoutScripts. */
  private runScripts(): void {
    for (const job of this.scripts.due(this.now)) this.send({ type: 'run-script', job: job.id, argv: job.argv });
    for (const job of this.scripts.timedOut(this.now, this.timings.scriptMaxRuntime)) {
      this.event('warning', EV.scriptTimeout, null, `${job.argv[0]} ${job.pid}`);
      this.send({ type: 'kill-script', job: job.id });
    }
  }

  // ---- observations from the shell ----
  linkChanged(id: number, link: 'cmd' | 'pubsub', connected: boolean, now: number): void {
    if (this.crashed) return;
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

  /** A PING reply (sentinelPingReplyCallback): any reply counts as a reply; only some as "available". */
  onPing(id: number, reply: PingReply, now: number): void {
    if (this.crashed) return;
    this.now = now;
    const instance = this.replied(id);
    if (!instance) return;
    if (reply === 'pong' || reply === 'available') {
      instance.link.lastAvailTime = now;
      instance.link.actPingTime = 0;
      if (reply === 'pong') instance.masterReboot = false;
    } else if (reply === 'busy' && instance.sdown && !instance.scriptKillSent) {
      // Down because a script keeps it busy: ask it once to kill the script.
      instance.link.pendingCommands++;
      instance.scriptKillSent = true;
      this.send({ type: 'script-kill', id });
    }
    instance.link.lastPongTime = now;
    // A fresh lease: two heartbeats at once, so the node confirms one within a few round trips.
    if (instance.link.bootstrapBeats > 0 && instance.link.grantedLeaseMs) {
      instance.link.bootstrapBeats--;
      sendPing(this, instance);
    }
  }

  onInfo(id: number, text: string | null, now: number): void {
    if (this.crashed) return;
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
    if (this.crashed) return;
    this.now = now;
    const peer = this.replied(id);
    if (!peer) return;
    peer.link.askPending = false;
    if (!reply) return;
    peer.lastMasterDownReplyTime = now;
    peer.masterDown = reply.down;
    if (reply.leader !== '*') {
      if (peer.leaderEpoch !== reply.epoch) this.log('warning', `${peer.name} voted for ${reply.leader} ${reply.epoch}`);
      peer.leader = reply.leader;
      peer.leaderEpoch = reply.epoch;
    }
  }

  /** The instance's reply to FENCING LEASE, sent right after connecting: null when it refused. */
  onLeaseGranted(id: number, leaseMs: number | null, now: number): void {
    this.now = now;
    const instance = this.find(id);
    if (!instance) return;
    instance.link.grantedLeaseMs = leaseMs;
    // The PING sent on connect is answered after this reply: the heartbeats follow it (onPing).
    if (leaseMs) instance.link.bootstrapBeats = 2;
  }

  /** The old master's reply to FENCING FENCE (forced failover): true when it now refuses writes. */
  onFenced(id: number, ok: boolean, now: number): void {
    this.now = now;
    const master = this.find(id);
    if (master instanceof MasterInstance && master.fenceRequested && master.failoverInProgress) master.fenceConfirmed = ok;
  }

  /** Any other reply (the SLAVEOF transaction): only the pending count changes. */
  onReply(id: number, now: number): void {
    this.now = now;
    this.replied(id);
  }

  onHello(payload: string, now: number): void {
    if (this.crashed) return;
    this.now = now;
    processHello(this, payload);
  }

  onScriptStarted(job: number, pid: number): void {
    this.scripts.started(job, pid);
  }

  /** A script process ended (signal: its number, 0 for none; a script that could not start: code 2). */
  onScriptExited(job: number, code: number, signal: number, now: number): void {
    this.now = now;
    const outcome = this.scripts.exited(job, code, signal, now, this.timings.scriptRetryDelay);
    if (outcome.kind === 'error') this.event('warning', EV.scriptError, null, `${outcome.path} ${outcome.signal} ${outcome.code}`);
  }

  private replied(id: number): Instance | undefined {
    const instance = this.find(id);
    if (instance && instance.link.pendingCommands > 0) instance.link.pendingCommands--;
    return instance;
  }
}
