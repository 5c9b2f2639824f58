// Synchronous acknowledgement (clusterctl's `sync-replicas N` / `sync-replicas-timeout MS`): the
// reply to a write is held until N replicas ACKed the client's offset, so an OK means N replicas
// hold the write; a timeout answers an UNKNOWN error (the write may or may not survive a failover).
// It is the request path's `sync-replicas` reply policy.

import { ErrorReply, type NoReply, type Reply } from '../../shared/resp/reply.js';
import type { Client } from '../clients/client.js';
import type { Server } from '../server.js';
import type { Replication } from '../replication/replication.js';
import type { ReplyPolicy } from '../request/request-path.js';
import { neverHeld } from './request-steps.js';

/** Error prefix of a write whose outcome is unknown (documented in docs: not a failure, not an OK). */
export const UNKNOWN_PREFIX = 'UNKNOWN';

export function unknownOutcome(needed: number, timeoutMs: number): ErrorReply {
  return new ErrorReply(
    `${UNKNOWN_PREFIX} write not acknowledged by ${needed} replica(s) within ${timeoutMs} ms: it may or may not survive a failover`,
  );
}

/** Claims a write's reply while `sync-replicas` is set; the confirmed-replies policy decides otherwise. */
export function syncReplicasPolicy(server: Server, replication: Replication): ReplyPolicy {
  return (client, reply) => {
    if (server.config.num('sync-replicas') === 0) return undefined;
    return neverHeld(client) ? reply : hold(server, replication, client, reply);
  };
}

function hold(server: Server, replication: Replication, client: Client, reply: Reply): Reply | NoReply {
  const needed = server.config.num('sync-replicas');
  // Only a master's own clients wait.
  if (server.isReplica) return reply;
  const offset = client.lastWriteOffset;
  if (replication.countAcked(offset) >= needed) return acknowledged(replication, offset, reply);
  const timeoutMs = server.config.num('sync-replicas-timeout');
  // The client waits as in WAIT: its pipelined commands stay behind this reply, so order is kept.
  return replication.awaitAcks(client, offset, needed, timeoutMs, (count) =>
    count >= needed ? acknowledged(replication, offset, reply) : unknownOutcome(needed, timeoutMs),
  );
}

function acknowledged(replication: Replication, offset: number, reply: Reply): Reply {
  if (offset > replication.ackedWriteOffset) replication.ackedWriteOffset = offset;
  return reply;
}
