// CLUSTER FAILOVER [FORCE|TAKEOVER] (cluster.c 7.0): a replica takes over from its master, with the
// offset handshake (default), without it (FORCE), or without a vote (TAKEOVER). The decision is the
// failover core's (cluster/core/manual-failover.ts); this handler parses, reports its refusals in
// redis-server's words and answers +OK once the attempt started (the failover itself is
// asynchronous, as in Redis: watch ROLE / CLUSTER NODES).

import { ErrorReply, OK, type Reply } from '../../../shared/resp/reply.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { ERR_SYNTAX } from '../../base/errors.js';
import { unknownSubcommandOrArity } from '../../base/help.js';
import { failoverOf } from '../../cluster/failover/attach.js';
import type { ManualFailoverMode } from '../../cluster/core/manual-failover.js';
import { ERR_CLUSTER_DISABLED } from './common.js';


function parseMode(option: string | undefined): ManualFailoverMode | undefined {
  if (option === undefined) return 'default';
  const lower = option.toLowerCase();
  if (lower === 'force') return 'force';
  if (lower === 'takeover') return 'takeover';
  return undefined;
}

function failover(ctx: CommandContext, args: string[]): Reply {
  if (!ctx.server.config.bool('cluster-enabled')) return ERR_CLUSTER_DISABLED;
  // Redis matches `failover` only with 2 or 3 arguments; more falls through to its catch-all error.
  if (args.length > 3) return new ErrorReply(unknownSubcommandOrArity('CLUSTER', args[1]!));
  const mode = parseMode(args[2]);
  if (mode === undefined) return ERR_SYNTAX;
  const control = failoverOf(ctx.server);
  if (!control) return new ErrorReply('ERR the cluster bus is not running');
  const refusal = control.failover(mode);
  return refusal === null ? OK : new ErrorReply(`ERR ${refusal}`);
}

/** The `cluster|failover` entry for the CLUSTER subcommand table (COMMAND INFO: -2, admin stale no_async_loading). */
export const clusterFailoverCommand: CommandSpec = command('failover', -2, ['admin', 'stale'], failover, undefined, {
  summary: 'Forces a replica to perform a manual failover of its master.',
});
