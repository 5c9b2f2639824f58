// What the sentinel sends on an instance's command link for each action of the core, with Redis
// 7.0's commands (renamed per `rename-command`, sentinelInstanceMapCommand) and clusterctl's own
// FENCING requests, and how the replies become observations.

import { ErrorReply } from '../../shared/resp/reply.js';
import type { ParsedReply } from '../../shared/resp/reply-parser.js';
import { CONFIRM_CHANNEL, FENCING_INFO_SECTION, HELLO_CHANNEL, fencingRequest } from '../../shared/fencing-contract.js';
import type { PingReply, SentinelCore } from '../core/sentinel-core.js';
import { type Action, type Instance, MasterInstance } from '../core/types.js';
import { CONNECTION_LOST, type RespClient } from './resp-client.js';

export interface Links {
  instance: Instance;
  cmd: RespClient | null;
  pubsub: RespClient | null;
  lastAttempt: number;
  /** Replies to FENCING PING read on the current command connection (the heartbeat ack). */
  beatsRead: number;
  /** FENCING LEASE was sent on the current command connection and not refused. */
  leaseAsked: boolean;
}

/**
 * INFO with clusterctl's own `fencing` section (fence lease, sync-replicas); Redis 7.0 takes several
 * section names and ignores the unknown one, answering the default sections as for a bare INFO.
 */
const INFO_ARGS = ['default', FENCING_INFO_SECTION];

/** The command as the instance knows it: its master's rename-command applies (sentinels: none). */
export function renamed(instance: Instance, args: string[]): string[] {
  const master = instance instanceof MasterInstance ? instance : instance.kind === 'slave' ? instance.master : null;
  if (!master || master.settings.renamedCommands.length === 0) return args;
  const name = args[0]!.toLowerCase();
  const entry = master.settings.renamedCommands.find(([from]) => from.toLowerCase() === name);
  return entry ? [entry[1], ...args.slice(1)] : args;
}

/** A confirmation round pushed by a master (server/fencing/confirm-rounds.ts): answered at once. */
export function answerConfirmRound(links: Links, channel: string, payload: string): void {
  // Only on the command link it granted a lease on: the master holds write replies until a
  // majority of us read a round it started after the writes.
  if (channel === CONFIRM_CHANNEL && links.cmd?.connected && links.instance.link.grantedLeaseMs) {
    links.cmd.send(fencingRequest('CONFIRM', payload));
  }
}

export function runAction(core: SentinelCore, links: Links, action: Extract<Action, { id: number }>, now: () => number, observed: () => void): void {
  const cmd = links.cmd!;
  const { instance } = links;
  const id = action.id;
  // A reply that never came (the link closed) is no observation: linkChanged() resets the counters.
  const done = (fn: (reply: ParsedReply) => void) => (reply: ParsedReply) => {
    if (reply === CONNECTION_LOST) return;
    fn(reply);
    observed();
  };
  const onInfo = done((reply) => core.onInfo(id, typeof reply === 'string' ? reply : null, now()));
  switch (action.type) {
    case 'ping':
      // A node that granted us a lease gets heartbeats acknowledging its earlier replies: its
      // lease then runs from replies we really read (server/fencing/fence.ts).
      if (instance.link.grantedLeaseMs) {
        const onBeat = (reply: ParsedReply) => {
          // The node numbers only the heartbeats it answered +PONG.
          if (links.cmd === cmd && reply === 'PONG') links.beatsRead++;
          core.onPing(id, pingReply(reply), now());
        };
        cmd.send(fencingRequest('PING', links.beatsRead), done(onBeat));
      } else {
        cmd.send(renamed(instance, ['PING']), done((reply) => core.onPing(id, pingReply(reply), now())));
      }
      break;
    case 'info':
      cmd.send(renamed(instance, ['INFO', ...INFO_ARGS]), onInfo);
      break;
    case 'hello': {
      const payload = `${action.ip ?? cmd.localAddress ?? '127.0.0.1'},${action.rest}`;
      cmd.send(renamed(instance, ['PUBLISH', HELLO_CHANNEL, payload]), done((reply) => core.onPublished(id, !(reply instanceof ErrorReply), now())));
      break;
    }
    case 'ask': {
      const args = ['SENTINEL', 'is-master-down-by-addr', action.masterHost, String(action.masterPort), String(action.epoch), action.runId];
      cmd.send(args, done((reply) => core.onAsk(id, parseAsk(reply), now())));
      break;
    }
    case 'slaveof':
      sendSlaveOfTransaction(cmd, instance, action.host, action.port, done(() => core.onReply(id, now())));
      cmd.send(renamed(instance, ['INFO', ...INFO_ARGS]), onInfo);
      break;
    case 'script-kill':
      cmd.send(renamed(instance, ['SCRIPT', 'KILL']), done(() => core.onReply(id, now())));
      break;
    case 'release':
      if (links.leaseAsked) cmd.send(fencingRequest('RELEASE'));
      links.leaseAsked = false;
      break;
    case 'fence':
      cmd.send(fencingRequest('FENCE', action.ms), done((reply) => core.onFenced(id, reply === 'OK', now())));
      break;
  }
}

/** sentinelPingReplyCallback: +PONG, -LOADING and -MASTERDOWN are "available"; -BUSY may get a SCRIPT KILL. */
export function pingReply(reply: ParsedReply): PingReply {
  if (reply === 'PONG') return 'pong';
  if (reply instanceof ErrorReply) {
    if (/^(LOADING|MASTERDOWN)/.test(reply.message)) return 'available';
    if (reply.message.startsWith('BUSY')) return 'busy';
  }
  return 'other';
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
function sendSlaveOfTransaction(cmd: RespClient, instance: Instance, host: string | null, port: number, onExec: (reply: ParsedReply) => void): void {
  cmd.send(renamed(instance, ['MULTI']));
  cmd.send(renamed(instance, host === null ? ['SLAVEOF', 'NO', 'ONE'] : ['SLAVEOF', host, String(port)]));
  cmd.send(renamed(instance, ['CONFIG', 'REWRITE']));
  cmd.send(renamed(instance, ['CLIENT', 'KILL', 'TYPE', 'normal']));
  cmd.send(renamed(instance, ['CLIENT', 'KILL', 'TYPE', 'pubsub']));
  cmd.send(renamed(instance, ['EXEC']), onExec);
}
