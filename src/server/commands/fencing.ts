// FENCING: clusterctl's own command between our sentinels and our nodes (replication/fence.ts).
// Redis has no equivalent; redis-sentinel never sends it, so a node it monitors keeps the lease of
// its fence-lease-ms directive.

import { ErrorReply, type Reply } from '../../shared/resp/reply.js';
import { SENTINEL_CMD_NAME } from '../replication/fence.js';
import { ERR_NOT_INTEGER } from './errors.js';
import { parseInteger } from './args.js';
import { command, type CommandContext, type CommandSpec } from './types.js';
import { helpReply } from './help.js';

/** Shorter leases than this would fence a healthy master on an ordinary scheduling hiccup. */
export const MIN_REQUESTED_LEASE = 100;

/**
 * FENCING LEASE <ms>: sent by a sentinel on its command link (after CLIENT SETNAME sentinel-<id>-cmd).
 * Replies the lease now in force, never longer than <ms>, for as long as this process lives.
 */
function fencingLease(ctx: CommandContext, args: string[]): Reply {
  const match = SENTINEL_CMD_NAME.exec(ctx.client.name);
  if (!match) return new ErrorReply('ERR FENCING LEASE is sent by a sentinel on its command link (CLIENT SETNAME sentinel-<id>-cmd first)');
  const ms = parseInteger(args[2]!);
  if (ms === null) return ERR_NOT_INTEGER;
  if (ms < MIN_REQUESTED_LEASE) return new ErrorReply(`ERR lease must be at least ${MIN_REQUESTED_LEASE} ms`);
  const replication = ctx.server.replication;
  if (!replication) return new ErrorReply('ERR replication is not available');
  return replication.fence.requestLease(match[1]!, ms);
}

const HELP = ['LEASE <milliseconds>', '    Ask this node to fence itself after <milliseconds> without hearing from a majority of its sentinels.'];

const FLAGS = ['admin', 'noscript', 'loading', 'stale', 'fast'] as const;

export const fencingCommands: CommandSpec[] = [
  command('fencing', -2, [], () => null, undefined, {
    summary: 'clusterctl self-fencing: leases requested by sentinels',
    subcommands: [
      command('lease', 3, FLAGS, fencingLease, undefined, { summary: 'Request a fencing lease (sent by sentinels)' }),
      command('help', 2, ['loading', 'stale'], () => helpReply('FENCING', HELP), undefined, { summary: 'Show helpful text about the different subcommands' }),
    ],
  }),
];
