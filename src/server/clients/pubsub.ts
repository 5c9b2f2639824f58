// Channel and pattern subscriptions and message delivery (Redis pubsub.c): RESP2 clients get
// arrays, RESP3 clients get push frames.

import { PushReply } from '../../shared/resp/reply.js';
import { globMatch } from '../../shared/glob.js';
import type { Client } from './client.js';

export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();

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
