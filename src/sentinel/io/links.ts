// The sentinel's connections to the instances the core knows (Redis 7.0 instanceLink): a command
// link per master, replica and peer sentinel, plus a pub/sub link subscribed to __sentinel__:hello
// on masters and replicas. It turns the core's actions into commands (link-commands.ts) and the
// replies into observations; it decides nothing beyond when to (re)connect.

import { resolveHost } from '../core/address.js';
import type { SentinelCore } from '../core/sentinel-core.js';
import type { Action, Instance } from '../core/types.js';
import { CONNECTION_LOST, RespClient } from './resp-client.js';
import { HELLO_CHANNEL, fencingRequest, sentinelClientName } from '../../shared/fencing-contract.js';
import { leaseToRequest } from '../core/monitor.js';
import { type Links, answerConfirmRound, renamed, runAction } from './link-commands.js';

/** Waits this long at most for the replies to FENCING RELEASE before a shutdown goes on. */
const RELEASE_WAIT_MS = 300;

export class LinkManager {
  private readonly links = new Map<number, Links>();

  constructor(
    private readonly core: SentinelCore,
    private readonly now: () => number,
    /** Called after every observation fed to the core, so the shell can let the core act at once. */
    private readonly observed: () => void,
    /** requirepass: also what we AUTH with to other sentinels when no sentinel-pass is set. */
    private readonly requirepass: string | null,
  ) {}

  /** Opens links for new instances, retries dead ones (once per ping-period), drops links of forgotten ones. */
  reconcile(): void {
    const live = new Set<number>();
    for (const instance of this.core.instances()) {
      live.add(instance.id);
      let links = this.links.get(instance.id);
      if (!links) {
        links = { instance, cmd: null, pubsub: null, lastAttempt: 0, beatsRead: 0, leaseAsked: false };
        this.links.set(instance.id, links);
      }
      this.recycleStale(links);
      this.ensure(links);
    }
    for (const [id, links] of this.links) {
      if (live.has(id)) continue;
      this.links.delete(id);
      // Gracefully: a FENCING RELEASE just written must reach the node before the close.
      links.cmd?.close(true);
      links.pubsub?.close(true);
    }
  }

  /** Drops every link to masters, replicas and sentinels whose settings changed (auth-pass, sentinel-pass). */
  dropLinks(filter: (instance: Instance) => boolean): void {
    for (const links of this.links.values()) {
      if (!filter(links.instance)) continue;
      links.cmd?.close();
      links.pubsub?.close();
    }
  }

  /** At shutdown: gives every lease back, waits (briefly) for the nodes to read it, closes all links. */
  async releaseAll(): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const links of this.links.values()) {
      const cmd = links.cmd;
      if (!cmd?.connected || !links.leaseAsked) continue;
      pending.push(new Promise((resolve) => cmd.send(renamed(links.instance, fencingRequest('RELEASE')), () => resolve())));
    }
    await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, RELEASE_WAIT_MS))]);
    for (const links of this.links.values()) {
      links.cmd?.close(true);
      links.pubsub?.close(true);
    }
    this.links.clear();
  }

  private ensure(links: Links): void {
    const { instance } = links;
    if (instance.port === 0) return; // an address marked invalid: nothing to dial
    const now = this.now();
    // sentinelReconnectInstance: one attempt per ping-period for both links.
    const missing = !links.cmd || (instance.kind !== 'sentinel' && !links.pubsub);
    if (!missing || now - links.lastAttempt < this.core.timings.pingPeriod) return;
    links.lastAttempt = now;
    if (!links.cmd) {
      links.beatsRead = 0;
      links.leaseAsked = false;
      links.cmd = this.open(links, 'cmd');
    }
    if (instance.kind !== 'sentinel' && !links.pubsub) links.pubsub = this.open(links, 'pubsub');
  }

  /** sentinelCheckSubjectivelyDown's link checks: a stalled or silent old link is closed so a fresh one is made. */
  private recycleStale(links: Links): void {
    const { instance } = links;
    const now = this.now();
    const minAge = this.core.timings.minLinkReconnectPeriod;
    const half = instance.downAfterMs / 2;
    const cmd = links.cmd;
    const ping = instance.link;
    if (cmd?.connected && Date.now() - cmd.createdAt > minAge && ping.actPingTime !== 0 && now - ping.actPingTime > half && now - ping.lastPongTime > half) {
      cmd.close();
    }
    const pubsub = links.pubsub;
    if (pubsub?.connected && Date.now() - pubsub.createdAt > minAge && Date.now() - pubsub.lastActivity > this.core.timings.publishPeriod * 3) {
      pubsub.close();
    }
  }

  private open(links: Links, which: 'cmd' | 'pubsub'): RespClient {
    const { instance } = links;
    const id = instance.id;
    // With resolve-hostnames a name is resolved again at each connection (it may have moved).
    const host = resolveHost(this.core, instance.host) ?? (instance.ip || instance.host);
    const client: RespClient = new RespClient(host, instance.port, {
      onConnect: () => {
        this.handshake(links, client, which);
        this.core.linkChanged(id, which, true, this.now());
        this.observed();
      },
      onClose: () => {
        if (links[which] === client) links[which] = null;
        if (this.links.get(id) !== links) return;
        this.core.linkChanged(id, which, false, this.now());
        this.observed();
      },
      onMessage: which === 'pubsub' ? (channel, payload) => this.onMessage(links, channel, payload) : undefined,
    });
    return client;
  }

  /** AUTH (sentinelSendAuthIfNeeded), CLIENT SETNAME, and SUBSCRIBE on the pub/sub link. */
  private handshake(links: Links, client: RespClient, which: 'cmd' | 'pubsub'): void {
    const { instance } = links;
    const auth = this.authFor(instance);
    if (auth.pass) client.send(renamed(instance, auth.user ? ['AUTH', auth.user, auth.pass] : ['AUTH', auth.pass]));
    client.send(renamed(instance, ['CLIENT', 'SETNAME', sentinelClientName(this.core.myid, which)]));
    if (which === 'pubsub') client.send(renamed(instance, ['SUBSCRIBE', HELLO_CHANNEL]));
    else if (instance.kind !== 'sentinel') this.requestLease(links, client);
  }

  /** Masters and replicas: the master's auth-pass / auth-user; sentinels: sentinel-pass / sentinel-user, else requirepass. */
  private authFor(instance: Instance): { user: string | null; pass: string | null } {
    if (instance.kind === 'sentinel') {
      const s = this.core.settings;
      return s.sentinelPass ? { user: s.sentinelUser, pass: s.sentinelPass } : { user: null, pass: this.requirepass };
    }
    const master = instance.master ?? this.core.masters.get(instance.name);
    return { user: master?.settings.authUser ?? null, pass: master?.settings.authPass ?? null };
  }

  /**
   * FENCING LEASE on a fresh command link, before its first PING: every PONG that follows on this
   * connection comes from a process holding at most that lease (core/failover.ts leaseRunOut).
   * redis-server answers "unknown command": no lease, as Redis Sentinel.
   */
  private requestLease(links: Links, client: RespClient): void {
    const lease = leaseToRequest(links.instance);
    if (lease === 0) return;
    const id = links.instance.id;
    links.leaseAsked = true;
    client.send(fencingRequest('LEASE', lease), (reply) => {
      if (reply === CONNECTION_LOST) return;
      const granted = typeof reply === 'number' ? reply : null;
      if (links.cmd === client && granted === null) links.leaseAsked = false;
      this.core.onLeaseGranted(id, granted, this.now());
      this.observed();
    });
  }

  private onMessage(links: Links, channel: string, payload: string): void {
    if (channel !== HELLO_CHANNEL) {
      answerConfirmRound(links, channel, payload);
      return;
    }
    this.core.onHello(payload, this.now());
    this.observed();
  }

  /** Carries out one command action on the instance's command link. */
  perform(action: Extract<Action, { id: number }>): void {
    const links = this.links.get(action.id);
    if (!links?.cmd?.connected) return;
    runAction(this.core, links, action, this.now, this.observed);
  }
}
