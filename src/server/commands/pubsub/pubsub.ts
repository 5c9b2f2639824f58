// SUBSCRIBE / UNSUBSCRIBE / PSUBSCRIBE / PUNSUBSCRIBE / PUBLISH / PUBSUB (Redis 7.0 pubsub.c) over
// server.pubsub: one confirmation frame per channel (push frames in RESP3); PUBLISH always propagates.

import { encodeReply } from '../../../shared/resp/encoder.js';
import { ErrorReply, PushReply, RawReply, type Reply } from '../../../shared/resp/reply.js';
import type { Client } from '../../clients/client.js';
import { globMatch } from '../../../shared/glob.js';
import { helpReply, unknownSubcommandOrArity } from '../../base/help.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

/**
 * Several confirmations as the bytes of consecutive frames, in the client's protocol; marked as
 * pushes, which CLIENT REPLY OFF does not silence.
 */
function frames(client: Client, replies: Reply[]): RawReply {
  return new RawReply(replies.map((reply) => encodeReply(reply, client.proto)).join(''), true);
}

function confirmation(kind: string, name: string | null, client: Client): PushReply {
  return new PushReply([kind, name, client.subscriptionCount]);
}

function subscribe(ctx: CommandContext, args: string[]): Reply {
  const { client, server } = ctx;
  return frames(
    client,
    args.slice(1).map((channel) => {
      server.pubsub.subscribe(client, channel);
      return confirmation('subscribe', channel, client);
    }),
  );
}

function psubscribe(ctx: CommandContext, args: string[]): Reply {
  const { client, server } = ctx;
  return frames(
    client,
    args.slice(1).map((pattern) => {
      server.pubsub.psubscribe(client, pattern);
      return confirmation('psubscribe', pattern, client);
    }),
  );
}

/** UNSUBSCRIBE / PUNSUBSCRIBE: named ones, or every one; a null name when there was none. */
function unsubscribeGeneric(ctx: CommandContext, args: string[], patterns: boolean): Reply {
  const { client, server } = ctx;
  const kind = patterns ? 'punsubscribe' : 'unsubscribe';
  const names = args.length > 1 ? args.slice(1) : [...(patterns ? client.patterns : client.channels)];
  if (names.length === 0) return frames(client, [confirmation(kind, null, client)]);
  return frames(
    client,
    names.map((name) => {
      if (patterns) server.pubsub.punsubscribe(client, name);
      else server.pubsub.unsubscribe(client, name);
      return confirmation(kind, name, client);
    }),
  );
}

function publish(ctx: CommandContext, args: string[]): Reply {
  const { pubsub } = ctx.server;
  const receivers = pubsub.publish(args[1]!, args[2]!);
  // Cluster mode: the bus carries it to every node (replicas included), not the replication stream.
  if (pubsub.clusterPropagate) pubsub.clusterPropagate(args[1]!, args[2]!, false);
  else ctx.propagateAs(args);
  return receivers;
}

function pubsubChannels(ctx: CommandContext, args: string[]): Reply {
  const pattern = args[2];
  const channels = [...ctx.server.pubsub.channels.keys()];
  return pattern === undefined ? channels : channels.filter((c) => globMatch(pattern, c));
}

function pubsubNumsub(ctx: CommandContext, args: string[]): Reply {
  const out: Reply[] = [];
  for (const channel of args.slice(2)) out.push(channel, ctx.server.pubsub.channels.get(channel)?.size ?? 0);
  return out;
}

function pubsubShardNumsub(ctx: CommandContext, args: string[]): Reply {
  return args.slice(2).flatMap((channel) => [channel, ctx.server.pubsub.shardChannels.get(channel)?.size ?? 0]);
}

function pubsubShardChannels(ctx: CommandContext, args: string[]): Reply {
  const pattern = args[2];
  const channels = [...ctx.server.pubsub.shardChannels.keys()];
  return pattern === undefined ? channels : channels.filter((c) => globMatch(pattern, c));
}

/** PUBSUB CHANNELS takes at most one pattern; Redis words the excess like an unknown subcommand. */
const tooMany = (args: string[]) => new ErrorReply(unknownSubcommandOrArity('PUBSUB', args[1]!));

const HELP = [
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
];

const SUBSCRIBE_FLAGS = ['pubsub', 'noscript', 'loading', 'stale'] as const;
const INTROSPECTION = ['pubsub', 'loading', 'stale'] as const;

export const pubsubCommands: CommandSpec[] = [
  command('subscribe', -2, SUBSCRIBE_FLAGS, subscribe, undefined, { summary: 'Listen for messages published to the given channels' }),
  command('unsubscribe', -1, SUBSCRIBE_FLAGS, (ctx, args) => unsubscribeGeneric(ctx, args, false), undefined, {
    summary: 'Stop listening for messages posted to the given channels',
  }),
  command('psubscribe', -2, SUBSCRIBE_FLAGS, psubscribe, undefined, {
    summary: 'Listen for messages published to channels matching the given patterns',
  }),
  command('punsubscribe', -1, SUBSCRIBE_FLAGS, (ctx, args) => unsubscribeGeneric(ctx, args, true), undefined, {
    summary: 'Stop listening for messages posted to channels matching the given patterns',
  }),
  command('publish', 3, ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'], publish, undefined, {
    summary: 'Post a message to a channel',
  }),
  command('pubsub', -2, [], () => null, undefined, {
    summary: 'A container for Pub/Sub commands',
    subcommands: [
      command('channels', -2, INTROSPECTION, (ctx, args) => (args.length > 3 ? tooMany(args) : pubsubChannels(ctx, args)), undefined, {
        summary: 'List active channels',
      }),
      command('numsub', -2, INTROSPECTION, pubsubNumsub, undefined, { summary: 'Get the count of subscribers for channels' }),
      command('numpat', 2, INTROSPECTION, (ctx) => ctx.server.pubsub.patterns.size, undefined, {
        summary: 'Get the count of unique patterns pattern subscriptions',
      }),
      command('shardchannels', -2, INTROSPECTION, (ctx, args) => (args.length > 3 ? tooMany(args) : pubsubShardChannels(ctx, args)), undefined, {
        summary: 'List active shard channels',
      }),
      command('shardnumsub', -2, INTROSPECTION, pubsubShardNumsub, undefined, {
        summary: 'Get the count of subscribers for shard channels',
      }),
      command('help', 2, ['loading', 'stale'], () => helpReply('PUBSUB', HELP), undefined, {
        summary: 'Show helpful text about the different subcommands',
      }),
    ],
  }),
];
