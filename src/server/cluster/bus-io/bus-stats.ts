// Owns the cluster bus counters CLUSTER INFO prints: messages sent and received per type
// (stats_bus_messages_sent/received in cluster.c) and the links freed for exceeding
// cluster-link-sendbuf-limit (stat_cluster_links_buffer_limit_exceeded).

import { MessageType } from '../bus/messages.js';

/** clusterGetMessageTypeString: the names in `cluster_stats_messages_<name>_sent`. */
const TYPE_NAMES: Record<number, string> = {
  [MessageType.Ping]: 'ping',
  [MessageType.Pong]: 'pong',
  [MessageType.Meet]: 'meet',
  [MessageType.Fail]: 'fail',
  [MessageType.Publish]: 'publish',
  [MessageType.PublishShard]: 'publishshard',
  [MessageType.FailoverAuthRequest]: 'auth-req',
  [MessageType.FailoverAuthAck]: 'auth-ack',
  [MessageType.Update]: 'update',
  [MessageType.MfStart]: 'mfstart',
  [MessageType.Module]: 'module',
};

/** CLUSTERMSG_TYPE_COUNT: types at or above it are not counted. */
export const MESSAGE_TYPE_COUNT = 11;

export function messageTypeName(type: number): string {
  return TYPE_NAMES[type] ?? 'unknown';
}

export class BusStats {
  readonly sent: number[] = new Array<number>(MESSAGE_TYPE_COUNT).fill(0);
  readonly received: number[] = new Array<number>(MESSAGE_TYPE_COUNT).fill(0);
  linksBufferLimitExceeded = 0;

  countSent(type: number): void {
    if (type < MESSAGE_TYPE_COUNT) this.sent[type]!++;
  }

  countReceived(type: number): void {
    if (type < MESSAGE_TYPE_COUNT) this.received[type]!++;
  }

  /**
   * The tail of CLUSTER INFO as clusterCommand prints it: the non-zero per-type counters in type
   * order, each direction's total, then the buffer-limit counter (lines without their CRLF).
   */
  infoLines(): string[] {
    const lines: string[] = [];
    for (const [direction, counts] of [['sent', this.sent], ['received', this.received]] as const) {
      let total = 0;
      counts.forEach((count, type) => {
        if (count === 0) return;
        total += count;
        lines.push(`cluster_stats_messages_${messageTypeName(type)}_${direction}:${count}`);
      });
      lines.push(`cluster_stats_messages_${direction}:${total}`);
    }
    lines.push(`total_cluster_links_buffer_limit_exceeded:${this.linksBufferLimitExceeded}`);
    return lines;
  }
}
