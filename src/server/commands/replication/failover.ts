// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms] (Redis 6.2+, replication.c failoverCommand):
// parses the arguments as Redis does (left to right, each option once, the first bad one answers),
// then hands the request to replication/failover.ts, which checks the node's state and runs it.

import { ErrorReply, OK, type Reply } from '../../../shared/resp/reply.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { is, parseInteger } from '../../base/args.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import type { FailoverRequest } from '../../replication/failover-decision.js';

/** The request, or the error reply of its first bad argument. */
export function parseFailover(args: string[]): FailoverRequest | ErrorReply {
  let timeoutMs = 0;
  let force = false;
  let target: FailoverRequest['target'] = null;
  for (let j = 1; j < args.length; j++) {
    if (is(args[j], 'TIMEOUT') && j + 1 < args.length && timeoutMs === 0) {
      const timeout = parseInteger(args[j + 1]!);
      if (timeout === null) return ERR_NOT_INTEGER;
      if (timeout <= 0) return new ErrorReply('ERR FAILOVER timeout must be greater than 0');
      timeoutMs = timeout;
      j++;
    } else if (is(args[j], 'TO') && j + 2 < args.length && target === null) {
      const port = parseInteger(args[j + 2]!);
      if (port === null) return ERR_NOT_INTEGER;
      target = { host: args[j + 1]!, port };
      j += 2;
    } else if (is(args[j], 'FORCE') && !force) {
      force = true;
    } else {
      return ERR_SYNTAX;
    }
  }
  return { target, timeoutMs, force };
}

function failover(ctx: CommandContext, args: string[]): Reply {
  const { server } = ctx;
  if (server.config.bool('cluster-enabled')) {
    return new ErrorReply('ERR FAILOVER not allowed in cluster mode. Use CLUSTER FAILOVER command instead.');
  }
  const replication = server.replication;
  if (!replication) return new ErrorReply('ERR replication is not available');
  if (args.length === 2 && is(args[1], 'ABORT')) {
    if (replication.failover.state === 'no-failover') return new ErrorReply('ERR No failover in progress.');
    replication.failover.abort('Failover manually aborted');
    return OK;
  }
  const request = parseFailover(args);
  if (request instanceof ErrorReply) return request;
  const refusal = replication.failover.start(request);
  return refusal === null ? OK : new ErrorReply(refusal);
}

export const failoverCommands: CommandSpec[] = [command('failover', -1, ['admin', 'noscript', 'stale'], failover)];
