// Channel and pattern subscriptions and message delivery (Redis pubsub.c): RESP2 clients get
// arrays, RESP3 clients get push frames.

import { PushReply } from '../../shared/resp/reply.js';
import { globMatch } from '../../shared/glob.js';
import type { Client } from './client.js';

export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();
  /** Shard channels (SSUBSCRIBE / SPUBLISH, Redis 7.0 pubsubshard_channels): no patterns for them. */
  readonly shardChannels = new Map<string, Set<Client>>();
  /**
   * Set in cluster mode (cluster/bus-io/bus-install.ts): a PUBLISH here goes to every other node
   * over the cluster bus (SPUBLISH, sharded, to our shard's nodes) instead of to our replicas
   * through the replication stream, as pubsubPublishMessageAndPropagateToCluster does.
   */
  clusterPropagate: ((channel: string, message: string, sharded: boolean) => void) | undefined;
  /**
   * The `notify-keyspace-events` classes, parsed (keyspace/keyspace-events.ts keeps it current):
   * every write tests it before building a notification, so 0 costs one integer test.
   */
  keyspaceEvents = 0;

  subscribe(client: Client, channel: string): boolean {
    if (client.channels.has(channel)) return false;
    client.channels.add(channel);
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(client);
    return true;
  }

  unsubscribe(client: Client, channel: string): boolean {
    if (!client.channels.delete(channel)) return false;
    const set = this.channels.get(channel);
    set?.delete(client);
    if (set && set.size === 0) this.channels.delete(channel);
    return true;
  }

  psubscribe(client: Client, pattern: string): boolean {
    if (client.patterns.has(pattern)) return false;
    client.patterns.add(pattern);
    let set = this.patterns.get(pattern);
    if (!set) this.patterns.set(pattern, (set = new Set()));
    set.add(client);
    return true;
  }

  punsubscribe(client: Client, pattern: string): boolean {
    if (!client.patterns.delete(pattern)) return false;
    const set = this.patterns.get(pattern);
    set?.delete(client);
    if (set && set.size === 0) this.patterns.delete(pattern);
    return true;
  }

  unsubscribeAll(client: Client): void {
    for (const channel of [...client.channels]) this.unsubscribe(client, channel);
    for (const pattern of [...client.patterns]) this.punsubscribe(client, pattern);
    for (const channel of [...client.shardChannels]) this.sunsubscribe(client, channel);
  }

  ssubscribe(client: Client, channel: string): boolean {
    if (client.shardChannels.has(channel)) return false;
    client.shardChannels.add(channel);
    let set = this.shardChannels.get(channel);
    if (!set) this.shardChannels.set(channel, (set = new Set()));
    set.add(client);
    return true;
  }

  sunsubscribe(client: Client, channel: string): boolean {
    if (!client.shardChannels.delete(channel)) return false;
    const set = this.shardChannels.get(channel);
    set?.delete(client);
    if (set && set.size === 0) this.shardChannels.delete(channel);
    return true;
  }

  /** Delivers a shard message (`smessage`); returns the number of receivers (SPUBLISH's reply). */
  publishShard(channel: string, message: string): number {
    const clients = this.shardChannels.get(channel);
    if (!clients) return 0;
    for (const client of clients) client.sink.push(new PushReply(['smessage', channel, message]));
    return clients.size;
  }

  /**
   * Unsubscribes every client from the shard channels `drop` selects, telling each with a
   * `sunsubscribe` frame (Redis pubsubShardUnsubscribeAllClients: the node lost the channel's slot).
   */
  dropShardChannels(drop: (channel: string) => boolean): void {
    for (const [channel, clients] of [...this.shardChannels]) {
      if (!drop(channel)) continue;
      for (const client of clients) {
        client.shardChannels.delete(channel);
        client.sink.push(new PushReply(['sunsubscribe', channel, client.shardChannels.size]));
      }
      this.shardChannels.delete(channel);
    }
  }

  /** Delivers a message; returns the number of clients that received it (PUBLISH's reply). */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const direct = this.channels.get(channel);
    if (direct) {
      for (const client of direct) {
        client.sink.push(new PushReply(['message', channel, message]));
        receivers++;
      }
    }
    for (const [pattern, clients] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      for (const client of clients) {
        client.sink.push(new PushReply(['pmessage', pattern, channel, message]));
        receivers++;
      }
    }
    return receivers;
  }
}
