// Sharded pub/sub (Redis 7.0 pubsub.c ssubscribeCommand / sunsubscribeCommand / spublishCommand):
// shard channels live apart from channels and patterns; their confirmations count only the shard
// channels; SPUBLISH reaches only exact subscribers (no patterns). Cluster routing sends a shard
// channel to its slot's owner (cluster/routing/); in cluster mode SPUBLISH reaches the other nodes
// of this shard over the bus, otherwise it goes to replicas through the replication stream.

import { encodeReply } from '../../../shared/resp/encoder.js';
import { ErrorReply, PushReply, RawReply, type Reply } from '../../../shared/resp/reply.js';
import type { Client } from '../../clients/client.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

/** Confirmation frames as one raw reply marked as a push (CLIENT REPLY OFF does not silence them). */
function frames(client: Client, replies: Reply[]): RawReply {
  return new RawReply(replies.map((reply) => encodeReply(reply, client.proto)).join(''), true);
}

const ERR_DENY_BLOCKING = new ErrorReply("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");

function ssubscribe(ctx: CommandContext, args: string[]): Reply {
  const { client, server } = ctx;
  // Inside EXEC (the only nested call that can reach a noscript command) the client may not
  // subscribe: it expects one reply per command (CLIENT_DENY_BLOCKING).
  if (server.inNestedCall) return ERR_DENY_BLOCKING;
  return frames(
    client,
    args.slice(1).map((channel) => {
      server.pubsub.ssubscribe(client, channel);
      return new PushReply(['ssubscribe', channel, client.shardChannels.size]);
    }),
  );
}

function sunsubscribe(ctx: CommandContext, args: string[]): Reply {
  const { client, server } = ctx;
  const names = args.length > 1 ? args.slice(1) : [...client.shardChannels];
  if (names.length === 0) return frames(client, [new PushReply(['sunsubscribe', null, client.shardChannels.size])]);
  return frames(
    client,
    names.map((channel) => {
      server.pubsub.sunsubscribe(client, channel);
      return new PushReply(['sunsubscribe', channel, client.shardChannels.size]);
    }),
  );
}

function spublish(ctx: CommandContext, args: string[]): Reply {
  const { pubsub } = ctx.server;
  const receivers = pubsub.publishShard(args[1]!, args[2]!);
  if (pubsub.clusterPropagate) pubsub.clusterPropagate(args[1]!, args[2]!, true);
  else ctx.propagateAs(args);
  return receivers;
}

const SUBSCRIBE_FLAGS = ['pubsub', 'noscript', 'loading', 'stale'] as const;
const CHANNELS = { first: 1, last: -1, step: 1 } as const;

export const shardPubsubCommands: CommandSpec[] = [
  command('ssubscribe', -2, SUBSCRIBE_FLAGS, ssubscribe, CHANNELS, { summary: 'Listen for messages published to the given shard channels' }),
  command('sunsubscribe', -1, SUBSCRIBE_FLAGS, sunsubscribe, CHANNELS, {
    summary: 'Stop listening for messages posted to the given shard channels',
  }),
  command('spublish', 3, ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'], spublish, { first: 1, last: 1, step: 1 }, {
    summary: 'Post a message to a shard channel',
  }),
];
