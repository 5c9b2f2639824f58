// FAULT on a sentinel: the same grammar as on our nodes (shared/faults/spec.ts), cutting the
// sentinel off from `master`, `replicas`, `sentinels`, `clients` or <host>:<port> of monitored
// instances (sentinel/faults/faults.ts). Redis Sentinel has no such command.

import { ErrorReply, SimpleString, type Reply } from '../../shared/resp/reply.js';
import { parseHeal, parsePartition } from '../../shared/faults/spec.js';
import { sentinelFaults } from '../faults/faults.js';
import type { CommandContext } from './host.js';

export function faultCommand({ client }: CommandContext, args: string[]): Reply {
  const sub = args[1]!.toLowerCase();
  sentinelFaults.addOperator(client.id);
  if (sub === 'partition' && args.length >= 3) {
    const request = parsePartition(args.slice(2));
    return typeof request === 'string' ? new ErrorReply(request) : sentinelFaults.partition(request);
  }
  if (sub === 'heal') {
    const request = parseHeal(args.slice(2));
    return typeof request === 'string' ? new ErrorReply(request) : sentinelFaults.heal(request.peers);
  }
  if (sub === 'status' && args.length === 2) return sentinelFaults.describeRules();
  if (sub === 'help' && args.length === 2) {
    return [
      'FAULT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      'PARTITION <peer> [<peer> ...] [IN|OUT|BOTH] [FOR <ms>] [EXCEPT <name-glob>]',
      '    Stop reading (IN) and/or writing (OUT) on the links to the peers: master, replicas, sentinels,',
      '    clients, client:<name-glob>, <host>:<port>. Returns the partition id.',
      'HEAL [<peer> ...]',
      '    Heal every partition, or only the links to the given peers.',
      'STATUS',
      '    List the active partitions.',
      'HELP',
      '    Prints this help.',
    ].map((line) => new SimpleString(line));
  }
  return new ErrorReply(`ERR unknown subcommand or wrong number of arguments for '${args[1]}'. Try FAULT HELP.`);
}
