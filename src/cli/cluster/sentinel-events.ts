// The sentinels' own event stream during a `failover`: each sentinel publishes +try-failover,
// +elected-leader, +promoted-slave, +switch-master, ... on its pub/sub (a channel named after the
// event, message = the details), as redis-sentinel does. Recorded from every sentinel at once and
// merged into one timeline: an event several sentinels report (same name and details) is one line.

import type { Redis } from 'ioredis';
import { connectClient } from '../probe/client.js';
import type { SentinelRecord } from '../state/run-state.js';

export interface SentinelEvent {
  /** Milliseconds since the failover began, when the first sentinel reported it. */
  atMs: number;
  event: string;
  detail: string;
  /** The sentinels that reported it, in order. */
  sentinels: string[];
}

export interface EventRecorder {
  /** Stops listening; returns the timeline so far. */
  stop(): SentinelEvent[];
}

/**
 * Subscribes (PSUBSCRIBE *) to every sentinel that answers; hello messages are not events. A sentinel
 * whose connection drops (killed and started again by a crash drill) is subscribed to again every
 * 300 ms until it answers or the recorder stops.
 */
export async function recordSentinelEvents(sentinels: SentinelRecord[], begin: number): Promise<EventRecorder> {
  const timeline: SentinelEvent[] = [];
  const clients = new Set<Redis>();
  let stopped = false;
  /** True once subscribed; a client that fails is closed again. */
  const subscribe = async (record: SentinelRecord): Promise<boolean> => {
    const client = connectClient(record.port, { timeoutMs: 500 });
    clients.add(client);
    client.on('pmessage', (_pattern: string, channel: string, message: string) => {
      if (channel.startsWith('__sentinel__:')) return;
      const seen = timeline.find((entry) => entry.event === channel && entry.detail === message);
      if (seen) seen.sentinels.push(record.name);
      else timeline.push({ atMs: Date.now() - begin, event: channel, detail: message, sentinels: [record.name] });
    });
    let subscribed = false;
    client.once('end', () => {
      clients.delete(client);
      if (subscribed && !stopped) setTimeout(() => void resubscribe(record), 300);
    });
    try {
      await client.connect();
      await client.psubscribe('*');
      subscribed = true;
    } catch {
      // A sentinel that does not answer contributes no events; the failover itself reports it.
      client.disconnect();
    }
    return subscribed;
  };
  const resubscribe = async (record: SentinelRecord): Promise<void> => {
    while (!stopped && !(await subscribe(record))) await new Promise((resolve) => setTimeout(resolve, 300));
  };
  await Promise.all(sentinels.map((record) => subscribe(record)));
  return {
    stop() {
      stopped = true;
      for (const client of clients) client.disconnect();
      return timeline;
    },
  };
}
