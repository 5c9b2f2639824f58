// The sentinel's connections to the instances the core knows (Redis 7.0 instanceLink): a command
// link per master, replica and peer sentinel, plus a pub/sub link subscribed to __sentinel__:hello
// on masters and replicas. It turns the core's actions into commands and the replies into
// observations; it decides nothing beyond when to (re)connect.

import { ErrorReply } from '../../shared/resp/reply.js';
import type { ParsedReply } from '../../shared/resp/reply-parser.js';
import { PING_PERIOD, PUBLISH_PERIOD } from '../core/constants.js';
import { leaseToRequest } from '../core/monitor.js';
import type { SentinelCore } from '../core/sentinel-core.js';
import type { Action, Instance } from '../core/types.js';
import { CONNECTION_LOST, RespClient } from './resp-client.js';
import { CONFIRM_CHANNEL, FENCING_INFO_SECTION, HELLO_CHANNEL, fencingRequest, sentinelClientName } from '../../shared/fencing-contract.js';

/** A link older than this is recycled when pings stall or the pub/sub link goes silent (Redis: 15 s). */
const MIN_LINK_RECONNECT_PERIOD = 15_000;
/** INFO with clusterctl's own `fencing` section (fence lease, sync-replicas); Redis 7.0 takes several
 * section names and ignores the unknown one, answering the default sections as for a bare INFO. */
const INFO_COMMAND = ['INFO', 'default', FENCING_INFO_SECTION];

interface Links {
  instance: Instance;
  cmd: RespClient | null;
  pubsub: RespClient | null;
  lastCmdAttempt: number;
  lastPubsubAttempt: number;
  /** Replies to FENCING PING read on the current command connection (the heartbeat ack). */
  beatsRead: number;
}

export class LinkManager {
  private readonly links = new Map<number, Links>();

  constructor(
    private readonly core: SentinelCore,
    private readonly now: () => number,
    /** Called after every observation fed to the core, so the shell can let the core act at once. */
    private readonly observed: () => void,
    /** Our run id: links are named sentinel-<first 8 characters>-cmd / -pubsub, as Redis names them. */
    private readonly runId: string,
  ) {}

  /** Opens links for new instances, retries dead ones (once per second), drops links of forgotten ones. */
  reconcile(): void {
    const live = new Set<number>();
    for (const instance of this.core.instances()) {
      live.add(instance.id);
      let links = this.links.get(instance.id);
      if (!links) {
        links = { instance, cmd: null, pubsub: null, lastCmdAttempt: 0, lastPubsubAttempt: 0, beatsRead: 0 };
        this.links.set(instance.id, links);
      }
      this.recycleStale(links);
      this.ensure(links);
    }
    for (const [id, links] of this.links) {
      if (live.has(id)) continue;
      this.links.delete(id);
      links.cmd?.close();
      links.pubsub?.close();
    }
  }

  closeAll(): void {
    for (const links of this.links.values()) {
      links.cmd?.close();
      links.pubsub?.close();
    }
    this.links.clear();
  }

  private ensure(links: Links): void {
    const { instance } = links;
    if (instance.port === 0) return; // a replica announced without a listening port: nothing to dial
    const now = this.now();
    if (!links.cmd && now - links.lastCmdAttempt >= PING_PERIOD) {
      links.lastCmdAttempt = now;
      links.beatsRead = 0;
      links.cmd = this.open(links, 'cmd');
    }
    if (instance.kind !== 'sentinel' && !links.pubsub && now - links.lastPubsubAttempt >= PING_PERIOD) {
      links.lastPubsubAttempt = now;
      links.pubsub = this.open(links, 'pubsub');
    }
  }

  /** sentinelCheckReconnection-like: a stalled or silent old link is closed so a fresh one is made. */
  private recycleStale(links: Links): void {
    const { instance } = links;
    const now = this.now();
    const cmd = links.cmd;
    if (cmd?.connected && Date.now() - cmd.createdAt > MIN_LINK_RECONNECT_PERIOD && instance.link.actPingTime !== 0 && now - instance.link.actPingTime > instance.downAfterMs / 2) {
      cmd.close();
    }
    const pubsub = links.pubsub;
    if (pubsub?.connected && Date.now() - pubsub.createdAt > MIN_LINK_RECONNECT_PERIOD && Date.now() - pubsub.lastActivity > PUBLISH_PERIOD * 3) {
      pubsub.close();
    }
  }

  private open(links: Links, which: 'cmd' | 'pubsub'): RespClient {
    const { instance } = links;
    const id = instance.id;
    const client: RespClient = new RespClient(instance.host, instance.port, {
      onConnect: () => {
        this.handshake(instance, client, which);
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

  /** AUTH (auth-pass/auth-user of the master), CLIENT SETNAME, and SUBSCRIBE on the pub/sub link. */
  private handshake(instance: Instance, client: RespClient, which: 'cmd' | 'pubsub'): void {
    const settings = this.settingsOf(instance);
    if (instance.kind !== 'sentinel' && settings.authPass) {
      client.send(settings.authUser ? ['AUTH', settings.authUser, settings.authPass] : ['AUTH', settings.authPass]);
    }
    client.send(['CLIENT', 'SETNAME', sentinelClientName(this.runId, which)]);
    if (which === 'pubsub') client.send(['SUBSCRIBE', HELLO_CHANNEL]);
    else if (instance.kind !== 'sentinel') this.requestLease(instance, client);
  }

  /**
   * FENCING LEASE on a fresh command link, before its first PING: every PONG that follows on this
   * connection comes from a process holding at most that lease (core/failover.ts leaseRunOut).
   * redis-server answers "unknown command": no lease, as Redis Sentinel.
   */
  private requestLease(instance: Instance, client: RespClient): void {
    const lease = leaseToRequest(instance);
    if (lease === 0) return;
    const id = instance.id;
    client.send(fencingRequest('LEASE', lease), (reply) => {
      if (reply === CONNECTION_LOST) return;
      this.core.onLeaseGranted(id, typeof reply === 'number' ? reply : null, this.now());
      this.observed();
    });
  }

  private settingsOf(instance: Instance): { authPass: string | null; authUser: string | null } {
    const master = instance.master ?? this.core.masters.get(instance.name);
    return master?.settings ?? { authPass: null, authUser: null };
  }

  private onMessage(links: Links, channel: string, payload: string): void {
    if (channel === CONFIRM_CHANNEL) {
      // Answered at once and without waiting: the master holds write replies until a majority of
      // us read a round it started after the writes. Only on the command link it granted a lease on.
      if (links.cmd?.connected && links.instance.link.grantedLeaseMs) links.cmd.send(fencingRequest('CONFIRM', payload));
      return;
    }
    if (channel !== HELLO_CHANNEL) return;
    this.core.onHello(payload, this.now());
    this.observed();
  }

  /** Carries out one command action on the instance's command link. */
  perform(action: Exclude<Action, { type: 'event' | 'log' | 'save' }>): void {
    const links = this.links.get(action.id);
    const cmd = links?.cmd;
    const id = action.id;
    if (!links || !cmd?.connected) return;
    // A reply that never came (the link closed) is no observation: linkChanged() resets the counters.
    const done = (fn: (reply: ParsedReply) => void) => (reply: ParsedReply) => {
      if (reply === CONNECTION_LOST) return;
      fn(reply);
      this.observed();
    };
    switch (action.type) {
      case 'ping':
        // A node that granted us a lease gets heartbeats acknowledging its earlier replies: its
        // lease then runs from replies we really read (server/fencing/fence.ts).
        if (links.instance.link.grantedLeaseMs) {
          cmd.send(
            fencingRequest('PING', links.beatsRead),
            done((reply) => {
              // The node numbers only the heartbeats it answered +PONG.
              if (links.cmd === cmd && reply === 'PONG') links.beatsRead++;
              this.core.onPing(id, isAvailable(reply), this.now());
            }),
          );
        } else {
          cmd.send(['PING'], done((reply) => this.core.onPing(id, isAvailable(reply), this.now())));
        }
        break;
      case 'info':
        cmd.send(INFO_COMMAND, done((reply) => this.core.onInfo(id, typeof reply === 'string' ? reply : null, this.now())));
        break;
      case 'hello': {
        const payload = `${action.ip ?? cmd.localAddress ?? '127.0.0.1'},${action.rest}`;
        cmd.send(['PUBLISH', HELLO_CHANNEL, payload], done((reply) => this.core.onPublished(id, !(reply instanceof ErrorReply), this.now())));
        break;
      }
      case 'ask': {
        const args = ['SENTINEL', 'is-master-down-by-addr', action.masterHost, String(action.masterPort), String(action.epoch), action.runId];
        cmd.send(args, done((reply) => this.core.onAsk(id, parseAsk(reply), this.now())));
        break;
      }
      case 'slaveof':
        sendSlaveOfTransaction(cmd, action.host, action.port, done(() => this.core.onReply(id, this.now())));
        cmd.send(INFO_COMMAND, done((reply) => this.core.onInfo(id, typeof reply === 'string' ? reply : null, this.now())));
        break;
    }
  }
}

/** PING counts as "available" only for +PONG, -LOADING and -MASTERDOWN (sentinelPingReplyCallback). */
function isAvailable(reply: ParsedReply): boolean {
  if (reply === 'PONG') return true;
  return reply instanceof ErrorReply && /^(LOADING|MASTERDOWN)/.test(reply.message);
}

function parseAsk(reply: ParsedReply): { down: boolean; leader: string; epoch: number } | null {
  if (!Array.isArray(reply) || reply.length !== 3) return null;
  const [down, leader, epoch] = reply;
  if (typeof down !== 'number' || typeof leader !== 'string' || typeof epoch !== 'number') return null;
  return { down: down === 1, leader, epoch };
}

/**
 * The reconfiguration transaction exactly as Redis sends it (protocol doc 7.10). CLIENT KILL skips
 * the calling connection, so this link survives while clients are pushed to ask the sentinels again.
 */
function sendSlaveOfTransaction(cmd: RespClient, host: string | null, port: number, onExec: (reply: ParsedReply) => void): void {
  cmd.send(['MULTI']);
  cmd.send(host === null ? ['SLAVEOF', 'NO', 'ONE'] : ['SLAVEOF', host, String(port)]);
  cmd.send(['CONFIG', 'REWRITE']);
  cmd.send(['CLIENT', 'KILL', 'TYPE', 'normal']);
  cmd.send(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
  cmd.send(['EXEC'], onExec);
}
