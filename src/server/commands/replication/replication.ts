// Replication commands: REPLICAOF/SLAVEOF, PSYNC/SYNC (turn the connection into a replica link),
// REPLCONF, WAIT and ROLE (FAILOVER in failover.ts), with Redis 7.0's replies (protocol doc 1.3, 1.7, 5.3, 6.5).

import { ErrorReply, NO_REPLY, OK, SimpleString, type NoReply, type Reply } from '../../../shared/resp/reply.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { is, parseInteger } from '../../base/args.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { failoverCommands } from './failover.js';

function replicaof(ctx: CommandContext, args: string[]): Reply {
  // In cluster mode the cluster decides who replicates whom (replication.c replicaofCommand).
  if (ctx.server.config.bool('cluster-enabled')) return new ErrorReply('ERR REPLICAOF not allowed in cluster mode.');
  const replication = ctx.server.replication;
  if (!replication) return new ErrorReply('ERR replication is not available');
  if (replication.failover.state !== 'no-failover') return new ErrorReply('ERR REPLICAOF not allowed while failing over.');
  if (is(args[1], 'NO') && is(args[2], 'ONE')) {
    replication.role.promote();
    return OK;
  }
  const port = parseInteger(args[2]!);
  if (port === null) return ERR_NOT_INTEGER;
  if (port < 0 || port > 65535) return new ErrorReply('ERR Invalid master port');
  if (ctx.client.isReplica) return new ErrorReply('ERR Command is not valid when client is a replica.');
  const link = replication.role.masterLink;
  if (link && link.host === args[1] && link.port === port) {
    return new SimpleString('OK Already connected to specified master');
  }
  replication.role.replicaOf(args[1]!, port);
  return OK;
}

function psync(ctx: CommandContext, args: string[], legacy: boolean): Reply | NoReply {
  const { server, client } = ctx;
  const replication = server.replication;
  if (client.isReplica) return NO_REPLY; // already a replica link: ignored, as Redis does
  if (!replication) return new ErrorReply('ERR replication is not available');
  // `PSYNC <replid> <offset> FAILOVER`: our master runs FAILOVER towards us and asks us to take
  // over; only from the history we share with it (replication.c syncCommand). Then the PSYNC goes
  // on, answered from our previous history (replid2): a partial resync.
  if (!legacy && args.length > 3 && is(args[3], 'FAILOVER')) {
    server.log.warning(`Failover request received for replid ${args[1]}.`);
    if (!server.isReplica) return new ErrorReply("ERR PSYNC FAILOVER can't be sent to a master.");
    if (args[1]!.toLowerCase() !== replication.identity.replid.toLowerCase()) return new ErrorReply('ERR PSYNC FAILOVER replid must match my replid.');
    replication.role.promote(`failover request from ${client.addr}`);
  }
  // Our own replicas cannot sync while we hand the role over.
  if (replication.failover.state !== 'no-failover') return new ErrorReply("NOMASTERLINK Can't SYNC while failing over");
  if (server.isReplica && !server.masterLinkUp) {
    return new ErrorReply("NOMASTERLINK Can't SYNC while not connected with my master");
  }
  let offset = -1;
  if (!legacy) {
    const parsed = parseInteger(args[2]!);
    if (parsed === null) return ERR_NOT_INTEGER;
    offset = parsed;
  }
  const socket = client.sink.detach?.();
  if (!socket) return new ErrorReply('ERR this connection cannot become a replica link');
  replication.handlePsync(client, socket, legacy ? '?' : args[1]!, offset, legacy);
  return NO_REPLY;
}

function replconf(ctx: CommandContext, args: string[]): Reply | NoReply {
  if (args.length % 2 === 0) return ERR_SYNTAX;
  const client = ctx.client;
  for (let i = 1; i < args.length; i += 2) {
    const option = args[i]!.toLowerCase();
    const value = args[i + 1]!;
    switch (option) {
      case 'listening-port': {
        const port = parseInteger(value);
        if (port === null) return ERR_NOT_INTEGER;
        client.replListeningPort = port;
        break;
      }
      case 'ip-address':
        if (value.length > 46) return new ErrorReply(`ERR REPLCONF ip-address provided by replica instance is too long: ${value.length} bytes`);
        client.replAnnouncedIp = value;
        break;
      case 'capa':
        client.replCapabilities.add(value.toLowerCase());
        break;
      case 'ack':
      case 'getack':
        // ACKs reach the replica link directly; GETACK is answered by the master link. No reply either way.
        return NO_REPLY;
      case 'rdb-only':
      case 'rdb-filter-only':
        break;
      default:
        return new ErrorReply(`ERR Unrecognized REPLCONF option: ${args[i]}`);
    }
  }
  return OK;
}

function wait(ctx: CommandContext, args: string[]): Reply | NoReply {
  const { server, client } = ctx;
  const replication = server.replication;
  if (server.isReplica) {
    return new ErrorReply('ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.');
  }
  const needed = parseInteger(args[1]!);
  const timeout = parseInteger(args[2]!);
  if (needed === null || timeout === null) return ERR_NOT_INTEGER;
  if (timeout < 0) return new ErrorReply('ERR timeout is negative');
  if (!replication) return 0;
  const offset = client.lastWriteOffset;
  const acked = replication.countAcked(offset);
  if (acked >= needed || client.multi !== null) return acked;
  // The client waits (its pipelined commands behind it) until enough ACKs or the timeout.
  return replication.awaitAcks(client, offset, needed, timeout, (count) => count);
}

function role(ctx: CommandContext): Reply {
  const replication = ctx.server.replication;
  if (!replication) return ['master', 0, []];
  const link = replication.role.masterLink;
  if (link) {
    return ['slave', link.host, link.port, link.state, link.linkUp ? replication.identity.masterReplOffset : -1];
  }
  const replicas = [...replication.links]
    .filter((l) => l.state === 'online')
    .map((l) => [l.ip, String(l.port), String(l.ackOffset)]);
  return ['master', replication.identity.masterReplOffset, replicas];
}

const REPLICAOF_FLAGS = ['admin', 'noscript', 'stale'] as const;

export const replicationCommands: CommandSpec[] = [
  command('replicaof', 3, REPLICAOF_FLAGS, replicaof),
  command('slaveof', 3, REPLICAOF_FLAGS, replicaof),
  command('psync', -3, ['admin', 'noscript', 'no_multi'], (ctx, args) => psync(ctx, args, false)),
  command('sync', 1, ['admin', 'noscript', 'no_multi'], (ctx, args) => psync(ctx, args, true)),
  command('replconf', -1, ['admin', 'noscript', 'loading', 'stale', 'allow_busy'], replconf),
  command('wait', 3, ['noscript'], wait),
  command('role', 1, ['noscript', 'loading', 'stale', 'fast'], role),
  ...failoverCommands,
];
