// SENTINEL DEBUG [<param> <value> ...] and SENTINEL SIMULATE-FAILURE (Redis 7.0
// sentinelSetDebugConfigParameters, addReplySentinelDebugInfo): the core's time parameters, listed
// or changed at run time (each pair applied in turn; an error leaves the earlier ones set), and the
// crash points of a failover leader.

import { ErrorReply, MapReply, OK, type Reply } from '../../shared/resp/reply.js';
import { simFailureFlag } from '../core/sim-failure.js';
import { DEBUG_PARAMETERS, debugParameter } from '../core/timings.js';
import type { CommandContext } from './host.js';
import { parseInteger } from './sentinel-replies.js';

export function sentinelDebug({ host }: CommandContext, args: string[]): Reply {
  const timings = host.core.timings;
  if (args.length === 2) return new MapReply(DEBUG_PARAMETERS.flatMap(([name, key]) => [name.toUpperCase(), String(timings[key])]));
  for (let i = 2; i < args.length; i++) {
    const option = args[i]!;
    const key = debugParameter(option);
    if (!key || i + 1 >= args.length) return new ErrorReply(`ERR Unknown option or number of arguments for SENTINEL DEBUG '${option}'`);
    const value = parseInteger(args[++i]!);
    if (value === null || value <= 0) return new ErrorReply(`ERR Invalid argument '${args[i]}' for SENTINEL DEBUG '${option}'`);
    timings[key] = value;
  }
  return OK;
}

/** SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]: the flags are replaced. */
export function simulateFailure({ host }: CommandContext, args: string[]): Reply {
  const core = host.core;
  core.simFailure = 0;
  for (const arg of args.slice(2)) {
    if (arg.toLowerCase() === 'help') return ['crash-after-election', 'crash-after-promotion'];
    const flag = simFailureFlag(arg);
    if (flag === undefined) return new ErrorReply('ERR Unknown failure simulation specified');
    core.simFailure |= flag;
    const what = flag === 1 ? 'being successfully elected as failover leader' : 'promoting the selected replica to master';
    core.log('warning', `Failure simulation: this Sentinel will crash after ${what}`);
  }
  host.flush();
  return OK;
}
