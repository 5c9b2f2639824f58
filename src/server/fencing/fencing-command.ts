// FENCING: clusterctl's own command between our sentinels and our nodes (fence.ts); its names and
// argument shapes are the shared contract (shared/fencing-contract.ts). Redis has no equivalent;
// redis-sentinel never sends it, so a node it monitors keeps the lease of its fence-lease-ms directive.

import { ErrorReply, OK, PONG, type Reply } from '../../shared/resp/reply.js';
import { FENCING_ARITY, MIN_LEASE_MS, SENTINEL_CMD_NAME, type FencingSubcommand } from '../../shared/fencing-contract.js';
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

const HELP = [
  'LEASE <milliseconds>',
  '    Ask this node to fence itself after <milliseconds> without hearing from a majority of its sentinels.',
  'PING <ack>',
  '    A sentinel heartbeat; <ack> is how many replies to FENCING PING the sentinel has read on this connection.',
  'CONFIRM <round>',
  '    A sentinel read confirmation round <round>: replies to writes made before it may go out.',
];

const FLAGS = ['admin', 'noscript', 'loading', 'stale', 'fast'] as const;

/** The command table's name of a contract subcommand (lookups are case-insensitive). */
const sub = (name: FencingSubcommand) => name.toLowerCase();

export const fencingCommands: CommandSpec[] = [
  command('fencing', -2, [], () => null, undefined, {
    summary: 'clusterctl self-fencing: leases requested by sentinels',
    subcommands: [
      command(sub('LEASE'), FENCING_ARITY, FLAGS, fencingLease, undefined, { summary: 'Request a fencing lease (sent by sentinels)' }),
      command(sub('PING'), FENCING_ARITY, FLAGS, fencingPing, undefined, { summary: 'A sentinel heartbeat acknowledging earlier replies' }),
      command(sub('CONFIRM'), FENCING_ARITY, FLAGS, fencingConfirm, undefined, { summary: 'A sentinel confirming it heard this master (sent by sentinels)' }),
      command('help', 2, ['loading', 'stale'], () => helpReply('FENCING', HELP), undefined, { summary: 'Show helpful text about the different subcommands' }),
    ],
  }),
];
