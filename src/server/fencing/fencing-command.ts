// FENCING: clusterctl's own command between our sentinels and our nodes (fence.ts), and FORGET for
// operators; its names and argument shapes are the shared contract (shared/fencing-contract.ts). Redis has no equivalent;
// redis-sentinel never sends it, so a node it monitors keeps the lease of its fence-lease-ms directive.

import { ErrorReply, OK, PONG, type Reply } from '../../shared/resp/reply.js';
import { FENCING_ARITY, MIN_LEASE_MS, SENTINEL_CMD_NAME, SENTINEL_SHORT_ID, type FencingSubcommand } from '../../shared/fencing-contract.js';
import type { Replication } from '../replication/replication.js';
import { ERR_NOT_INTEGER } from '../base/errors.js';
import { parseInteger } from '../base/args.js';
import { command, type CommandContext, type CommandSpec } from '../base/command-spec.js';
import { helpReply } from '../base/help.js';

/**
 * The sentinel sending FENCING <sub> on its command link (CLIENT SETNAME sentinel-<id>-cmd first),
 * with the node's replication; an error for anyone else.
 */
function sentinelCaller(ctx: CommandContext, sub: FencingSubcommand): { id: string; replication: Replication } | ErrorReply {
  const match = SENTINEL_CMD_NAME.exec(ctx.client.name);
  if (!match) return new ErrorReply(`ERR FENCING ${sub} is sent by a sentinel on its command link (CLIENT SETNAME sentinel-<id>-cmd first)`);
  const replication = ctx.server.replication;
  if (!replication) return new ErrorReply('ERR replication is not available');
  return { id: match[1]!, replication };
}

/**
 * FENCING LEASE <ms>: sent by a sentinel on its command link.
 * Replies the lease now in force, never longer than <ms>, for as long as this process lives.
 */
function fencingLease(ctx: CommandContext, args: string[]): Reply {
  const caller = sentinelCaller(ctx, 'LEASE');
  if (caller instanceof ErrorReply) return caller;
  const ms = parseInteger(args[2]!);
  if (ms === null) return ERR_NOT_INTEGER;
  if (ms < MIN_LEASE_MS) return new ErrorReply(`ERR lease must be at least ${MIN_LEASE_MS} ms`);
  return caller.replication.fence.requestLease(caller.id, ms);
}

/**
 * FENCING PING <ack>: a sentinel's heartbeat to a node that granted it a lease. <ack> counts our
 * replies to FENCING PING it has read on this connection; the lease then runs from when we sent
 * the last of them (fence.ts). Answers +PONG, so it also serves as the sentinel's PING.
 */
function fencingPing(ctx: CommandContext, args: string[]): Reply {
  const ack = parseInteger(args[2]!);
  if (ack === null || ack < 0) return ERR_NOT_INTEGER;
  // Only a +PONG counts on the sentinel's side: answer it only to a heartbeat we numbered.
  const caller = sentinelCaller(ctx, 'PING');
  if (caller instanceof ErrorReply) return caller;
  caller.replication.fence.heartbeat(caller.id, ctx.client.id, ack);
  return PONG;
}

/**
 * FENCING CONFIRM <round>: a sentinel read confirmation round <round> on its pub/sub link
 * (confirm-rounds.ts). Sent without waiting for the reply.
 */
function fencingConfirm(ctx: CommandContext, args: string[]): Reply {
  const round = parseInteger(args[2]!);
  if (round === null || round < 0) return ERR_NOT_INTEGER;
  const caller = sentinelCaller(ctx, 'CONFIRM');
  if (caller instanceof ErrorReply) return caller;
  caller.replication.confirmRounds.confirm(caller.id, round);
  return OK;
}

/**
 * FENCING RELEASE: the sentinel stopped monitoring this node (SENTINEL REMOVE, RESET, its shutdown;
 * never a failover, which keeps the old master fenced): it times no failover on our lease any more,
 * and leaves the authority.
 */
function fencingRelease(ctx: CommandContext): Reply {
  const caller = sentinelCaller(ctx, 'RELEASE');
  if (caller instanceof ErrorReply) return caller;
  caller.replication.fence.release(caller.id);
  return OK;
}

/**
 * FENCING FENCE <ms>: the leader of a forced failover asks this (healthy) master to refuse writes
 * while it promotes a replica; 0 lifts it (the failover was aborted). Answered once it refuses them.
 */
function fencingFence(ctx: CommandContext, args: string[]): Reply {
  const ms = parseInteger(args[2]!);
  if (ms === null || ms < 0) return ERR_NOT_INTEGER;
  const caller = sentinelCaller(ctx, 'FENCE');
  if (caller instanceof ErrorReply) return caller;
  if (!caller.replication.fence.isKnown(caller.id)) return new ErrorReply('ERR FENCING FENCE is sent by a sentinel holding a lease (FENCING LEASE first)');
  caller.replication.fence.stepAside(caller.id, ms);
  return OK;
}

/** FENCING FORGET <id | *>: an operator says these sentinels are gone for good. Replies how many were forgotten. */
function fencingForget(ctx: CommandContext, args: string[]): Reply {
  const id = args[2]!;
  if (id !== '*' && !SENTINEL_SHORT_ID.test(id)) return new ErrorReply('ERR FENCING FORGET takes a sentinel id (the 8 characters INFO fencing lists in fence_members) or *');
  const replication = ctx.server.replication;
  if (!replication) return new ErrorReply('ERR replication is not available');
  return replication.fence.forget(id);
}

const HELP = [
  'LEASE <milliseconds>',
  '    Ask this node to fence itself after <milliseconds> without hearing from a majority of its sentinels.',
  'PING <ack>',
  '    A sentinel heartbeat; <ack> is how many replies to FENCING PING the sentinel has read on this connection.',
  'CONFIRM <round>',
  '    A sentinel read confirmation round <round>: replies to writes made before it may go out.',
  'RELEASE',
  '    A sentinel stopped monitoring this node: it can fence it no more.',
  'FENCE <milliseconds>',
  '    A forced failover asks this master to refuse writes while it promotes a replica (0 lifts it).',
  'FORGET <id|*>',
  '    Forget sentinels gone for good, as if they had sent RELEASE.',
];

const FLAGS = ['admin', 'noscript', 'loading', 'stale', 'fast'] as const;

/** The command table's name of a contract subcommand (lookups are case-insensitive). */
const sub = (name: FencingSubcommand) => name.toLowerCase();

export const fencingCommands: CommandSpec[] = [
  command('fencing', -2, [], () => null, undefined, {
    summary: 'clusterctl self-fencing: leases requested by sentinels',
    subcommands: [
      command(sub('LEASE'), FENCING_ARITY.LEASE, FLAGS, fencingLease, undefined, { summary: 'Request a fencing lease (sent by sentinels)' }),
      command(sub('PING'), FENCING_ARITY.PING, FLAGS, fencingPing, undefined, { summary: 'A sentinel heartbeat acknowledging earlier replies' }),
      command(sub('CONFIRM'), FENCING_ARITY.CONFIRM, FLAGS, fencingConfirm, undefined, { summary: 'A sentinel confirming it heard this master (sent by sentinels)' }),
      command(sub('RELEASE'), FENCING_ARITY.RELEASE, FLAGS, fencingRelease, undefined, { summary: 'A sentinel giving its lease back (sent by sentinels)' }),
      command(sub('FENCE'), FENCING_ARITY.FENCE, FLAGS, fencingFence, undefined, { summary: 'A forced failover asking this master to refuse writes (sent by sentinels)' }),
      command(sub('FORGET'), FENCING_ARITY.FORGET, FLAGS, fencingForget, undefined, { summary: 'Forget sentinels gone for good' }),
      command('help', 2, ['loading', 'stale'], () => helpReply('FENCING', HELP), undefined, { summary: 'Show helpful text about the different subcommands' }),
    ],
  }),
];
