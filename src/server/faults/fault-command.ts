// FAULT: clusterctl's own fault injection (Redis has none), used by `clusterctl partition` / `heal`.
// A partition is a black hole inside this process: held links are neither read nor written (no
// reset, no close), and resume where they were on heal (faults/faults.ts).
//   FAULT PARTITION <peer> [<peer> ...] [IN|OUT|BOTH] [FOR <ms>] [EXCEPT <name-glob>]...  -> rule id
//   FAULT SHAPE <peer> [<peer> ...] [DELAY <ms>] [THROTTLE <bytes/s>] [IN|OUT|BOTH] [FOR <ms>] -> shape id
//   FAULT DROP <peer> [<peer> ...]                                                        -> links closed
//   FAULT HEAL [<peer> ...]                                                               -> rules healed (partitions and shapes)
//   FAULT STATUS                                                                          -> one line per rule

import { ErrorReply, OK, type Reply } from '../../shared/resp/reply.js';
import { parseHeal, parsePartition } from '../../shared/faults/spec.js';
import { parseShape } from '../../shared/faults/shape-spec.js';
import { faultsOf } from './faults.js';
import { helpReply } from '../base/help.js';
import { command, type CommandContext, type CommandSpec } from '../base/command-spec.js';

function partition(ctx: CommandContext, args: string[]): Reply {
  const request = parsePartition(args.slice(2));
  if (typeof request === 'string') return new ErrorReply(request);
  const faults = faultsOf(ctx.server);
  faults.addOperator(ctx.client);
  return faults.partition(request).id;
}

function shape(ctx: CommandContext, args: string[]): Reply {
  const request = parseShape(args.slice(2));
  if (typeof request === 'string') return new ErrorReply(request);
  const faults = faultsOf(ctx.server);
  faults.addOperator(ctx.client);
  return faults.shape(request).id;
}

function drop(ctx: CommandContext, args: string[]): Reply {
  const request = parseHeal(args.slice(2));
  if (typeof request === 'string') return new ErrorReply(request);
  const faults = faultsOf(ctx.server);
  faults.addOperator(ctx.client);
  return faults.drop(request.peers!);
}

function heal(ctx: CommandContext, args: string[]): Reply {
  const faults = faultsOf(ctx.server);
  faults.addOperator(ctx.client);
  const request = parseHeal(args.slice(2));
  if (typeof request === 'string') return new ErrorReply(request);
  return faults.heal(request.peers);
}

function status(ctx: CommandContext): Reply {
  faultsOf(ctx.server).addOperator(ctx.client);
  return faultsOf(ctx.server).describeRules();
}

const HELP = [
  'PARTITION <peer> [<peer> ...] [IN|OUT|BOTH] [FOR <ms>] [EXCEPT <name-glob>]',
  '    Stop reading (IN) and/or writing (OUT) on the links to the peers, as a network partition',
  '    would (no reset, no close). Peers: sentinels, replicas, master, clients, client:<name-glob>,',
  '    <host>:<port> (for a cluster node, its bus traffic is dropped too). FOR heals it after <ms>.',
  '    Returns the partition id.',
  'SHAPE <peer> [<peer> ...] [DELAY <ms>] [THROTTLE <bytes-per-second>] [IN|OUT|BOTH] [FOR <ms>] [EXCEPT <name-glob>]',
  '    Slow the links to the peers down: every byte arrives <ms> later, and no faster than the',
  '    bandwidth (IN: what this node reads, OUT: what it writes). Returns the shape id.',
  'DROP <peer> [<peer> ...]',
  '    Close the links to the peers now, as a connection reset would. Returns the links closed.',
  'HEAL [<peer> ...]',
  '    Heal every partition and shape, or only the links to the given peers. Returns the rules healed.',
  'STATUS',
  '    List the active partitions.',
];

const FLAGS = ['admin', 'noscript', 'loading', 'stale'] as const;

export const faultCommands: CommandSpec[] = [
  command('fault', -2, [], () => OK, undefined, {
    summary: 'clusterctl fault injection: partitions, slow links and dropped links inside the process',
    subcommands: [
      command('partition', -3, FLAGS, partition, undefined, { summary: 'Cut this node off from peers (black hole)' }),
      command('shape', -4, FLAGS, shape, undefined, { summary: 'Slow the links to peers down (delay, throttle)' }),
      command('drop', -3, FLAGS, drop, undefined, { summary: 'Close the links to peers now' }),
      command('heal', -2, FLAGS, heal, undefined, { summary: 'Heal partitions' }),
      command('status', 2, FLAGS, status, undefined, { summary: 'List active partitions' }),
      command('help', 2, ['loading', 'stale'], () => helpReply('FAULT', HELP), undefined, { summary: 'Show helpful text about the different subcommands' }),
    ],
  }),
];
