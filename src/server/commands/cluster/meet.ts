// CLUSTER MEET ip port [cport] (cluster.c 7.0): starts a handshake with the node at that address
// (cluster/bus-io/handshake.ts); the reply is OK at once, also when a handshake with it is already
// under way. The bus port defaults to port + 10000. Only IP addresses are accepted, as in 7.0.

import { ErrorReply, OK, type Reply } from '../../../shared/resp/reply.js';
import { parseInteger } from '../../base/args.js';
import { unknownSubcommandOrArity } from '../../base/help.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { busOf } from '../../cluster/bus-io/bus-registry.js';
import { startHandshake } from '../../cluster/bus-io/handshake.js';
import { ERR_CLUSTER_DISABLED } from './common.js';
import { CLUSTER_PORT_INCR } from '../../cluster/bus/header.js';



function meet(ctx: CommandContext, args: string[]): Reply {
  if (args.length !== 4 && args.length !== 5) return new ErrorReply(unknownSubcommandOrArity('CLUSTER', args[1]!));
  const bus = busOf(ctx.server);
  if (!bus) return ERR_CLUSTER_DISABLED;
  const port = parseInteger(args[3]!);
  if (port === null) return new ErrorReply(`ERR Invalid TCP base port specified: ${args[3]}`);
  let cport = port + CLUSTER_PORT_INCR;
  if (args.length === 5) {
    const given = parseInteger(args[4]!);
    if (given === null) return new ErrorReply(`ERR Invalid TCP bus port specified: ${args[4]}`);
    cport = given;
  }
  if (startHandshake(bus, args[2]!, port, cport) === 'invalid') {
    return new ErrorReply(`ERR Invalid node address specified: ${args[2]}:${args[3]}`);
  }
  return OK;
}

export const clusterMeet: CommandSpec = command('meet', -4, ['admin', 'stale'], meet, undefined, {
  summary: 'Force a node cluster to handshake with another node',
});
