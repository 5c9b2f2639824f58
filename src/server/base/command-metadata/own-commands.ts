// Metadata of clusterctl's own commands, which redis-server 7.0 does not have (FAULT, FENCING, and
// CLIENT SETINFO from Redis 7.2), written by hand in the generated file's format. ACL categories follow the rule Redis applies to every
// command (acl.c setImplicitACLCategories): admin -> @admin @dangerous, fast -> @fast, else @slow,
// listed in ACL CAT order. Flags must equal the specs in faults/fault-command.ts and
// fencing/fencing-command.ts (test/unit/command-metadata.test.ts checks it).

import type { ArgumentMeta, CommandMeta } from './types.js';

const ADMIN_FLAGS = ['admin', 'noscript', 'loading', 'stale'];
const ADMIN_SLOW = ['@admin', '@slow', '@dangerous'];
const ADMIN_FAST = ['@admin', '@fast', '@dangerous'];

/** FAULT PARTITION's and FAULT SHAPE's optional IN | OUT | BOTH. */
const DIRECTION: ArgumentMeta = {
  name: 'direction',
  type: 'oneof',
  flags: ['optional'],
  arguments: [
    { name: 'in', type: 'pure-token', token: 'IN' },
    { name: 'out', type: 'pure-token', token: 'OUT' },
    { name: 'both', type: 'pure-token', token: 'BOTH' },
  ],
};

/** The HELP subcommand every container has, as Redis describes its own (`config|help`). */
function help(container: string): CommandMeta {
  return {
    name: `${container}|help`,
    arity: 2,
    flags: ['loading', 'stale'],
    acl: ['@slow'],
    doc: { summary: 'Show helpful text about the different subcommands', group: 'server', complexity: 'O(1)' },
  };
}

const FAULT: CommandMeta = {
  name: 'fault',
  arity: -2,
  flags: [],
  acl: ['@slow'],
  doc: { summary: 'A container for clusterctl fault injection commands', group: 'server', complexity: 'Depends on subcommand.' },
  subcommands: [
    help('fault'),
    {
      name: 'fault|drop',
      arity: -3,
      flags: ADMIN_FLAGS,
      acl: ADMIN_SLOW,
      doc: {
        summary: 'Close the links to peers now (a connection reset)',
        group: 'server',
        complexity: 'O(N) where N is the number of open links',
        arguments: [{ name: 'peer', type: 'string', flags: ['multiple'] }],
      },
    },
    {
      name: 'fault|heal',
      arity: -2,
      flags: ADMIN_FLAGS,
      acl: ADMIN_SLOW,
      doc: {
        summary: 'Heal every partition, or only the links to the given peers',
        group: 'server',
        complexity: 'O(N) where N is the number of active partitions',
        arguments: [{ name: 'peer', type: 'string', flags: ['optional', 'multiple'] }],
      },
    },
    {
      name: 'fault|partition',
      arity: -3,
      flags: ADMIN_FLAGS,
      acl: ADMIN_SLOW,
      doc: {
        summary: 'Cut this node off from peers (a black hole inside the process)',
        group: 'server',
        complexity: 'O(N) where N is the number of open links',
        arguments: [
          { name: 'peer', type: 'string', flags: ['multiple'] },
          DIRECTION,
          { name: 'milliseconds', type: 'integer', token: 'FOR', flags: ['optional'] },
          { name: 'name-glob', type: 'pattern', token: 'EXCEPT', flags: ['optional', 'multiple', 'multiple_token'] },
        ],
      },
    },
    {
      name: 'fault|shape',
      arity: -4,
      flags: ADMIN_FLAGS,
      acl: ADMIN_SLOW,
      doc: {
        summary: 'Slow the links to peers down: a delay each way, a bandwidth limit',
        group: 'server',
        complexity: 'O(N) where N is the number of open links',
        arguments: [
          { name: 'peer', type: 'string', flags: ['multiple'] },
          { name: 'milliseconds', type: 'integer', token: 'DELAY', flags: ['optional'] },
          { name: 'bytes-per-second', type: 'integer', token: 'THROTTLE', flags: ['optional'] },
          DIRECTION,
          { name: 'for-milliseconds', type: 'integer', token: 'FOR', flags: ['optional'] },
          { name: 'name-glob', type: 'pattern', token: 'EXCEPT', flags: ['optional', 'multiple', 'multiple_token'] },
        ],
      },
    },
    {
      name: 'fault|status',
      arity: 2,
      flags: ADMIN_FLAGS,
      acl: ADMIN_SLOW,
      doc: { summary: 'List the active partitions', group: 'server', complexity: 'O(N) where N is the number of active partitions' },
    },
  ],
};

function fencingSub(name: string, summary: string, argument: string | null, type: 'integer' | 'string' = 'integer'): CommandMeta {
  return {
    name: `fencing|${name}`,
    arity: argument === null ? 2 : 3,
    flags: [...ADMIN_FLAGS, 'fast'],
    acl: ADMIN_FAST,
    doc: { summary, group: 'server', complexity: 'O(1)', ...(argument === null ? {} : { arguments: [{ name: argument, type }] }) },
  };
}

const FENCING: CommandMeta = {
  name: 'fencing',
  arity: -2,
  flags: [],
  acl: ['@slow'],
  doc: { summary: 'A container for clusterctl self-fencing commands, sent by sentinels', group: 'server', complexity: 'Depends on subcommand.' },
  subcommands: [
    fencingSub('confirm', 'A sentinel confirming it heard this master in confirmation round <round>', 'round'),
    fencingSub('fence', 'A forced failover asking this master to refuse writes for <milliseconds> (0 lifts it)', 'milliseconds'),
    fencingSub('forget', 'Forget sentinels gone for good, as if they had released their leases', 'id', 'string'),
    help('fencing'),
    fencingSub('lease', 'Ask this node to fence itself after <milliseconds> without hearing from a majority of its sentinels', 'milliseconds'),
    fencingSub('ping', 'A sentinel heartbeat acknowledging the replies to FENCING PING it has read', 'ack'),
    fencingSub('release', 'A sentinel giving its lease back: it stopped monitoring this node', null),
  ],
};

export const OWN_COMMANDS: readonly CommandMeta[] = [FAULT, FENCING];

/**
 * CLIENT SETINFO, which redis-server only has from 7.2 (src/commands/client-setinfo.json there) and
 * clients send on connect; connection/client-command.ts answers it, so it is described as 7.2 does.
 */
const CLIENT_SETINFO: CommandMeta = {
  name: 'client|setinfo',
  arity: 4,
  flags: ['noscript', 'loading', 'stale'],
  acl: ['@slow', '@connection'],
  tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
  doc: {
    summary: 'Sets information specific to the client or connection.',
    since: '7.2.0',
    group: 'connection',
    complexity: 'O(1)',
    arguments: [
      {
        name: 'attr',
        type: 'oneof',
        arguments: [
          { name: 'libname', type: 'string', token: 'lib-name' },
          { name: 'libver', type: 'string', token: 'lib-ver' },
        ],
      },
    ],
  },
};

/** Subcommands of Redis containers that redis-server 7.0 lacks but this node has. */
export const OWN_SUBCOMMANDS: readonly CommandMeta[] = [CLIENT_SETINFO];
