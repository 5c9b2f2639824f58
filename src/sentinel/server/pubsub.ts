// The sentinel's own pub/sub: clients SUBSCRIBE to event channels (`+switch-master`, ...) or
// PSUBSCRIBE to patterns (`*`), and every event is published here with Redis's message shapes.

import { globMatch } from '../../shared/glob.js';
import { PushReply, type Reply } from '../../shared/resp/reply.js';

export interface Subscriber {
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  push(reply: Reply): void;
}

export class PubSubHub {
  private readonly channels = new Map<string, Set<Subscriber>>();
  private readonly patterns = new Map<string, Set<Subscriber>>();

  subscribe(client: Subscriber, channel: string): void {
    client.channels.add(channel);
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(client);
  }

  unsubscribe(client: Subscriber, channel: string): void {
    client.channels.delete(channel);
    const set = this.channels.get(channel);
    set?.delete(client);
    if (set?.size === 0) this.channels.delete(channel);
  }

  psubscribe(client: Subscriber, pattern: string): void {
    client.patterns.add(pattern);
    let set = this.patterns.get(pattern);
    if (!set) this.patterns.set(pattern, (set = new Set()));
    set.add(client);
  }

  punsubscribe(client: Subscriber, pattern: string): void {
    client.patterns.delete(pattern);
    const set = this.patterns.get(pattern);
    set?.delete(client);
    if (set?.size === 0) this.patterns.delete(pattern);
  }

  dropClient(client: Subscriber): void {
    for (const channel of [...client.channels]) this.unsubscribe(client, channel);
    for (const pattern of [...client.patterns]) this.punsubscribe(client, pattern);
  }

  /** Delivers to channel subscribers (`message`) and matching patterns (`pmessage`); returns receivers. */
  publish(channel: string, message: string): number {
    let receivers = 0;
    for (const client of this.channels.get(channel) ?? []) {
      client.push(new PushReply(['message', channel, message]));
      receivers++;
    }
    for (const [pattern, clients] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      for (const client of clients) {
        client.push(new PushReply(['pmessage', pattern, channel, message]));
        receivers++;
      }
    }
    return receivers;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  get patternCount(): number {
    return this.patterns.size;
  }
}
